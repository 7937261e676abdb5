package dev.ngff.tiff.internal;

import java.util.Arrays;

/** The argument checks the sources' box reads share. */
public final class Boxes {
    private Boxes() {
    }

    /** Throws {@link IllegalArgumentException} unless {@code [offset, offset + box)} lies inside {@code shape}. */
    public static void check(long[] shape, long[] offset, long[] box) {
        if (offset.length != shape.length || box.length != shape.length) {
            throw new IllegalArgumentException("box of rank " + offset.length + " for a source of rank " + shape.length);
        }
        for (int d = 0; d < shape.length; d++) {
            if (offset[d] < 0 || box[d] < 0 || offset[d] + box[d] > shape[d]) {
                throw new IllegalArgumentException("box " + Arrays.toString(offset) + " + " + Arrays.toString(box)
                        + " is outside " + Arrays.toString(shape));
            }
        }
    }
}
