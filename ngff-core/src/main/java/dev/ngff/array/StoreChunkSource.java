package dev.ngff.array;

import dev.ngff.buffer.Bytes;
import dev.ngff.codec.ChunkSource;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.store.ByteRange;
import dev.ngff.store.Key;
import dev.ngff.store.ReadableStore;
import dev.ngff.store.Versioned;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * One stored chunk, read under the context's I/O limit, with its shard index cached in the array
 * handle's cache. Where the store has version tags (S3 ETags), the cached index remembers the version
 * it was read from, and range reads that rely on it ask the store for exactly that version; if the
 * chunk changed meanwhile the store says so ({@link dev.ngff.error.VersionChangedException}) and the
 * sharding codec reads the index again, so a stale index never selects bytes of a newer shard. Used by
 * one task at a time.
 */
final class StoreChunkSource implements ChunkSource {
    private final ReadableStore store;
    private final Key key;
    private final ExecutionContext ctx;
    private final IndexCache cache;
    private ExecutionContext.CpuHold hold;
    /** The version of the chunk that the last read or cached index came from. */
    private Optional<String> version = Optional.empty();

    /** What the cache holds: a decoded index and the chunk version it was read from. */
    private record VersionedIndex(Object index, Optional<String> version) {
    }

    StoreChunkSource(ReadableStore store, Key key, ExecutionContext ctx, IndexCache cache) {
        this.store = store;
        this.key = key;
        this.ctx = ctx;
        this.cache = cache;
    }

    /** From now on reads give the task's CPU permit back while they wait. */
    StoreChunkSource holding(ExecutionContext.CpuHold cpuHold) {
        this.hold = cpuHold;
        return this;
    }

    private <T> T io(ExecutionContext.IoCall<T> call) throws IOException {
        return hold != null ? hold.whileBlocked(call) : ctx.io(call);
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
        return io(() -> store.readRanges(key, ranges, ifVersion));
    }

    @Override
    public String describe() {
        return store.describe() + " key '" + key + "'";
    }

    @Override
    public Optional<Object> cachedIndex() {
        Optional<Object> hit = cache.get(key);
        if (hit.isPresent() && hit.get() instanceof VersionedIndex vi) {
            version = vi.version();
            return Optional.of(vi.index());
        }
        return Optional.empty();
    }

    @Override
    public void cacheIndex(Object index) {
        cache.put(key, new VersionedIndex(index, version));
    }

    @Override
    public void invalidateIndex() {
        cache.invalidate(key);
        version = Optional.empty();
    }
}
