package dev.ngff.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A codec as metadata names it: a name and its configuration object (empty when absent). Instances
 * are immutable: the configuration is deep-copied in and out.
 */
public record CodecSpec(String name, ObjectNode configuration) {
    public CodecSpec {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("codec name must not be empty");
        }
        configuration = configuration == null ? Json.object() : configuration.deepCopy();
    }

    public static CodecSpec of(String name) {
        return new CodecSpec(name, null);
    }

    @Override
    public ObjectNode configuration() {
        return configuration.deepCopy();
    }

    /** One configuration value, or a missing node. */
    public JsonNode get(String field) {
        return configuration.path(field).deepCopy();
    }

    /** The v3 JSON form: {@code {"name": ..., "configuration": {...}}}. */
    public ObjectNode toJson() {
        ObjectNode n = Json.object();
        n.put("name", name);
        // zarr-python 3 refuses numcodecs.* codecs without a "configuration" key, even an empty one
        if (!configuration.isEmpty() || name.startsWith("numcodecs.") || name.startsWith("vlen-")) {
            n.set("configuration", configuration.deepCopy());
        }
        return n;
    }

    @Override
    public String toString() {
        return toJson().toString();
    }
}
