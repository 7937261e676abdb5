package dev.ngff.store;

import java.io.IOException;
import java.util.List;

/** A store that can list keys. Listings are snapshots; order is lexicographic by key. */
public interface ListableStore extends ReadableStore {

    /** Every object key at or below {@code prefix}, recursively. Empty for a missing prefix. */
    List<Key> list(Key prefix) throws IOException;

    /** One level below {@code prefix}: objects directly there and the child prefixes that hold more. */
    Listing listDir(Key prefix) throws IOException;

    /** One level of a listing: full keys of objects, full keys of child prefixes. */
    record Listing(List<Key> objects, List<Key> prefixes) {
        public Listing {
            objects = List.copyOf(objects);
            prefixes = List.copyOf(prefixes);
        }
    }
}
