package dev.ngff.codecs.shuffle;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.buffer.Bytes;
import dev.ngff.codec.BytesToBytesCodec;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.codecs.internal.HeapBytes;
import dev.ngff.codecs.kernels.Kernels;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Json;

import java.util.OptionalLong;

/**
 * numcodecs' {@code shuffle} filter (Zarr v2 {@code "id": "shuffle"}, zarr-python 3's
 * {@code numcodecs.shuffle}): byte {@code j} of element {@code i} moves to {@code j * count + i}, with the
 * bytes after the last whole element kept in place. An {@code elementsize} of 0 or 1 leaves the data as it
 * is, as numcodecs does (its fixtures with {@code elementsize: 0} hold the array's bytes unchanged). Size-preserving: as a filter it sees whole chunks, so
 * an input whose size differs from the chunk's is corrupt. Runs on
 * {@link Kernels#best()}. Immutable and thread-safe.
 *
 * @param name        {@code numcodecs.shuffle} (or {@code shuffle})
 * @param elementsize bytes per element; 0 and 1 copy
 */
public record ShuffleCodec(String name, int elementsize) implements BytesToBytesCodec {

    public ShuffleCodec {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("shuffle codec name must not be empty");
        }
        if (elementsize < 0) {
            throw new IllegalArgumentException(name + ": elementsize must not be negative, got " + elementsize);
        }
    }

    @Override
    public CodecSpec spec() {
        ObjectNode c = Json.object();
        c.put("elementsize", elementsize);
        return new CodecSpec(name, c);
    }

    /** numcodecs copies the data unchanged for an element size of 0 or 1. */
    private int elementSize() {
        return Math.max(1, elementsize);
    }

    /** The chunk's size in bytes, or -1 when its data type has no fixed size. */
    private static long expectedSize(ChunkSpec spec) {
        try {
            return spec.dataType().byteSize() > 0 ? spec.byteSize() : -1;
        } catch (ArithmeticException e) {
            return -1;
        }
    }

    @Override
    public long encodedSizeBound(long decodedSize) {
        return decodedSize;
    }

    @Override
    public OptionalLong fixedSizeOverhead() {
        return OptionalLong.of(0);
    }

    @Override
    public Bytes encode(Bytes decoded, ChunkSpec spec) throws UnsupportedExtensionException {
        HeapBytes in = HeapBytes.of(decoded);
        byte[] out = new byte[in.length()];
        Kernels.best().shuffle(in.array(), in.offset(), out, 0, in.length(), elementSize());
        return Bytes.wrap(out);
    }

    @Override
    public Bytes decode(Bytes encoded, ChunkSpec spec, long maxDecodedSize) throws CorruptDataException {
        if (encoded.size() > maxDecodedSize) {
            throw new CorruptDataException(name + ": " + encoded.size() + " shuffled bytes, more than the "
                    + maxDecodedSize + " the chunk can hold");
        }
        long expected = expectedSize(spec);
        if (expected >= 0 && encoded.size() != expected) {
            throw new CorruptDataException(name + ": " + encoded.size() + " shuffled bytes for a chunk of "
                    + expected + " bytes (" + spec + ")");
        }
        HeapBytes in = HeapBytes.of(encoded);
        byte[] out = new byte[in.length()];
        Kernels.best().unshuffle(in.array(), in.offset(), out, 0, in.length(), elementSize());
        return Bytes.wrap(out);
    }
}
