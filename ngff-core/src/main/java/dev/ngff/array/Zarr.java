package dev.ngff.array;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.buffer.Bytes;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.error.NgffException;
import dev.ngff.error.NodeNotFoundException;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.GroupMetadata;
import dev.ngff.metadata.Json;
import dev.ngff.metadata.MetadataFormat;
import dev.ngff.metadata.NodeMetadata;
import dev.ngff.store.ByteRange;
import dev.ngff.store.Key;
import dev.ngff.store.ReadableStore;
import dev.ngff.store.WritableStore;
import dev.ngff.write.IncompleteMarker;

import java.io.IOException;
import java.util.Optional;

/**
 * Entry point: open and create arrays and groups. A node's format is found from its metadata
 * documents: {@code zarr.json} (v3) first, then {@code .zarray} / {@code .zgroup} (v2).
 */
public final class Zarr {
    public static final String ZARR_JSON = "zarr.json";
    public static final String ZARRAY = ".zarray";
    public static final String ZGROUP = ".zgroup";
    public static final String ZATTRS = ".zattrs";
    public static final String ZMETADATA = ".zmetadata";

    private Zarr() {
    }

    /**
     * Opens the array or group at {@code path}.
     *
     * @throws dev.ngff.error.IncompleteNodeException when the node, or a node above it, is marked
     *                                                incomplete by a bulk writer ({@link IncompleteMarker})
     * @throws NodeNotFoundException                  when no node is there
     */
    public static ZarrNode open(ReadableStore store, Key path, ExecutionContext ctx) throws IOException {
        IncompleteMarker.requireComplete(store, path);
        return openChecked(store, path, ctx);
    }

    /**
     * Opens the node at {@code path} without checking incomplete markers: for the bulk writer that finishes
     * the job whose marker is there (it has read the marker and knows the job is its own). Readers use
     * {@link #open}.
     */
    public static ZarrNode openToResume(ReadableStore store, Key path, ExecutionContext ctx) throws IOException {
        return openChecked(store, path, ctx);
    }

    /** Opens a node whose levels up to the root were checked for incomplete markers. */
    static ZarrNode openChecked(ReadableStore store, Key path, ExecutionContext ctx) throws IOException {
        NodeMetadata meta = readMetadata(store, path, ctx.codecs(), ctx.config().maxMetadataBytes())
                .orElseThrow(() -> new NodeNotFoundException("no Zarr array or group at " + store.describe() + " '"
                        + (path.isRoot() ? "/" : path.path()) + "' (none of zarr.json, .zarray, .zgroup)"));
        return node(store, path, meta, ctx);
    }

    static ZarrNode node(ReadableStore store, Key path, NodeMetadata meta, ExecutionContext ctx) throws NgffException {
        return switch (meta) {
            case ArrayMetadata a -> ZarrArray.of(store, path, a, ctx);
            case GroupMetadata g -> new ZarrGroup(store, path, g, ctx);
        };
    }

    public static ZarrArray openArray(ReadableStore store, Key path, ExecutionContext ctx) throws IOException {
        if (open(store, path, ctx) instanceof ZarrArray a) {
            return a;
        }
        throw new NodeNotFoundException(store.describe() + " '" + path + "' is a group, not an array");
    }

    public static ZarrGroup openGroup(ReadableStore store, Key path, ExecutionContext ctx) throws IOException {
        if (open(store, path, ctx) instanceof ZarrGroup g) {
            return g;
        }
        throw new NodeNotFoundException(store.describe() + " '" + path + "' is an array, not a group");
    }

    /**
     * Creates (or overwrites the metadata of) an array and publishes it at once, empty: readers see
     * fill values wherever the caller has not written yet, also after a crash. Writers that fill a new
     * array use {@link #newArray} and {@link ZarrArray#publish()} instead. Existing chunks are left alone.
     */
    public static ZarrArray createArray(WritableStore store, Key path, ArrayMetadata meta, ExecutionContext ctx)
            throws IOException {
        ZarrArray a = ZarrArray.of(store, path, meta, ctx); // validates codecs before anything is written
        writeMetadata(store, path, meta);
        return a;
    }

    /**
     * A handle on an array that is not published yet: nothing is written (the metadata is only
     * validated). Write its data through the handle, then call {@link ZarrArray#publish()}; until then
     * readers find no array there (the commit protocol of {@code docs/write-path.md}).
     */
    public static ZarrArray newArray(WritableStore store, Key path, ArrayMetadata meta, ExecutionContext ctx)
            throws IOException {
        return ZarrArray.of(store, path, meta, ctx);
    }

    /** Creates (or overwrites the metadata of) a group. */
    public static ZarrGroup createGroup(WritableStore store, Key path, GroupMetadata meta, ExecutionContext ctx)
            throws IOException {
        writeMetadata(store, path, meta);
        return new ZarrGroup(store, path, meta, ctx);
    }

    /**
     * Reads and parses the metadata at a path; empty when no node is there. v2 codec stages come from the
     * standard registry; documents are limited to {@link ExecutionContext.Config#DEFAULT_MAX_METADATA_BYTES}.
     */
    public static Optional<NodeMetadata> readMetadata(ReadableStore store, Key path) throws IOException {
        return readMetadata(store, path, dev.ngff.codec.CodecRegistry.standard());
    }

    /**
     * Reads and parses the metadata at a path; empty when no node is there. {@code stages} (the registry
     * that will build the pipeline) places a v2 array's filters in the codec stages.
     */
    public static Optional<NodeMetadata> readMetadata(ReadableStore store, Key path, dev.ngff.metadata.CodecStages stages)
            throws IOException {
        return readMetadata(store, path, stages, ExecutionContext.Config.DEFAULT_MAX_METADATA_BYTES);
    }

    /**
     * Reads and parses the metadata at a path; empty when no node is there. No document larger than
     * {@code maxDocumentBytes} is read whole (see {@link #readDocument}).
     */
    public static Optional<NodeMetadata> readMetadata(ReadableStore store, Key path, dev.ngff.metadata.CodecStages stages,
                                                      long maxDocumentBytes) throws IOException {
        Key v3 = path.resolve(ZARR_JSON);
        Optional<Bytes> doc = readDocument(store, v3, maxDocumentBytes);
        if (doc.isPresent()) {
            String where = store.describe() + " '" + v3 + "'";
            return Optional.of(MetadataFormat.parseV3(Json.parse(doc.get(), where), where));
        }
        Key zarray = path.resolve(ZARRAY);
        doc = readDocument(store, zarray, maxDocumentBytes);
        if (doc.isPresent()) {
            String where = store.describe() + " '" + zarray + "'";
            return Optional.of(MetadataFormat.parseV2Array(Json.parse(doc.get(), where),
                    readAttrs(store, path, maxDocumentBytes), where, stages));
        }
        Key zgroup = path.resolve(ZGROUP);
        doc = readDocument(store, zgroup, maxDocumentBytes);
        if (doc.isPresent()) {
            String where = store.describe() + " '" + zgroup + "'";
            GroupMetadata g = MetadataFormat.parseV2Group(Json.parse(doc.get(), where), readAttrs(store, path, maxDocumentBytes), where);
            Key zmeta = path.resolve(ZMETADATA);
            Optional<Bytes> consolidated = readDocument(store, zmeta, maxDocumentBytes);
            if (consolidated.isPresent()) {
                String cw = store.describe() + " '" + zmeta + "'";
                JsonNode c = Json.parse(consolidated.get(), cw);
                if (!c.path("metadata").isObject()) {
                    throw new InvalidMetadataException(cw + ": /metadata must be an object");
                }
                g = new GroupMetadata(2, g.attributes(), c, null);
            }
            return Optional.of(g);
        }
        return Optional.empty();
    }

    /**
     * Reads a metadata document (JSON) of at most {@code maxBytes}; empty when it is missing. At most
     * {@code maxBytes + 1} bytes are asked of the store, so a huge or hostile document costs no more
     * memory than the limit.
     *
     * @throws InvalidMetadataException naming the store and key when the document is larger
     */
    public static Optional<Bytes> readDocument(ReadableStore store, Key key, long maxBytes) throws IOException {
        Optional<Bytes> doc = store.read(key, ByteRange.of(0, maxBytes + 1));
        if (doc.isPresent() && doc.get().size() > maxBytes) {
            throw new InvalidMetadataException(store.describe() + " '" + key + "': metadata document larger than the "
                    + sizeText(maxBytes) + " limit on metadata documents");
        }
        return doc;
    }

    private static String sizeText(long bytes) {
        return bytes % (1L << 20) == 0 ? (bytes >> 20) + " MiB" : bytes + " bytes";
    }

    /** True if a node's metadata document exists at the path (nothing is parsed). */
    public static boolean isNode(ReadableStore store, Key path) throws IOException {
        return store.exists(path.resolve(ZARR_JSON)) || store.exists(path.resolve(ZARRAY)) || store.exists(path.resolve(ZGROUP));
    }

    private static JsonNode readAttrs(ReadableStore store, Key path, long maxBytes) throws IOException {
        Key k = path.resolve(ZATTRS);
        Optional<Bytes> attrs = readDocument(store, k, maxBytes);
        return attrs.isPresent() ? Json.parse(attrs.get(), store.describe() + " '" + k + "'") : null;
    }

    /**
     * Writes a node's metadata documents. For v2 the attributes go first and {@code .zarray}/{@code .zgroup}
     * last, so a reader that finds the node finds its attributes too.
     */
    public static void writeMetadata(WritableStore store, Key path, NodeMetadata meta) throws IOException {
        if (meta.zarrFormat() == 3) {
            store.write(path.resolve(ZARR_JSON), Json.write(MetadataFormat.toV3(meta)));
            return;
        }
        ObjectNode attrs = meta.attributes();
        if (!attrs.isEmpty()) {
            store.write(path.resolve(ZATTRS), Json.write(attrs));
        } else {
            store.delete(path.resolve(ZATTRS));
        }
        switch (meta) {
            case ArrayMetadata a -> store.write(path.resolve(ZARRAY), Json.write(MetadataFormat.toV2Array(a)));
            case GroupMetadata g -> store.write(path.resolve(ZGROUP), Json.write(MetadataFormat.toV2Group()));
        }
    }
}
