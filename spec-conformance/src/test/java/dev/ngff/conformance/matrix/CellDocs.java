package dev.ngff.conformance.matrix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.metadata.Json;

import java.math.BigInteger;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The metadata document of a cell ({@code zarr.json} for v3, {@code .zarray} for v2), built from the
 * catalogue entries with the placeholders filled in. Both sides start from it: ngff-engine parses it and
 * writes its own metadata; a peer creates the array through its own API from its parts.
 */
final class CellDocs {
    private CellDocs() {
    }

    private static final JsonNodeFactory F = Json.nodes();

    /** Whether the data type's elements vary in size (text, bytes). */
    static boolean variableLength(String dtype) {
        return dtype.equals("string") || dtype.equals("variable_length_bytes");
    }

    /** The array-to-bytes codec of a variable-length type, in place of {@code bytes}. */
    static ObjectNode vlenCodec(String dtype) {
        ObjectNode c = Json.object();
        c.put("name", dtype.equals("string") ? "vlen-utf8" : "vlen-bytes");
        c.putObject("configuration");
        return c;
    }

    /** Bytes per element of a fixed-size data type, 0 for variable-size ones (strings). */
    static int itemSize(String dtype) {
        return switch (dtype) {
            case "bool", "int8", "uint8" -> 1;
            case "int16", "uint16", "float16" -> 2;
            case "int32", "uint32", "float32" -> 4;
            case "int64", "uint64", "float64", "complex64" -> 8;
            case "complex128" -> 16;
            default -> 0;
        };
    }

    /** The NumPy dtype string of a data type in a byte order ({@code <u2}, {@code |b1}, {@code |O}). */
    static String numpy(String dtype, String endian) {
        int size = itemSize(dtype);
        String order = size <= 1 ? "|" : (endian.equals("big") ? ">" : "<");
        return switch (CoveringDesign.kindOf(dtype)) {
            case "bool" -> "|b1";
            case "int" -> order + "i" + size;
            case "uint" -> order + "u" + size;
            case "float" -> order + "f" + size;
            case "complex" -> order + "c" + size;
            default -> "|O";
        };
    }

    static ObjectNode doc(Cell cell) {
        return cell.format() == 3 ? v3(cell) : v2(cell);
    }

    private static ObjectNode v3(Cell cell) {
        ObjectNode d = Json.object();
        d.put("zarr_format", 3);
        d.put("node_type", "array");
        d.set("shape", longs(cell.shape().shape()));
        d.put("data_type", cell.dtype().name());
        ObjectNode grid = d.putObject("chunk_grid");
        grid.put("name", "regular");
        grid.putObject("configuration").set("chunk_shape", longs(cell.shape().chunks()));
        ObjectNode cke = d.putObject("chunk_key_encoding");
        cke.put("name", cell.keys().equals("v2dot") ? "v2" : "default");
        cke.putObject("configuration").put("separator", cell.keys().equals("slash") ? "/" : ".");
        d.set("fill_value", fill(cell, 3));
        ArrayNode codecs = d.putArray("codecs");
        int rank = cell.shape().shape().length;
        if (cell.order().equals("F")) {
            ObjectNode t = codecs.addObject();
            t.put("name", "transpose");
            ArrayNode o = t.putObject("configuration").putArray("order");
            for (int i = rank - 1; i >= 0; i--) {
                o.add(i);
            }
        }
        ObjectNode v = cell.codec().v3();
        addAll(codecs, v.get("filters"));
        if (v.has("serializer")) {
            codecs.add(v.get("serializer").deepCopy());
        } else if (variableLength(cell.dtype().name())) {
            codecs.add(vlenCodec(cell.dtype().name()));
        } else {
            ObjectNode b = codecs.addObject();
            b.put("name", "bytes");
            b.putObject("configuration").put("endian", "$endian");
        }
        addAll(codecs, v.get("compressors"));
        d.putObject("attributes");
        return (ObjectNode) substitute(d, cell);
    }

    private static ObjectNode v2(Cell cell) {
        ObjectNode d = Json.object();
        d.put("zarr_format", 2);
        d.set("shape", longs(cell.shape().shape()));
        d.set("chunks", longs(cell.shape().chunks()));
        d.put("dtype", numpy(cell.dtype().name(), cell.endian()));
        ObjectNode v = cell.codec().v2();
        JsonNode comp = v.get("compressor");
        d.set("compressor", comp == null ? F.nullNode() : comp.deepCopy());
        JsonNode filters = v.get("filters");
        if (variableLength(cell.dtype().name())) {
            // a |O array's object codec is its first filter
            ArrayNode f = F.arrayNode();
            f.addObject().put("id", cell.dtype().name().equals("string") ? "vlen-utf8" : "vlen-bytes");
            addAll(f, filters);
            filters = f;
        }
        d.set("filters", filters == null ? F.nullNode() : filters.deepCopy());
        d.set("fill_value", fill(cell, 2));
        d.put("order", cell.order());
        d.put("dimension_separator", cell.keys().equals("slash") ? "/" : ".");
        return (ObjectNode) substitute(d, cell);
    }

    private static void addAll(ArrayNode to, JsonNode from) {
        if (from != null) {
            from.forEach(x -> to.add(x.deepCopy()));
        }
    }

    /** The fill value's JSON for a fill kind; v2 and v3 happen to spell these the same way. */
    static JsonNode fill(Cell cell, int format) {
        String t = cell.dtype().name();
        String kind = CoveringDesign.kindOf(t);
        String f = cell.fill();
        return switch (kind) {
            case "bool" -> F.booleanNode(!f.equals("zero"));
            case "int" -> switch (f) {
                case "zero" -> F.numberNode(0);
                case "one" -> F.numberNode(42);
                default -> F.numberNode(BigInteger.ONE.shiftLeft(itemSize(t) * 8 - 1).negate());
            };
            case "uint" -> switch (f) {
                case "zero" -> F.numberNode(0);
                case "one" -> F.numberNode(42);
                default -> F.numberNode(BigInteger.ONE.shiftLeft(itemSize(t) * 8).subtract(BigInteger.ONE));
            };
            case "float" -> switch (f) {
                case "zero" -> F.numberNode(0.0);
                case "one" -> F.numberNode(0.5);
                default -> F.textNode("NaN");
            };
            case "complex" -> {
                ArrayNode a = F.arrayNode();
                switch (f) {
                    case "zero" -> a.add(0.0).add(0.0);
                    case "one" -> a.add(0.5).add(-1.0);
                    default -> a.add("NaN").add("Infinity");
                }
                yield a;
            }
            default -> f.equals("zero") ? F.textNode("") : F.textNode("fill");
        };
    }

    private static ArrayNode longs(long[] v) {
        ArrayNode a = F.arrayNode();
        for (long x : v) {
            a.add(x);
        }
        return a;
    }

    /** Replaces the catalogue's placeholders ({@code $endian}, {@code $inner}, ...) with this cell's values. */
    private static JsonNode substitute(JsonNode n, Cell cell) {
        if (n.isTextual() && n.asText().startsWith("$")) {
            return placeholder(n.asText(), cell);
        }
        if (n.isObject() && variableLength(cell.dtype().name()) && n.path("name").asText().equals("bytes")
                && n.path("configuration").path("endian").asText().equals("$endian")) {
            // the data chain's bytes codec (index chains name their endian outright): text and bytes use vlen
            return vlenCodec(cell.dtype().name());
        }
        if (n.isObject()) {
            ObjectNode o = (ObjectNode) n;
            Set<String> names = new TreeSet<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                o.set(name, substitute(o.get(name), cell));
            }
            return o;
        }
        if (n.isArray()) {
            ArrayNode a = (ArrayNode) n;
            for (int i = 0; i < a.size(); i++) {
                a.set(i, substitute(a.get(i), cell));
            }
        }
        return n;
    }

    private static JsonNode placeholder(String name, Cell cell) {
        long[] chunks = cell.shape().chunks();
        if (cell.format() == 3 && cell.order().equals("F")) {
            // the codecs after the order's transpose see the chunk with its axes reversed
            long[] r = new long[chunks.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = chunks[chunks.length - 1 - i];
            }
            chunks = r;
        }
        return switch (name) {
            case "$endian" -> F.textNode(cell.endian());
            case "$inner" -> longs(halved(chunks));
            case "$inner2" -> longs(halved(halved(chunks)));
            case "$rotated" -> {
                ArrayNode a = F.arrayNode();
                for (int i = 0; i < chunks.length; i++) {
                    a.add((i + 1) % chunks.length);
                }
                yield a;
            }
            case "$typesize", "$itemsize" -> F.numberNode(Math.max(1, itemSize(cell.dtype().name())));
            // a v3 array-to-array codec sees the decoded array, whose byte order is the bytes codec's business;
            // zarr-python's numcodecs.delta reinterprets that array through a '>' dtype instead of converting it
            // (its own big-endian arrays then store little-endian bytes), so v3 cells name the native order
            case "$numpy" -> F.textNode(numpy(cell.dtype().name(), cell.format() == 3 ? "little" : cell.endian()));
            default -> throw new IllegalArgumentException("unknown placeholder " + name + " in the catalogue");
        };
    }

    /** Each extent halved where it is even: an inner chunk shape that divides the outer one. */
    static long[] halved(long[] chunks) {
        long[] h = chunks.clone();
        for (int i = 0; i < h.length; i++) {
            if (h[i] % 2 == 0) {
                h[i] /= 2;
            }
        }
        return h;
    }

    /** Every codec name a v3 chain uses, nested sharding chains included. */
    static Set<String> codecNames(JsonNode chain) {
        Set<String> out = new TreeSet<>();
        for (JsonNode c : chain) {
            out.add(c.get("name").asText());
            JsonNode conf = c.get("configuration");
            if (conf != null) {
                for (Iterator<Map.Entry<String, JsonNode>> it = conf.fields(); it.hasNext(); ) {
                    var e = it.next();
                    if ((e.getKey().equals("codecs") || e.getKey().equals("index_codecs")) && e.getValue().isArray()) {
                        out.addAll(codecNames(e.getValue()));
                    }
                }
            }
        }
        return out;
    }
}
