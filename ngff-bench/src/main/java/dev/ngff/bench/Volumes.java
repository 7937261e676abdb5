package dev.ngff.bench;

import dev.ngff.buffer.NdBuffer;
import dev.ngff.metadata.DataType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Deterministic uint16 test volumes, rendered block by block so arrays larger than memory can be
 * written. {@link #RAMP} is the smooth gradient that public Zarr benchmarks use (it compresses very
 * well and flatters every implementation); {@link #NOISY} is a dim background with bright blobs and
 * per-voxel noise, closer to a real microscope volume (zstd reaches about 1.5-2x, not 26x).
 */
public enum Volumes {
    RAMP {
        @Override
        short value(long z, long y, long x) {
            return (short) (z + y + x);
        }
    },
    /**
     * zarr_benchmarks' own data (its generator script): value = (x + y*y/32 + z^3) mod 65536, with x the
     * fastest axis. Smooth along x, so it compresses about as well as the ramp.
     */
    ZARR_BENCHMARKS {
        @Override
        short value(long z, long y, long x) {
            return (short) (x + y * y / 32 + z * z * z);
        }
    },
    NOISY {
        @Override
        short value(long z, long y, long x) {
            long h = mix(z * 0x9E3779B97F4A7C15L ^ y * 0xC2B2AE3D27D4EB4FL ^ x * 0x165667B19E3779F9L);
            // background plus a slow wave (cells of ~40 voxels) plus noise of about 6 bits
            double wave = Math.sin(z * 0.15) * Math.sin(y * 0.13) * Math.sin(x * 0.11);
            double cell = wave > 0.35 ? 1800 * (wave - 0.35) : 0;
            int noise = (int) (h & 0x3F) + (int) ((h >>> 8) & 0x1F) - 48;
            return (short) Math.max(0, 100 + cell + noise);
        }
    };

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    abstract short value(long z, long y, long x);

    /** Fills a 3-d uint16 buffer with the volume's values for the box starting at {@code offset}. */
    public void render(long[] offset, NdBuffer block) {
        if (block.rank() != 3 || !block.dataType().equals(DataType.UINT16)) {
            throw new IllegalArgumentException("render needs a 3-d uint16 buffer, got " + block);
        }
        long[] s = block.shape();
        MemorySegment seg = block.segment();
        long i = 0;
        for (long z = 0; z < s[0]; z++) {
            for (long y = 0; y < s[1]; y++) {
                for (long x = 0; x < s[2]; x++) {
                    seg.set(U16, 2 * i++, value(offset[0] + z, offset[1] + y, offset[2] + x));
                }
            }
        }
    }

    /** A new buffer of the given shape rendered at the origin. */
    public NdBuffer block(long... shape) {
        NdBuffer b = NdBuffer.allocate(DataType.UINT16, shape);
        render(new long[shape.length], b);
        return b;
    }

    private static long mix(long x) {
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        x *= 0xc4ceb93fe51a87d3L;
        return x ^ x >>> 33;
    }
}
