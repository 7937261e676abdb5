package dev.ngff.ome;

import dev.ngff.array.ZarrArray;
import dev.ngff.metadata.ome.ScaleTranslation;

import java.util.Objects;
import java.util.Optional;

/**
 * One resolution level of an image.
 *
 * @param index     0 for the finest level
 * @param path      the array's path relative to the image group
 * @param array     the level's array, opened
 * @param transform index to physical coordinates; null when the level's transformations are not an
 *                  axis-aligned scale and translation (an affine in 0.6, parameters stored in arrays)
 */
public record Level(int index, String path, ZarrArray array, ScaleTranslation transform) {
    public Level {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(array, "array");
    }

    public Optional<ScaleTranslation> scaleTranslation() {
        return Optional.ofNullable(transform);
    }

    /** Per-axis physical size of one pixel; 1 on every axis when the level has no scale. */
    public double[] scale() {
        return transform != null ? transform.scale() : ScaleTranslation.identity(array.rank()).scale();
    }

    /** Physical position of pixel index 0; 0 on every axis when the level has no translation. */
    public double[] translation() {
        return transform != null ? transform.translation() : new double[array.rank()];
    }

    public long[] shape() {
        return array.shape();
    }
}
