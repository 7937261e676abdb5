package dev.ngff.array;

import dev.ngff.store.ReadScratch;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Reusable off-heap memory for the stored bytes of one chunk read (a chunk's compressed bytes, a shard's
 * inner chunks), lent to the store and decoded before the buffer goes back to its handle's pool. It grows
 * to the largest read it served, in powers of two, up to {@code maxBytes}; larger reads get none (the
 * store allocates for them). Off-heap so that the store's positional reads land in it directly (a heap
 * array would pass through a temporary direct buffer) and the garbage collector never sees it.
 * Used by one read at a time, which the pool guarantees; the memory itself may be read from any thread
 * (a shard's decode workers).
 */
final class ReadBuffer implements ReadScratch {
    private static final long MIN_BYTES = 64 << 10;
    private final long maxBytes;
    private MemorySegment memory;

    ReadBuffer(long maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("read buffer bound must be positive, got " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    @Override
    public MemorySegment memory(long bytes) {
        if (bytes > maxBytes || bytes < 0) {
            return null;
        }
        if (memory == null || memory.byteSize() < bytes) {
            long size = Math.max(MIN_BYTES, Long.highestOneBit(Math.max(1, bytes - 1)) << 1);
            memory = Arena.ofAuto().allocate(Math.min(maxBytes, size), 64);
        }
        return memory;
    }

    /** How many bytes it holds now (for tests). */
    long capacity() {
        return memory == null ? 0 : memory.byteSize();
    }
}
