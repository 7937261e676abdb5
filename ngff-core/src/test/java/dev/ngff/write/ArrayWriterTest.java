package dev.ngff.write;

import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.error.StoreException;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import dev.ngff.store.MemoryStore;
import dev.ngff.store.Store;
import dev.ngff.testing.CountingCodec;
import dev.ngff.testing.GatedStore;
import dev.ngff.testing.RecordingStore;
import dev.ngff.testing.TestArrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArrayWriterTest {
    private final CountingCodec counting = new CountingCodec();
    private final ExecutionContext ctx = ExecutionContext.create(ExecutionContext.Config.defaults(), counting.registry());

    private static ArrayMetadata sharded(long[] shape, long[] shard, long[] inner, List<CodecSpec> innerChain) {
        return ArrayMetadata.builder(DataType.UINT16, shape).chunks(shard)
                .codecs(Codecs.sharding(inner, innerChain, Codecs.defaultShardIndexCodecs(), true)).build();
    }

    /** Values 1..n so that no inner chunk is all fill value. */
    private static NdBuffer data(long... shape) {
        NdBuffer b = NdBuffer.allocate(DataType.UINT16, shape);
        for (long i = 0; i < b.elementCount(); i++) {
            b.setAsLong(i, 1 + i % 60000);
        }
        return b;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void framesEncodeEachInnerChunkOnceWriteEachShardOnceAndReadNothing(int piecesPerFrame) throws Exception {
        RecordingStore store = new RecordingStore(new MemoryStore());
        ZarrArray a = Zarr.createArray(store, Key.of("a"), sharded(new long[] {8, 8, 8}, new long[] {4, 8, 8},
                new long[] {1, 4, 4}, List.of(Codecs.bytes("little"), CountingCodec.codecSpec())), ctx);
        NdBuffer all = data(8, 8, 8);
        store.reset();
        counting.reset();
        long width = 8 / piecesPerFrame; // 2 columns cut the inner chunks, 8 cover them
        try (ArrayWriter w = a.writer(ArrayWriter.Options.defaults())) {
            for (int z = 0; z < 8; z++) {
                for (int p = 0; p < piecesPerFrame; p++) {
                    long[] at = {z, 0, p * width};
                    w.write(at, all.copyRegion(at, new long[] {1, 8, width}));
                }
            }
        }
        assertThat(counting.encodes()).as("32 inner chunks, each encoded once").isEqualTo(32);
        assertThat(counting.decodes()).isZero();
        assertThat(store.chunkReads()).isEmpty();
        assertThat(store.writes()).as("one write per shard").isEqualTo(2);
        assertThat(a.read().contentEquals(all)).isTrue();
    }

    /**
     * Uncompressed inner chunks pass the writer's scratch buffer through as the encoded bytes (no copy):
     * no buffer handed on this way may be reused for another inner chunk, which the read-back of distinct
     * values from several writers, on memory and on files (streamed shards), would show.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void uncompressedInnerChunksFromManyWritersReadBackExactly(boolean onFiles, @TempDir Path dir) throws Exception {
        Store store = onFiles ? FileSystemStore.open(dir) : new MemoryStore();
        ZarrArray a = Zarr.createArray(store, Key.of("a"), sharded(new long[] {32, 16, 16}, new long[] {8, 16, 16},
                new long[] {1, 4, 4}, List.of(Codecs.bytes("little"))), ctx);
        NdBuffer all = data(32, 16, 16);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (ArrayWriter w = a.writer(ArrayWriter.Options.defaults())) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int z = thread; z < 32; z += 4) {
                        long[] at = {z, 0, 0};
                        w.write(at, all.copyRegion(at, new long[] {1, 16, 16}));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(a.read().contentEquals(all)).isTrue();
    }

    @Test
    void aFlushedPartialShardKeepsTheInnerChunksAlreadyStored() throws Exception {
        MemoryStore mem = new MemoryStore();
        ZarrArray a = Zarr.createArray(mem, Key.of("a"), sharded(new long[] {4, 8, 8}, new long[] {4, 8, 8},
                new long[] {1, 4, 4}, List.of(Codecs.bytes("little"), Codecs.gzip(1))), ctx);
        NdBuffer all = data(4, 8, 8);
        a.write(all);
        NdBuffer corner = TestArrays.random(DataType.UINT16, new long[] {2, 3, 5}, 3);
        try (ArrayWriter w = a.writer(ArrayWriter.Options.defaults())) {
            w.write(new long[] {1, 2, 2}, corner);
            assertThat(a.read().contentEquals(all)).as("nothing visible before the flush").isTrue();
            w.flush();
            NdBuffer.copy(corner, new long[3], all, new long[] {1, 2, 2}, corner.shape());
            assertThat(a.read().contentEquals(all)).isTrue();
        }
    }

    @Test
    void theBufferNeverExceedsItsBudgetWithManyWriters() throws Exception {
        MemoryStore mem = new MemoryStore();
        // uncompressed 1x4x4 uint16 inner chunks: 32 encoded bytes, 32 + 8 while partial
        ZarrArray a = Zarr.createArray(mem, Key.of("a"), sharded(new long[] {16, 16, 16}, new long[] {8, 16, 16},
                new long[] {1, 4, 4}, List.of(Codecs.bytes("little"))), ctx);
        NdBuffer all = data(16, 16, 16);
        long budget = 100; // about three inner chunks, far less than a shard (4 KiB)
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (ArrayWriter w = a.writer(new ArrayWriter.Options(budget))) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int z = thread; z < 16; z += 4) {
                        for (int x = 0; x < 16; x += 6) { // pieces that cut inner chunks
                            long[] at = {z, 0, x};
                            w.write(at, all.copyRegion(at, new long[] {1, 16, Math.min(6, 16 - x)}));
                            assertThat(w.bufferedBytes()).isLessThanOrEqualTo(budget);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            w.flush();
            assertThat(w.bufferedBytes()).isZero();
            assertThat(w.peakBufferedBytes()).isPositive().isLessThanOrEqualTo(budget);
        } finally {
            pool.shutdownNow();
        }
        assertThat(a.read().contentEquals(all)).isTrue();
    }

    @Test
    void aWriteWaitsWhileTheBufferIsFullAndItsShardsAreBeingWritten() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        GatedStore store = new GatedStore(new MemoryStore(), release);
        ZarrArray a = Zarr.createArray(store, Key.of("a"), sharded(new long[] {4, 8, 8}, new long[] {1, 8, 8},
                new long[] {1, 4, 4}, List.of(Codecs.bytes("little"))), ctx);
        store.gate.set(true);
        NdBuffer all = data(4, 8, 8);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (ArrayWriter w = a.writer(new ArrayWriter.Options(4 * 32))) { // one shard of four inner chunks
            w.write(new long[] {0, 0, 0}, all.copyRegion(new long[3], new long[] {1, 8, 8})); // complete: written, held
            Future<?> second = pool.submit(() -> {
                w.write(new long[] {1, 0, 0}, all.copyRegion(new long[] {1, 0, 0}, new long[] {1, 8, 8}));
                return null;
            });
            assertThatThrownBy(() -> second.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
            assertThat(w.bufferedBytes()).isLessThanOrEqualTo(4 * 32);
            release.countDown();
            second.get(30, TimeUnit.SECONDS);
            w.write(new long[] {2, 0, 0}, all.copyRegion(new long[] {2, 0, 0}, new long[] {2, 8, 8}));
        } finally {
            pool.shutdownNow();
        }
        assertThat(a.read().contentEquals(all)).isTrue();
    }

    @Test
    void concurrentWritesThatCutTheSameShardsThroughOneHandleLoseNothing() throws Exception {
        MemoryStore mem = new MemoryStore();
        ZarrArray a = Zarr.createArray(mem, Key.of("a"), sharded(new long[] {4, 16, 16}, new long[] {4, 16, 16},
                new long[] {2, 4, 4}, List.of(Codecs.bytes("little"), Codecs.gzip(1))), ctx);
        ZarrArray b = Zarr.createArray(mem, Key.of("b"), a.metadata(), ctx);
        NdBuffer all = data(4, 16, 16);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (ArrayWriter w = b.writer(ArrayWriter.Options.defaults())) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                long[] at = {0, 0, 2L * t}; // 2-column stripes: every write cuts every inner chunk it touches
                NdBuffer stripe = all.copyRegion(at, new long[] {4, 16, 2});
                done.add(pool.submit(() -> {
                    a.write(at, stripe);
                    w.write(at, stripe);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(a.read().contentEquals(all)).as("ZarrArray.write").isTrue();
        assertThat(b.read().contentEquals(all)).as("ArrayWriter").isTrue();
    }

    @Test
    void aFailedBackgroundWriteSurfacesOnTheNextCallAndOnClose() throws Exception {
        GatedStore store = new GatedStore(new MemoryStore(), new CountDownLatch(0));
        ZarrArray a = Zarr.createArray(store, Key.of("a"), sharded(new long[] {4, 8, 8}, new long[] {1, 8, 8},
                new long[] {1, 4, 4}, List.of(Codecs.bytes("little"))), ctx);
        store.fail.set(true);
        NdBuffer frame = data(1, 8, 8);
        ArrayWriter w = a.writer(ArrayWriter.Options.defaults());
        assertThatThrownBy(() -> {
            w.write(new long[] {0, 0, 0}, frame); // completes shard 0: its write fails in the background
            for (int i = 0; i < 1000; i++) { // the failure arrives asynchronously
                w.write(new long[] {1, 0, 0}, frame);
                Thread.sleep(5);
            }
        }).isInstanceOf(StoreException.class).hasMessageContaining("disk full");
        assertThatThrownBy(w::close).isInstanceOf(StoreException.class).hasMessageContaining("disk full");
        assertThatThrownBy(() -> w.write(new long[] {2, 0, 0}, frame)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFailureThrownByAWriteAndAgainByCloseInTryWithResourcesIsOneStoreError() throws Exception {
        GatedStore store = new GatedStore(new MemoryStore(), new CountDownLatch(0));
        ZarrArray a = Zarr.createArray(store, Key.of("a"), sharded(new long[] {4, 8, 8}, new long[] {1, 8, 8},
                new long[] {1, 4, 4}, List.of(Codecs.bytes("little"))), ctx);
        store.fail.set(true);
        NdBuffer frame = data(1, 8, 8);
        // close() rethrows the failure the write threw; the JDK refuses to suppress an exception by itself, so
        // the second throw must be a new exception (the original as its cause), not the same object
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> {
            try (ArrayWriter w = a.writer(ArrayWriter.Options.defaults())) {
                w.write(new long[] {0, 0, 0}, frame);
                for (int i = 0; i < 1000; i++) {
                    w.write(new long[] {1, 0, 0}, frame);
                    Thread.sleep(5);
                }
            }
        });
        assertThat(thrown).isInstanceOf(StoreException.class).hasMessageContaining("disk full");
        assertThat(thrown.getSuppressed()).hasSize(1);
        assertThat(thrown.getSuppressed()[0]).isInstanceOf(StoreException.class).hasCause(thrown);
    }
}
