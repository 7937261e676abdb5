package dev.ngff.buffer;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/** Where a chunk's C-order bytes lie inside a larger C-order buffer, for decoding straight into place. */
public final class Layouts {
    private Layouts() {
    }

    /**
     * The memory of {@code dest} that a whole chunk of shape {@code chunk}, placed at {@code at}, occupies
     * when its C-order bytes lie there contiguously; null otherwise. Contiguous means: the chunk fits
     * whole ({@code box} equals {@code chunk}), and below its first dimension of extent above 1 it spans
     * the destination's extents. Nothing is checked beyond that: the box must lie inside {@code dest}.
     */
    public static MemorySegment contiguousRegion(long[] chunk, long[] box, NdBuffer dest, long[] at) {
        if (!Arrays.equals(chunk, box)) {
            return null;
        }
        int rank = box.length;
        int first = 0;
        while (first < rank && box[first] == 1) {
            first++;
        }
        for (int d = first + 1; d < rank; d++) {
            if (box[d] != dest.shape(d)) {
                return null;
            }
        }
        long es = dest.dataType().byteSize();
        long start = 0;
        long stride = 1;
        for (int d = rank - 1; d >= 0; d--) {
            start += at[d] * stride;
            stride *= dest.shape(d);
        }
        return dest.segment().asSlice(start * es, NdBuffer.elementCount(box) * es);
    }
}
