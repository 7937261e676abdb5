package dev.ngff.array;

import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.codec.ChunkSource;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.store.ByteRange;
import dev.ngff.store.Key;
import dev.ngff.store.ReadScratch;
import dev.ngff.store.ReadableStore;
import dev.ngff.store.Versioned;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * One stored chunk, read under the context's I/O limit, with its shard index (and, where the handle
 * asks for it, its decoded inner chunks) kept in the context's chunk cache. Where the store has version
 * tags (S3 ETags), the cached index remembers the version it was read from, and range reads that rely
 * on it ask the store for exactly that version; if the chunk changed meanwhile the store says so
 * ({@link dev.ngff.error.VersionChangedException}) and the sharding codec reads the index again, so a
 * stale index never selects bytes of a newer shard. Decoded inner chunks are kept under the version of
 * the index that located them. Used by one task at a time, except {@link #cachedInnerChunk} and
 * {@link #cacheInnerChunk}, which the codec's parallel decode tasks call after the index is known.
 *
 * <p>A read source may be lent a {@link ReadScratch} for the bytes of its first {@link #readRanges} (a
 * shard's inner chunks, which the codec decodes before the read returns): the lender takes it back when
 * the chunk's decode ends, so the bytes of that one call must not outlive it. It is never lent when the
 * handle keeps decoded inner chunks (one decoded without a copy could be a view of the scratch), never
 * for {@link #read} (a shard's index) and never to a second call (a retry after a changed shard).
 */
final class StoreChunkSource implements ChunkSource {
    private final ReadableStore store;
    private final Key key;
    private final ExecutionContext ctx;
    private final ArrayCache cache;
    /** Taken before this source's first store read: what it puts in the cache was read after it. */
    private volatile long readStamp;
    /** Memory lent for the next {@link #readRanges} only, or null. */
    private volatile ReadScratch lent;
    /** The version of the chunk that the last read or cached index came from. */
    private volatile Optional<String> version = Optional.empty();

    /** What the cache holds: a decoded index and the chunk version it was read from. */
    private record VersionedIndex(Object index, Optional<String> version) {
    }

    StoreChunkSource(ReadableStore store, Key key, ExecutionContext ctx, ArrayCache cache) {
        this(store, key, ctx, cache, null);
    }

    /** A source whose first {@link #readRanges} may read into {@code scratch} (null: none), see the class comment. */
    StoreChunkSource(ReadableStore store, Key key, ExecutionContext ctx, ArrayCache cache, ReadScratch scratch) {
        this.lent = cache.cachesChunks() ? null : scratch;
        this.store = store;
        this.key = key;
        this.ctx = ctx;
        this.cache = cache;
        this.readStamp = cache.readStamp();
    }

    private <T> T io(ExecutionContext.IoCall<T> call) throws IOException {
        return ctx.io(call);
    }

    @Override
    public Optional<Bytes> read(ByteRange range) throws IOException {
        Optional<Versioned> v = io(() -> store.readVersioned(key, range));
        version = v.flatMap(Versioned::version);
        return v.map(Versioned::bytes);
    }

    @Override
    public Optional<List<Bytes>> readRanges(List<ByteRange> ranges) throws IOException {
        Optional<String> ifVersion = version;
        ReadScratch scratch = lent;
        lent = null;
        if (scratch != null) {
            return io(() -> store.readRanges(key, ranges, ifVersion, scratch));
        }
        return io(() -> store.readRanges(key, ranges, ifVersion));
    }

    @Override
    public String describe() {
        return store.describe() + " key '" + key + "'";
    }

    @Override
    public Optional<Object> cachedIndex() {
        Optional<VersionedIndex> hit = cache.get(cache.shardIndexKey(key), VersionedIndex.class);
        if (hit.isPresent()) {
            version = hit.get().version();
            return Optional.of(hit.get().index());
        }
        return Optional.empty();
    }

    @Override
    public void cacheIndex(Object index, long byteSize) {
        cache.put(cache.shardIndexKey(key), new VersionedIndex(index, version), byteSize + 64, readStamp);
    }

    @Override
    public void invalidateIndex() {
        cache.invalidate(key); // the chunk changed: its inner chunks of the old version go too
        version = Optional.empty();
        readStamp = cache.readStamp(); // what this source reads from now on is newer than the invalidation
    }

    @Override
    public boolean cachesInnerChunks() {
        return cache.cachesChunks();
    }

    @Override
    public Optional<NdBuffer> cachedInnerChunk(long linear) {
        if (!cache.cachesChunks()) {
            return Optional.empty();
        }
        return cache.get(cache.innerChunkKey(key, version, linear), NdBuffer.class);
    }

    @Override
    public void cacheInnerChunk(long linear, NdBuffer decoded) {
        if (cache.cachesChunks()) {
            NdBuffer b = ArrayCache.readOnly(decoded);
            cache.put(cache.innerChunkKey(key, version, linear), b, dev.ngff.cache.ChunkCache.weightOf(b), readStamp);
        }
    }
}
