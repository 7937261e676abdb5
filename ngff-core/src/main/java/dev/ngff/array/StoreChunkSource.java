package dev.ngff.array;

import dev.ngff.buffer.Bytes;
import dev.ngff.codec.ChunkSource;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.store.ByteRange;
import dev.ngff.store.Key;
import dev.ngff.store.ReadableStore;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * One stored chunk, read under the context's I/O limit, with its shard index cached in the array
 * handle's cache. Used by one task at a time.
 */
final class StoreChunkSource implements ChunkSource {
    private final ReadableStore store;
    private final Key key;
    private final ExecutionContext ctx;
    private final IndexCache cache;
    private ExecutionContext.CpuHold hold;

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
        return io(() -> store.read(key, range));
    }

    @Override
    public Optional<List<Bytes>> readRanges(List<ByteRange> ranges) throws IOException {
        return io(() -> store.readRanges(key, ranges));
    }

    @Override
    public String describe() {
        return store.describe() + " key '" + key + "'";
    }

    @Override
    public Optional<Object> cachedIndex() {
        return cache.get(key);
    }

    @Override
    public void cacheIndex(Object index) {
        cache.put(key, index);
    }
}
