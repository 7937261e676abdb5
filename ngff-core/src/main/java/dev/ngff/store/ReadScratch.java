package dev.ngff.store;

import java.lang.foreign.MemorySegment;

/**
 * Memory a reader lends a store for the bytes of one read, so that a reader that decodes what it read
 * before its next read (a chunk's compressed bytes, a shard's inner chunks) reuses one buffer instead of
 * allocating one per read. See {@link ReadableStore#read(Key, ByteRange, ReadScratch)}.
 *
 * <p>Contract: {@link #memory} returns writable memory of at least the asked size, or null when the
 * lender has none that large (the store then allocates as it would without scratch). The memory stays
 * the lender's: bytes a store returns in it are valid only until the lender lends it again, so they
 * must never be handed to anyone who keeps them (a cache, a user). A scratch is used by one read at a
 * time; it need not be thread-safe.
 */
@FunctionalInterface
public interface ReadScratch {
    /** Writable memory of at least {@code bytes} bytes, or null if the lender has none that large. */
    MemorySegment memory(long bytes);
}
