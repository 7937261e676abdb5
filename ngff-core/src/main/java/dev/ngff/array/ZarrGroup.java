package dev.ngff.array;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.error.Causes;
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
     * otherwise the store must be listable. Names that cannot be keys are left out: see
     * {@link #listChildren()} to learn which.
     */
    public List<String> childNames() throws IOException {
        return listChildren().names();
    }

    /**
     * The direct children found by one look at the group.
     *
     * @param names   names of the child arrays and groups, sorted
     * @param skipped names stored directly below the group that cannot be {@link Key}s (such as
     *                {@code a\b}, {@code ..}), so neither they nor anything below them can be opened,
     *                described or copied; sorted. Always empty with consolidated metadata (whose invalid
     *                entries are errors).
     */
    public record ChildListing(List<String> names, List<String> skipped) {
        public ChildListing {
            names = List.copyOf(names);
            skipped = List.copyOf(skipped);
        }
    }

    /**
     * The direct children and the names that had to be skipped, from consolidated metadata when present,
     * else from one listing of the store.
     *
     * @throws UnsupportedOperationException when there is no consolidated metadata and the store cannot list
     */
    public ChildListing listChildren() throws IOException {
        Optional<Map<String, NodeMetadata>> cons = consolidated();
        if (cons.isPresent()) {
            List<String> names = new ArrayList<>();
            for (String p : cons.get().keySet()) {
                if (!p.contains("/")) {
                    names.add(p);
                }
            }
            return new ChildListing(names, List.of());
        }
        if (!(store instanceof ListableStore ls)) {
            throw new UnsupportedOperationException(store.describe() + " cannot list, and the group at '" + path
                    + "' has no consolidated metadata");
        }
        List<String> names = new ArrayList<>();
        ListableStore.Listing listing = ls.listDir(path);
        for (Key prefix : listing.prefixes()) {
            if (Zarr.isNode(store, prefix)) {
                names.add(prefix.name());
            }
        }
        return new ChildListing(names, listing.skipped());
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
     * is none.
     *
     * <p>Every entry must name a node strictly below this group by a valid relative path: an empty key,
     * {@code .} or {@code ..} segments, empty segments, a backslash or NUL, two entries for one node
     * (such as {@code "a"} and {@code "/a"}, or a v2 {@code .zarray} and {@code .zgroup} in one
     * directory) and entries that are not JSON objects are rejected with an
     * {@link InvalidMetadataException} naming the document and the JSON pointer of the entry, rather than
     * ignored: a hierarchy whose index lies cannot be walked safely (an empty key named the group itself
     * and made a walk recurse forever). Leading slashes of v3 keys are tolerated and dropped.
     */
    public Optional<Map<String, NodeMetadata>> consolidated() throws IOException {
        JsonNode c = meta.consolidated();
        if (c == null) {
            return Optional.empty();
        }
        boolean v3 = meta.zarrFormat() == 3;
        String doc = store.describe() + " '" + path.resolve(v3 ? Zarr.ZARR_JSON : Zarr.ZMETADATA) + "'";
        String base = v3 ? "/consolidated_metadata/metadata" : "/metadata";
        Map<String, NodeMetadata> out = new TreeMap<>();
        JsonNode entries = c.path("metadata");
        if (!entries.isObject()) {
            throw new InvalidMetadataException(doc + ": " + base + " must be an object");
        }
        if (v3) {
            for (Map.Entry<String, JsonNode> e : entries.properties()) {
                String pointer = base + "/" + pointerSegment(e.getKey());
                Key node = relativeNode(stripSlashes(e.getKey()), e.getKey(), doc, pointer);
                requireObject(e.getValue(), doc, pointer);
                NodeMetadata parsed = MetadataFormat.parseV3(e.getValue(), doc + " " + pointer);
                if (out.putIfAbsent(node.path(), parsed) != null) {
                    throw new InvalidMetadataException(doc + ": " + pointer + ": a second entry for node '" + node + "'");
                }
            }
            return Optional.of(out);
        }
        // v2 .zmetadata: keys like "a/.zarray", "a/.zattrs", "a/b/.zgroup", relative to the store root
        for (Map.Entry<String, JsonNode> e : entries.properties()) {
            String k = e.getKey();
            String pointer = base + "/" + pointerSegment(k);
            Key entryKey = relativeNode(k, k, doc, pointer);
            String name = entryKey.name();
            boolean array = name.equals(Zarr.ZARRAY);
            if (!array && !name.equals(Zarr.ZGROUP) && !name.equals(Zarr.ZATTRS)) {
                continue; // not a metadata document: nothing to index
            }
            requireObject(e.getValue(), doc, pointer);
            if (name.equals(Zarr.ZATTRS)) {
                continue; // read with its node's .zarray or .zgroup
            }
            Key parent = entryKey.parent();
            if (!parent.startsWith(path) || parent.equals(path)) {
                continue; // outside this group, or its own documents
            }
            String node = parent.relativeTo(path).path();
            JsonNode attrs = entries.get(parent.path() + "/" + Zarr.ZATTRS);
            NodeMetadata parsed = array
                    ? MetadataFormat.parseV2Array(e.getValue(), attrs, doc + " " + pointer, ctx.codecs())
                    : MetadataFormat.parseV2Group(e.getValue(), attrs, doc + " " + pointer);
            if (out.putIfAbsent(node, parsed) != null) {
                throw new InvalidMetadataException(doc + ": " + pointer + ": node '" + node
                        + "' has both a .zarray and a .zgroup entry");
            }
        }
        return Optional.of(out);
    }

    /** The key of a consolidated entry; a key that cannot name a node below the group is invalid metadata. */
    private static Key relativeNode(String relative, String raw, String doc, String pointer) throws InvalidMetadataException {
        if (relative.isEmpty()) {
            throw new InvalidMetadataException(doc + ": " + pointer + ": entry with an empty key (it would name the group itself)");
        }
        try {
            return Key.of(relative);
        } catch (IllegalArgumentException e) {
            throw new InvalidMetadataException(doc + ": " + pointer + ": '" + Causes.printable(raw)
                    + "' is not a valid node path (no empty, '.' or '..' segments, backslashes or NUL)");
        }
    }

    private static void requireObject(JsonNode value, String doc, String pointer) throws InvalidMetadataException {
        if (!value.isObject()) {
            throw new InvalidMetadataException(doc + ": " + pointer + " must be a JSON object, got " + value.getNodeType()
                    .name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** One segment of a JSON pointer (RFC 6901): '~' and '/' escaped. */
    private static String pointerSegment(String key) {
        return Causes.printable(key).replace("~", "~0").replace("/", "~1");
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
