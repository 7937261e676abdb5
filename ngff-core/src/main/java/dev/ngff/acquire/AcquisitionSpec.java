package dev.ngff.acquire;

import dev.ngff.ome.ImageSpec;
import dev.ngff.pyramid.Downsampling;

import java.util.Arrays;
import java.util.Objects;

/**
 * What an acquisition writes: the image (axes in acquisition order, data type, chunking and sharding,
 * codecs, pixel sizes, channels, the pyramid plan), which trailing axes make one frame, and how the
 * lower levels are made.
 *
 * <p>Frames arrive in C order over the leading (outer) axes: for axes {@code t, c, z, y, x} with two
 * frame axes, frame {@code i} is the plane at {@code (t, c, z) = unravel(i)}. The image's level-0 extent
 * along axis 0 is the most frames the acquisition may hold there, or {@link #UNBOUNDED} (0 in the
 * spec's shape) for an acquisition that runs until it is closed; the other extents are fixed.
 *
 * @param image     the image; its {@code shape()[0]} is the bound of axis 0, or 0 for none
 * @param frameRank how many trailing axes one frame spans (at least 1, fewer than the rank)
 * @param method    how lower levels are made from the level above; it may not need neighbours beyond
 *                  its block (a gaussian does: write level 0 live and run {@code ngff pyramid} after)
 */
public record AcquisitionSpec(ImageSpec image, int frameRank, Downsampling method) {
    /** The extent of axis 0 in a spec whose acquisition is unbounded along it. */
    public static final long UNBOUNDED = 0;

    public AcquisitionSpec {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(method, "method");
        int rank = image.axes().size();
        if (frameRank < 1 || frameRank >= rank) {
            throw new IllegalArgumentException("a frame spans 1 to " + (rank - 1) + " trailing axes of the "
                    + rank + " axes, not " + frameRank);
        }
        for (int d = 1; d < rank; d++) {
            if (image.shape()[d] < 1) {
                throw new IllegalArgumentException("axis " + image.axes().get(d).name() + " has extent "
                        + image.shape()[d] + "; only axis 0 may be unbounded (0)");
            }
        }
        if (image.shape()[0] < 0) {
            throw new IllegalArgumentException("axis " + image.axes().get(0).name() + " has extent " + image.shape()[0]);
        }
        if (method instanceof Downsampling.Gaussian && image.plan().levels() > 1) {
            throw new IllegalArgumentException("a live pyramid cannot be gaussian: it needs neighbours of frames not"
                    + " yet acquired; use mean (or another block method), or write one level and run ngff pyramid after");
        }
    }

    /** An acquisition of {@code image} whose frames are its last two axes, lower levels by mean (mode for integer labels is yours to choose). */
    public static AcquisitionSpec of(ImageSpec image) {
        return new AcquisitionSpec(image, 2, new Downsampling.Mean());
    }

    public AcquisitionSpec withFrameRank(int n) {
        return new AcquisitionSpec(image, n, method);
    }

    public AcquisitionSpec withMethod(Downsampling m) {
        return new AcquisitionSpec(image, frameRank, m);
    }

    /** Whether axis 0 has no bound. */
    public boolean unbounded() {
        return image.shape()[0] == UNBOUNDED;
    }

    /** The number of outer (non-frame) axes. */
    public int outerRank() {
        return image.axes().size() - frameRank;
    }

    /** The level-0 shape of one frame (the trailing {@link #frameRank} extents). */
    public long[] frameShape() {
        long[] s = image.shape();
        return Arrays.copyOfRange(s, s.length - frameRank, s.length);
    }

    /** Frames per index of axis 0 (the product of the outer extents after axis 0). */
    public long framesPerSlab() {
        long n = 1;
        for (int d = 1; d < outerRank(); d++) {
            n = Math.multiplyExact(n, image.shape()[d]);
        }
        return n;
    }

    /** The most frames the acquisition may hold, or {@link Long#MAX_VALUE} when unbounded. */
    public long maxFrames() {
        return unbounded() ? Long.MAX_VALUE : Math.multiplyExact(image.shape()[0], framesPerSlab());
    }
}
