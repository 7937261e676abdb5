package dev.ngff.convert.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Short text for codec chains: {@code bytes(endian=little), zstd(level=3, checksum=false)}; nested
 * chains (sharding) in brackets and shapes as {@code 32x256x256}.
 */
public final class CodecText {
    private CodecText() {
    }

    public static String chain(List<CodecSpec> specs) {
        List<String> parts = new ArrayList<>();
        for (CodecSpec s : specs) {
            parts.add(codec(s.name(), s.configuration()));
        }
        return String.join(", ", parts);
    }

    private static String codec(String name, JsonNode config) {
        if (config == null || config.isEmpty()) {
            return name;
        }
        List<String> fields = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : config.properties()) {
            fields.add(e.getKey() + "=" + value(e.getKey(), e.getValue()));
        }
        return name + "(" + String.join(", ", fields) + ")";
    }

    private static String value(String key, JsonNode v) {
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isArray() && !v.isEmpty() && v.get(0).isObject() && v.get(0).has("name")) {
            List<String> inner = new ArrayList<>();
            for (JsonNode c : v) {
                inner.add(codec(c.path("name").asText(), c.get("configuration")));
            }
            return "[" + String.join(", ", inner) + "]";
        }
        if (key.equals("chunk_shape") && v.isArray()) {
            return shape(v);
        }
        return Json.compact(v);
    }

    private static String shape(JsonNode v) {
        List<String> parts = new ArrayList<>();
        for (JsonNode x : v) {
            parts.add(x.asText());
        }
        return String.join("x", parts);
    }

    /** {@code 64x512x512}; {@code ()} for rank 0. */
    public static String shape(long[] s) {
        if (s.length == 0) {
            return "()";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length; i++) {
            b.append(i == 0 ? "" : "x").append(s[i]);
        }
        return b.toString();
    }
}
