package dev.ngff.cache.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * One segment of a byte-bounded cache: least-recently-used order, its own byte budget, entries grouped
 * by the object they derive from so that one call drops them all. Every method takes the segment's
 * lock, so a cache of several segments never holds one lock across them. Its byte count never exceeds
 * its budget: an entry is admitted only after older ones are evicted to make room, and one heavier
 * than the whole budget is refused.
 *
 * @param <K> entry keys
 */
public final class LruSegment<K> {

    /** A held value, its weight in bytes and the stamp of the read it came from. */
    public record Node(Object value, long weight, long stamp) {
    }

    /** What a put did: refused, or admitted after evicting {@code evicted} entries. */
    public record PutResult(boolean admitted, int evicted) {
        static final PutResult REFUSED = new PutResult(false, 0);
    }

    private final long budget;
    private final Function<? super K, ?> groupOf;
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<K, Node> lru = new LinkedHashMap<>(64, 0.75f, true);
    private final Map<Object, Set<K>> byGroup = new HashMap<>();
    /** Written under the lock, read by statistics without it. */
    private volatile long bytes;
    private volatile int entries;

    /**
     * @param budget  most bytes held at once
     * @param groupOf the group (stored object) of a key
     */
    public LruSegment(long budget, Function<? super K, ?> groupOf) {
        if (budget < 0) {
            throw new IllegalArgumentException("segment budget must not be negative, got " + budget);
        }
        this.budget = budget;
        this.groupOf = groupOf;
    }

    public long budget() {
        return budget;
    }

    public long bytes() {
        return bytes;
    }

    public int entries() {
        return entries;
    }

    /** The entry, made the most recently used; null when absent. */
    public Node get(K key) {
        lock.lock();
        try {
            return lru.get(key);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Admits an entry, replacing one under the same key, if {@code admit} (evaluated under the lock, so
     * that an invalidation cannot slip between the check and the insert) says so and it fits the budget.
     */
    public PutResult put(K key, Object value, long weight, long stamp, BooleanSupplier admit) {
        if (weight < 0) {
            throw new IllegalArgumentException("weight must not be negative, got " + weight);
        }
        if (weight > budget) {
            return PutResult.REFUSED;
        }
        lock.lock();
        try {
            if (!admit.getAsBoolean()) {
                return PutResult.REFUSED;
            }
            Node old = lru.remove(key);
            long held = bytes;
            if (old != null) {
                held -= old.weight();
                ungroup(key);
            }
            int evicted = 0;
            Iterator<Map.Entry<K, Node>> eldest = lru.entrySet().iterator();
            while (held + weight > budget && eldest.hasNext()) {
                Map.Entry<K, Node> e = eldest.next();
                held -= e.getValue().weight();
                eldest.remove();
                ungroup(e.getKey());
                evicted++;
            }
            lru.put(key, new Node(value, weight, stamp));
            byGroup.computeIfAbsent(groupOf.apply(key), g -> new HashSet<>(4)).add(key);
            bytes = held + weight;
            entries = lru.size();
            return new PutResult(true, evicted);
        } finally {
            lock.unlock();
        }
    }

    /** Drops every entry of a group; returns how many. */
    public int removeGroup(Object group) {
        lock.lock();
        try {
            Set<K> keys = byGroup.remove(group);
            if (keys == null) {
                return 0;
            }
            long held = bytes;
            for (K k : keys) {
                Node n = lru.remove(k);
                if (n != null) {
                    held -= n.weight();
                }
            }
            bytes = held;
            entries = lru.size();
            return keys.size();
        } finally {
            lock.unlock();
        }
    }

    /** Drops everything; returns how many entries. */
    public int clear() {
        lock.lock();
        try {
            int n = lru.size();
            lru.clear();
            byGroup.clear();
            bytes = 0;
            entries = 0;
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** The keys from least to most recently used (for tests and diagnostics; does not touch the order). */
    public List<K> keysEldestFirst() {
        lock.lock();
        try {
            return new ArrayList<>(lru.keySet());
        } finally {
            lock.unlock();
        }
    }

    private void ungroup(K key) {
        Object g = groupOf.apply(key);
        Set<K> keys = byGroup.get(g);
        if (keys != null && keys.remove(key) && keys.isEmpty()) {
            byGroup.remove(g);
        }
    }
}
