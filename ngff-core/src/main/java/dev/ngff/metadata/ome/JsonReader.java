package dev.ngff.metadata.ome;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A cursor on one JSON object of OME metadata that knows its JSON pointer, so every error names the
 * document and the pointer of the offending value. Not thread-safe; used only during one parse.
 */
final class JsonReader {
    /** Parses one element of a list, given a reader on it. */
    interface ElementParser<T> {
        T parse(JsonReader r) throws InvalidMetadataException;
    }

    private final JsonNode node;
    private final String where;
    private final String pointer;

    JsonReader(JsonNode node, String where, String pointer) {
        this.node = node;
        this.where = where;
        this.pointer = pointer;
    }

    JsonNode node() {
        return node;
    }

    String pointer() {
        return pointer.isEmpty() ? "/" : pointer;
    }

    InvalidMetadataException error(String message) {
        return new InvalidMetadataException(where + ": " + pointer() + ": " + message);
    }

    InvalidMetadataException error(String key, String message) {
        return new InvalidMetadataException(where + ": " + child(key) + ": " + message);
    }

    private String child(String key) {
        return pointer + "/" + key.replace("~", "~0").replace("/", "~1");
    }

    JsonReader requireObject() throws InvalidMetadataException {
        if (!node.isObject()) {
            throw error("expected a JSON object, got " + kind(node));
        }
        return this;
    }

    boolean has(String key) {
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    JsonReader at(String key) throws InvalidMetadataException {
        JsonNode v = node.get(key);
        if (v == null) {
            throw error(key, "required key '" + key + "' is missing");
        }
        return new JsonReader(v, where, child(key));
    }

    JsonReader object(String key) throws InvalidMetadataException {
        return at(key).requireObject();
    }

    JsonNode raw(String key) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? null : v.deepCopy();
    }

    String string(String key) throws InvalidMetadataException {
        JsonNode v = at(key).node;
        if (!v.isTextual()) {
            throw error(key, "expected a string, got " + kind(v));
        }
        return v.textValue();
    }

    String optString(String key) throws InvalidMetadataException {
        return has(key) ? string(key) : null;
    }

    /** A string, or a number written as one (some writers emit {@code "version": 0.4}). */
    String looseString(String key) throws InvalidMetadataException {
        if (!has(key)) {
            return null;
        }
        JsonNode v = node.get(key);
        if (v.isNumber()) {
            return v.asText();
        }
        return string(key);
    }

    Double optDouble(String key) throws InvalidMetadataException {
        if (!has(key)) {
            return null;
        }
        JsonNode v = node.get(key);
        if (!v.isNumber()) {
            throw error(key, "expected a number, got " + kind(v));
        }
        return v.doubleValue();
    }

    Integer optInt(String key) throws InvalidMetadataException {
        if (!has(key)) {
            return null;
        }
        JsonNode v = node.get(key);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw error(key, "expected an integer, got " + kind(v));
        }
        return v.intValue();
    }

    Boolean optBoolean(String key) throws InvalidMetadataException {
        if (!has(key)) {
            return null;
        }
        JsonNode v = node.get(key);
        if (!v.isBoolean()) {
            throw error(key, "expected true or false, got " + kind(v));
        }
        return v.booleanValue();
    }

    double[] doubles(String key) throws InvalidMetadataException {
        JsonReader a = at(key);
        if (!a.node.isArray()) {
            throw a.error("expected an array of numbers, got " + kind(a.node));
        }
        double[] out = new double[a.node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode e = a.node.get(i);
            if (!e.isNumber()) {
                throw new InvalidMetadataException(where + ": " + a.pointer + "/" + i + ": expected a number, got " + kind(e));
            }
            out[i] = e.doubleValue();
        }
        return out;
    }

    double[] optDoubles(String key) throws InvalidMetadataException {
        return has(key) ? doubles(key) : null;
    }

    double[][] matrix(String key) throws InvalidMetadataException {
        JsonReader a = at(key);
        if (!a.node.isArray()) {
            throw a.error("expected an array of rows, got " + kind(a.node));
        }
        double[][] out = new double[a.node.size()][];
        for (int i = 0; i < out.length; i++) {
            JsonNode row = a.node.get(i);
            String rp = a.pointer + "/" + i;
            if (!row.isArray()) {
                throw new InvalidMetadataException(where + ": " + rp + ": expected an array of numbers, got " + kind(row));
            }
            out[i] = new double[row.size()];
            for (int j = 0; j < row.size(); j++) {
                if (!row.get(j).isNumber()) {
                    throw new InvalidMetadataException(where + ": " + rp + "/" + j + ": expected a number, got "
                            + kind(row.get(j)));
                }
                out[i][j] = row.get(j).doubleValue();
            }
        }
        return out;
    }

    double[][] optMatrix(String key) throws InvalidMetadataException {
        return has(key) ? matrix(key) : null;
    }

    <T> List<T> list(String key, ElementParser<T> parser) throws InvalidMetadataException {
        JsonReader a = at(key);
        if (!a.node.isArray()) {
            throw a.error("expected an array, got " + kind(a.node));
        }
        List<T> out = new ArrayList<>(a.node.size());
        for (int i = 0; i < a.node.size(); i++) {
            out.add(parser.parse(new JsonReader(a.node.get(i), where, a.pointer + "/" + i)));
        }
        return out;
    }

    <T> List<T> optList(String key, ElementParser<T> parser) throws InvalidMetadataException {
        return has(key) ? list(key, parser) : null;
    }

    List<String> strings(String key) throws InvalidMetadataException {
        return list(key, r -> {
            if (!r.node.isTextual()) {
                throw r.error("expected a string, got " + kind(r.node));
            }
            return r.node.textValue();
        });
    }

    /** The members of this object whose keys are not in {@code known}, copied, for a faithful round trip. */
    ObjectNode extra(Set<String> known) {
        ObjectNode out = Json.object();
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (!known.contains(e.getKey())) {
                    out.set(e.getKey(), e.getValue().deepCopy());
                }
            }
        }
        return out;
    }

    static String kind(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "nothing";
        }
        return switch (n.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> n.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
