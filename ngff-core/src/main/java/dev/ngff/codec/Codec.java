package dev.ngff.codec;

import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.DataType;

/**
 * A codec of one of the three Zarr stages. Implementations are immutable and thread-safe: one instance
 * serves every chunk of an array from any number of threads, and learns the chunk's shape, data type
 * and fill value from the {@link ChunkSpec} on each call. Corrupt input is a
 * {@link dev.ngff.error.CorruptDataException}; nothing allocates more than the chunk spec bounds.
 */
public sealed interface Codec permits ArrayToArrayCodec, ArrayToBytesCodec, BytesToBytesCodec {

    /** The spec to write into metadata (name and configuration). */
    CodecSpec spec();

    /**
     * Checks, when a pipeline is matched to an array, that this codec can handle chunks of {@code type}
     * arriving at its stage; {@code where} names the array for the message. The default accepts only
     * fixed-size types: a codec that does byte-size arithmetic on elements must never see a
     * variable-length type, so it is refused here rather than computing empty buffers later.
     */
    default void checkDataType(DataType type, String where) throws InvalidMetadataException {
        if (type.isVariableLength()) {
            throw new InvalidMetadataException(where + ": codec '" + spec().name() + "' works on fixed-size elements and cannot"
                    + " take the variable-length data type '" + type + "' (use vlen-utf8 or vlen-bytes as the array-to-bytes codec)");
        }
    }
}
