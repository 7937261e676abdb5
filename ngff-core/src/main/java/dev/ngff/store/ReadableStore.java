package dev.ngff.store;

import dev.ngff.buffer.Bytes;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A store that can read. Contract:
 * <ul>
 *   <li>a missing key is {@link Optional#empty()}: never {@code null}, never an exception;</li>
 *   <li>ranges clip to the object's end (see {@link ByteRange}); callers check the length they got;</li>
 *   <li>failures of the store itself are {@link dev.ngff.error.StoreException}s naming store and key;</li>
 *   <li>implementations are thread-safe: any number of threads may read at once.</li>
 * </ul>
 */
public interface ReadableStore extends Closeable {

    /** Reads a byte range of one object. */
    Optional<Bytes> read(Key key, ByteRange range) throws IOException;

    /** Reads a whole object. */
    default Optional<Bytes> read(Key key) throws IOException {
        return read(key, ByteRange.WHOLE);
    }

    /**
     * Reads a whole object into caller memory when its size is exactly {@code dest.byteSize()}, for
     * readers that know the size (uncompressed fixed-size chunks). Returns the object's size, or -1 when
     * it is missing; the bytes are in {@code dest} only when the returned size equals
     * {@code dest.byteSize()} (otherwise {@code dest}'s content is unspecified and the caller reports
     * the mismatch). Never writes outside {@code dest}. The default reads with {@link #read(Key)} and
     * copies; stores that can read straight into caller memory override it.
     */
    default long readInto(Key key, java.lang.foreign.MemorySegment dest) throws IOException {
        Optional<Bytes> b = read(key, ByteRange.WHOLE);
        if (b.isEmpty()) {
            return -1;
        }
        if (b.get().size() == dest.byteSize()) {
            b.get().copyTo(dest, 0);
        }
        return b.get().size();
    }

    /**
     * Reads several ranges of one object, in the order given. Empty if the object is missing. Stores
     * that can coalesce nearby ranges into fewer requests override this.
     */
    default Optional<List<Bytes>> readRanges(Key key, List<ByteRange> ranges) throws IOException {
        List<Bytes> out = new ArrayList<>(ranges.size());
        for (ByteRange r : ranges) {
            Optional<Bytes> b = read(key, r);
            if (b.isEmpty()) {
                return Optional.empty();
            }
            out.add(b.get());
        }
        return Optional.of(out);
    }

    /**
     * Reads a byte range along with the object's version tag, for callers that cache something derived
     * from the object (a shard index) and want to detect later that it changed. The default has no
     * version; stores that have one (S3's ETag) override this and
     * {@link #readRanges(Key, List, Optional)}.
     */
    default Optional<Versioned> readVersioned(Key key, ByteRange range) throws IOException {
        return read(key, range).map(b -> new Versioned(b, Optional.empty()));
    }

    /**
     * {@link #readRanges(Key, List)}, but only from the given version of the object: if the store has
     * versions and the object's differs, throws {@link dev.ngff.error.VersionChangedException} instead
     * of returning bytes of another version. Empty if the object is missing. Stores without versions
     * ignore {@code ifVersion} (the default).
     */
    default Optional<List<Bytes>> readRanges(Key key, List<ByteRange> ranges, Optional<String> ifVersion) throws IOException {
        return readRanges(key, ranges);
    }

    /**
     * {@link #read(Key, ByteRange)} into memory the caller lends: the result may be a view of memory from
     * {@code scratch}, which stays the caller's (see {@link ReadScratch}), so it is valid only until the
     * caller lends that scratch again. Stores that cannot read into caller memory ignore the scratch (the
     * default); a result too large for the scratch is read as without it.
     */
    default Optional<Bytes> read(Key key, ByteRange range, ReadScratch scratch) throws IOException {
        return read(key, range);
    }

    /**
     * {@link #readRanges(Key, List, Optional)} into memory the caller lends: the results may be views of
     * one piece of memory from {@code scratch}, valid only until the caller lends that scratch again (see
     * {@link ReadScratch}). The default ignores the scratch.
     */
    default Optional<List<Bytes>> readRanges(Key key, List<ByteRange> ranges, Optional<String> ifVersion,
                                             ReadScratch scratch) throws IOException {
        return readRanges(key, ranges, ifVersion);
    }

    /**
     * The size in bytes of an object, or empty when it is missing. The default reads the whole
     * object; stores override it with a metadata request (a file's attributes, an S3 HEAD).
     */
    default java.util.OptionalLong size(Key key) throws IOException {
        Optional<Bytes> b = read(key, ByteRange.WHOLE);
        return b.isPresent() ? java.util.OptionalLong.of(b.get().size()) : java.util.OptionalLong.empty();
    }

    /** True if the object exists. */
    default boolean exists(Key key) throws IOException {
        return read(key, ByteRange.of(0, 0)).isPresent();
    }

    /** A short description for error messages, such as {@code file:/data/img.zarr}. */
    String describe();

    /** Releases resources; the default has none. */
    @Override
    default void close() throws IOException {
    }
}
