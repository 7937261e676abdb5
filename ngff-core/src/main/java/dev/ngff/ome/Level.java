package dev.ngff.ome;

import dev.ngff.array.ZarrArray;
import dev.ngff.array.ZarrGroup;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.ome.ScaleTranslation;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * One resolution level of an image. Its metadata is read when the image is opened; its array (which needs
 * the codecs) is opened on request, so an image whose codecs this build lacks still opens and describes
 * itself.
 *
 * @param index     0 for the finest level
 * @param path      the array's path relative to the image group
 * @param metadata  the array's metadata
 * @param transform index to physical coordinates; null when the level's transformations are not an
 *                  axis-aligned scale and translation (an affine in 0.6, parameters stored in arrays)
 * @param image     the image group the path is relative to
 */
public record Level(int index, String path, ArrayMetadata metadata, ScaleTranslation transform, ZarrGroup image) {
    public Level {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(image, "image");
    }

    /**
     * Opens the level's array (each call opens it anew; keep the result).
     *
     * @throws dev.ngff.error.UnsupportedExtensionException when a codec of the array is not available
     */
    public ZarrArray array() throws IOException {
        return image.openArray(path);
    }

    public Optional<ScaleTranslation> scaleTranslation() {
        return Optional.ofNullable(transform);
    }

    /** Per-axis physical size of one pixel; 1 on every axis when the level has no scale. */
    public double[] scale() {
        return transform != null ? transform.scale() : ScaleTranslation.identity(metadata.rank()).scale();
    }

    /** Physical position of pixel index 0; 0 on every axis when the level has no translation. */
    public double[] translation() {
        return transform != null ? transform.translation() : new double[metadata.rank()];
    }

    public long[] shape() {
        return metadata.shape();
    }

    public int rank() {
        return metadata.rank();
    }
}
