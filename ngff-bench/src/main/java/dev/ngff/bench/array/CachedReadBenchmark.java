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
 * gains on the 256^3 uint16 array of {@link ArrayReadBenchmark}: a whole-array read through a cache of
 * 16 MiB, half the array, so every chunk misses (the cost of a bulk read with caching on), and 32^3
 * regions revisited at eight positions through a 256 MiB cache (the gain of a viewer); each beside the
 * same read by a handle that caches only shard indexes (the default).
 */
@State(Scope.Thread)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class CachedReadBenchmark extends BenchmarkBase {
    private static final long E = ArrayFixture.EDGE;
    private static final long S = ArrayFixture.INNER;

    @Param({"ZSTD", "SHARDED"})
    public Layout layout;

    private ArrayFixture fx;
    private ExecutionContext scanCtx;
    private ExecutionContext viewerCtx;
    private ZarrArray scan;
    private ZarrArray viewer;
    private NdBuffer all;
    private NdBuffer small;
    private int turn;

    @Setup
    public void setUp() throws IOException {
        fx = ArrayFixture.create(layout);
        scanCtx = ExecutionContext.create(ExecutionContext.Config.defaults().withCacheBytes(16L << 20));
        viewerCtx = ExecutionContext.create(ExecutionContext.Config.defaults().withCacheBytes(256L << 20));
        scan = Zarr.openArray(fx.store, Key.ROOT, scanCtx).withChunkCaching(true);
        viewer = Zarr.openArray(fx.store, Key.ROOT, viewerCtx).withChunkCaching(true);
        all = NdBuffer.allocate(DataType.UINT16, E, E, E);
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

    @Benchmark
    public NdBuffer readAllIndexesOnly(ByteCounter counter) throws IOException {
        fx.array.read(new long[3], all);
        counter.bytes += all.segment().byteSize();
        return all;
    }

    @Benchmark
    public NdBuffer readAllCachingEveryChunkMisses(ByteCounter counter) throws IOException {
        scan.read(new long[3], all);
        counter.bytes += all.segment().byteSize();
        return all;
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
