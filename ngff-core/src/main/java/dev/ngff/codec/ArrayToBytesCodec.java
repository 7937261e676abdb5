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

    /**
     * {@link #encodePieces(NdBuffer, ChunkSpec)} with its CPU work handed to {@code options}' runner, by a
     * caller that holds no CPU permit (see {@link CodecOptions}). The result is the same. The default
     * encodes in one task; codecs whose chunks are made of parts ({@link #encodesInParts()}) encode the
     * parts as separate tasks.
     */
    default java.util.List<Bytes> encodePieces(NdBuffer chunk, ChunkSpec spec, CodecOptions options) throws IOException {
        return options.call(() -> encodePieces(chunk, spec));
    }

    /** Decodes a whole chunk; the result has exactly {@code spec}'s shape and type. */
    NdBuffer decode(Bytes encoded, ChunkSpec spec) throws IOException;

    /**
     * A decoder for parts of one stored chunk. The default reads the whole chunk, decodes it and
     * slices; codecs that can read less (sharding) override it.
     */
    default PartialDecoder partialDecoder(ChunkSource source, ChunkSpec spec) {
        // codecs that override this to read less must override decodeInto(ChunkSource, ..., CodecOptions) too
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
        return partialEncoder(source, spec, CodecOptions.sequential());
    }

    /**
     * {@link #partialEncoder(ChunkSource, ChunkSpec)} whose {@link PartialEncoder#encode} reads the
     * stored chunk on the calling thread and hands its CPU work (decoding, merging, encoding) to
     * {@code options}' runner; the caller holds no CPU permit. {@link PartialEncoder#encodeUnit} and
     * {@link PartialEncoder#decodeUnit} still run on the calling thread. Codecs with their own partial
     * encoder override this form (the two-argument form calls it with sequential options).
     */
    default PartialEncoder partialEncoder(ChunkSource source, ChunkSpec spec, CodecOptions options) {
        return new WholeChunkEncoder(this, source, spec, options);
    }

    /**
     * Decodes the box {@code [offset, offset + shape)} of the stored chunk behind {@code source} into
     * {@code dest} at {@code destOffset}; the box has no zero extent. Returns false, leaving {@code dest}
     * untouched, when the chunk is not stored (the caller fills the box), or, for a chunk made of parts,
     * when no part of the box is stored. Called by a caller that holds no CPU permit: the stored bytes are
     * read on the calling thread, CPU work goes to {@code options}' runner. Parts of {@code dest} outside
     * the box are not touched, so calls for disjoint boxes may run at once.
     *
     * <p>The default reads the whole chunk, then decodes it and copies the box in one task. Codecs whose
     * chunks are made of parts ({@link #encodesInParts()}) read only the parts the box needs and decode
     * each as its own task.
     */
    default boolean decodeInto(ChunkSource source, ChunkSpec spec, long[] offset, long[] shape, NdBuffer dest,
                               long[] destOffset, CodecOptions options) throws IOException {
        java.util.Optional<Bytes> stored = source.read(dev.ngff.store.ByteRange.WHOLE);
        if (stored.isEmpty()) {
            return false;
        }
        options.runAll(java.util.List.of(() -> {
            NdBuffer whole = decode(stored.get(), spec);
            NdBuffer.copy(whole, offset, dest, destOffset, shape);
        }));
        return true;
    }

    /**
     * Whether a stored chunk of this codec is made of parts encoded independently (the inner chunks of
     * a {@code sharding_indexed} shard): then {@link #decodeInto(ChunkSource, ChunkSpec, long[], long[], NdBuffer, long[], CodecOptions)}
     * reads only the parts a box needs, keeping what it derives (an index, decoded parts) through the
     * source's cache, and the calls with {@link CodecOptions} hand the parts to the runner as separate
     * tasks. Callers read and cache whole chunks themselves only where this is false. False by default.
     */
    default boolean encodesInParts() {
        return false;
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
