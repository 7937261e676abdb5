package dev.ngff.array;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.metadata.NodeMetadata;
import dev.ngff.store.Key;
import dev.ngff.store.ReadableStore;

/** A node of a Zarr hierarchy: an array or a group, at a path in a store. */
public sealed interface ZarrNode permits ZarrArray, ZarrGroup {
    ReadableStore store();

    /** The node's path in its store (the root is {@link Key#ROOT}). */
    Key path();

    NodeMetadata metadata();

    default ObjectNode attributes() {
        return metadata().attributes();
    }

    default int zarrFormat() {
        return metadata().zarrFormat();
    }
}
