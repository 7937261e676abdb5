package dev.ngff.store;

import dev.ngff.buffer.Buffers;
import dev.ngff.buffer.Bytes;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A store held in memory, for tests, caches and small scratch hierarchies.
 *
 * <p>Thread-safe: any number of threads may read, write, delete and list at once. A write copies the
 * value, so later changes to the caller's memory never reach the store; reads return read-only views
 * of the stored copy without copying again. A write replaces the whole object in one step, so readers
 * see the old value or the new one. A missing key reads as {@link Optional#empty()}. A key may be an
 * object and a prefix of other objects at the same time (unlike in a file system). Listings are weakly
 * consistent snapshots in lexicographic key order. No method throws for reasons other than caller bugs
 * (null arguments), so the declared {@link java.io.IOException}s never happen.
 */
public final class MemoryStore implements Store {
    private final ConcurrentSkipListMap<Key, Stored> objects = new ConcurrentSkipListMap<>();
    /** Source of versions: each write gets the next number, so a version never comes back. */
    private final java.util.concurrent.atomic.AtomicLong writes = new java.util.concurrent.atomic.AtomicLong();

    /** A stored copy and the version its write got. */
    private record Stored(Bytes bytes, long version) {
        String tag() {
            return Long.toString(version);
        }
    }
    private final String name;

    /** An empty store described as {@code memory:}. */
    public MemoryStore() {
        this("");
    }

    /** An empty store described as {@code memory:<name>}, to tell several apart in error messages. */
    public MemoryStore(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public Optional<Bytes> read(Key key, ByteRange range) {
        Objects.requireNonNull(range, "range");
        Stored stored = objects.get(Objects.requireNonNull(key, "key"));
        if (stored == null) {
            return Optional.empty();
        }
        Bytes value = stored.bytes();
        long start = range.start(value.size());
        long end = range.end(value.size());
        return Optional.of(value.slice(start, Math.max(0, end - start)));
    }

    @Override
    public boolean exists(Key key) {
        return objects.containsKey(Objects.requireNonNull(key, "key"));
    }

    @Override
    public void write(Key key, Bytes value) {
        requireObjectKey(key);
        objects.put(key, stored(value));
    }

    @Override
    public void delete(Key key) {
        objects.remove(Objects.requireNonNull(key, "key"));
    }

    /** An object's version is the identity of its stored copy: every write makes a new one. */
    @Override
    public Optional<String> version(Key key) {
        return Optional.ofNullable(objects.get(Objects.requireNonNull(key, "key"))).map(Stored::tag);
    }

    @Override
    public Optional<String> writeIfAbsent(Key key, Bytes value) {
        requireObjectKey(key);
        Stored next = stored(value);
        return objects.putIfAbsent(key, next) == null ? Optional.of(next.tag()) : Optional.empty();
    }

    // ConcurrentSkipListMap's compute methods may apply their function more than once, so the
    // conditional calls compare and swap whole entries instead (replace/remove with the old value).

    @Override
    public Optional<String> writeIfVersion(Key key, Bytes value, String expected) {
        requireObjectKey(key);
        Objects.requireNonNull(expected, "expected");
        Stored next = stored(value);
        while (true) {
            Stored old = objects.get(key);
            if (old == null || !old.tag().equals(expected)) {
                return Optional.empty();
            }
            if (objects.replace(key, old, next)) {
                return Optional.of(next.tag());
            }
        }
    }

    @Override
    public boolean deleteIfVersion(Key key, String expected) {
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(key, "key");
        while (true) {
            Stored old = objects.get(key);
            if (old == null || !old.tag().equals(expected)) {
                return false;
            }
            if (objects.remove(key, old)) {
                return true;
            }
        }
    }

    @Override
    public java.util.OptionalLong size(Key key) {
        Stored b = objects.get(Objects.requireNonNull(key, "key"));
        return b == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(b.bytes().size());
    }

    private Stored stored(Bytes value) {
        return new Stored(copy(Objects.requireNonNull(value, "value")), writes.incrementAndGet());
    }

    @Override
    public List<Key> list(Key prefix) {
        return keysBelow(prefix);
    }

    @Override
    public Listing listDir(Key prefix) {
        List<Key> direct = new ArrayList<>();
        TreeSet<Key> children = new TreeSet<>();
        int depth = prefix.segments().size();
        for (Key k : keysBelow(prefix)) {
            List<String> segments = k.segments();
            if (segments.size() == depth + 1) {
                direct.add(k);
            } else if (segments.size() > depth + 1) {
                children.add(prefix.resolve(segments.get(depth)));
            }
        }
        return new Listing(direct, new ArrayList<>(children));
    }

    /** Removes every object. */
    public void clear() {
        objects.clear();
    }

    /** The number of objects held. */
    public int size() {
        return objects.size();
    }

    @Override
    public String describe() {
        return "memory:" + name;
    }

    @Override
    public String toString() {
        return describe();
    }

    /** Keys at or below {@code prefix}; they all have its path as a string prefix, so they lie together. */
    private List<Key> keysBelow(Key prefix) {
        Objects.requireNonNull(prefix, "prefix");
        if (prefix.isRoot()) {
            return new ArrayList<>(objects.keySet());
        }
        List<Key> out = new ArrayList<>();
        for (Key k : objects.tailMap(prefix, true).keySet()) {
            if (!k.path().startsWith(prefix.path())) {
                break;
            }
            if (k.startsWith(prefix)) {
                out.add(k);
            }
        }
        return out;
    }

    private static void requireObjectKey(Key key) {
        if (Objects.requireNonNull(key, "key").isRoot()) {
            throw new IllegalArgumentException("the root key names no object");
        }
    }

    private static Bytes copy(Bytes value) {
        MemorySegment segment = Buffers.allocate(value.size());
        value.copyTo(segment, 0);
        return Bytes.wrap(segment);
    }
}
