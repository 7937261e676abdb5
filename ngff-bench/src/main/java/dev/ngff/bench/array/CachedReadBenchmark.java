package dev.ngff.bench.array;

import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.bench.BenchmarkBase;
import dev.ngff.bench.Layout;
import dev.ngff.bench.core.ByteCounter;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.DataType;
import dev.ngff.store.Key;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;

/**
 * What keeping decoded chunks in the context's cache ({@code ZarrArray.withChunkCaching}) costs and
 * gains on the 256^3 uint16 array of {@link ArrayReadBenchmark}: the array read chunk (shard) by chunk
 * through a cache of 16 MiB, half the array, so every chunk misses and is kept (the cost of a scan with
 * caching on; a single whole-array read would bypass the cache, being larger than a quarter of it), and
 * 32^3 regions revisited at eight positions through a 256 MiB cache (the gain of a viewer); each beside
 * the same reads by a handle that caches only shard indexes (the default).
 */
@State(Scope.Thread)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class CachedReadBenchmark extends BenchmarkBase {
    private static final long E = ArrayFixture.EDGE;
    private static final long C = ArrayFixture.CHUNK;
    private static final long S = ArrayFixture.INNER;

    @Param({"ZSTD", "SHARDED"})
    public Layout layout;

    private ArrayFixture fx;
    private ExecutionContext scanCtx;
    private ExecutionContext viewerCtx;
    private ZarrArray scan;
    private ZarrArray viewer;
    private NdBuffer chunk;
    private NdBuffer small;
    private int turn;

    @Setup
    public void setUp() throws IOException {
        fx = ArrayFixture.create(layout);
        scanCtx = ExecutionContext.create(ExecutionContext.Config.defaults().withCacheBytes(16L << 20));
        viewerCtx = ExecutionContext.create(ExecutionContext.Config.defaults().withCacheBytes(256L << 20));
        scan = Zarr.openArray(fx.store, Key.ROOT, scanCtx).withChunkCaching(true);
        viewer = Zarr.openArray(fx.store, Key.ROOT, viewerCtx).withChunkCaching(true);
        chunk = NdBuffer.allocate(DataType.UINT16, C, C, C);
        small = NdBuffer.allocate(DataType.UINT16, S, S, S);
    }

    @TearDown
    public void tearDown() throws IOException {
        scanCtx.close();
        viewerCtx.close();
        fx.close();
    }

    private long[] at() {
        int t = turn++ & 7;
        long step = 3 * S;
        return new long[] {(t >> 2 & 1) * step + S, (t >> 1 & 1) * step + S, (t & 1) * step + S};
    }

    private NdBuffer chunkByChunk(ZarrArray a, ByteCounter counter) throws IOException {
        for (long z = 0; z < E; z += C) {
            for (long y = 0; y < E; y += C) {
                for (long x = 0; x < E; x += C) {
                    a.read(new long[] {z, y, x}, chunk);
                    counter.bytes += chunk.segment().byteSize();
                }
            }
        }
        return chunk;
    }

    @Benchmark
    public NdBuffer scanIndexesOnly(ByteCounter counter) throws IOException {
        return chunkByChunk(fx.array, counter);
    }

    @Benchmark
    public NdBuffer scanCachingEveryChunkMisses(ByteCounter counter) throws IOException {
        return chunkByChunk(scan, counter);
    }

    @Benchmark
    public NdBuffer revisitSmallIndexesOnly(ByteCounter counter) throws IOException {
        fx.array.read(at(), small);
        counter.bytes += small.segment().byteSize();
        return small;
    }

    @Benchmark
    public NdBuffer revisitSmallCaching(ByteCounter counter) throws IOException {
        viewer.read(at(), small);
        counter.bytes += small.segment().byteSize();
        return small;
    }
}
