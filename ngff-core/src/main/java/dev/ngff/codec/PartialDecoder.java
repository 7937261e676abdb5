package dev.ngff.codec;

import dev.ngff.buffer.NdBuffer;

import java.io.IOException;
import java.util.Optional;

/** Decodes a box of one stored chunk. Empty when the chunk is not stored (the caller uses the fill value). */
@FunctionalInterface
public interface PartialDecoder {

    /** The elements of {@code [offset, offset + shape)} in the chunk's coordinates. */
    Optional<NdBuffer> decode(long[] offset, long[] shape) throws IOException;
}
