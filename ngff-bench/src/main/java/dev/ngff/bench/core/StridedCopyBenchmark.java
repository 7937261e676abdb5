package dev.ngff.bench.core;

import dev.ngff.bench.BenchmarkBase;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.metadata.DataType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.lang.foreign.Arena;

/**
 * The strided copy of a decoded chunk into a larger destination ({@link NdBuffer#copy}), the step after
 * every decode that cannot go straight into place: a 64^3 uint16 inner chunk (512 KiB, runs of 128
 * bytes) and a 32 x 256 x 256 chunk (2 MiB, one run per plane's worth) into a 256^3 destination, heap or
 * off-heap. Compare with {@code MemcpyRuler} at 2 MiB, or with the same bytes in one run ({@code contiguous}).
 */
@State(Scope.Thread)
public class StridedCopyBenchmark extends BenchmarkBase {

    /** The chunk's shape. */
    @Param({"64x64x64", "32x256x256"})
    public String chunk;

    /** Where the destination lives. */
    @Param({"heap", "offheap"})
    public String destination;

    private NdBuffer src;
    private NdBuffer dst;
    private long[] box;
    private final long[] zero = new long[3];
    private final long[] at = {64, 0, 0};

    @Setup
    public void setUp() {
        String[] p = chunk.split("x");
        box = new long[] {Long.parseLong(p[0]), Long.parseLong(p[1]), Long.parseLong(p[2])};
        src = NdBuffer.allocate(DataType.UINT16, box);
        for (long i = 0; i < src.segment().byteSize(); i++) {
            src.segment().set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) (i * 31));
        }
        long[] shape = {256, 256, 256};
        dst = destination.equals("heap") ? NdBuffer.allocate(DataType.UINT16, shape)
                : NdBuffer.wrap(DataType.UINT16, shape, Arena.ofAuto().allocate(2L * 256 * 256 * 256, 64));
    }

    /** The chunk into place in the destination: runs of the chunk's last extent. */
    @Benchmark
    public NdBuffer strided() {
        NdBuffer.copy(src, zero, dst, at, box);
        return dst;
    }

    /** The same number of bytes in one run: the floor the strided copy is measured against. */
    @Benchmark
    public NdBuffer contiguous() {
        java.lang.foreign.MemorySegment.copy(src.segment(), 0, dst.segment(), 0, src.segment().byteSize());
        return dst;
    }
}
