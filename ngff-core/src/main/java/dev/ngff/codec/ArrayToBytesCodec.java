package dev.ngff.codec;

import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;

import java.io.IOException;

/** A codec that serialises a decoded chunk to bytes ({@code bytes}, {@code sharding_indexed}, pipelines). */
public non-sealed interface ArrayToBytesCodec extends Codec {

    Bytes encode(NdBuffer chunk, ChunkSpec spec) throws IOException;

    /**
     * The encoded chunk as consecutive pieces whose concatenation is {@link #encode}'s result, so that
     * a store can send them without first copying them into one buffer
     * ({@link dev.ngff.store.WritableStore#write(dev.ngff.store.Key, java.util.List)}). The default is
     * one piece; sharding returns its inner chunks and index.
     */
    default java.util.List<Bytes> encodePieces(NdBuffer chunk, ChunkSpec spec) throws IOException {
        return java.util.List.of(encode(chunk, spec));
    }

    /** Decodes a whole chunk; the result has exactly {@code spec}'s shape and type. */
    NdBuffer decode(Bytes encoded, ChunkSpec spec) throws IOException;

    /**
     * A decoder for parts of one stored chunk. The default reads the whole chunk, decodes it and
     * slices; codecs that can read less (sharding) override it.
     */
    default PartialDecoder partialDecoder(ChunkSource source, ChunkSpec spec) {
        return (offset, shape) -> {
            var bytes = source.read(dev.ngff.store.ByteRange.WHOLE);
            if (bytes.isEmpty()) {
                return java.util.Optional.empty();
            }
            NdBuffer whole = decode(bytes.get(), spec);
            if (java.util.Arrays.equals(shape, whole.shape())) {
                return java.util.Optional.of(whole);
            }
            return java.util.Optional.of(whole.copyRegion(offset, shape));
        };
    }

    /**
     * An encoder that writes parts of one stored chunk ({@code source}; see {@link PartialEncoder} for
     * the contract). The default treats the whole chunk as one unit: a merge decodes the whole stored
     * chunk, changes it and encodes it again. Sharding overrides it to touch only the inner chunks a
     * write changes.
     */
    default PartialEncoder partialEncoder(ChunkSource source, ChunkSpec spec) {
        return new WholeChunkEncoder(this, source, spec);
    }

    /**
     * Whether the encoded bytes of a chunk of {@code type} are its elements themselves, in C order and
     * little-endian, the layout of {@link NdBuffer}: then a reader may decode the bytes-to-bytes stages
     * straight into an array's memory. False unless a codec says otherwise.
     */
    default boolean encodesAsLayout(dev.ngff.metadata.DataType type) {
        return false;
    }

    /** Upper bound of the encoded size of a chunk of this spec, or -1 when unknown. */
    default long encodedSizeBound(ChunkSpec spec) {
        return -1;
    }

    /**
     * Whether a chunk whose every element equals the fill value may be left unstored. True for codecs
     * whose output for such a chunk carries no information; a sharding codec decides per inner chunk.
     */
    default boolean skipsFillChunks() {
        return true;
    }
}
