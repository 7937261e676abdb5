package dev.ngff.metadata.ome;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.metadata.Json;

import java.util.List;
import java.util.function.Function;

/** Small helpers for writing OME metadata: known fields first, then the preserved unknown ones. */
final class JsonWriter {
    private JsonWriter() {
    }

    static ObjectNode object() {
        return Json.object();
    }

    static void putIfSet(ObjectNode o, String key, String v) {
        if (v != null) {
            o.put(key, v);
        }
    }

    static void putIfSet(ObjectNode o, String key, Double v) {
        if (v != null) {
            putNumber(o, key, v);
        }
    }

    static void putIfSet(ObjectNode o, String key, Integer v) {
        if (v != null) {
            o.put(key, v);
        }
    }

    static void putIfSet(ObjectNode o, String key, Boolean v) {
        if (v != null) {
            o.put(key, v);
        }
    }

    static void putIfSet(ObjectNode o, String key, JsonNode v) {
        if (v != null) {
            o.set(key, v.deepCopy());
        }
    }

    /** Integral values are written without a fraction ({@code 1}, not {@code 1.0}), as other writers do. */
    static void putNumber(ObjectNode o, String key, double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            o.put(key, (long) v);
        } else {
            o.put(key, v);
        }
    }

    static ArrayNode numbers(double[] values) {
        ArrayNode a = Json.nodes().arrayNode();
        for (double v : values) {
            if (v == Math.rint(v) && Math.abs(v) < 1e15) {
                a.add((long) v);
            } else {
                a.add(v);
            }
        }
        return a;
    }

    static ArrayNode matrix(double[][] rows) {
        ArrayNode a = Json.nodes().arrayNode();
        for (double[] r : rows) {
            a.add(numbers(r));
        }
        return a;
    }

    static ArrayNode strings(List<String> values) {
        ArrayNode a = Json.nodes().arrayNode();
        values.forEach(a::add);
        return a;
    }

    static <T> ArrayNode list(List<T> items, Function<T, JsonNode> f) {
        ArrayNode a = Json.nodes().arrayNode();
        for (T t : items) {
            a.add(f.apply(t));
        }
        return a;
    }

    static ObjectNode withExtra(ObjectNode o, ObjectNode extra) {
        if (extra != null) {
            extra.properties().forEach(e -> {
                if (!o.has(e.getKey())) {
                    o.set(e.getKey(), e.getValue().deepCopy());
                }
            });
        }
        return o;
    }
}
