package dev.ngff.array;

import dev.ngff.store.Key;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A small LRU cache of decoded shard indexes, owned by one array handle. Writes through the handle
 * invalidate their key; changes made by other writers are seen after re-opening the array.
 */
final class IndexCache {
    private final int capacity;
    private final Map<Key, Object> map;

    IndexCache(int capacity) {
        this.capacity = capacity;
        this.map = new LinkedHashMap<>(16, 0.75f, true);
    }

    synchronized Optional<Object> get(Key key) {
        return Optional.ofNullable(map.get(key));
    }

    synchronized void put(Key key, Object value) {
        if (capacity == 0) {
            return;
        }
        map.put(key, value);
        if (map.size() > capacity) {
            var it = map.entrySet().iterator();
            it.next();
            it.remove();
        }
    }

    synchronized void invalidate(Key key) {
        map.remove(key);
    }
}
