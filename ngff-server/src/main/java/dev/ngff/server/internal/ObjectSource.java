package dev.ngff.server.internal;

import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import dev.ngff.store.ReadableStore;
import dev.ngff.store.ZipStore;

import java.io.IOException;
import java.util.Optional;

/**
 * Opens the objects of one served store. Thread-safe. A missing object, a directory (a prefix) and, for
 * directories, a file reached through a link out of the root are all {@link Optional#empty()}: the server
 * answers 404 and lists nothing.
 */
public interface ObjectSource extends AutoCloseable {

    /** True if opening and reading may wait on a network or inflate data, so it must not run on an event loop. */
    boolean blocking();

    Optional<ServedObject> open(Key key) throws IOException;

    /** What the store is, for messages. */
    String describe();

    /**
     * Gives back some of what the source keeps between requests (open files), because the process ran out
     * of file descriptors; later requests open again what they need. Thread-safe.
     */
    default void shed() {
    }

    /** Releases what the source keeps between requests (open files); the store itself stays open. */
    @Override
    default void close() {
    }

    /** The best source for a store: zero-copy files for directories, the store's own reads otherwise. */
    static ObjectSource of(ReadableStore store) {
        if (store instanceof FileSystemStore fs) {
            return new FileObjects(fs);
        }
        if (store instanceof ZipStore zip) {
            return new ZipObjects(zip);
        }
        return new StoreObjects(store);
    }
}
