package dev.ngff.acquire;

import dev.ngff.buffer.NdBuffer;
import dev.ngff.metadata.DataType;
import dev.ngff.pyramid.Downsampling;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The live pyramid's common step, a camera plane halved in y and x by the mean (uint16, both extents
 * even, no reduction across planes), on plain arrays: rows are copied out of the frame in bulk, reduced
 * in a loop the JIT can vectorise, and copied back. The generic {@link dev.ngff.pyramid.Downsampler}
 * reads element by element through memory-segment accessors, which cost several times the arithmetic
 * when frames arrive in native memory and lower levels live on the heap. The result is the same: the
 * sum of each 2x2 block divided by 4 and rounded half to even.
 */
final class PlaneMean {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private PlaneMean() {
    }

    /**
     * Whether {@link #halveU16} computes this step: mean of uint16, factor 1 on every axis but the last two,
     * 2 on those, a plane (extent 1 on every axis but the last two) whose last two extents are even.
     */
    static boolean applies(Downsampling method, DataType type, int[] factors, NdBuffer plane) {
        int rank = factors.length;
        if (!(method instanceof Downsampling.Mean) || type != DataType.UINT16 || rank < 2 || plane.rank() != rank) {
            return false;
        }
        for (int d = 0; d < rank - 2; d++) {
            if (factors[d] != 1 || plane.shape(d) != 1) {
                return false;
            }
        }
        return factors[rank - 2] == 2 && factors[rank - 1] == 2
                && plane.shape(rank - 2) % 2 == 0 && plane.shape(rank - 1) % 2 == 0
                && plane.shape(rank - 1) <= Integer.MAX_VALUE / 2;
    }

    /** Writes the 2x2 means of {@code src} into {@code dst} (its last two extents half those of src). */
    static void halveU16(NdBuffer src, NdBuffer dst) {
        int rank = src.rank();
        long rows = src.shape(rank - 2);
        int width = (int) src.shape(rank - 1);
        int half = width / 2;
        MemorySegment in = src.segment();
        MemorySegment out = dst.segment();
        short[] r0 = new short[width];
        short[] r1 = new short[width];
        short[] o = new short[half];
        long rowBytes = 2L * width;
        for (long y = 0; y < rows / 2; y++) {
            MemorySegment.copy(in, U16, 2 * y * rowBytes, r0, 0, width);
            MemorySegment.copy(in, U16, (2 * y + 1) * rowBytes, r1, 0, width);
            meanRow(r0, r1, o, half);
            MemorySegment.copy(o, 0, out, U16, y * 2L * half, half);
        }
    }

    private static void meanRow(short[] r0, short[] r1, short[] o, int half) {
        for (int i = 0; i < half; i++) {
            int s = (r0[2 * i] & 0xffff) + (r0[2 * i + 1] & 0xffff) + (r1[2 * i] & 0xffff) + (r1[2 * i + 1] & 0xffff);
            int q = s >>> 2;
            // half to even: up when the remainder is 3, or 2 with q odd (rem + (q & 1) in {3, 4})
            o[i] = (short) (q + (((s & 3) + (q & 1) + 1) >>> 2));
        }
    }
}
