package dev.ngff.codec;

import dev.ngff.buffer.Bytes;
import dev.ngff.store.ByteRange;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Lazy access to the stored bytes of one chunk, for partial decoding. An empty result means the chunk
 * is not stored. Thread-safe.
 */
public interface ChunkSource {

    Optional<Bytes> read(ByteRange range) throws IOException;

    /** Several ranges at once (in the given order); stores may coalesce them. */
    Optional<List<Bytes>> readRanges(List<ByteRange> ranges) throws IOException;

    /** Names the chunk in error messages (store and key). */
    String describe();

    /** A decoded index cached for this chunk by an earlier partial read, if any and still valid. */
    default Optional<Object> cachedIndex() {
        return Optional.empty();
    }

    /** Remembers a decoded index for later partial reads of the same chunk. */
    default void cacheIndex(Object index) {
    }

    /**
     * Forgets the cached index, after a read found that the chunk changed since the index was read
     * ({@link dev.ngff.error.VersionChangedException}).
     */
    default void invalidateIndex() {
    }
}
