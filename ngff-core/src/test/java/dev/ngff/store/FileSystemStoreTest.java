package dev.ngff.store;

import dev.ngff.buffer.Bytes;
import dev.ngff.error.StoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link FileSystemStore}: the store contract over files written directly (as other tools would), plus
 * confinement, temp files, directory pruning and large files. Symbolic links: reads and listings follow
 * links whose targets lie inside the root, refuse (reads) or leave out (listings) links out of the root
 * unless the options allow them; writes and deletes refuse to pass through a linked directory and
 * replace a link at the key.
 */
class FileSystemStoreTest extends StoreContract {

    @TempDir
    Path dir;

    private Path root() throws IOException {
        return Files.createDirectories(dir.resolve("store"));
    }

    @Override
    protected Store createStore(Map<Key, byte[]> contents) throws IOException {
        Path root = root();
        for (Map.Entry<Key, byte[]> e : contents.entrySet()) {
            Path file = root.resolve(e.getKey().path());
            Files.createDirectories(file.getParent());
            Files.write(file, e.getValue());
        }
        return FileSystemStore.open(root);
    }

    private static Bytes value(String s) {
        return Bytes.wrap(bytes(s));
    }

    private static void symlink(Path link, Path target) throws IOException {
        try {
            Files.createSymbolicLink(link, target);
        } catch (UnsupportedOperationException | IOException e) {
            dev.ngff.testing.Requirements.require("symlink test", "symbolic links unavailable on this file system: " + e);
        }
    }

    private static List<Path> tree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> !p.equals(root)).toList();
        }
    }

    // ---------------------------------------------------------------- confinement

    @Test
    void keysThatCouldEscapeAreRejectedByKey() {
        for (String bad : List.of("../x", "a/../../x", "/etc/passwd", "a/./b", "a\\..\\x", "a//b", "a/", "nul\0byte")) {
            assertThatThrownBy(() -> Key.of(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void writesRefuseToPassThroughALinkedDirectory() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path root = root();
        symlink(root.resolve("link"), outside);
        FileSystemStore s = FileSystemStore.open(root);

        assertThatThrownBy(() -> s.write(Key.of("link/x"), value("escaped")))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(s.describe()).hasMessageContaining("link/x").hasMessageContaining("symbolic link");
        assertThatThrownBy(() -> s.write(Key.of("link/new/deeper/x"), value("escaped")))
                .isInstanceOf(StoreException.class);
        assertThat(tree(outside)).isEmpty();
    }

    @Test
    void deletesRefuseToPassThroughALinkedDirectory() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("victim"), "keep me");
        Path root = root();
        symlink(root.resolve("link"), outside);
        FileSystemStore s = FileSystemStore.open(root);

        assertThatThrownBy(() -> s.delete(Key.of("link/victim"))).isInstanceOf(StoreException.class);
        assertThat(outside.resolve("victim")).hasContent("keep me");
    }

    @Test
    void aLinkAtTheKeyIsReplacedNotWrittenThrough() throws Exception {
        Path target = Files.writeString(Files.createDirectories(dir.resolve("outside")).resolve("target"), "outside");
        Path root = root();
        symlink(root.resolve("k"), target);
        FileSystemStore s = FileSystemStore.open(root);

        FileSystemStore following = new FileSystemStore(root, FileSystemStore.Options.defaults().withFollowLinksOutOfRoot(true));
        assertThat(content(following.read(Key.of("k")))).isEqualTo(bytes("outside"));
        s.write(Key.of("k"), value("inside"));
        assertThat(target).hasContent("outside");
        assertThat(Files.isSymbolicLink(root.resolve("k"))).isFalse();
        assertThat(content(s.read(Key.of("k")))).isEqualTo(bytes("inside"));
        s.delete(Key.of("k"));
        assertThat(target).hasContent("outside");
    }

    @Test
    void aChunkLinkedOutOfTheRootIsRefusedWithoutShowingItsBytes() throws Exception {
        Path secret = Files.writeString(Files.createDirectories(dir.resolve("outside")).resolve("passwd"), "SECRET:x:0:0");
        Path root = root();
        Files.createDirectories(root.resolve("a/c"));
        Files.writeString(root.resolve("a/c/1"), "ok");
        symlink(root.resolve("a/c/0"), secret);
        FileSystemStore s = FileSystemStore.open(root);
        Key k = Key.of("a/c/0");

        for (org.assertj.core.api.ThrowableAssert.ThrowingCallable call : List.<org.assertj.core.api.ThrowableAssert.ThrowingCallable>of(
                () -> s.read(k), () -> s.read(k, ByteRange.of(0, 4)), () -> s.readInto(k, java.lang.foreign.MemorySegment.ofArray(new byte[12])),
                () -> s.size(k), () -> s.version(k), () -> s.exists(k))) {
            assertThatThrownBy(call).isInstanceOf(StoreException.class)
                    .hasMessageContaining(s.describe()).hasMessageContaining("'a/c/0'").hasMessageContaining("refused").hasMessageContaining("outside the store's root")
                    .hasMessageNotContaining("SECRET").hasMessageNotContaining("\n").hasMessageNotContaining(secret.toString());
        }
        assertThat(s.list(Key.ROOT)).containsExactly(Key.of("a/c/1"));
        assertThat(s.listDir(Key.of("a/c")).objects()).containsExactly(Key.of("a/c/1"));
        assertThat(content(s.read(Key.of("a/c/1")))).isEqualTo(bytes("ok"));
    }

    @Test
    void aDirectoryLinkedOutOfTheRootIsNoPartOfTheStore() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("f"), "linked");
        Path root = root();
        symlink(root.resolve("linked"), outside);
        FileSystemStore s = FileSystemStore.open(root);

        assertThatThrownBy(() -> s.read(Key.of("linked/f"))).isInstanceOf(StoreException.class)
                .hasMessageContaining(s.describe()).hasMessageContaining("'linked/f'").hasMessageContaining("outside the store's root");
        assertThatThrownBy(() -> s.size(Key.of("linked/f"))).isInstanceOf(StoreException.class);
        assertThat(s.list(Key.ROOT)).isEmpty();
        assertThat(s.list(Key.of("linked"))).isEmpty();
        assertThat(s.listDir(Key.ROOT)).isEqualTo(new ListableStore.Listing(List.of(), List.of()));
        assertThat(s.listDir(Key.of("linked"))).isEqualTo(new ListableStore.Listing(List.of(), List.of()));
    }

    @Test
    void linksOutOfTheRootAreFollowedWhenTheOptionsAllowIt() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("f"), "linked");
        Path root = root();
        symlink(root.resolve("linked"), outside);
        symlink(root.resolve("file"), outside.resolve("f"));
        FileSystemStore s = new FileSystemStore(root, FileSystemStore.Options.defaults().withFollowLinksOutOfRoot(true));

        assertThat(s.options().followLinksOutOfRoot()).isTrue();
        assertThat(content(s.read(Key.of("linked/f")))).isEqualTo(bytes("linked"));
        assertThat(content(s.read(Key.of("file")))).isEqualTo(bytes("linked"));
        assertThat(s.size(Key.of("file"))).hasValue(6);
        assertThat(s.list(Key.ROOT)).containsExactly(Key.of("file"), Key.of("linked/f"));
        assertThat(s.listDir(Key.ROOT).prefixes()).containsExactly(Key.of("linked"));
    }

    @Test
    void linksInsideTheRootAreFollowed() throws Exception {
        Path root = root();
        Files.createDirectories(root.resolve("data/c"));
        Files.writeString(root.resolve("data/c/0"), "chunk");
        symlink(root.resolve("alias"), root.resolve("data"));
        symlink(root.resolve("data/c/1"), Path.of("0")); // relative, to a sibling
        FileSystemStore s = FileSystemStore.open(root);

        assertThat(content(s.read(Key.of("alias/c/0")))).isEqualTo(bytes("chunk"));
        assertThat(content(s.read(Key.of("data/c/1")))).isEqualTo(bytes("chunk"));
        assertThat(s.size(Key.of("alias/c/1"))).hasValue(5);
        assertThat(s.exists(Key.of("data/c/1"))).isTrue();
        assertThat(s.list(Key.ROOT)).containsExactly(Key.of("alias/c/0"), Key.of("alias/c/1"), Key.of("data/c/0"), Key.of("data/c/1"));
        assertThat(s.listDir(Key.ROOT).prefixes()).containsExactly(Key.of("alias"), Key.of("data"));
    }

    @Test
    void danglingLinksReadAsMissing() throws Exception {
        Path root = root();
        symlink(root.resolve("gone"), root.resolve("never-there"));
        FileSystemStore s = FileSystemStore.open(root);
        assertThat(s.read(Key.of("gone"))).isEmpty();
        assertThat(s.size(Key.of("gone"))).isEmpty();
        assertThat(s.exists(Key.of("gone"))).isFalse();
        assertThat(s.list(Key.ROOT)).isEmpty();
    }

    @Test
    void linkLoopsDoNotBreakListing() throws Exception {
        Path root = root();
        Files.createDirectories(root.resolve("a"));
        Files.writeString(root.resolve("a/f"), "x");
        symlink(root.resolve("a/loop"), root.resolve("a"));
        FileSystemStore s = FileSystemStore.open(root);
        assertThat(s.list(Key.ROOT)).contains(Key.of("a/f"));
    }

    @Test
    void resolvedPathsStayBelowTheRoot() throws Exception {
        FileSystemStore s = FileSystemStore.open(root());
        assertThat(s.path(Key.of("a/b/c"))).isEqualTo(s.root().resolve("a").resolve("b").resolve("c"));
        assertThat(s.path(Key.ROOT)).isEqualTo(s.root());
    }

    // ---------------------------------------------------------------- root

    @Test
    void rootIsCreatedOnFirstWrite() throws Exception {
        Path root = dir.resolve("not/yet");
        FileSystemStore s = FileSystemStore.open(root);
        assertThat(s.read(Key.of("k"))).isEmpty();
        assertThat(s.list(Key.ROOT)).isEmpty();
        assertThat(s.listDir(Key.ROOT)).isEqualTo(new ListableStore.Listing(List.of(), List.of()));
        s.write(Key.of("k"), value("v"));
        assertThat(root.resolve("k")).hasContent("v");
    }

    @Test
    void rootThatIsAFileIsRejected() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertThatThrownBy(() -> FileSystemStore.open(file))
                .isInstanceOf(StoreException.class).hasMessageContaining("file:" + file);
    }

    @Test
    void describeNamesTheRoot() throws Exception {
        Path root = root();
        assertThat(FileSystemStore.open(root).describe()).isEqualTo("file:" + root.toRealPath());
    }

    // ---------------------------------------------------------------- writes, temp files, pruning

    @Test
    void writesLeaveNoTempFiles() throws Exception {
        Store s = createStore(sample());
        for (int i = 0; i < 5; i++) {
            s.write(SMALL, value("v" + i));
        }
        assertThat(tree(root())).noneMatch(p -> p.getFileName().toString().startsWith(FileSystemStore.TEMP_PREFIX));
    }

    @Test
    void tempFilesAreInvisibleAndTheirNamesReserved() throws Exception {
        Store s = createStore(sample());
        Files.writeString(root().resolve("group/.tmp-abandoned"), "partial");
        assertThat(s.list(Key.ROOT)).noneMatch(k -> k.name().startsWith(".tmp-"));
        assertThat(s.listDir(Key.of("group")).objects()).noneMatch(k -> k.name().startsWith(".tmp-"));
        assertThatThrownBy(() -> s.write(Key.of("group/.tmp-mine"), value("x"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deletePrefixAlsoRemovesTempFilesOfInterruptedWrites() throws Exception {
        Store s = createStore(sample());
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Files.writeString(root().resolve("group/.tmp-abandoned"), "partial");
        Files.writeString(root().resolve(".tmp-" + dead.pid() + "-killed"), "partial");
        Path live = root().resolve("group/.tmp-" + ProcessHandle.current().pid() + "-inflight");
        Files.writeString(live, "partial");
        s.deletePrefix(Key.ROOT);
        assertThat(s.list(Key.ROOT)).isEmpty();
        assertThat(tree(root()).stream().filter(Files::isRegularFile).toList())
                .as("files left below the root: only the temp file of a live writer").containsExactly(live);
    }

    @Test
    void anUploadWritesATempFileBesideItsTargetAndHoldsNothing() throws Exception {
        FileSystemStore s = new FileSystemStore(root(), new FileSystemStore.Options(true));
        assertThat(s.uploadPartSize()).as("shards stream on a file system").isPresent();
        byte[] big = random(3_000_001, 11);
        Key k = Key.of("array/c/0/0");
        try (ObjectUpload u = s.openUpload(k)) {
            assertThat(Files.exists(root().resolve("array"))).as("opening writes nothing").isFalse();
            u.append(Bytes.wrap(big).slice(0, 1_000_000));
            u.append(Bytes.wrap(big).slice(1_000_000, 2_000_001));
            assertThat(u.heldBytes()).as("appended bytes are on disk").isZero();
            List<Path> temps = tree(root()).stream()
                    .filter(p -> p.getFileName().toString().startsWith(FileSystemStore.TEMP_PREFIX)).toList();
            assertThat(temps).hasSize(1);
            assertThat(temps.getFirst().getParent()).isEqualTo(root().resolve("array/c/0"));
            assertThat(Files.size(temps.getFirst())).isEqualTo(big.length);
            assertThat(s.list(Key.ROOT)).as("invisible before commit").isEmpty();
            u.commit();
        }
        assertThat(content(s.read(k))).isEqualTo(big);
        assertThat(tree(root())).noneMatch(p -> p.getFileName().toString().startsWith(FileSystemStore.TEMP_PREFIX));
        try (ObjectUpload u = s.openUpload(k)) {
            u.append(value("replaced?"));
            u.abort();
        }
        assertThat(content(s.read(k))).as("an aborted upload leaves the object as it was").isEqualTo(big);
        assertThat(tree(root())).noneMatch(p -> p.getFileName().toString().startsWith(FileSystemStore.TEMP_PREFIX));
    }

    @Test
    void aKilledUploadLeavesOnlyATempFileThatAbortUnfinishedUploadsRemoves() throws Exception {
        FileSystemStore s = (FileSystemStore) createStore(sample());
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), FileUploadMain.class.getName(),
                root().toString(), "killed/c/0/0");
        Process child = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream()))) {
            assertThat(out.readLine()).isEqualTo("appended");
        } finally {
            child.destroyForcibly(); // SIGKILL mid-upload
            child.waitFor();
        }
        List<Path> left = tree(root()).stream()
                .filter(p -> p.getFileName().toString().startsWith(FileSystemStore.TEMP_PREFIX)).toList();
        assertThat(left).as("the killed upload's temp file").hasSize(1);
        assertThat(Files.size(left.getFirst())).isEqualTo(3L << 20);
        assertThat(s.list(Key.ROOT)).as("only the objects written before").containsExactlyInAnyOrderElementsOf(sample().keySet());

        // a live upload of this process stays; so do temp files that the caller keeps
        try (ObjectUpload mine = s.openUpload(Key.of("mine/c/0"))) {
            mine.append(value("in flight"));
            assertThat(s.abortUnfinishedUploads(Key.of("mine"), k -> true)).as("nothing of a gone writer there").isZero();
            assertThat(s.abortUnfinishedUploads(Key.ROOT, k -> !k.startsWith(Key.of("killed")))).isZero();
            assertThat(s.abortUnfinishedUploads(Key.ROOT, k -> true)).isEqualTo(1);
            assertThat(left.getFirst()).doesNotExist();
            mine.commit();
        }
        assertThat(content(s.read(Key.of("mine/c/0")))).isEqualTo(bytes("in flight"));
        assertThat(tree(root())).noneMatch(p -> p.getFileName().toString().startsWith(FileSystemStore.TEMP_PREFIX));
        assertThat(s.list(Key.ROOT)).hasSize(sample().size() + 1);
    }

    @Test
    void deletePrunesEmptyDirectoriesButKeepsTheRoot() throws Exception {
        Path root = root();
        Store s = FileSystemStore.open(root);
        s.write(Key.of("a/b/c/d"), value("x"));
        s.write(Key.of("a/keep"), value("y"));
        s.delete(Key.of("a/b/c/d"));
        assertThat(tree(root)).containsExactlyInAnyOrder(root.resolve("a"), root.resolve("a/keep"));
        s.delete(Key.of("a/keep"));
        assertThat(root).isEmptyDirectory();
    }

    @Test
    void writeWithFsync() throws Exception {
        FileSystemStore s = new FileSystemStore(root(), new FileSystemStore.Options(true));
        s.write(Key.of("durable/k"), value("synced"));
        assertThat(content(s.read(Key.of("durable/k")))).isEqualTo(bytes("synced"));
        assertThat(s.options().fsync()).isTrue();
    }

    @Test
    void writeBelowAnObjectFailsNamingStoreAndKey() throws Exception {
        Store s = createStore(sample());
        Key below = SMALL.resolve("x");
        assertThatThrownBy(() -> s.write(below, value("x")))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(s.describe()).hasMessageContaining(below.path());
    }

    @Test
    void writeOverADirectoryFailsNamingStoreAndKey() throws Exception {
        Store s = createStore(sample());
        assertThatThrownBy(() -> s.write(Key.of("group/array"), value("x")))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(s.describe()).hasMessageContaining("group/array");
        assertThat(content(s.read(SMALL))).isEqualTo(SMALL_BYTES);
    }

    @Test
    void filesWhoseNamesAreNoKeysAreNotListed() throws Exception {
        Path root = root();
        Files.writeString(root.resolve("back\\slash"), "x");
        Files.writeString(root.resolve("ok"), "y");
        FileSystemStore s = FileSystemStore.open(root);
        assertThat(s.list(Key.ROOT)).containsExactly(Key.of("ok"));
        assertThat(s.listDir(Key.ROOT).objects()).containsExactly(Key.of("ok"));
    }

    // ---------------------------------------------------------------- conditional writes

    @Test
    void twoStoresOverOneRootShareTheConditionalLock() throws Exception {
        Path root = root();
        FileSystemStore a = FileSystemStore.open(root);
        FileSystemStore b = new FileSystemStore(dir.resolve("store/../store"), new FileSystemStore.Options(true));
        Key k = Key.of("counter");
        a.writeIfAbsent(k, value("0")).orElseThrow();
        List<java.util.concurrent.Callable<Void>> tasks = new java.util.ArrayList<>();
        for (FileSystemStore s : List.of(a, b, a, b)) {
            tasks.add(() -> {
                for (int done = 0; done < 25; ) {
                    String v = s.version(k).orElseThrow();
                    long n = Long.parseLong(new String(content(s.read(k)), java.nio.charset.StandardCharsets.US_ASCII));
                    if (s.writeIfVersion(k, value(Long.toString(n + 1)), v).isPresent()) {
                        done++;
                    }
                }
                return null;
            });
        }
        runAll(tasks);
        assertThat(content(a.read(k))).isEqualTo(bytes("100"));
    }

    @Test
    void theLockFileIsNeverListedAndItsNameIsReserved() throws Exception {
        Path root = root();
        FileSystemStore s = new FileSystemStore(root, new FileSystemStore.Options(true));
        String v = s.writeIfAbsent(Key.of("a/lock"), value("held")).orElseThrow();
        assertThat(s.deleteIfVersion(Key.of("a/lock"), v)).isTrue();
        assertThat(root.resolve(FileSystemStore.LOCK_FILE_NAME)).exists();
        assertThat(s.list(Key.ROOT)).isEmpty();
        assertThat(s.listDir(Key.ROOT)).isEqualTo(new ListableStore.Listing(List.of(), List.of()));
        assertThat(tree(root)).containsExactly(root.resolve(FileSystemStore.LOCK_FILE_NAME));
        assertThatThrownBy(() -> s.write(Key.of(FileSystemStore.LOCK_FILE_NAME), value("x")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void conditionalWritesOverAPrefixOrThroughALinkFailNamingStoreAndKey() throws Exception {
        Store s = createStore(sample());
        assertThatThrownBy(() -> s.writeIfAbsent(Key.of("group/array"), value("x")))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(s.describe()).hasMessageContaining("group/array");
        assertThat(s.writeIfVersion(Key.of("group/array"), value("x"), "v")).isEmpty();
        assertThat(s.deleteIfVersion(Key.of("group/array"), "v")).isFalse();
        Path outside = Files.createDirectories(dir.resolve("outside"));
        symlink(root().resolve("link"), outside);
        assertThatThrownBy(() -> s.writeIfAbsent(Key.of("link/x"), value("escaped")))
                .isInstanceOf(StoreException.class).hasMessageContaining("link/x");
        assertThat(tree(outside)).isEmpty();
    }

    @Test
    void versionsOfAFileWrittenByAnotherToolChangeWhenItIsRewritten() throws Exception {
        Path root = root();
        FileSystemStore s = FileSystemStore.open(root);
        Files.writeString(root.resolve("k"), "same");
        String v1 = s.version(Key.of("k")).orElseThrow();
        Files.writeString(root.resolve("k"), "same"); // in place: same inode and size, later change time
        assertThat(s.version(Key.of("k"))).isPresent().get().isNotEqualTo(v1);
    }

    // ---------------------------------------------------------------- large files

    @Test
    void readsAboveTwoGibibytesAreMapped() throws Exception {
        Path root = root();
        long size = (1L << 31) + 10;
        try (RandomAccessFile f = new RandomAccessFile(root.resolve("huge").toFile(), "rw")) {
            f.setLength(size); // sparse: takes no disk space
            f.seek(size - 1);
            f.write(7);
            f.seek(5);
            f.write(3);
        }
        FileSystemStore s = FileSystemStore.open(root);
        Bytes whole = s.read(Key.of("huge")).orElseThrow();
        assertThat(whole.size()).isEqualTo(size);
        assertThat(whole.get(size - 1)).isEqualTo((byte) 7);
        assertThat(whole.get(5)).isEqualTo((byte) 3);
        Bytes tail = s.read(Key.of("huge"), ByteRange.from(5)).orElseThrow();
        assertThat(tail.size()).isEqualTo(size - 5);
        assertThat(tail.get(0)).isEqualTo((byte) 3);
        assertThat(s.read(Key.of("huge"), ByteRange.suffix(2)).orElseThrow().toArray()).containsExactly(0, 7);
    }

    @Test
    void readIntoLargeHeapAndOffHeapDestinations(@TempDir java.nio.file.Path dir) throws Exception {
        // 3 MiB: heap destinations of 1 MiB or more are filled from a mapping, off-heap ones by positional reads
        byte[] data = new byte[3 << 20];
        new java.util.Random(3).nextBytes(data);
        FileSystemStore s = FileSystemStore.open(dir);
        Key k = Key.of("a/c/0");
        s.write(k, dev.ngff.buffer.Bytes.wrap(data));
        for (java.lang.foreign.MemorySegment dest : java.util.List.of(java.lang.foreign.MemorySegment.ofArray(new byte[data.length]),
                java.lang.foreign.Arena.ofAuto().allocate(data.length))) {
            assertThat(s.readInto(k, dest)).isEqualTo(data.length);
            assertThat(dest.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)).as(dest.isNative() ? "off-heap" : "heap")
                    .isEqualTo(data);
        }
    }

    @Test
    void rangesOfAMebibyteOrMoreReadTheSameBytesAtAnyOffset(@TempDir java.nio.file.Path dir) throws Exception {
        // ranges from 1 MiB on are mapped and copied (the start need not be page-aligned), shorter ones read
        byte[] data = new byte[3 << 20];
        new java.util.Random(11).nextBytes(data);
        FileSystemStore s = FileSystemStore.open(dir);
        Key k = Key.of("c/0/0");
        s.write(k, Bytes.wrap(data));
        long mib = FileSystemStore.MAP_COPY_THRESHOLD;
        long[][] ranges = {{0, data.length}, {4097, mib}, {12345, mib - 1}, {1, 2 * mib + 7}, {data.length - mib, mib}};
        for (long[] r : ranges) {
            Bytes got = s.read(k, ByteRange.of(r[0], r[1])).orElseThrow();
            assertThat(got.toArray()).as("bytes=%d+%d", r[0], r[1])
                    .isEqualTo(java.util.Arrays.copyOfRange(data, (int) r[0], (int) (r[0] + r[1])));
        }
        assertThat(s.read(k, ByteRange.suffix(mib + 3)).orElseThrow().toArray())
                .isEqualTo(java.util.Arrays.copyOfRange(data, (int) (data.length - mib - 3), data.length));
        assertThat(s.readRanges(k, List.of(ByteRange.of(5, mib), ByteRange.of(2 * mib, mib))).orElseThrow().get(1).toArray())
                .isEqualTo(java.util.Arrays.copyOfRange(data, (int) (2 * mib), (int) (3 * mib)));
    }
}
