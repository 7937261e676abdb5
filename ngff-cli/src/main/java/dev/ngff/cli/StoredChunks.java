package dev.ngff.cli;

import dev.ngff.array.Zarr;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import dev.ngff.store.ListableStore;
import dev.ngff.store.ReadableStore;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What an array stores: the number of chunk objects (shards for a sharded array) and their bytes. A
 * chunk object is any key below the array that is not a metadata document and does not lie inside a
 * nested node.
 *
 * @param chunks objects stored
 * @param bytes  their total size
 */
record StoredChunks(long chunks, long bytes) {
    private static final Set<String> METADATA = Set.of(Zarr.ZARR_JSON, Zarr.ZARRAY, Zarr.ZATTRS, Zarr.ZGROUP,
            Zarr.ZMETADATA);

    /** The name prefix of the write path's own objects (lock, incomplete marker, journal): no chunks. */
    private static final String WRITER_OBJECTS = ".ngff-";

    /** The stored chunks of the array at {@code path}, or empty when the store cannot list. */
    static Optional<StoredChunks> of(ReadableStore store, Key path) throws IOException {
        if (!(store instanceof ListableStore ls)) {
            return Optional.empty();
        }
        List<Key> keys = ls.list(path);
        List<Key> nested = new ArrayList<>(); // nodes below this one (not expected below an array)
        for (Key k : keys) {
            if (k.startsWith(path) && !k.parent().equals(path) && METADATA.contains(k.name())) {
                nested.add(k.parent());
            }
        }
        long n = 0;
        long bytes = 0;
        for (Key k : keys) {
            if (!k.startsWith(path) || k.equals(path) || METADATA.contains(k.relativeTo(path).path())
                    || k.relativeTo(path).segments().getFirst().startsWith(WRITER_OBJECTS)
                    || nested.stream().anyMatch(k::startsWith)) {
                continue;
            }
            n++;
            bytes += size(store, k);
        }
        return Optional.of(new StoredChunks(n, bytes));
    }

    /** The size of one object: from the file system when possible, otherwise from the store's size request. */
    private static long size(ReadableStore store, Key key) throws IOException {
        if (store instanceof FileSystemStore fs) {
            try {
                return Files.size(fs.path(key));
            } catch (java.nio.file.NoSuchFileException e) {
                return 0; // deleted since the listing
            }
        }
        return store.size(key).orElse(0L); // a store's own size request: a huge chunk is not read to be counted
    }
}
