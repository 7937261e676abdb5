package dev.ngff.codecs.numcodecs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.codec.ArrayToArrayCodec;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.Json;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Bit rounding of float mantissas ({@code numcodecs.bitround}, and {@code bitround} as zarrs and the
 * zarr-extensions register it), lossy: keeps {@code keepbits} mantissa bits, rounding half to even on the
 * bit pattern exactly as numcodecs does. Decoding is the identity, so chunks of any data type decode.
 * Under the zarrs name {@code bitround}, unsigned integers are rounded too, as zarrs does: to
 * {@code keepbits} significant bits counted from the highest set bit, half to even, and a value that would
 * round past the type's maximum keeps the largest representable pattern instead. Signed integers (and any
 * integer under {@code numcodecs.bitround}, which numcodecs refuses) are refused when encoding.
 * Immutable and thread-safe.
 */
public final class BitRoundCodec implements ArrayToArrayCodec {
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private final String name;
    private final int keepbits;

    public BitRoundCodec(String name, int keepbits) {
        if (keepbits < 0) {
            throw new IllegalArgumentException("keepbits must be zero or positive, got " + keepbits);
        }
        this.name = name;
        this.keepbits = keepbits;
    }

    @Override
    public CodecSpec spec() {
        ObjectNode c = Json.object();
        c.put("keepbits", keepbits);
        return new CodecSpec(name, c);
    }

    @Override
    public ChunkSpec encodedSpec(ChunkSpec decoded) {
        return decoded;
    }

    @Override
    public NdBuffer encode(NdBuffer chunk, ChunkSpec decoded) throws UnsupportedExtensionException {
        DataType t = chunk.dataType();
        if (t.kind() == DataType.Kind.UINT && name.equals("bitround")) {
            return encodeUnsigned(chunk);
        }
        if (t.kind() != DataType.Kind.FLOAT) {
            throw new UnsupportedExtensionException(name + ": only float arrays (16 to 64 bit) can be bit-rounded, got " + t);
        }
        // bfloat16 and the float8 types carry their own mantissa width; the IEEE types follow from their size
        int bits = t.miniFloat() != null ? t.miniFloat().mantissaBits() : switch (t.byteSize()) {
            case 2 -> 10;
            case 4 -> 23;
            default -> 52;
        };
        if (keepbits > bits) {
            throw new UnsupportedExtensionException(name + ": keepbits " + keepbits + " is too large for " + t);
        }
        if (keepbits == bits) {
            return chunk;
        }
        int maskbits = bits - keepbits;
        long mask = -1L << maskbits;
        long halfQuantum1 = (1L << (maskbits - 1)) - 1;
        NdBuffer out = NdBuffer.allocate(t, chunk.shape());
        MemorySegment in = chunk.segment();
        MemorySegment o = out.segment();
        for (long i = 0, n = chunk.elementCount(); i < n; i++) {
            // numcodecs works on the signed integer view: b += ((b >> maskbits) & 1) + half_quantum1; b &= mask
            switch (t.byteSize()) {
                case 1 -> {
                    byte b = in.get(ValueLayout.JAVA_BYTE, i);
                    b = (byte) (b + (((b >> maskbits) & 1) + halfQuantum1));
                    o.set(ValueLayout.JAVA_BYTE, i, (byte) (b & mask));
                }
                case 2 -> {
                    short b = in.get(SHORT, i * 2);
                    b = (short) (b + (((b >> maskbits) & 1) + halfQuantum1));
                    o.set(SHORT, i * 2, (short) (b & mask));
                }
                case 4 -> {
                    int b = in.get(INT, i * 4);
                    b = (int) (b + (((b >> maskbits) & 1) + halfQuantum1));
                    o.set(INT, i * 4, (int) (b & mask));
                }
                default -> {
                    long b = in.get(LONG, i * 8);
                    b += ((b >> maskbits) & 1) + halfQuantum1;
                    o.set(LONG, i * 8, b & mask);
                }
            }
        }
        return out;
    }

    private NdBuffer encodeUnsigned(NdBuffer chunk) {
        DataType t = chunk.dataType();
        int width = t.byteSize() * 8;
        NdBuffer out = NdBuffer.allocate(t, chunk.shape());
        for (long i = 0, n = chunk.elementCount(); i < n; i++) {
            long v = NumpyScalars.getLong(chunk.segment(), i, t);
            int bits = 64 - Long.numberOfLeadingZeros(v);
            if (bits > keepbits) {
                int maskbits = bits - keepbits;
                long mask = -1L << maskbits;
                long r = (v + ((v >>> maskbits) & 1) + ((1L << (maskbits - 1)) - 1)) & mask;
                boolean overflow = width == 64 ? Long.compareUnsigned(r, v) < 0 : r >>> width != 0;
                v = overflow ? v & mask : r;
            }
            NumpyScalars.putLong(out.segment(), i, t, v);
        }
        return out;
    }

    @Override
    public NdBuffer decode(NdBuffer chunk, ChunkSpec decoded) throws CorruptDataException {
        FilterSupport.checkDecodeInput(name, chunk, decoded.dataType(), decoded.elementCount());
        return chunk;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BitRoundCodec b && b.keepbits == keepbits && b.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + keepbits;
    }

    @Override
    public String toString() {
        return spec().toString();
    }
}
