package dev.ngff.cli;

import dev.ngff.convert.internal.Sizes;
import dev.ngff.convert.internal.CodecText;
import dev.ngff.convert.internal.ArrayLayout;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Json;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders {@code ngff info} results as aligned text or as JSON. */
final class InfoRender {
    /** Holder: the text rendering does not build a mapper (start-up time). */
    private static final class Writer {
        static final ObjectMapper MAPPER = new ObjectMapper();

        private Writer() {
        }
    }

    private InfoRender() {
    }

    static void text(List<NodeInfo> nodes, PrintWriter out) {
        for (NodeInfo n : nodes) {
            out.println(n.displayPath() + " (" + (n.isArray() ? "array" : "group") + ", zarr v" + n.meta().zarrFormat() + ")");
            if (n.meta() instanceof ArrayMetadata a) {
                arrayText(n, a, out);
            }
            List<String> keys = attributeNames(n.meta().attributes());
            if (!keys.isEmpty()) {
                line(out, "attributes", String.join(", ", keys));
            }
            if (n.note() != null) {
                line(out, "note", n.note());
            }
        }
    }

    private static void arrayText(NodeInfo n, ArrayMetadata a, PrintWriter out) {
        ArrayLayout layout = n.layout();
        line(out, "shape", CodecText.shape(a.shape()));
        line(out, "dtype", a.dataType().name() + (a.v2() != null ? " (" + a.v2().dtype() + ")" : ""));
        line(out, "chunks", CodecText.shape(layout.chunkShape()));
        layout.shards().ifPresent(s -> line(out, "shards", CodecText.shape(s)));
        line(out, "codecs", CodecText.chain(a.codecs()));
        line(out, "fill value", Json.compact(a.fillValue().toV3(a.dataType())));
        a.dimensionNamesOptional().ifPresent(d -> line(out, "dimensions", String.join(", ", nullsAsDash(d))));
        String unit = layout.shards().isPresent() ? "shards" : "chunks";
        if (n.stored() != null) {
            line(out, "stored", n.stored().chunks() + " of " + n.gridChunks() + " " + unit + ", "
                    + Sizes.bytes(n.stored().bytes()));
        } else {
            line(out, "stored", "unknown (the store cannot list; " + n.gridChunks() + " " + unit + " in the grid)");
        }
        line(out, "uncompressed", n.uncompressedBytes() < 0 ? "unknown (variable-length elements)" : Sizes.bytes(n.uncompressedBytes()));
        double ratio = n.compressionRatio();
        if (!Double.isNaN(ratio)) {
            line(out, "ratio", String.format(Locale.ROOT, "%.2f", ratio));
        }
    }

    private static void line(PrintWriter out, String label, String value) {
        out.println(String.format(Locale.ROOT, "  %-13s %s", label, value));
    }

    private static List<String> nullsAsDash(List<String> names) {
        List<String> out = new ArrayList<>();
        for (String s : names) {
            out.add(s == null ? "-" : s);
        }
        return out;
    }

    private static List<String> attributeNames(ObjectNode attrs) {
        List<String> out = new ArrayList<>();
        attrs.properties().forEach(e -> out.add(e.getKey()));
        return out;
    }

    /** The JSON document: {@code {"store": ..., "nodes": [...]}}, pretty-printed. */
    static String json(String store, List<NodeInfo> nodes) {
        ObjectNode root = Json.object();
        root.put("store", store);
        ArrayNode list = root.putArray("nodes");
        for (NodeInfo n : nodes) {
            list.add(node(n));
        }
        try {
            return Writer.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode node(NodeInfo n) {
        ObjectNode o = Json.object();
        o.put("path", n.displayPath());
        o.put("node_type", n.isArray() ? "array" : "group");
        o.put("zarr_format", n.meta().zarrFormat());
        if (n.meta() instanceof ArrayMetadata a) {
            longs(o.putArray("shape"), a.shape());
            o.put("data_type", a.dataType().name());
            if (a.v2() != null) {
                o.put("numpy_dtype", a.v2().dtype());
            }
            longs(o.putArray("chunk_shape"), n.layout().chunkShape());
            n.layout().shards().ifPresentOrElse(s -> longs(o.putArray("shard_shape"), s), () -> o.putNull("shard_shape"));
            ArrayNode codecs = o.putArray("codecs");
            for (CodecSpec c : a.codecs()) {
                codecs.add(c.toJson());
            }
            o.set("fill_value", a.fillValue().toV3(a.dataType()));
            if (a.dimensionNamesOptional().isPresent()) {
                ArrayNode d = o.putArray("dimension_names");
                a.dimensionNamesOptional().get().forEach(d::add);
            } else {
                o.putNull("dimension_names");
            }
            o.put("grid_chunks", n.gridChunks());
            if (n.stored() != null) {
                o.put("stored_chunks", n.stored().chunks());
                o.put("stored_bytes", n.stored().bytes());
            } else {
                o.putNull("stored_chunks");
                o.putNull("stored_bytes");
            }
            if (n.uncompressedBytes() < 0) {
                o.putNull("uncompressed_bytes"); // variable-length elements: not known without reading them
            } else {
                o.put("uncompressed_bytes", n.uncompressedBytes());
            }
            double ratio = n.compressionRatio();
            if (Double.isNaN(ratio)) {
                o.putNull("compression_ratio");
            } else {
                o.put("compression_ratio", Math.round(ratio * 1000) / 1000.0);
            }
        }
        o.set("attributes", n.meta().attributes());
        if (n.note() != null) {
            o.put("note", n.note());
        }
        return o;
    }

    private static void longs(ArrayNode a, long[] values) {
        for (long v : values) {
            a.add(v);
        }
    }
}
