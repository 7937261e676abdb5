package dev.ngff.codec;

import dev.ngff.buffer.Bytes;

import java.io.IOException;

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

    /** Upper bound of the encoded size for an input of {@code decodedSize} bytes, or -1 if unknown. */
    default long encodedSizeBound(long decodedSize) {
        return -1;
    }

    /** Exact change in size this codec makes (a checksum adds 4 bytes), or empty when it varies. */
    default java.util.OptionalLong fixedSizeOverhead() {
        return java.util.OptionalLong.empty();
    }
}
