package dev.ngff.ome;

import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.ome.Axis;
import dev.ngff.metadata.ome.NgffVersion;
import dev.ngff.metadata.ome.Omero;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What {@link OmeZarr#createImage} and {@link OmeZarr#writeImage} need to write a complete image: the
 * version, axes, level-0 shape and pixel size, the levels (by which factors each level shrinks from the one
 * above), and the channels.
 *
 * @param version          0.4 (Zarr v2), 0.5 (Zarr v3) or 0.6
 * @param name             multiscale name, or null
 * @param axes             the axes, in array dimension order
 * @param dataType         element type of every level
 * @param shape            level-0 shape
 * @param chunks           chunk shape (clipped to each level's shape)
 * @param pixelSize        level-0 physical size of one pixel per axis
 * @param origin           physical position of pixel 0 per axis, or null for none (no translation written)
 * @param plan             the levels: per-axis factors from each level to the next (1 keeps the axis)
 * @param codecs           codec chain of every level
 * @param omero            channel rendering, or null
 * @param downsamplingType the multiscale {@code type} ({@code "gaussian"}, ...), or null
 * @param downsamplingMetadata the multiscale {@code metadata} (how the levels were made), or null
 */
public record ImageSpec(NgffVersion version, String name, List<Axis> axes, DataType dataType, long[] shape,
                        long[] chunks, double[] pixelSize, double[] origin, dev.ngff.pyramid.PyramidPlan plan,
                        List<CodecSpec> codecs, Omero omero, String downsamplingType,
                        com.fasterxml.jackson.databind.node.ObjectNode downsamplingMetadata) {
    public ImageSpec {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(dataType, "dataType");
        axes = List.copyOf(axes);
        int rank = axes.size();
        shape = shape.clone();
        chunks = chunks.clone();
        pixelSize = pixelSize.clone();
        origin = origin == null ? null : origin.clone();
        Objects.requireNonNull(plan, "plan");
        codecs = List.copyOf(codecs);
        downsamplingMetadata = downsamplingMetadata == null ? null : downsamplingMetadata.deepCopy();
        if (shape.length != rank || chunks.length != rank || pixelSize.length != rank || plan.rank() != rank
                || (origin != null && origin.length != rank)) {
            throw new IllegalArgumentException("shape, chunks, pixel size, origin and level factors must all have one"
                    + " entry per axis (" + rank + ")");
        }
        for (int d = 0; d < rank; d++) {
            if (!(pixelSize[d] > 0) || Double.isInfinite(pixelSize[d])) {
                throw new IllegalArgumentException("axis " + axes.get(d).name() + ": pixel size " + pixelSize[d]
                        + " must be positive");
            }
        }
        if (version.compareTo(NgffVersion.V0_4) < 0) {
            throw new IllegalArgumentException("writing OME-NGFF " + version + " is not supported (0.4 and newer)");
        }
    }

    /**
     * A spec with the usual choices: chunks of up to 256 per spatial axis (1 elsewhere), pixel size 1,
     * one level, factor 2 on space axes, and {@code bytes} + gzip.
     */
    public static ImageSpec of(NgffVersion version, DataType dataType, long[] shape, List<Axis> axes) {
        int rank = axes.size();
        long[] chunks = new long[rank];
        double[] px = new double[rank];
        for (int d = 0; d < rank; d++) {
            boolean space = "space".equals(axes.get(d).type());
            chunks[d] = space ? Math.max(1, Math.min(256, shape[d])) : 1;
            px[d] = 1;
        }
        return new ImageSpec(version, null, axes, dataType, shape, chunks, px, null,
                dev.ngff.pyramid.PyramidPlan.single(rank), List.of(Codecs.bytes("little"), Codecs.gzip(5)), null, null,
                null);
    }

    /** {@code n} levels, each halving the space axes of the one above. */
    public ImageSpec withLevels(int n) {
        int[] f = new int[axes.size()];
        for (int d = 0; d < f.length; d++) {
            f[d] = "space".equals(axes.get(d).type()) ? 2 : 1;
        }
        return withPlan(dev.ngff.pyramid.PyramidPlan.uniform(f, n));
    }

    public ImageSpec withPlan(dev.ngff.pyramid.PyramidPlan p) {
        return new ImageSpec(version, name, axes, dataType, shape, chunks, pixelSize, origin, p, codecs, omero,
                downsamplingType, downsamplingMetadata);
    }

    /** Number of levels, level 0 included. */
    public int levels() {
        return plan.levels();
    }

    public ImageSpec withPixelSize(double... size) {
        return new ImageSpec(version, name, axes, dataType, shape, chunks, size, origin, plan, codecs, omero,
                downsamplingType, downsamplingMetadata);
    }

    public ImageSpec withOrigin(double... o) {
        return new ImageSpec(version, name, axes, dataType, shape, chunks, pixelSize, o, plan, codecs, omero,
                downsamplingType, downsamplingMetadata);
    }

    public ImageSpec withChunks(long... c) {
        return new ImageSpec(version, name, axes, dataType, shape, c, pixelSize, origin, plan, codecs, omero,
                downsamplingType, downsamplingMetadata);
    }

    public ImageSpec withOmero(Omero o) {
        return new ImageSpec(version, name, axes, dataType, shape, chunks, pixelSize, origin, plan, codecs, o,
                downsamplingType, downsamplingMetadata);
    }

    public ImageSpec withName(String n) {
        return new ImageSpec(version, n, axes, dataType, shape, chunks, pixelSize, origin, plan, codecs, omero,
                downsamplingType, downsamplingMetadata);
    }

    public ImageSpec withDataType(DataType t) {
        return new ImageSpec(version, name, axes, t, shape, chunks, pixelSize, origin, plan, codecs, omero,
                downsamplingType, downsamplingMetadata);
    }

    public ImageSpec withCodecs(List<CodecSpec> c) {
        return new ImageSpec(version, name, axes, dataType, shape, chunks, pixelSize, origin, plan, c, omero,
                downsamplingType, downsamplingMetadata);
    }

    /** Records how the levels were made: the multiscale {@code type} and {@code metadata}. */
    public ImageSpec withDownsampling(String type, com.fasterxml.jackson.databind.node.ObjectNode metadata) {
        return new ImageSpec(version, name, axes, dataType, shape, chunks, pixelSize, origin, plan, codecs,
                omero, type, metadata);
    }

    public ImageSpec withDownsamplingType(String type) {
        return new ImageSpec(version, name, axes, dataType, shape, chunks, pixelSize, origin, plan, codecs,
                omero, type, downsamplingMetadata);
    }

    /** Shape of level {@code k}: each level's extents divided by its factors, rounded up. */
    public long[] levelShape(int k) {
        return plan.levelShape(shape, k);
    }

    /** Pixel size of level {@code k}. */
    public double[] levelScale(int k) {
        return plan.levelScale(pixelSize, k);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public long[] chunks() {
        return chunks.clone();
    }

    @Override
    public double[] pixelSize() {
        return pixelSize.clone();
    }

    @Override
    public double[] origin() {
        return origin == null ? null : origin.clone();
    }

    @Override
    public String toString() {
        return "ImageSpec[" + version + " " + dataType + " " + Arrays.toString(shape) + " levels=" + plan.levels() + "]";
    }
}
