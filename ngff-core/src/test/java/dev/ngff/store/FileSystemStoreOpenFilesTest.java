package dev.ngff.store;

import dev.ngff.buffer.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link FileSystemStore}'s open-file cache for ranged reads and its reads into lent memory: the cache
 * stays within its bound and closes on {@link FileSystemStore#close}, a key replaced by a rename (by this
 * store, another store or a plain file move) is never read from the old file, and lent memory is used
 * when the bytes fit and left alone when they do not.
 */
class FileSystemStoreOpenFilesTest {
    @TempDir
    Path dir;

    private static Bytes filled(int n, int value) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) value);
        return Bytes.wrap(b);
    }

    @Test
    void rangedReadsKeepAtMostTheBoundOpenAndCloseFreesThem() throws IOException {
        FileSystemStore store = FileSystemStore.open(dir);
        int files = FileSystemStore.OPEN_FILES + 20;
        for (int i = 0; i < files; i++) {
            store.write(Key.of("c/" + i), filled(100, i));
        }
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < files; i++) {
                Bytes b = store.read(Key.of("c/" + i), ByteRange.of(10, 5)).orElseThrow();
                assertThat(b.toArray()).containsOnly((byte) i).hasSize(5);
                assertThat(store.openFileCount()).isLessThanOrEqualTo(FileSystemStore.OPEN_FILES);
            }
        }
        assertThat(store.openFileCount()).isEqualTo(FileSystemStore.OPEN_FILES);
        store.read(Key.of("c/0")).orElseThrow(); // whole reads do not cache
        store.close();
        assertThat(store.openFileCount()).isZero();
        // still usable, without caching
        assertThat(store.read(Key.of("c/3"), ByteRange.suffix(2)).orElseThrow().toArray()).containsExactly(3, 3);
        assertThat(store.openFileCount()).isZero();
    }

    @Test
    void aKeyReplacedByARenameIsReadFromTheNewFile() throws IOException {
        FileSystemStore reader = FileSystemStore.open(dir);
        FileSystemStore writer = FileSystemStore.open(dir); // another handle: the reader's cache hears nothing of it
        Key key = Key.of("shard");
        writer.write(key, filled(64, 1));
        assertThat(reader.read(key, ByteRange.of(0, 4)).orElseThrow().toArray()).containsOnly(1);
        assertThat(reader.openFileCount()).isEqualTo(1);

        writer.write(key, filled(64, 2)); // same size, replaced by a rename
        assertThat(reader.read(key, ByteRange.of(0, 4)).orElseThrow().toArray()).containsOnly(2);
        assertThat(reader.readRanges(key, List.of(ByteRange.of(0, 2), ByteRange.suffix(2))).orElseThrow())
                .allSatisfy(b -> assertThat(b.toArray()).containsOnly(2));

        // a plain move over the file, as another program would do it
        Path other = Files.write(dir.resolve("elsewhere"), filled(64, 3).toArray());
        Files.move(other, dir.resolve("shard"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        assertThat(reader.read(key, ByteRange.suffix(4)).orElseThrow().toArray()).containsOnly(3);

        writer.delete(key);
        assertThat(reader.read(key, ByteRange.of(0, 4))).isEmpty();
        assertThat(reader.readRanges(key, List.of(ByteRange.of(0, 1), ByteRange.of(2, 1)))).isEmpty();
        reader.close();
        writer.close();
    }

    /**
     * A writer replaces a key with ever higher versions while readers read ranges of it: every read is
     * of one whole version, and never older than a version whose write had returned before the read began.
     */
    @Test
    void concurrentReplacementIsNeverServedStale() throws Exception {
        long seed = new Random().nextLong();
        System.out.println("concurrentReplacementIsNeverServedStale seed " + seed);
        FileSystemStore store = FileSystemStore.open(dir);
        FileSystemStore writer = FileSystemStore.open(dir);
        Key key = Key.of("0/shard");
        int size = 4096;
        AtomicLong published = new AtomicLong();
        writer.write(key, version(0, size));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] readers = new Thread[4];
        for (int t = 0; t < readers.length; t++) {
            Random r = new Random(seed + t);
            readers[t] = Thread.ofPlatform().start(() -> {
                try {
                    while (!stop.get()) {
                        long floor = published.get();
                        int start = r.nextInt(size / 8) * 8;
                        int len = 8 * (1 + r.nextInt((size - start) / 8));
                        Bytes b = r.nextBoolean()
                                ? store.read(key, ByteRange.of(start, len)).orElseThrow()
                                : store.readRanges(key, List.of(ByteRange.of(start, len), ByteRange.of(0, 8))).orElseThrow().getFirst();
                        ByteBuffer bb = b.asByteBuffer();
                        long v = bb.getLong(0);
                        for (int i = 0; i < len; i += 8) {
                            assertThat(bb.getLong(i)).as("one version throughout").isEqualTo(v);
                        }
                        assertThat(v).as("not older than a finished write").isGreaterThanOrEqualTo(floor);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
        }
        for (long v = 1; v <= 400 && failure.get() == null; v++) {
            writer.write(key, version(v, size));
            published.set(v);
        }
        stop.set(true);
        for (Thread t : readers) {
            t.join();
        }
        if (failure.get() != null) {
            throw new AssertionError("seed " + seed, failure.get());
        }
        store.close();
    }

    private static Bytes version(long v, int size) {
        ByteBuffer bb = ByteBuffer.allocate(size);
        while (bb.hasRemaining()) {
            bb.putLong(v);
        }
        return Bytes.wrap(bb.array());
    }

    @Test
    void readsGoIntoLentMemoryWhenTheyFit() throws IOException {
        FileSystemStore store = FileSystemStore.open(dir);
        Key key = Key.of("c/0");
        byte[] data = new byte[1000];
        new Random(7).nextBytes(data);
        store.write(key, Bytes.wrap(data));
        MemorySegment lent = Arena.ofAuto().allocate(600);
        ReadScratch scratch = n -> n <= lent.byteSize() ? lent : null;

        Bytes part = store.read(key, ByteRange.of(100, 500), scratch).orElseThrow();
        assertThat(part.toArray()).isEqualTo(java.util.Arrays.copyOfRange(data, 100, 600));
        assertThat(part.segment().address()).as("read into the lent memory").isEqualTo(lent.address());

        Bytes whole = store.read(key, ByteRange.WHOLE, scratch).orElseThrow();
        assertThat(whole.toArray()).isEqualTo(data);
        assertThat(whole.segment().isNative()).as("too large for the scratch: a fresh array").isFalse();

        List<Bytes> ranges = store.readRanges(key, List.of(ByteRange.of(0, 200), ByteRange.suffix(300)),
                Optional.empty(), scratch).orElseThrow();
        assertThat(ranges.get(0).toArray()).isEqualTo(java.util.Arrays.copyOfRange(data, 0, 200));
        assertThat(ranges.get(1).toArray()).isEqualTo(java.util.Arrays.copyOfRange(data, 700, 1000));
        assertThat(ranges.get(0).segment().address()).isEqualTo(lent.address());
        assertThat(ranges.get(1).segment().address()).isEqualTo(lent.address() + 200);

        assertThat(store.read(Key.of("c/missing"), ByteRange.of(0, 4), scratch)).isEmpty();
        assertThat(store.readRanges(Key.of("c/missing"), List.of(ByteRange.of(0, 1), ByteRange.of(1, 1)),
                Optional.empty(), scratch)).isEmpty();
        store.close();
    }
}
