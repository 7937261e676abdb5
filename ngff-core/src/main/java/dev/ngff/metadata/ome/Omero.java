package dev.ngff.metadata.ome;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.Json;

import java.util.List;
import java.util.Set;

/**
 * The transitional {@code omero} block: how channels are rendered.
 *
 * @param id       OMERO image id, or null
 * @param name     image name, or null
 * @param version  block version, or null
 * @param channels the channels, in the order of the channel axis
 * @param rdefs    rendering defaults ({@code defaultT}, {@code defaultZ}, {@code model}), or null
 */
public record Omero(Integer id, String name, String version, List<Channel> channels, JsonNode rdefs, ObjectNode extra) {
    private static final Set<String> KNOWN = Set.of("id", "name", "version", "channels", "rdefs");

    /** Display range: the data range {@code min..max} and the window {@code start..end} shown. */
    public record Window(Double min, Double max, Double start, Double end, ObjectNode extra) {
        public Window {
            extra = extra == null ? Json.object() : extra.deepCopy();
        }

        public static Window of(double min, double max, double start, double end) {
            return new Window(min, max, start, end, null);
        }
    }

    /**
     * One channel.
     *
     * @param color hex RGB without {@code #} ({@code "FF0000"})
     */
    public record Channel(String label, String color, Window window, Boolean active, Boolean inverted, String family,
                          Double coefficient, ObjectNode extra) {
        private static final Set<String> KNOWN = Set.of("label", "color", "window", "active", "inverted", "family",
                "coefficient");

        public Channel {
            extra = extra == null ? Json.object() : extra.deepCopy();
        }

        public static Channel of(String label, String color, Window window) {
            return new Channel(label, color, window, true, false, "linear", 1.0, null);
        }

        static Channel parse(JsonReader r) throws InvalidMetadataException {
            r.requireObject();
            Window w = null;
            if (r.has("window")) {
                JsonReader wr = r.object("window");
                w = new Window(wr.optDouble("min"), wr.optDouble("max"), wr.optDouble("start"), wr.optDouble("end"),
                        wr.extra(Set.of("min", "max", "start", "end")));
            }
            return new Channel(r.optString("label"), r.optString("color"), w, r.optBoolean("active"),
                    r.optBoolean("inverted"), r.optString("family"), r.optDouble("coefficient"), r.extra(KNOWN));
        }

        ObjectNode toJson() {
            ObjectNode o = JsonWriter.object();
            JsonWriter.putIfSet(o, "label", label);
            JsonWriter.putIfSet(o, "color", color);
            if (window != null) {
                ObjectNode w = JsonWriter.object();
                JsonWriter.putIfSet(w, "min", window.min());
                JsonWriter.putIfSet(w, "max", window.max());
                JsonWriter.putIfSet(w, "start", window.start());
                JsonWriter.putIfSet(w, "end", window.end());
                o.set("window", JsonWriter.withExtra(w, window.extra()));
            }
            JsonWriter.putIfSet(o, "active", active);
            JsonWriter.putIfSet(o, "inverted", inverted);
            JsonWriter.putIfSet(o, "family", family);
            JsonWriter.putIfSet(o, "coefficient", coefficient);
            return JsonWriter.withExtra(o, extra);
        }
    }

    public Omero {
        channels = channels == null ? List.of() : List.copyOf(channels);
        rdefs = rdefs == null || rdefs.isNull() ? null : rdefs.deepCopy();
        extra = extra == null ? Json.object() : extra.deepCopy();
    }

    public static Omero of(List<Channel> channels) {
        return new Omero(null, null, null, channels, null, null);
    }

    static Omero parse(JsonReader r) throws InvalidMetadataException {
        r.requireObject();
        return new Omero(r.optInt("id"), r.optString("name"), r.looseString("version"),
                r.optList("channels", Channel::parse), r.raw("rdefs"), r.extra(KNOWN));
    }

    ObjectNode toJson() {
        ObjectNode o = JsonWriter.object();
        JsonWriter.putIfSet(o, "id", id);
        JsonWriter.putIfSet(o, "name", name);
        JsonWriter.putIfSet(o, "version", version);
        o.set("channels", JsonWriter.list(channels, Channel::toJson));
        JsonWriter.putIfSet(o, "rdefs", rdefs);
        return JsonWriter.withExtra(o, extra);
    }
}
