package dev.ngff.metadata.ome;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.Json;

import java.util.List;
import java.util.Set;

/**
 * {@code image-label}: what a label image's integer values mean.
 *
 * @param version    per-block version (0.4), or null
 * @param colors     display colours by label value, or null
 * @param properties per-label-value properties (objects with {@code label-value}), or null
 * @param source     where the labelled image is ({@code {"image": "../../"}}), or null
 */
public record ImageLabel(String version, List<Color> colors, List<ObjectNode> properties, ObjectNode source,
                         ObjectNode extra) {
    private static final Set<String> KNOWN = Set.of("version", "colors", "properties", "source");

    /**
     * @param labelValue the label value (an integer; kept as JSON since some writers use floats)
     * @param rgba       four components 0..255, or null
     */
    public record Color(JsonNode labelValue, int[] rgba, ObjectNode extra) {
        public Color {
            labelValue = labelValue == null ? null : labelValue.deepCopy();
            rgba = rgba == null ? null : rgba.clone();
            extra = extra == null ? Json.object() : extra.deepCopy();
        }

        public static Color of(long labelValue, int r, int g, int b, int a) {
            return new Color(Json.nodes().numberNode(labelValue), new int[] {r, g, b, a}, null);
        }

        @Override
        public int[] rgba() {
            return rgba == null ? null : rgba.clone();
        }

        static Color parse(JsonReader r) throws InvalidMetadataException {
            r.requireObject();
            int[] rgba = null;
            if (r.has("rgba")) {
                double[] d = r.doubles("rgba");
                rgba = new int[d.length];
                for (int i = 0; i < d.length; i++) {
                    rgba[i] = (int) d[i];
                }
            }
            return new Color(r.raw("label-value"), rgba, r.extra(Set.of("label-value", "rgba")));
        }

        ObjectNode toJson() {
            ObjectNode o = JsonWriter.object();
            JsonWriter.putIfSet(o, "label-value", labelValue);
            if (rgba != null) {
                var a = o.putArray("rgba");
                for (int v : rgba) {
                    a.add(v);
                }
            }
            return JsonWriter.withExtra(o, extra);
        }
    }

    public ImageLabel {
        colors = colors == null ? null : List.copyOf(colors);
        properties = properties == null ? null : properties.stream().map(ObjectNode::deepCopy).toList();
        source = source == null ? null : source.deepCopy();
        extra = extra == null ? Json.object() : extra.deepCopy();
    }

    static ImageLabel parse(JsonReader r) throws InvalidMetadataException {
        r.requireObject();
        List<ObjectNode> props = r.optList("properties", p -> (ObjectNode) p.requireObject().node());
        ObjectNode source = r.has("source") ? (ObjectNode) r.object("source").node() : null;
        return new ImageLabel(r.looseString("version"), r.optList("colors", Color::parse), props, source,
                r.extra(KNOWN));
    }

    ObjectNode toJson() {
        ObjectNode o = JsonWriter.object();
        JsonWriter.putIfSet(o, "version", version);
        if (colors != null) {
            o.set("colors", JsonWriter.list(colors, Color::toJson));
        }
        if (properties != null) {
            o.set("properties", JsonWriter.list(properties, p -> p));
        }
        JsonWriter.putIfSet(o, "source", source);
        return JsonWriter.withExtra(o, extra);
    }
}
