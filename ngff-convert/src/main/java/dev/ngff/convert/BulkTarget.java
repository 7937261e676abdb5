package dev.ngff.convert;

import dev.ngff.store.Key;
import dev.ngff.write.IncompleteMarker;
import dev.ngff.write.WriterLock;

import java.util.ArrayList;
import java.util.List;

/** What the runners of a plan (ngff copy/convert, the Spark jobs) share about the target's root. */
public final class BulkTarget {
    private BulkTarget() {
    }

    /** {@code keys} (a listing of the target's root) without the root's writer lock and incomplete marker. */
    public static List<Key> ownKeysRemoved(List<Key> keys) {
        List<Key> out = new ArrayList<>(keys.size());
        for (Key k : keys) {
            if (!k.equals(WriterLock.key(Key.ROOT)) && !k.equals(IncompleteMarker.key(Key.ROOT))) {
                out.add(k);
            }
        }
        return out;
    }
}
