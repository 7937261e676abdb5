package dev.ngff.codec;

import dev.ngff.metadata.CodecSpec;

/**
 * A codec of one of the three Zarr stages. Implementations are immutable and thread-safe: one instance
 * serves every chunk of an array from any number of threads, and learns the chunk's shape, data type
 * and fill value from the {@link ChunkSpec} on each call. Corrupt input is a
 * {@link dev.ngff.error.CorruptDataException}; nothing allocates more than the chunk spec bounds.
 */
public sealed interface Codec permits ArrayToArrayCodec, ArrayToBytesCodec, BytesToBytesCodec {

    /** The spec to write into metadata (name and configuration). */
    CodecSpec spec();
}
