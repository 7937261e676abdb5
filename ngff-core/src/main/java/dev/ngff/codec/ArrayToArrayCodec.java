package dev.ngff.codec;

import dev.ngff.buffer.NdBuffer;

import java.io.IOException;

/** A codec that turns a decoded chunk into another decoded chunk (transpose, filters). */
public non-sealed interface ArrayToArrayCodec extends Codec {

    /** The spec of the chunk this codec's {@link #encode} produces from a chunk of {@code decoded} spec. */
    ChunkSpec encodedSpec(ChunkSpec decoded);

    NdBuffer encode(NdBuffer chunk, ChunkSpec decoded) throws IOException;

    /** Inverts {@link #encode}; {@code decoded} is the spec of the result. */
    NdBuffer decode(NdBuffer chunk, ChunkSpec decoded) throws IOException;
}
