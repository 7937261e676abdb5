package dev.ngff.n5;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.metadata.ome.Axis;
import dev.ngff.pyramid.LevelSource;
import dev.ngff.tiff.FileImage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An N5 container or group as an image: a dataset on its own (one level), or an N5-viewer multiscale group
 * whose datasets {@code s0}, {@code s1}, ... are the levels. Axes come from an {@code axes} attribute (N5
 * order, reversed here) or, without one, from the rank: {@code y, x}; {@code z, y, x}; {@code c, z, y, x};
 * {@code t, c, z, y, x}. The pixel size comes from {@code pixelResolution} ({@code {"dimensions": [...],
 * "unit": "um"}} or an array, with {@code unit}) or {@code resolution}, on the group or on {@code s0}; level
 * scales follow the levels' sizes.
 */
public final class N5Images {
    private N5Images() {
    }

    /** True when {@code dir} holds N5 attributes and no Zarr metadata. */
    public static boolean looksLikeN5(Path dir) {
        return Files.isDirectory(dir) && Files.isRegularFile(dir.resolve("attributes.json"))
                && !Files.exists(dir.resolve("zarr.json")) && !Files.exists(dir.resolve(".zgroup"))
                && !Files.exists(dir.resolve(".zarray"));
    }

    /**
     * The image at {@code dir}.
     *
     * @throws InvalidMetadataException neither a dataset nor a multiscale group, or malformed attributes
     */
    public static FileImage of(Path dir) throws IOException {
        JsonNode attrs = N5Dataset.attributes(dir);
        List<LevelSource> levels = new ArrayList<>();
        JsonNode meta = attrs;
        if (N5Dataset.isDataset(attrs)) {
            levels.add(N5Dataset.open(dir));
        } else {
            for (int k = 0; k < 64; k++) {
                Path s = dir.resolve("s" + k);
                if (!Files.isDirectory(s) || !N5Dataset.isDataset(N5Dataset.attributes(s))) {
                    break;
                }
                N5Dataset d = N5Dataset.open(s);
                if (k == 0) {
                    meta = merged(attrs, d.attributes());
                } else if (!d.dataType().equals(levels.getFirst().dataType())
                        || d.shape().length != levels.getFirst().shape().length) {
                    throw new InvalidMetadataException(s + ": level " + k + " differs in type or rank from s0");
                }
                levels.add(d);
            }
            if (levels.isEmpty()) {
                throw new InvalidMetadataException(dir + ": neither an N5 dataset (attributes.json with dimensions and "
                        + "dataType) nor an N5-viewer multiscale group (datasets s0, s1, ...)");
            }
        }
        int rank = levels.getFirst().shape().length;
        List<String> names = axisNames(meta, rank, dir);
        double[] n5res = resolution(meta, rank, dir);
        String unit = dev.ngff.tiff.FileImage.unit(unitText(meta));
        List<Axis> axes = new ArrayList<>();
        double[] scale = new double[rank];
        for (int d = 0; d < rank; d++) {
            String name = names.get(d);
            String type = switch (name) {
                case "x", "y", "z" -> "space";
                case "t" -> "time";
                case "c" -> "channel";
                default -> null;
            };
            axes.add(new Axis(name, type, "space".equals(type) ? unit : null, null, null));
            scale[d] = n5res == null ? 1 : n5res[rank - 1 - d];
        }
        return new FileImage(dir.getFileName() == null ? null : dir.getFileName().toString(), axes, scale, levels, null);
    }

    /** The group's attributes with s0's added where the group has none. */
    private static JsonNode merged(JsonNode group, JsonNode s0) {
        com.fasterxml.jackson.databind.node.ObjectNode m = s0.deepCopy();
        group.properties().forEach(e -> m.set(e.getKey(), e.getValue()));
        return m;
    }

    private static List<String> axisNames(JsonNode meta, int rank, Path dir) throws IOException {
        JsonNode axes = meta.get("axes");
        List<String> names = new ArrayList<>();
        if (axes != null && axes.isArray() && axes.size() == rank) {
            for (int i = rank - 1; i >= 0; i--) {
                names.add(axes.get(i).asText().toLowerCase(java.util.Locale.ROOT));
            }
        } else {
            if (rank > 5) {
                throw new UnsupportedExtensionException(dir + ": " + rank + " dimensions without an axes attribute");
            }
            for (int i = rank - 1; i >= 0; i--) {
                names.add(String.valueOf("xyzct".charAt(i)));
            }
        }
        // OME-NGFF wants time, then channel, then space
        String order = String.join("", names.stream().map(n -> switch (n) {
            case "t" -> "0";
            case "c" -> "1";
            case "x", "y", "z" -> "2";
            default -> "3";
        }).toList());
        char[] sorted = order.toCharArray();
        Arrays.sort(sorted);
        if (!order.equals(new String(sorted)) || names.stream().distinct().count() != rank) {
            throw new UnsupportedExtensionException(dir + ": N5 axes " + names.reversed() + " cannot be written in "
                    + "OME-NGFF's order (time, channel, space) without transposing, which is not supported");
        }
        return names;
    }

    private static double[] resolution(JsonNode meta, int rank, Path dir) throws InvalidMetadataException {
        JsonNode r = meta.get("pixelResolution");
        if (r != null && r.isObject()) {
            r = r.get("dimensions");
        }
        if (r == null) {
            r = meta.get("resolution");
        }
        if (r == null || r.isNull()) {
            return null;
        }
        if (!r.isArray() || r.size() != rank) {
            throw new InvalidMetadataException(dir + ": pixelResolution or resolution has " + r.size()
                    + " entries, the dataset " + rank + " dimensions");
        }
        double[] out = new double[rank];
        for (int i = 0; i < rank; i++) {
            double v = r.get(i).asDouble(Double.NaN);
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new InvalidMetadataException(dir + ": resolution entry " + i + " (" + r.get(i) + ") is not positive");
            }
            out[i] = v;
        }
        return out;
    }

    private static String unitText(JsonNode meta) {
        JsonNode r = meta.get("pixelResolution");
        if (r != null && r.isObject() && r.has("unit")) {
            return r.get("unit").asText();
        }
        for (String k : List.of("unit", "units")) {
            JsonNode u = meta.get(k);
            if (u != null && u.isTextual()) {
                return u.asText();
            }
            if (u != null && u.isArray() && !u.isEmpty()) {
                return u.get(0).asText();
            }
        }
        return null;
    }
}
