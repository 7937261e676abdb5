package dev.ngff.bench.codec;

import dev.ngff.bench.BenchmarkBase;
import dev.ngff.codecs.kernels.Kernels;
import dev.ngff.codecs.kernels.ShuffleKernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The shuffle kernels on one buffer per operation, to compare with {@code MemcpyRuler.heap} of the same size
 * (ops/s of equal sizes compare directly): byte and bit (un)shuffle, scalar, Vector API and the C kernels of
 * native/ ({@code native}: the loader's pick; {@code native-avx2}, {@code native-sse2}: the bit shuffles pinned
 * to that instruction set, byte shuffles as {@code native}).
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xss4m", "-Xms2g", "-Xmx2g",
        "--add-modules", "jdk.incubator.vector"})
public class ShuffleKernelBenchmark extends BenchmarkBase {

    @Param({"65536", "2097152"})
    public int size;

    @Param({"1", "2", "4", "8"})
    public int typesize;

    @Param({"scalar", "vector", "native", "native-avx2", "native-sse2"})
    public String kernels;

    private ShuffleKernels k;
    private byte[] src;
    private byte[] dst;
    private byte[] scratch;

    @Setup
    public void setUp() {
        k = switch (kernels) {
            case "vector" -> Kernels.vector();
            case "native" -> Kernels.nativeKernels();
            case "native-avx2" -> Kernels.nativeKernels("avx2");
            case "native-sse2" -> Kernels.nativeKernels("sse2");
            default -> Kernels.scalar();
        };
        src = CodecData.noisy(Math.max(1, size / (2 * 256 * 256)), 3);
        src = java.util.Arrays.copyOf(src, size);
        dst = new byte[size];
        scratch = new byte[size];
    }

    @Benchmark
    public byte[] shuffle() {
        k.shuffle(src, 0, dst, 0, size, typesize);
        return dst;
    }

    @Benchmark
    public byte[] unshuffle() {
        k.unshuffle(src, 0, dst, 0, size, typesize);
        return dst;
    }

    @Benchmark
    public byte[] bitshuffle() {
        k.bitshuffle(src, 0, dst, 0, size, typesize, scratch);
        return dst;
    }

    @Benchmark
    public byte[] bitunshuffle() {
        k.bitunshuffle(src, 0, dst, 0, size, typesize, scratch);
        return dst;
    }
}
