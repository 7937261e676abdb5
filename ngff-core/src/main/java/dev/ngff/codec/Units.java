package dev.ngff.codec;

import dev.ngff.buffer.NdBuffer;

import java.util.HashMap;
import java.util.Map;

/** Grid arithmetic for {@link PartialEncoder}: which units a box covers or cuts. */
final class Units {
    private Units() {
    }

    /** Replace for units the box covers wholly, Merge for units it cuts, keyed by unit linear index. */
    static Map<Long, PartialEncoder.UnitUpdate> boxUpdates(long[] unitShape, long[] grid, long[] offset, NdBuffer src,
                                                          long[] srcOffset, long[] shape) {
        int rank = unitShape.length;
        if (offset.length != rank || srcOffset.length != rank || shape.length != rank) {
            throw new IllegalArgumentException("box of rank " + shape.length + " for units of rank " + rank);
        }
        Map<Long, PartialEncoder.UnitUpdate> updates = new HashMap<>();
        long[] lo = new long[rank];
        long[] hi = new long[rank];
        for (int d = 0; d < rank; d++) {
            if (shape[d] == 0) {
                return updates;
            }
            if (offset[d] < 0 || offset[d] + shape[d] > grid[d] * unitShape[d]) {
                throw new IndexOutOfBoundsException("box at offset " + offset[d] + " of extent " + shape[d]
                        + " in dimension " + d + " is outside the chunk");
            }
            lo[d] = offset[d] / unitShape[d];
            hi[d] = (offset[d] + shape[d] - 1) / unitShape[d];
        }
        long[] c = lo.clone();
        while (true) {
            long[] inUnit = new long[rank];
            long[] inSrc = new long[rank];
            long[] box = new long[rank];
            boolean whole = true;
            for (int d = 0; d < rank; d++) {
                long origin = c[d] * unitShape[d];
                long from = Math.max(origin, offset[d]);
                long to = Math.min(origin + unitShape[d], offset[d] + shape[d]);
                inUnit[d] = from - origin;
                inSrc[d] = srcOffset[d] + from - offset[d];
                box[d] = to - from;
                whole &= box[d] == unitShape[d];
            }
            PartialEncoder.UnitChange change = unit -> NdBuffer.copy(src, inSrc, unit, inUnit, box);
            updates.put(linear(c, grid), whole
                    ? new PartialEncoder.UnitUpdate.Replace(change) : new PartialEncoder.UnitUpdate.Merge(change));
            int d = rank - 1;
            while (d >= 0 && ++c[d] > hi[d]) {
                c[d] = lo[d];
                d--;
            }
            if (d < 0) {
                return updates;
            }
        }
    }

    /** The C-order linear index of grid coordinates. */
    static long linear(long[] c, long[] grid) {
        long lin = 0;
        for (int d = 0; d < c.length; d++) {
            lin = lin * grid[d] + c[d];
        }
        return lin;
    }
}
