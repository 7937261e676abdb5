package dev.ngff.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The ruler: a plain copy of the same sizes the codec and kernel benchmarks move. Dividing a result by
 * the ruler measured in the same run makes figures comparable across machines, and gives the
 * "kernel >= 0.5x memcpy" targets their denominator.
 */
@State(Scope.Thread)
public class MemcpyRuler extends BenchmarkBase {

    @Param({"65536", "2097152"})
    public int size;

    private Arena arena;
    private MemorySegment src;
    private MemorySegment dst;
    private byte[] srcArray;
    private byte[] dstArray;

    @Setup
    public void setUp() {
        arena = Arena.ofConfined();
        src = arena.allocate(size, 64);
        dst = arena.allocate(size, 64);
        srcArray = new byte[size];
        dstArray = new byte[size];
        for (int i = 0; i < size; i++) {
            byte b = (byte) (i * 31 + (i >>> 9));
            src.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, b);
            srcArray[i] = b;
        }
    }

    @TearDown
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public MemorySegment offHeap() {
        return dst.copyFrom(src);
    }

    @Benchmark
    public byte[] heap() {
        System.arraycopy(srcArray, 0, dstArray, 0, size);
        return dstArray;
    }
}
