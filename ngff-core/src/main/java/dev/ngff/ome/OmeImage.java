package dev.ngff.ome;

import dev.ngff.array.ZarrGroup;
import dev.ngff.error.NodeNotFoundException;
import dev.ngff.metadata.ome.Axis;
import dev.ngff.metadata.ome.ImageLabel;
import dev.ngff.metadata.ome.Multiscale;
import dev.ngff.metadata.ome.Omero;
import dev.ngff.metadata.ome.OmeMetadata;
import dev.ngff.metadata.ome.ScaleTranslation;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * An image: the first multiscale of a group, with its levels opened (finest first). A label image is an
 * image whose metadata has {@code image-label}.
 */
public record OmeImage(ZarrGroup group, OmeMetadata metadata, List<Level> levels) implements OmeNode {
    public OmeImage {
        levels = List.copyOf(levels);
        if (levels.isEmpty()) {
            throw new IllegalArgumentException("an image needs at least one level");
        }
    }

    public Multiscale multiscale() {
        return metadata.multiscales().getFirst();
    }

    /** The axes of the pyramid (from {@code axes}, or from the 0.6 coordinate system the levels map to). */
    public List<Axis> axes() {
        return multiscale().effectiveAxes();
    }

    public List<String> axisNames() {
        return axes().stream().map(Axis::name).toList();
    }

    /** The omero channels, empty when the image has none. */
    public List<Omero.Channel> channels() {
        return metadata.omero() == null ? List.of() : metadata.omero().channels();
    }

    public Optional<ImageLabel> imageLabel() {
        return Optional.ofNullable(metadata.imageLabel());
    }

    public Level level(int i) {
        return levels.get(i);
    }

    /** The {@code labels} group below this image, when there is one. */
    public Optional<OmeLabels> labels() throws IOException {
        try {
            if (OmeZarr.open(group.openGroup("labels")) instanceof OmeLabels l) {
                return Optional.of(l);
            }
        } catch (NodeNotFoundException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * The level whose pixel size is nearest the requested one: the smallest sum over axes of
     * {@code |log(scale / requested)|}. Axes whose requested value is NaN or not positive are ignored;
     * levels without an axis-aligned scale count as scale 1.
     *
     * @param resolution requested physical size of one pixel per axis (NaN for "any")
     */
    public Level nearestLevel(double... resolution) {
        if (resolution.length != axes().size()) {
            throw new IllegalArgumentException("resolution of rank " + resolution.length + " for an image with "
                    + axes().size() + " axes");
        }
        Level best = levels.getFirst();
        double bestCost = Double.POSITIVE_INFINITY;
        for (Level l : levels) {
            double[] s = l.scale();
            double cost = 0;
            for (int i = 0; i < s.length; i++) {
                if (resolution[i] > 0 && s[i] > 0) {
                    cost += Math.abs(Math.log(s[i] / resolution[i]));
                }
            }
            if (cost < bestCost - 1e-12) {
                bestCost = cost;
                best = l;
            }
        }
        return best;
    }

    /** Physical coordinates of a (possibly fractional) pixel index of a level. */
    public double[] toPhysical(int level, double... index) {
        return transformOf(level).toPhysical(index);
    }

    /** Pixel index (fractional) of a level at physical coordinates. */
    public double[] toIndex(int level, double... physical) {
        return transformOf(level).toIndex(physical);
    }

    private ScaleTranslation transformOf(int level) {
        Level l = levels.get(level);
        return l.scaleTranslation().orElseThrow(() -> new UnsupportedOperationException("level " + level + " ('"
                + l.path() + "') has no axis-aligned scale and translation"));
    }
}
