package dev.ngff.codec;

import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.store.ByteRange;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Lazy access to the stored bytes of one chunk, for partial decoding. An empty result means the chunk
 * is not stored. Thread-safe.
 *
 * <p>The cache methods let a codec keep what it derives from the chunk (a shard's index, its decoded
 * inner chunks) in the reader's cache; the defaults keep nothing.
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

    /**
     * Remembers a decoded index for later partial reads of the same chunk; {@code byteSize} is about how
     * much memory it holds, for a byte-bounded cache. The index must not change afterwards.
     */
    default void cacheIndex(Object index, long byteSize) {
    }

    /**
     * Whether the reader keeps decoded inner chunks for later reads (a viewer that revisits them): then
     * the codec offers each inner chunk it decodes to {@link #cacheInnerChunk} and asks
     * {@link #cachedInnerChunk} before reading one. False by default.
     */
    default boolean cachesInnerChunks() {
        return false;
    }

    /**
     * The decoded inner chunk number {@code linear} (C order in the shard's grid) of the shard as of the
     * cached index, if kept. Read-only and shared: copy out of it, never into it.
     */
    default Optional<NdBuffer> cachedInnerChunk(long linear) {
        return Optional.empty();
    }

    /** Keeps a decoded inner chunk, which must not change afterwards. May be called from several threads at once. */
    default void cacheInnerChunk(long linear, NdBuffer decoded) {
    }

    /**
     * Forgets the cached index, after a read found that the chunk changed since the index was read
     * ({@link dev.ngff.error.VersionChangedException}).
     */
    default void invalidateIndex() {
    }

    /**
     * A chunk already in memory (a shard whose bytes-to-bytes stages a pipeline has undone): ranges are
     * slices of {@code bytes}, nothing is cached. {@code where} names it in error messages.
     */
    static ChunkSource ofBytes(Bytes bytes, String where) {
        java.util.Objects.requireNonNull(bytes, "bytes");
        return new ChunkSource() {
            @Override
            public Optional<Bytes> read(ByteRange range) {
                long n = bytes.size();
                long start = range.start(n);
                return Optional.of(bytes.slice(start, range.end(n) - start));
            }

            @Override
            public Optional<List<Bytes>> readRanges(List<ByteRange> ranges) {
                List<Bytes> out = new java.util.ArrayList<>(ranges.size());
                for (ByteRange r : ranges) {
                    out.add(read(r).orElseThrow());
                }
                return Optional.of(out);
            }

            @Override
            public String describe() {
                return where;
            }
        };
    }
}
