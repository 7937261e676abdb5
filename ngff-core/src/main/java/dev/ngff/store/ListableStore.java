package dev.ngff.store;

import java.io.IOException;
import java.util.List;

/** A store that can list keys. Listings are snapshots; order is lexicographic by key. */
public interface ListableStore extends ReadableStore {

    /** Every object key at or below {@code prefix}, recursively. Empty for a missing prefix. */
    List<Key> list(Key prefix) throws IOException;

    /** One level below {@code prefix}: objects directly there and the child prefixes that hold more. */
    Listing listDir(Key prefix) throws IOException;

    /**
     * One level of a listing: full keys of objects, full keys of child prefixes, and the names found at
     * this level that cannot be {@link Key}s (a backslash, {@code ..}, an empty or absolute name), which
     * no key can reach. Stores report those instead of dropping them silently, so that a walk of a
     * hierarchy can say what it did not see.
     *
     * @param skipped the unrepresentable names directly below the prefix (one segment, as stored), sorted
     */
    record Listing(List<Key> objects, List<Key> prefixes, List<String> skipped) {
        public Listing {
            objects = List.copyOf(objects);
            prefixes = List.copyOf(prefixes);
            skipped = skipped.stream().sorted().distinct().toList();
        }

        /** A listing in which nothing was skipped. */
        public Listing(List<Key> objects, List<Key> prefixes) {
            this(objects, prefixes, List.of());
        }
    }
}
