package dev.ngff.codec;

import dev.ngff.buffer.Bytes;
import dev.ngff.error.CorruptDataException;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/** A codec from bytes to bytes (compressors, checksums). */
public non-sealed interface BytesToBytesCodec extends Codec {

    /** {@code spec} is the decoded chunk's spec (some codecs use its element size). */
    Bytes encode(Bytes decoded, ChunkSpec spec) throws IOException;

    /**
     * Decodes; {@code maxDecodedSize} bounds what the output may hold, so a hostile header cannot make
     * the codec allocate more; an upper bound that exceeds it is a {@link dev.ngff.error.CorruptDataException}.
     */
    Bytes decode(Bytes encoded, ChunkSpec spec, long maxDecodedSize) throws IOException;

    /** Bytes-to-bytes codecs see only the encoded bytes, so every data type is fine. */
    @Override
    default void checkDataType(dev.ngff.metadata.DataType type, String where) {
    }

    /**
     * Decodes into caller memory whose size is the exact decoded size (a fixed-size chunk, or one
     * stage of a pipeline whose output size is known): {@code dest} receives exactly
     * {@code dest.byteSize()} bytes. Encoded data that would decode to any other size, more or less, is
     * a {@link dev.ngff.error.CorruptDataException}; nothing is ever written outside {@code dest}, and
     * after a failure its content is unspecified. Results equal {@link #decode}'s byte for byte.
     *
     * <p>The default decodes with {@code decode(encoded, spec, dest.byteSize())} and copies; codecs that
     * can write straight into caller memory override it so steady-state decoding allocates nothing.
     * Thread-safe like {@link #decode}.
     */
    default void decodeInto(Bytes encoded, ChunkSpec spec, MemorySegment dest) throws IOException {
        Bytes decoded = decode(encoded, spec, dest.byteSize());
        if (decoded.size() != dest.byteSize()) {
            throw new CorruptDataException(spec().name() + ": decoded " + decoded.size() + " bytes, expected "
                    + dest.byteSize());
        }
        decoded.copyTo(dest, 0);
    }

    /** Upper bound of the encoded size for an input of {@code decodedSize} bytes, or -1 if unknown. */
    default long encodedSizeBound(long decodedSize) {
        return -1;
    }

    /** Exact change in size this codec makes (a checksum adds 4 bytes), or empty when it varies. */
    default java.util.OptionalLong fixedSizeOverhead() {
        return java.util.OptionalLong.empty();
    }
}
