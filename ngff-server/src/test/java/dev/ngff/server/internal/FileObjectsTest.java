package dev.ngff.server.internal;

import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every way a file can be replaced under a served path is seen by the next open, with either check of the cached
 * open files: an {@code fstat} of our descriptor ("descriptor") or an {@code lstat} of the path ("path"). The
 * replacements keep size and modification time equal to the old file's wherever they can, so that only the
 * identity of the file (link count, inode, change time) can tell them apart.
 */
class FileObjectsTest {
    private static final Key KEY = Key.of("arr/c/0/0");

    @TempDir
    Path dir;

    private FileObjects objects(boolean descriptors) throws IOException {
        return objects(descriptors, OpenFiles.PATH_CHECK_NANOS);
    }

    private FileObjects objects(boolean descriptors, long pathCheckNanos) throws IOException {
        Files.createDirectories(dir.resolve("root/arr/c/0"));
        FileObjects o = new FileObjects(FileSystemStore.open(dir.resolve("root")), descriptors, pathCheckNanos);
        boolean linux = System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux");
        boolean knownArch = Arrays.asList("amd64", "x86_64", "aarch64").contains(System.getProperty("os.arch"));
        if (descriptors && linux && knownArch) {
            assertThat(o.fileCheck()).as("descriptors must work here: %s", NativeFiles.unavailabilityCause())
                    .isEqualTo("descriptor");
        }
        return o;
    }

    private Path file() {
        return dir.resolve("root").resolve(KEY.toString());
    }

    /** Writes {@code size} bytes of {@code fill} to a temp file beside the chunk, with the given modification time. */
    private Path staged(byte fill, int size, FileTime mtime) throws IOException {
        byte[] b = new byte[size];
        Arrays.fill(b, fill);
        Path tmp = file().resolveSibling(".tmp-" + fill);
        Files.write(tmp, b);
        Files.setLastModifiedTime(tmp, mtime);
        return tmp;
    }

    /** The bytes served for the chunk now, or empty when it is not served. */
    private static Optional<byte[]> served(FileObjects o) throws IOException {
        Optional<ServedObject> opened = o.open(KEY);
        if (opened.isEmpty()) {
            return Optional.empty();
        }
        try (ServedObject obj = opened.get()) {
            return Optional.of(obj.read(0, obj.length()).toArray());
        }
    }

    private static byte[] filled(byte fill, int size) {
        byte[] b = new byte[size];
        Arrays.fill(b, fill);
        return b;
    }

    private static final FileTime T = FileTime.fromMillis(1_700_000_000_000L);

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aRenameOverThePathIsSeenAtOnce(boolean descriptors) throws IOException {
        try (FileObjects o = objects(descriptors)) {
            Files.move(staged((byte) 1, 4096, T), file(), StandardCopyOption.ATOMIC_MOVE);
            assertThat(served(o)).contains(filled((byte) 1, 4096));
            assertThat(served(o)).as("cached").contains(filled((byte) 1, 4096));
            Files.move(staged((byte) 2, 4096, T), file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            assertThat(served(o)).contains(filled((byte) 2, 4096));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aFileMovedAwayAndANewOneInItsPlaceIsSeenAtOnce(boolean descriptors) throws IOException {
        try (FileObjects o = objects(descriptors)) {
            Files.move(staged((byte) 1, 4096, T), file(), StandardCopyOption.ATOMIC_MOVE);
            assertThat(served(o)).contains(filled((byte) 1, 4096));
            // the old file keeps its one link, size and times: only its change time (moved by the rename) tells
            Files.move(file(), file().resolveSibling(".old"), StandardCopyOption.ATOMIC_MOVE);
            Files.move(staged((byte) 2, 4096, T), file(), StandardCopyOption.ATOMIC_MOVE);
            assertThat(served(o)).contains(filled((byte) 2, 4096));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aDeleteIsSeenAtOnceAndARecreatedFileServed(boolean descriptors) throws IOException {
        try (FileObjects o = objects(descriptors)) {
            Files.move(staged((byte) 1, 100, T), file(), StandardCopyOption.ATOMIC_MOVE);
            assertThat(served(o)).contains(filled((byte) 1, 100));
            Files.delete(file());
            assertThat(served(o)).isEmpty();
            Files.move(staged((byte) 3, 100, T), file(), StandardCopyOption.ATOMIC_MOVE);
            assertThat(served(o)).contains(filled((byte) 3, 100));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aRewriteInPlaceIsSeenAtOnce(boolean descriptors) throws IOException {
        try (FileObjects o = objects(descriptors)) {
            Files.write(file(), filled((byte) 1, 100));
            assertThat(served(o)).contains(filled((byte) 1, 100));
            Files.write(file(), filled((byte) 2, 200)); // truncated and rewritten: the same inode, a new size
            assertThat(served(o)).contains(filled((byte) 2, 200));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aSecondLinkIsSeenAndTheReplacementAfterItServed(boolean descriptors) throws IOException {
        try (FileObjects o = objects(descriptors)) {
            // create-if-absent links the temp file to the target, then deletes the temp name
            Path tmp = staged((byte) 1, 4096, T);
            Files.createLink(file(), tmp);
            assertThat(served(o)).contains(filled((byte) 1, 4096));
            Files.delete(tmp);
            assertThat(served(o)).contains(filled((byte) 1, 4096));
            Path other = file().resolveSibling(".keep");
            Files.createLink(other, file()); // two links again: the descriptor alone no longer vouches for the path
            Files.move(staged((byte) 2, 4096, T), file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            assertThat(served(o)).contains(filled((byte) 2, 4096));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aResponseInProgressIsSentWholeFromTheVersionItOpened(boolean descriptors) throws IOException {
        try (FileObjects o = objects(descriptors)) {
            Files.move(staged((byte) 1, 100_000, T), file(), StandardCopyOption.ATOMIC_MOVE);
            try (ServedObject first = o.open(KEY).orElseThrow()) {
                Files.move(staged((byte) 2, 100_000, T), file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                assertThat(served(o)).contains(filled((byte) 2, 100_000));
                assertThat(first.read(0, first.length()).toArray()).isEqualTo(filled((byte) 1, 100_000));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aDirectorySwappedUnderTheFileIsSeenWithinThePathCheckInterval(boolean descriptors) throws Exception {
        long interval = 300_000_000L;
        try (FileObjects o = objects(descriptors, interval)) {
            Files.move(staged((byte) 1, 4096, T), file(), StandardCopyOption.ATOMIC_MOVE);
            assertThat(served(o)).contains(filled((byte) 1, 4096));
            Path parent = file().getParent();
            Path fresh = parent.resolveSibling(".fresh");
            Files.createDirectories(fresh);
            Files.write(fresh.resolve("0"), filled((byte) 2, 4096));
            Files.setLastModifiedTime(fresh.resolve("0"), T);
            Files.move(parent, parent.resolveSibling(".gone"), StandardCopyOption.ATOMIC_MOVE);
            Files.move(fresh, parent, StandardCopyOption.ATOMIC_MOVE);
            // the descriptor cannot see this (our writers rename files, not directories): the path check can
            Thread.sleep(interval / 1_000_000 + 100);
            assertThat(served(o)).contains(filled((byte) 2, 4096));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void directoriesFifosAndLinksOutOfTheRootAreNotServed(boolean descriptors) throws Exception {
        try (FileObjects o = objects(descriptors)) {
            Files.createDirectories(file());
            assertThat(served(o)).as("a directory").isEmpty();
            Files.delete(file());
            Process p = new ProcessBuilder("mkfifo", file().toString()).start();
            if (p.waitFor() == 0) {
                assertThat(served(o)).as("a FIFO (opening must not block)").isEmpty();
                Files.delete(file());
            }
            Files.write(dir.resolve("secret"), "TOP-SECRET".getBytes());
            Files.createSymbolicLink(file(), dir.resolve("secret"));
            assertThat(served(o)).as("a link out of the root").isEmpty();
            Files.delete(file());
            Files.write(file().resolveSibling("1"), filled((byte) 7, 10));
            Files.createSymbolicLink(file(), file().resolveSibling("1"));
            assertThat(served(o)).as("a link inside the root").contains(filled((byte) 7, 10));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void bothChecksGiveTheSameValidators(boolean descriptors) throws IOException {
        Files.createDirectories(dir.resolve("root/arr/c/0"));
        Files.write(file(), filled((byte) 5, 321));
        try (FileObjects a = objects(descriptors); FileObjects b = objects(!descriptors);
             ServedObject x = a.open(KEY).orElseThrow(); ServedObject y = b.open(KEY).orElseThrow()) {
            assertThat(x.etag()).isPresent().isEqualTo(y.etag());
            assertThat(x.lastModified()).isEqualTo(y.lastModified());
            assertThat(x.lastModifiedText()).isEqualTo(y.lastModifiedText());
            assertThat(x.length()).isEqualTo(321);
        }
    }
}
