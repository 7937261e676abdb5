package dev.ngff.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A box of an array selected on the command line: per dimension {@code a:b} (half-open), {@code a:},
 * {@code :b}, {@code :} or a single index {@code a} (kept as a dimension of length 1), separated by
 * commas. Negative indices count from the end, as in NumPy. Dimensions not given are taken whole.
 *
 * @param dims the parsed per-dimension selections
 */
record Region(List<Dim> dims) {

    /**
     * One dimension of a region; null bounds are open.
     *
     * @param start  first index, or null for 0
     * @param stop   index after the last, or null for the extent
     * @param single a single index (the dimension keeps length 1)
     */
    record Dim(Long start, Long stop, boolean single) {
    }

    /** The resolved box: an offset and a shape. */
    record Box(long[] offset, long[] shape) {
        Box {
            offset = offset.clone();
            shape = shape.clone();
        }

        @Override
        public long[] offset() {
            return offset.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Box b && Arrays.equals(offset, b.offset) && Arrays.equals(shape, b.shape);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(offset) + Arrays.hashCode(shape);
        }

        @Override
        public String toString() {
            return "Box[offset=" + Arrays.toString(offset) + ", shape=" + Arrays.toString(shape) + "]";
        }
    }

    Region {
        dims = List.copyOf(dims);
    }

    /** The whole array. */
    static Region all() {
        return new Region(List.of());
    }

    /**
     * Parses the syntax (no bounds check against a shape yet).
     *
     * @throws IllegalArgumentException naming the bad part
     */
    static Region parse(String text) {
        String t = text.trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty region");
        }
        List<Dim> dims = new ArrayList<>();
        for (String part : t.split(",", -1)) {
            dims.add(parseDim(part.trim(), text));
        }
        return new Region(dims);
    }

    private static Dim parseDim(String part, String text) {
        if (part.isEmpty()) {
            throw new IllegalArgumentException("empty dimension in region '" + text + "'");
        }
        int colon = part.indexOf(':');
        if (colon < 0) {
            return new Dim(number(part, text), null, true);
        }
        if (part.indexOf(':', colon + 1) >= 0) {
            throw new IllegalArgumentException("'" + part + "' in region '" + text + "': steps are not supported");
        }
        String a = part.substring(0, colon).trim();
        String b = part.substring(colon + 1).trim();
        return new Dim(a.isEmpty() ? null : number(a, text), b.isEmpty() ? null : number(b, text), false);
    }

    private static Long number(String s, String text) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' in region '" + text + "' is not an integer");
        }
    }

    /**
     * The box this region selects in an array of the given shape.
     *
     * @throws IllegalArgumentException if the region has more dimensions than the array or a bound lies
     *     outside it
     */
    Box resolve(long[] shape) {
        if (dims.size() > shape.length) {
            throw new IllegalArgumentException("region has " + dims.size() + " dimensions, the array "
                    + shape.length + " (shape " + Arrays.toString(shape) + ")");
        }
        long[] offset = new long[shape.length];
        long[] extent = shape.clone();
        for (int d = 0; d < dims.size(); d++) {
            Dim dim = dims.get(d);
            long n = shape[d];
            if (dim.single()) {
                long i = wrap(dim.start(), n);
                if (i < 0 || i >= n) {
                    throw new IllegalArgumentException("index " + dim.start() + " is outside dimension " + d
                            + " of extent " + n);
                }
                offset[d] = i;
                extent[d] = 1;
                continue;
            }
            long a = dim.start() == null ? 0 : wrap(dim.start(), n);
            long b = dim.stop() == null ? n : wrap(dim.stop(), n);
            if (a < 0 || b > n || a > b) {
                throw new IllegalArgumentException("range " + (dim.start() == null ? "" : dim.start()) + ":"
                        + (dim.stop() == null ? "" : dim.stop()) + " is outside dimension " + d + " of extent " + n);
            }
            offset[d] = a;
            extent[d] = b - a;
        }
        return new Box(offset, extent);
    }

    private static long wrap(long i, long n) {
        return i < 0 ? n + i : i;
    }
}
