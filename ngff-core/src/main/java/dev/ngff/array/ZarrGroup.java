package dev.ngff.array;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.error.NodeNotFoundException;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.GroupMetadata;
import dev.ngff.metadata.MetadataFormat;
import dev.ngff.metadata.NodeMetadata;
import dev.ngff.store.Key;
import dev.ngff.store.ListableStore;
import dev.ngff.store.ReadableStore;
import dev.ngff.store.WritableStore;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A Zarr group: attributes and children. Children come from consolidated metadata when the group has
 * it (no store requests), otherwise from listing the store. Immutable and thread-safe.
 */
public final class ZarrGroup implements ZarrNode {
    private final ReadableStore store;
    private final Key path;
    private final GroupMetadata meta;
    private final ExecutionContext ctx;

    ZarrGroup(ReadableStore store, Key path, GroupMetadata meta, ExecutionContext ctx) {
        this.store = store;
        this.path = path;
        this.meta = meta;
        this.ctx = ctx;
    }

    @Override
    public ReadableStore store() {
        return store;
    }

    @Override
    public Key path() {
        return path;
    }

    @Override
    public GroupMetadata metadata() {
        return meta;
    }

    public ExecutionContext context() {
        return ctx;
    }

    /** Opens a node below this group by relative path ({@code "a"}, {@code "a/b"}). */
    public ZarrNode open(String relative) throws IOException {
        Key child = path.resolve(relative);
        Optional<NodeMetadata> fromConsolidated = consolidated().map(m -> m.get(child.relativeTo(path).path()));
        if (fromConsolidated.isPresent()) {
            return Zarr.node(store, child, fromConsolidated.get(), ctx);
        }
        dev.ngff.write.IncompleteMarker.requireComplete(store, child, path);
        return Zarr.openChecked(store, child, ctx);
    }

    public ZarrArray openArray(String relative) throws IOException {
        if (open(relative) instanceof ZarrArray a) {
            return a;
        }
        throw new NodeNotFoundException(store.describe() + " '" + path.resolve(relative) + "' is a group, not an array");
    }

    public ZarrGroup openGroup(String relative) throws IOException {
        if (open(relative) instanceof ZarrGroup g) {
            return g;
        }
        throw new NodeNotFoundException(store.describe() + " '" + path.resolve(relative) + "' is an array, not a group");
    }

    /**
     * Names of the direct children (arrays and groups), sorted. Uses consolidated metadata when present;
     * otherwise the store must be listable.
     */
    public List<String> childNames() throws IOException {
        Optional<Map<String, NodeMetadata>> cons = consolidated();
        if (cons.isPresent()) {
            List<String> names = new ArrayList<>();
            for (String p : cons.get().keySet()) {
                if (!p.contains("/")) {
                    names.add(p);
                }
            }
            return names;
        }
        if (!(store instanceof ListableStore ls)) {
            throw new UnsupportedOperationException(store.describe() + " cannot list, and the group at '" + path
                    + "' has no consolidated metadata");
        }
        List<String> names = new ArrayList<>();
        for (Key prefix : ls.listDir(path).prefixes()) {
            if (Zarr.isNode(store, prefix)) {
                names.add(prefix.name());
            }
        }
        return names;
    }

    /** The direct children, opened. */
    public List<ZarrNode> children() throws IOException {
        List<ZarrNode> out = new ArrayList<>();
        for (String name : childNames()) {
            out.add(open(name));
        }
        return out;
    }

    /** Creates an array below this group. */
    public ZarrArray createArray(String relative, ArrayMetadata arrayMeta) throws IOException {
        return Zarr.createArray(writable(), path.resolve(relative), arrayMeta, ctx);
    }

    /** Creates a group below this group (same Zarr format by default). */
    public ZarrGroup createGroup(String relative, ObjectNode attributes) throws IOException {
        return Zarr.createGroup(writable(), path.resolve(relative), GroupMetadata.of(meta.zarrFormat(), attributes), ctx);
    }

    /** Replaces the attributes and writes the metadata. */
    public ZarrGroup withAttributes(ObjectNode attributes) throws IOException {
        GroupMetadata next = meta.withAttributes(attributes);
        Zarr.writeMetadata(writable(), path, next);
        return new ZarrGroup(store, path, next, ctx);
    }

    private WritableStore writable() {
        if (store instanceof WritableStore w) {
            return w;
        }
        throw new UnsupportedOperationException(store.describe() + " is read-only");
    }

    /**
     * The consolidated metadata of the subtree, by path relative to this group, parsed; empty when there
     * is none. Entries that fail to parse raise an error naming them.
     */
    public Optional<Map<String, NodeMetadata>> consolidated() throws IOException {
        JsonNode c = meta.consolidated();
        if (c == null) {
            return Optional.empty();
        }
        String where = store.describe() + " '" + path + "' consolidated metadata";
        Map<String, NodeMetadata> out = new TreeMap<>();
        JsonNode entries = c.path("metadata");
        if (!entries.isObject()) {
            throw new InvalidMetadataException(where + ": /metadata must be an object");
        }
        if (meta.zarrFormat() == 3) {
            for (Map.Entry<String, JsonNode> e : entries.properties()) {
                out.put(stripSlashes(e.getKey()), MetadataFormat.parseV3(e.getValue(), where + " /metadata/" + e.getKey()));
            }
            return Optional.of(out);
        }
        // v2 .zmetadata: keys like "a/.zarray", "a/.zattrs", "a/b/.zgroup", relative to the store root
        String base = path.isRoot() ? "" : path.path() + "/";
        for (Map.Entry<String, JsonNode> e : entries.properties()) {
            String k = e.getKey();
            if (!k.startsWith(base)) {
                continue;
            }
            String rel = k.substring(base.length());
            int slash = rel.lastIndexOf('/');
            String node = slash < 0 ? "" : rel.substring(0, slash);
            String doc = rel.substring(slash + 1);
            if (node.isEmpty()) {
                continue;
            }
            JsonNode attrs = entries.get(base + node + "/" + Zarr.ZATTRS);
            String w = where + " /metadata/" + k;
            if (doc.equals(Zarr.ZARRAY)) {
                out.put(node, MetadataFormat.parseV2Array(e.getValue(), attrs, w, ctx.codecs()));
            } else if (doc.equals(Zarr.ZGROUP)) {
                out.put(node, MetadataFormat.parseV2Group(e.getValue(), attrs, w));
            }
        }
        return Optional.of(out);
    }

    private static String stripSlashes(String p) {
        String s = p;
        while (s.startsWith("/")) {
            s = s.substring(1);
        }
        return s;
    }

    @Override
    public String toString() {
        return "ZarrGroup[" + store.describe() + " '" + path + "' v" + meta.zarrFormat() + "]";
    }
}
