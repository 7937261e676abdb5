package dev.ngff.store;

import java.io.IOException;

/** A store with every capability: read, write, list. */
public interface Store extends WritableStore, ListableStore {

    /** Deletes every object at or below a prefix. */
    default void deletePrefix(Key prefix) throws IOException {
        for (Key k : list(prefix)) {
            delete(k);
        }
    }
}
