package dev.ngff.metadata.ome;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.Json;

import java.util.Objects;
import java.util.Set;

/**
 * One axis of an image or coordinate system.
 *
 * @param name        the axis name ({@code "x"}, {@code "c"}, ...)
 * @param type        {@code space}, {@code time}, {@code channel}, a custom type, or null when absent
 * @param unit        a UDUNITS-2 unit name ({@code "micrometer"}), or null
 * @param orientation RFC-4 anatomical orientation, or null
 * @param extra       members this model does not know, kept for a faithful round trip
 */
public record Axis(String name, String type, String unit, Orientation orientation, ObjectNode extra) {
    private static final Set<String> KNOWN = Set.of("name", "type", "unit", "orientation");

    /**
     * RFC-4 orientation of a space axis.
     *
     * @param type  {@code "anatomical"} for RFC-4
     * @param value {@code "left-to-right"}, {@code "anterior-to-posterior"}, ...
     */
    public record Orientation(String type, String value, ObjectNode extra) {
        public Orientation {
            extra = extra == null ? Json.object() : extra.deepCopy();
        }
    }

    public Axis {
        Objects.requireNonNull(name, "name");
        extra = extra == null ? Json.object() : extra.deepCopy();
    }

    public static Axis space(String name, String unit) {
        return new Axis(name, "space", unit, null, null);
    }

    public static Axis time(String name, String unit) {
        return new Axis(name, "time", unit, null, null);
    }

    public static Axis channel(String name) {
        return new Axis(name, "channel", null, null, null);
    }

    @Override
    public ObjectNode extra() {
        return extra.deepCopy();
    }

    static Axis parse(JsonReader r) throws InvalidMetadataException {
        if (r.node().isTextual()) { // 0.3: axes were bare names
            return new Axis(r.node().textValue(), null, null, null, null);
        }
        r.requireObject();
        Orientation o = null;
        if (r.has("orientation")) {
            JsonReader or = r.object("orientation");
            o = new Orientation(or.optString("type"), or.optString("value"), or.extra(Set.of("type", "value")));
        }
        return new Axis(r.string("name"), r.optString("type"), r.optString("unit"), o, r.extra(KNOWN));
    }

    ObjectNode toJson() {
        ObjectNode o = JsonWriter.object();
        o.put("name", name);
        JsonWriter.putIfSet(o, "type", type);
        JsonWriter.putIfSet(o, "unit", unit);
        if (orientation != null) {
            ObjectNode on = JsonWriter.object();
            JsonWriter.putIfSet(on, "type", orientation.type());
            JsonWriter.putIfSet(on, "value", orientation.value());
            o.set("orientation", JsonWriter.withExtra(on, orientation.extra()));
        }
        return JsonWriter.withExtra(o, extra);
    }
}
