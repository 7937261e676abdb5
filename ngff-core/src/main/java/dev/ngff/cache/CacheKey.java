package dev.ngff.cache;

import dev.ngff.store.Key;
import dev.ngff.store.ReadableStore;

import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link ChunkCache} entry is: the stored object it comes from (a store, compared by identity,
 * and a key), what was derived from it ({@link Kind}), the inner chunk's place in its shard, and the
 * object version the bytes were read at where the store has versions (S3 ETags). Immutable.
 *
 * <p>Shard index keys carry no version: the version is only known once the index has been read, so it
 * is kept in the entry's value and checked by the range reads that use the index. Inner chunk keys
 * carry the version of the index that located their bytes, so after a shard changes (a range read
 * reports a new version and the index is read again) the old inner chunks are simply not found.
 */
public final class CacheKey {

    /** What an entry holds. */
    public enum Kind {
        /** A whole decoded chunk (or the fact that it is not stored). */
        CHUNK,
        /** One decoded inner chunk of a shard. */
        INNER_CHUNK,
        /** A shard's decoded index. */
        SHARD_INDEX
    }

    private final ObjectId object;
    private final Kind kind;
    private final long inner;
    private final String version;
    private final int hash;

    private CacheKey(ReadableStore store, Key key, Kind kind, long inner, String version) {
        this.object = new ObjectId(store, key);
        this.kind = kind;
        this.inner = inner;
        this.version = version;
        this.hash = 31 * (31 * (31 * object.hashCode() + kind.hashCode()) + Long.hashCode(inner)) + version.hashCode();
    }

    /** The decoded whole chunk stored under {@code key}. */
    public static CacheKey chunk(ReadableStore store, Key key) {
        return new CacheKey(store, key, Kind.CHUNK, -1, "");
    }

    /** The decoded index of the shard stored under {@code key}. */
    public static CacheKey shardIndex(ReadableStore store, Key key) {
        return new CacheKey(store, key, Kind.SHARD_INDEX, -1, "");
    }

    /**
     * The decoded inner chunk number {@code linear} (C order in the shard's grid of inner chunks) of the
     * shard stored under {@code key} at {@code version} (empty where the store has no versions).
     */
    public static CacheKey innerChunk(ReadableStore store, Key key, Optional<String> version, long linear) {
        if (linear < 0) {
            throw new IllegalArgumentException("inner chunk index must not be negative, got " + linear);
        }
        return new CacheKey(store, key, Kind.INNER_CHUNK, linear, version.orElse(""));
    }

    public ReadableStore store() {
        return object.store;
    }

    public Key key() {
        return object.key;
    }

    public Kind kind() {
        return kind;
    }

    /** The inner chunk's linear index, or -1 for other kinds. */
    public long innerIndex() {
        return inner;
    }

    /** The object version in the key; empty for stores without versions and for kinds that keep none. */
    public Optional<String> version() {
        return version.isEmpty() ? Optional.empty() : Optional.of(version);
    }

    /** The stored object this entry derives from; writes invalidate every entry of an object. */
    ObjectId object() {
        return object;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CacheKey k && hash == k.hash && kind == k.kind && inner == k.inner
                && object.equals(k.object) && version.equals(k.version);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + " '" + object.key + "'" + (inner >= 0 ? " #" + inner : "")
                + (version.isEmpty() ? "" : " @" + version);
    }

    /** A stored object: a store by identity and a key. */
    static final class ObjectId {
        private final ReadableStore store;
        private final Key key;
        private final int hash;

        ObjectId(ReadableStore store, Key key) {
            this.store = Objects.requireNonNull(store, "store");
            this.key = Objects.requireNonNull(key, "key");
            this.hash = 31 * System.identityHashCode(store) + key.hashCode();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ObjectId id && id.store == store && id.key.equals(key);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
