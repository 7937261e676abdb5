package dev.ngff.cli;

import dev.ngff.convert.internal.Sizes;
import dev.ngff.convert.internal.ArrayLayout;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.NodeMetadata;
import dev.ngff.store.Key;

/**
 * What {@code ngff info} found at one node.
 *
 * @param path     the node's path in the store
 * @param meta     its metadata
 * @param layout   for arrays the chunk/shard layout, else null
 * @param stored   for arrays in a listable store what is stored, else null
 * @param note     a remark such as why children could not be listed, or null
 */
record NodeInfo(Key path, NodeMetadata meta, ArrayLayout layout, StoredChunks stored, String note) {

    /** The path as users write it: {@code /} for the root, {@code /a/b} below. */
    String displayPath() {
        return "/" + path.path();
    }

    boolean isArray() {
        return meta instanceof ArrayMetadata;
    }

    /** Bytes the array holds decoded (every element, stored or fill); -1 when elements vary in size (text, bytes). */
    long uncompressedBytes() {
        if (meta instanceof ArrayMetadata a) {
            return a.dataType().isVariableLength() ? -1 : Sizes.uncompressed(a);
        }
        return 0;
    }

    /** Chunks (shards for a sharded array) in the grid. */
    long gridChunks() {
        if (!(meta instanceof ArrayMetadata a)) {
            return 0;
        }
        long n = 1;
        for (long g : a.gridShape()) {
            n = Sizes.product(n, g);
        }
        return n;
    }

    /** Uncompressed over stored bytes, or NaN when nothing (or nothing known) is stored. */
    double compressionRatio() {
        return stored == null || stored.bytes() == 0 || uncompressedBytes() < 0 ? Double.NaN : (double) uncompressedBytes() / stored.bytes();
    }
}
