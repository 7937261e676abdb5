package dev.ngff.array;

import dev.ngff.buffer.NdBuffer;
import dev.ngff.cache.CacheKey;
import dev.ngff.cache.ChunkCache;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.store.Key;
import dev.ngff.store.ReadableStore;

import java.util.Arrays;
import java.util.Optional;

/**
 * One array handle's view of its context's {@link ChunkCache}: the store it reads, the stamp of the
 * handle's opening (entries whose reads began earlier are not served to it, so a reopened handle sees
 * what other processes wrote), and whether it keeps decoded chunks or only shard indexes. Immutable
 * and thread-safe.
 */
final class ArrayCache {
    /** The value kept for a chunk that is not stored. */
    enum Absent { CHUNK }

    private static final ChunkCache NONE = ChunkCache.create(0);
    /** Reads of more than this fraction of the budget bypass decoded chunks. */
    static final long BULK_FRACTION = 4;

    private final ChunkCache cache;
    private final ReadableStore store;
    private final long openedAt;
    private final boolean chunks;

    private ArrayCache(ChunkCache cache, ReadableStore store, long openedAt, boolean chunks) {
        this.cache = cache;
        this.store = store;
        this.openedAt = openedAt;
        this.chunks = chunks;
    }

    /** The view of a handle opened now: shard indexes only. */
    static ArrayCache open(ChunkCache cache, ReadableStore store) {
        return new ArrayCache(cache, store, cache.openStamp(), false);
    }

    /** A view that keeps nothing (for writers, which must see what is stored now). */
    static ArrayCache none(ReadableStore store) {
        return new ArrayCache(NONE, store, 0, false);
    }

    /** The same view, keeping decoded chunks too or not. */
    ArrayCache withChunks(boolean keep) {
        return keep == chunks ? this : new ArrayCache(cache, store, openedAt, keep);
    }

    /**
     * The view one read call uses: a read of a region larger than 1/{@value #BULK_FRACTION} of the budget
     * (a bulk scan, which touches each chunk once) neither looks up nor keeps decoded chunks, so it
     * takes the direct path of a handle without caching and does not evict what revisiting readers keep.
     */
    ArrayCache forRead(long elements, int elementBytes) {
        if (!cachesChunks()) {
            return this;
        }
        long each = Math.max(1, elementBytes); // variable-length elements: at least a byte each
        long bytes = elements > Long.MAX_VALUE / each ? Long.MAX_VALUE : elements * each;
        return bytes > cache.maxBytes() / BULK_FRACTION ? withChunks(false) : this;
    }

    /** Whether reads keep decoded chunks and inner chunks (and the absence of chunks). */
    boolean cachesChunks() {
        return chunks && cache.isEnabled();
    }

    /** Take before a store read whose result may be put. */
    long readStamp() {
        return cache.readStamp();
    }

    <T> Optional<T> get(CacheKey key, Class<T> type) {
        return cache.get(key, type, openedAt);
    }

    void put(CacheKey key, Object value, long byteSize, long readStamp) {
        cache.put(key, value, byteSize, readStamp);
    }

    /** Forgets what is kept of {@code key}; call after writing or deleting it. */
    void invalidate(Key key) {
        cache.invalidate(store, key);
    }

    CacheKey chunkKey(Key key) {
        return CacheKey.chunk(store, key);
    }

    CacheKey shardIndexKey(Key key) {
        return CacheKey.shardIndex(store, key);
    }

    CacheKey innerChunkKey(Key key, Optional<String> version, long linear) {
        return CacheKey.innerChunk(store, key, version, linear);
    }

    /**
     * The kept decoded chunk under {@code key} ({@link Absent} when it is known not to be stored), if
     * this view keeps chunks and the entry matches the spec's type and shape.
     */
    Optional<Object> chunk(Key key, ChunkSpec spec) {
        if (!cachesChunks()) {
            return Optional.empty();
        }
        Optional<Object> hit = get(chunkKey(key), Object.class);
        if (hit.isPresent() && hit.get() instanceof NdBuffer b
                && (!b.dataType().equals(spec.dataType()) || !Arrays.equals(b.shape(), spec.shape()))) {
            return Optional.empty(); // another array's chunk at the same key, from before a re-creation
        }
        return hit;
    }

    /** Keeps a decoded chunk (as a read-only view), or its absence when {@code decoded} is empty. */
    void putChunk(Key key, Optional<NdBuffer> decoded, long readStamp) {
        if (!cachesChunks()) {
            return;
        }
        if (decoded.isEmpty()) {
            put(chunkKey(key), Absent.CHUNK, 0, readStamp);
        } else {
            NdBuffer b = readOnly(decoded.get());
            put(chunkKey(key), b, ChunkCache.weightOf(b), readStamp);
        }
    }

    /** A view that cannot be written through (variable-length buffers never change their elements in place). */
    static NdBuffer readOnly(NdBuffer b) {
        if (b.isVariableLength() || b.segment().isReadOnly()) {
            return b;
        }
        return NdBuffer.wrap(b.dataType(), b.shape(), b.segment().asReadOnly());
    }
}
