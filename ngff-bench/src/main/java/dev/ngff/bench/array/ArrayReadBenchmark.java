package dev.ngff.bench.array;

import dev.ngff.bench.BenchmarkBase;
import dev.ngff.bench.Layout;
import dev.ngff.bench.core.ByteCounter;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.metadata.DataType;
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
 * Reads of a 256^3 uint16 array from the file store (page cache warm) in each zarr_benchmarks layout:
 * the whole array, every chunk (or shard) one call at a time, and regions small (32^3, one inner chunk)
 * and large (128^3, one chunk or shard), aligned to the grid or shifted off it. Destinations are reused,
 * so allocation per op ({@code -prof gc}) is the engine's own.
 */
@State(Scope.Thread)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class ArrayReadBenchmark extends BenchmarkBase {
    private static final long E = ArrayFixture.EDGE;
    private static final long C = ArrayFixture.CHUNK;
    private static final long S = ArrayFixture.INNER;

    @Param({"UNCOMPRESSED", "ZSTD", "SHARDED"})
    public Layout layout;

    private ArrayFixture fx;
    private NdBuffer all;
    private NdBuffer chunk;
    private NdBuffer small;
    private NdBuffer large;
    private int turn;

    @Setup
    public void setUp() throws IOException {
        fx = ArrayFixture.create(layout);
        all = NdBuffer.allocate(DataType.UINT16, E, E, E);
        chunk = NdBuffer.allocate(DataType.UINT16, C, C, C);
        small = NdBuffer.allocate(DataType.UINT16, S, S, S);
        large = NdBuffer.allocate(DataType.UINT16, C, C, C);
    }

    @TearDown
    public void tearDown() throws IOException {
        fx.close();
    }

    /** The next of eight positions on a grid of {@code step}, plus {@code shift}, kept inside the array for a box of {@code box}. */
    private long[] at(long step, long shift, long box) {
        int t = turn++ & 7;
        long[] p = {(t >> 2 & 1) * step + shift, (t >> 1 & 1) * step + shift, (t & 1) * step + shift};
        for (int d = 0; d < 3; d++) {
            p[d] = Math.min(p[d], E - box);
        }
        return p;
    }

    @Benchmark
    public NdBuffer readAll(ByteCounter counter) throws IOException {
        fx.array.read(new long[3], all);
        counter.bytes += all.segment().byteSize();
        return all;
    }

    @Benchmark
    public NdBuffer readChunkByChunk(ByteCounter counter) throws IOException {
        for (long z = 0; z < E; z += C) {
            for (long y = 0; y < E; y += C) {
                for (long x = 0; x < E; x += C) {
                    fx.array.read(new long[] {z, y, x}, chunk);
                    counter.bytes += chunk.segment().byteSize();
                }
            }
        }
        return chunk;
    }

    @Benchmark
    public NdBuffer regionSmallAligned(ByteCounter counter) throws IOException {
        fx.array.read(at(3 * S, S, S), small);
        counter.bytes += small.segment().byteSize();
        return small;
    }

    @Benchmark
    public NdBuffer regionSmallUnaligned(ByteCounter counter) throws IOException {
        fx.array.read(at(3 * S, S + 13, S), small);
        counter.bytes += small.segment().byteSize();
        return small;
    }

    @Benchmark
    public NdBuffer regionLargeAligned(ByteCounter counter) throws IOException {
        fx.array.read(at(C, 0, C), large);
        counter.bytes += large.segment().byteSize();
        return large;
    }

    @Benchmark
    public NdBuffer regionLargeUnaligned(ByteCounter counter) throws IOException {
        fx.array.read(at(C / 2, 37, C), large);
        counter.bytes += large.segment().byteSize();
        return large;
    }
}
