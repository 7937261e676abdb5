package dev.ngff.conformance.matrix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.metadata.Json;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The matrix's axes as data, read from {@code conformance/catalogue.json}: data types, codec variants,
 * shapes, orders, byte orders, fill kinds, missing-chunk patterns and chunk key encodings. Adding a codec or data type to the
 * matrix is one entry in that file.
 */
record Catalogue(List<DtypeEntry> dtypes, List<CodecVariant> codecs, List<ShapeCase> shapes, List<String> orders,
                 List<String> endians, List<String> fills, List<String> missing, List<String> keysV3, List<String> keysV2) {

    /** The chunk key encodings a format can write. */
    List<String> keys(int format) {
        return format == 3 ? keysV3 : keysV2;
    }

    /** A data type by its Zarr v3 name; {@code pending} names the branch that brings it to ngff-engine, or null. */
    record DtypeEntry(String name, String pending) {
        DtypeEntry {
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * A codec variant: how it appears in a v3 chain ({@code filters}, {@code serializer}, {@code compressors})
     * and in a v2 {@code .zarray} ({@code filters}, {@code compressor}); either may be null when the format
     * cannot express it. {@code engine} lists the codec names ngff-engine needs (null: those in the chain);
     * {@code kinds} restricts the data type kinds (null: all); {@code dtypes} restricts the data types by name
     * (null: all), for codecs that take only some widths of a kind (pcodec: 16 to 64 bits).
     */
    record CodecVariant(String id, String pending, List<String> engine, List<String> kinds, List<String> dtypes,
                        ObjectNode v3, ObjectNode v2) {
        CodecVariant {
            Objects.requireNonNull(id, "id");
            if (v3 == null && v2 == null) {
                throw new IllegalArgumentException("codec variant " + id + " has neither a v3 nor a v2 form");
            }
        }

        boolean supportsFormat(int format) {
            return (format == 3 ? v3 : v2) != null;
        }
    }

    /** An array shape with its chunk (for sharded variants: shard) shape. */
    record ShapeCase(String id, long[] shape, long[] chunks) {
        ShapeCase {
            if (shape.length != chunks.length) {
                throw new IllegalArgumentException("shape case " + id + ": rank of shape and chunks differ");
            }
        }
    }

    static Catalogue load() throws IOException {
        try (InputStream in = Catalogue.class.getResourceAsStream("/conformance/catalogue.json")) {
            if (in == null) {
                throw new IOException("missing test resource /conformance/catalogue.json");
            }
            return parse(Json.parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8),
                    "catalogue.json"));
        }
    }

    static Catalogue parse(JsonNode root) {
        List<DtypeEntry> dtypes = new ArrayList<>();
        root.get("dtypes").forEach(d -> dtypes.add(new DtypeEntry(d.get("name").asText(), text(d, "pending"))));
        List<CodecVariant> codecs = new ArrayList<>();
        for (JsonNode c : root.get("codecs")) {
            codecs.add(new CodecVariant(c.get("id").asText(), text(c, "pending"), strings(c.get("engine")),
                    strings(c.get("kinds")), strings(c.get("dtypes")), (ObjectNode) c.get("v3"), (ObjectNode) c.get("v2")));
        }
        List<ShapeCase> shapes = new ArrayList<>();
        for (JsonNode s : root.get("shapes")) {
            shapes.add(new ShapeCase(s.get("id").asText(), longs(s.get("shape")), longs(s.get("chunks"))));
        }
        return new Catalogue(dtypes, codecs, shapes, strings(root.get("orders")), strings(root.get("endians")),
                strings(root.get("fills")), strings(root.get("missing")), strings(root.get("keys").get("3")),
                strings(root.get("keys").get("2")));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static List<String> strings(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        n.forEach(x -> out.add(x.asText()));
        return List.copyOf(out);
    }

    private static long[] longs(JsonNode n) {
        long[] out = new long[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = n.get(i).asLong();
        }
        return out;
    }
}
