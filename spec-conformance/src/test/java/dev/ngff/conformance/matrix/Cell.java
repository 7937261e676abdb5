package dev.ngff.conformance.matrix;

import dev.ngff.conformance.matrix.Catalogue.CodecVariant;
import dev.ngff.conformance.matrix.Catalogue.DtypeEntry;
import dev.ngff.conformance.matrix.Catalogue.ShapeCase;

import java.util.Objects;

/**
 * One cell of the matrix: an array that one side writes and the other reads. Its {@link #id()} names it
 * everywhere (Markdown report, test names, {@code -Dngff.cell=}, the folder it is written to).
 *
 * @param format  Zarr format, 2 or 3
 * @param codec   the codec variant
 * @param dtype   the data type
 * @param order   "C" or "F" (v3: a transpose that reverses the axes before the other codecs)
 * @param endian  "little" or "big" (forced to little for one-byte types, where it means nothing)
 * @param shape   shape and chunk shape
 * @param fill    fill kind: "zero", "one" or "special" (NaN for floats, the extreme for integers)
 * @param missing "none" or "first-chunks" (the first row of chunks along axis 0 is never written)
 * @param keys    chunk key encoding: v3 "slash", "dot" (default encoding) or "v2dot"; v2 "dot" or "slash"
 */
record Cell(int format, CodecVariant codec, DtypeEntry dtype, String order, String endian, ShapeCase shape,
            String fill, String missing, String keys) {

    Cell {
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(dtype, "dtype");
        if (format != 2 && format != 3) {
            throw new IllegalArgumentException("format " + format);
        }
    }

    String id() {
        return "v" + format + "." + codec.id() + "." + dtype.name() + "." + order + "."
                + (endian.equals("big") ? "be" : "le") + "." + shape.id() + ".fill-" + fill + ".missing-" + missing
                + ".keys-" + keys;
    }

    /** The region that the writer fills with the formula's values; the rest is left to the fill value. */
    long[][] region() {
        long[] off = new long[shape.shape().length];
        long[] len = shape.shape().clone();
        if (missing.equals("first-chunks")) {
            off[0] = Math.min(shape.chunks()[0], shape.shape()[0]);
            len[0] = shape.shape()[0] - off[0];
        }
        return new long[][] {off, len};
    }

    @Override
    public String toString() {
        return id();
    }
}
