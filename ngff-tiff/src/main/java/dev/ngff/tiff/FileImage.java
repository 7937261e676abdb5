package dev.ngff.tiff;

import dev.ngff.metadata.ome.Axis;
import dev.ngff.metadata.ome.Omero;
import dev.ngff.pyramid.LevelSource;

import java.util.List;

/**
 * An image read from a file source (TIFF, raw, N5), ready to be written as OME-Zarr: its levels, level 0
 * first, with OME-NGFF axes, the level-0 pixel size and channels. Immutable; the levels read from files that
 * must stay open while they are read.
 *
 * @param name   the image's name, or null
 * @param axes   OME-NGFF axes in array order
 * @param scale  level-0 physical pixel size per axis
 * @param levels level 0 and the reduced levels (SubIFDs, reduced pages, N5 scale levels), each smaller or equal
 * @param omero  channel names and colours, or null
 */
public record FileImage(String name, List<Axis> axes, double[] scale, List<LevelSource> levels, Omero omero) {
    public FileImage {
        axes = List.copyOf(axes);
        scale = scale.clone();
        levels = List.copyOf(levels);
        if (axes.size() != scale.length || levels.isEmpty() || levels.getFirst().shape().length != axes.size()) {
            throw new IllegalArgumentException(axes.size() + " axes, " + scale.length + " scales, "
                    + (levels.isEmpty() ? 0 : levels.getFirst().shape().length) + " dimensions");
        }
    }

    /** The pixel size of level {@code k}: level 0's, times how much smaller the level is on each axis. */
    public double[] levelScale(int k) {
        double[] s = scale.clone();
        long[] s0 = levels.getFirst().shape();
        long[] sk = levels.get(k).shape();
        for (int d = 0; d < s.length; d++) {
            s[d] = scale[d] * s0[d] / (double) sk[d];
        }
        return s;
    }

    /**
     * A unit as OME, ImageJ or N5 write it ({@code µm}, {@code micron}, {@code um}, {@code s}) as an OME-NGFF
     * unit name; null for none or unknown.
     */
    public static String unit(String u) {
        if (u == null) {
            return null;
        }
        return switch (u.trim().replace("\\u00B5", "µ")) {
            case "µm", "um", "micron", "microns", "micrometer" -> "micrometer";
            case "nm", "nanometer" -> "nanometer";
            case "mm", "millimeter" -> "millimeter";
            case "cm", "centimeter" -> "centimeter";
            case "m", "meter" -> "meter";
            case "pm", "picometer" -> "picometer";
            case "Å", "angstrom" -> "angstrom";
            case "inch", "in" -> "inch";
            case "s", "sec", "second" -> "second";
            case "ms", "millisecond" -> "millisecond";
            case "µs", "us", "microsecond" -> "microsecond";
            case "ns", "nanosecond" -> "nanosecond";
            case "min", "minute" -> "minute";
            case "h", "hour" -> "hour";
            default -> null;
        };
    }
}
