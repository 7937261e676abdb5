package dev.ngff.bench.pyramid;

import dev.ngff.bench.BenchmarkBase;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.metadata.DataType;
import dev.ngff.pyramid.Downsampler;
import dev.ngff.pyramid.Downsampling;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.Random;

/**
 * One thread reducing a whole block, by default 256^3 (the shard of the 1024^3 pyramid) by 2x2x2 into 128^3:
 * uint16 and uint8 intensities and float32 by mean, uint32 and uint64 labels by mode (synthetic cells, so
 * most blocks are uniform as in real label images, with boundaries between them), and a gaussian for
 * scale. Input bytes per second = block elements x element size x ops/s; compare with {@code MemcpyRuler}.
 * {@code -p shape=64x256x256} reduces another block (e.g. the gaussian's before/after figures).
 */
@State(Scope.Thread)
public class DownsamplerBenchmark extends BenchmarkBase {
    /** data type and method. */
    @Param({"uint16-mean", "uint32-mode", "uint8-mean", "float32-mean", "uint64-mode", "uint16-gaussian"})
    public String workload;

    /** Block shape, ZxYxX. */
    @Param({"256x256x256"})
    public String shape;

    private NdBuffer src;
    private NdBuffer dst;
    private Downsampling method;
    private final int[] factors = {2, 2, 2};
    private long[] extent;
    private final long[] zero = new long[3];

    @Setup(Level.Trial)
    public void setUp() {
        String[] p = workload.split("-");
        DataType type = switch (p[0]) {
            case "uint8" -> DataType.UINT8;
            case "uint16" -> DataType.UINT16;
            case "uint32" -> DataType.UINT32;
            case "uint64" -> DataType.UINT64;
            default -> DataType.FLOAT32;
        };
        method = Downsampling.parse(p[1]);
        String[] e = shape.split("x");
        extent = new long[]{Long.parseLong(e[0]), Long.parseLong(e[1]), Long.parseLong(e[2])};
        src = NdBuffer.allocate(type, extent);
        Random r = new Random(42);
        long i = 0;
        for (int z = 0; z < extent[0]; z++) {
            for (int y = 0; y < extent[1]; y++) {
                for (int x = 0; x < extent[2]; x++, i++) {
                    if (p[1].equals("mode")) {
                        // cells of 10-30 voxels a side: a label per cell, uniform inside
                        long cell = (z / 17) * 10_000L + (y / 23) * 100L + (x / 13);
                        src.setAsLong(i, cell * 2654435761L & 0xffff_ffffL);
                    } else if (type.equals(DataType.FLOAT32)) {
                        src.setAsDouble(i, 1000 + 500 * Math.sin(x / 9.0) * Math.cos(y / 7.0) + r.nextInt(64));
                    } else {
                        long v = 2000 + (long) (1500 * Math.sin(x / 9.0) * Math.cos(y / 7.0 + z / 11.0)) + r.nextInt(64);
                        src.setAsLong(i, type.equals(DataType.UINT8) ? v & 0xff : v);
                    }
                }
            }
        }
        dst = NdBuffer.allocate(type, Math.ceilDiv(extent[0], 2), Math.ceilDiv(extent[1], 2), Math.ceilDiv(extent[2], 2));
    }

    /** Input bytes read per operation, for GB/s. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Bytes {
        public long inputBytes;
    }

    @Benchmark
    public NdBuffer reduce(Bytes bytes) {
        Downsampler.reduce(method, factors, extent, src, zero, dst, zero);
        bytes.inputBytes += src.segment().byteSize();
        return dst;
    }
}
