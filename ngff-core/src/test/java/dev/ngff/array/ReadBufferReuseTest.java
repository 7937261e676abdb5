package dev.ngff.array;

import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.store.ByteRange;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import dev.ngff.store.ReadScratch;
import dev.ngff.store.ReadableStore;
import dev.ngff.store.Versioned;
import dev.ngff.testing.TestArrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads whose stored bytes go into a handle's reused {@link ReadBuffer}s (compressed whole chunks, a
 * shard's inner chunks): many threads reading random boxes of one handle at once get exactly the
 * written values, the buffers are really lent (the store is asked with scratch), and what a read returned
 * to its caller does not change when later reads reuse the buffers. A handle that keeps decoded inner
 * chunks lends none.
 */
class ReadBufferReuseTest {
    @TempDir
    Path dir;

    /** Forwards to a file-system store and counts the reads that were lent memory. */
    private static final class CountingLends implements ReadableStore {
        final FileSystemStore inner;
        final AtomicInteger lent = new AtomicInteger();

        CountingLends(FileSystemStore inner) {
            this.inner = inner;
        }

        @Override
        public Optional<Bytes> read(Key key, ByteRange range) throws IOException {
            return inner.read(key, range);
        }

        @Override
        public Optional<Bytes> read(Key key, ByteRange range, ReadScratch scratch) throws IOException {
            lent.incrementAndGet();
            return inner.read(key, range, scratch);
        }

        @Override
        public Optional<List<Bytes>> readRanges(Key key, List<ByteRange> ranges, Optional<String> ifVersion)
                throws IOException {
            return inner.readRanges(key, ranges, ifVersion);
        }

        @Override
        public Optional<List<Bytes>> readRanges(Key key, List<ByteRange> ranges, Optional<String> ifVersion,
                                                ReadScratch scratch) throws IOException {
            lent.incrementAndGet();
            return inner.readRanges(key, ranges, ifVersion, scratch);
        }

        @Override
        public Optional<Versioned> readVersioned(Key key, ByteRange range) throws IOException {
            return inner.readVersioned(key, range);
        }

        @Override
        public java.util.OptionalLong size(Key key) throws IOException {
            return inner.size(key);
        }

        @Override
        public String describe() {
            return inner.describe();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    private static final ExecutionContext CTX = ExecutionContext.create(
            ExecutionContext.Config.defaults().withCpuConcurrency(2));

    private static CodecSpec shards() {
        return Codecs.sharding(new long[] {8, 8, 8}, List.of(Codecs.bytes("little"), Codecs.gzip(1)),
                Codecs.defaultShardIndexCodecs(), true);
    }

    @Test
    void compressedChunksReadByManyThreadsAtOnce() throws Exception {
        concurrentReads(List.of(Codecs.bytes("little"), Codecs.gzip(1)), new long[] {16, 16, 16});
    }

    @Test
    void innerChunksReadByManyThreadsAtOnce() throws Exception {
        concurrentReads(List.of(shards()), new long[] {32, 32, 32});
    }

    private void concurrentReads(List<CodecSpec> codecs, long[] chunks) throws Exception {
        long seed = new Random().nextLong();
        System.out.println("ReadBufferReuseTest seed " + seed);
        long[] shape = {48, 40, 64};
        ArrayMetadata meta = ArrayMetadata.builder(DataType.UINT16, shape).chunks(chunks).codecs(codecs).build();
        FileSystemStore fs = FileSystemStore.open(dir);
        NdBuffer data = TestArrays.random(DataType.UINT16, shape, seed);
        Zarr.createArray(fs, Key.of("a"), meta, CTX).write(data);

        CountingLends store = new CountingLends(fs);
        ZarrArray a = Zarr.openArray(store, Key.of("a"), CTX);
        NdBuffer first = a.read(new long[] {0, 0, 0}, new long[] {8, 8, 8});
        NdBuffer firstCopy = first.copyRegion(new long[3], first.shape());

        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Random r = new Random(seed * 31 + t);
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < 60; i++) {
                        long[] off = new long[3];
                        long[] box = new long[3];
                        for (int d = 0; d < 3; d++) {
                            box[d] = 1 + r.nextInt((int) Math.min(shape[d], 20));
                            off[d] = r.nextInt((int) (shape[d] - box[d] + 1));
                        }
                        NdBuffer got = a.read(off, box);
                        if (!got.contentEquals(data.copyRegion(off, box))) {
                            throw new AssertionError("seed " + seed + ": box at " + java.util.Arrays.toString(off)
                                    + " of " + java.util.Arrays.toString(box) + " differs from what was written");
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw new AssertionError("seed " + seed, failure.get());
        }
        assertThat(store.lent.get()).as("reads lent a buffer").isGreaterThan(8 * 60 / 2);
        assertThat(first.contentEquals(firstCopy)).as("a returned result is the caller's, untouched by later reads")
                .isTrue();
        assertThat(a.read().contentEquals(data)).isTrue();
        store.close();
    }

    @Test
    void aHandleThatKeepsInnerChunksLendsNothing() throws Exception {
        long[] shape = {32, 32, 32};
        ArrayMetadata meta = ArrayMetadata.builder(DataType.UINT16, shape).chunks(32, 32, 32).codecs(List.of(shards())).build();
        FileSystemStore fs = FileSystemStore.open(dir);
        NdBuffer data = TestArrays.random(DataType.UINT16, shape, 5);
        Zarr.createArray(fs, Key.of("a"), meta, CTX).write(data);
        CountingLends store = new CountingLends(fs);
        ZarrArray a = Zarr.openArray(store, Key.of("a"), CTX).withChunkCaching(true);
        NdBuffer part = a.read(new long[] {3, 3, 3}, new long[] {10, 10, 10});
        assertThat(part.contentEquals(data.copyRegion(new long[] {3, 3, 3}, new long[] {10, 10, 10}))).isTrue();
        assertThat(a.read(new long[] {3, 3, 3}, new long[] {10, 10, 10}).contentEquals(part)).isTrue();
        assertThat(store.lent.get()).isZero();
        store.close();
    }

    @Test
    void aBufferGrowsToTheLargestReadUpToItsBound() {
        ReadBuffer b = new ReadBuffer(1 << 20);
        assertThat(b.memory(100).byteSize()).isEqualTo(64 << 10);
        assertThat(b.memory((1 << 20) + 1)).isNull();
        assertThat(b.memory(300_000).byteSize()).isEqualTo(512 << 10);
        assertThat(b.memory(600_000).byteSize()).isEqualTo(1 << 20);
        assertThat(b.memory(10).byteSize()).as("keeps what it grew to").isEqualTo(1 << 20);
        assertThat(b.capacity()).isEqualTo(1 << 20);
    }

    @Test
    void theBuffersOfAHandleTogetherStayWithinTheReadBudget() {
        ExecutionContext.Config config = ExecutionContext.Config.defaults().withCpuConcurrency(2).withReadBytesInFlight(8 << 20);
        ReadBuffer b = ZarrArray.readBuffers(config).acquire();
        assertThat(b.memory(1 << 20)).isNotNull();
        assertThat(b.memory((8 << 20) / 8 + 1)).as("8 buffers share 8 MiB").isNull();
    }
}
