package dev.ngff.codecs.numcodecs;

import dev.ngff.buffer.NdBuffer;
import dev.ngff.codec.ArrayToArrayCodec;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * numcodecs' {@code packbits} filter ({@code numcodecs.packbits}) for bool arrays: a one-dimensional uint8
 * array whose first byte is the number of padding bits (0..7) in the last byte, followed by the elements
 * in C order, eight per byte, first element in the most significant bit ({@code np.packbits}). Padding bits
 * are written as zero. Immutable and thread-safe.
 */
public final class PackBitsCodec implements ArrayToArrayCodec {
    private static final String NAME = "numcodecs.packbits";

    @Override
    public CodecSpec spec() {
        return CodecSpec.of(NAME);
    }

    private static long packedLength(long n) {
        return 1 + (n + 7) / 8;
    }

    @Override
    public ChunkSpec encodedSpec(ChunkSpec decoded) {
        return new ChunkSpec(new long[] {packedLength(decoded.elementCount())}, DataType.UINT8, FillValue.zero(DataType.UINT8));
    }

    @Override
    public NdBuffer encode(NdBuffer chunk, ChunkSpec decoded) throws UnsupportedExtensionException {
        if (chunk.dataType().byteSize() != 1) {
            throw new UnsupportedExtensionException(NAME + ": needs a bool array, got " + chunk.dataType());
        }
        long n = chunk.elementCount();
        NdBuffer out = NdBuffer.allocate(DataType.UINT8, packedLength(n));
        MemorySegment in = chunk.segment();
        MemorySegment o = out.segment();
        o.set(ValueLayout.JAVA_BYTE, 0, (byte) ((8 - n % 8) % 8));
        for (long i = 0; i < n; i++) {
            if (in.get(ValueLayout.JAVA_BYTE, i) != 0) {
                long at = 1 + i / 8;
                o.set(ValueLayout.JAVA_BYTE, at, (byte) (o.get(ValueLayout.JAVA_BYTE, at) | (0x80 >>> (i % 8))));
            }
        }
        return out;
    }

    @Override
    public NdBuffer decode(NdBuffer chunk, ChunkSpec decoded) throws CorruptDataException {
        long n = decoded.elementCount();
        if (chunk.elementCount() != packedLength(n) || chunk.dataType().byteSize() != 1) {
            throw new CorruptDataException(NAME + ": expected " + packedLength(n) + " bytes for " + n
                    + " elements, got " + chunk.elementCount() + " elements of " + chunk.dataType());
        }
        MemorySegment in = chunk.segment();
        int padding = in.get(ValueLayout.JAVA_BYTE, 0) & 0xff;
        if (padding != (8 - n % 8) % 8) {
            throw new CorruptDataException(NAME + ": header says " + padding + " padding bits, " + n
                    + " elements need " + (8 - n % 8) % 8);
        }
        NdBuffer out = NdBuffer.allocate(decoded.dataType(), decoded.shape());
        MemorySegment o = out.segment();
        for (long i = 0; i < n; i++) {
            int bit = (in.get(ValueLayout.JAVA_BYTE, 1 + i / 8) >>> (7 - i % 8)) & 1;
            o.set(ValueLayout.JAVA_BYTE, i, (byte) bit);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PackBitsCodec;
    }

    @Override
    public int hashCode() {
        return PackBitsCodec.class.hashCode();
    }

    @Override
    public String toString() {
        return spec().toString();
    }
}
