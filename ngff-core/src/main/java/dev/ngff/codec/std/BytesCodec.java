package dev.ngff.codec.std;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.buffer.Buffers;
import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.codec.ArrayToBytesCodec;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.error.CorruptDataException;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.Json;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The {@code bytes} codec: elements in C order, little- or big-endian. Little-endian encoding and
 * decoding are zero-copy views; big-endian swaps each scalar component.
 */
public final class BytesCodec implements ArrayToBytesCodec {
    private static final ValueLayout.OfShort S_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort S_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt I_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong L_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong L_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final String endian; // "little", "big", or null when absent from metadata

    public BytesCodec(String endian) {
        if (endian != null && !endian.equals("little") && !endian.equals("big")) {
            throw new IllegalArgumentException("bytes codec endian must be \"little\" or \"big\", got \"" + endian + "\"");
        }
        this.endian = endian;
    }

    public static BytesCodec littleEndian() {
        return new BytesCodec("little");
    }

    public boolean isBigEndian() {
        return "big".equals(endian);
    }

    @Override
    public CodecSpec spec() {
        ObjectNode c = Json.object();
        if (endian != null) {
            c.put("endian", endian);
        }
        return new CodecSpec("bytes", c);
    }

    @Override
    public void checkDataType(DataType type, String where) throws dev.ngff.error.InvalidMetadataException {
        ArrayToBytesCodec.super.checkDataType(type, where);
        if (type.optionalInner() != null) {
            throw new dev.ngff.error.InvalidMetadataException(where + ": the bytes codec cannot store the data type '" + type
                    + "' (use the zarrs.optional codec)");
        }
    }

    private boolean swaps(DataType t) {
        return isBigEndian() && t.componentSize() > 1;
    }

    @Override
    public Bytes encode(NdBuffer chunk, ChunkSpec spec) {
        if (chunk.dataType().subByte() != null) {
            requireInRange(chunk.segment(), chunk.dataType());
        }
        if (!swaps(chunk.dataType())) {
            return chunk.asBytes();
        }
        MemorySegment out = Buffers.allocate(chunk.segment().byteSize());
        swap(chunk.segment(), out, chunk.dataType().componentSize());
        return Bytes.wrap(out);
    }

    @Override
    public NdBuffer decode(Bytes encoded, ChunkSpec spec) throws CorruptDataException {
        long expected = spec.byteSize();
        if (encoded.size() != expected) {
            throw new CorruptDataException("bytes codec: got " + encoded.size() + " bytes, expected " + expected
                    + " for a chunk of " + spec.dataType() + " " + java.util.Arrays.toString(spec.shape()));
        }
        if (spec.dataType().subByte() != null) {
            return NdBuffer.wrap(spec.dataType(), spec.shape(), normalizeSubByte(encoded.segment(), spec.dataType()));
        }
        if (!swaps(spec.dataType())) {
            return NdBuffer.wrap(spec.dataType(), spec.shape(), encoded.segment());
        }
        MemorySegment out = Buffers.allocate(expected);
        swap(encoded.segment(), out, spec.dataType().componentSize());
        return NdBuffer.wrap(spec.dataType(), spec.shape(), out);
    }

    /**
     * True for little-endian and single-byte components of fixed-size types other than sub-byte integers:
     * encoding is then a view of the elements. Variable-length types never reach this codec (it refuses them), but say no anyway.
     */
    @Override
    public boolean encodesAsLayout(DataType type) {
        // sub-byte integers are normalised on decode (only their low bits count), so they are no plain view
        return !type.isVariableLength() && type.subByte() == null && !swaps(type);
    }

    @Override
    public long encodedSizeBound(ChunkSpec spec) {
        return spec.byteSize();
    }

    /** The canonical byte of a 2- or 4-bit value: its low bits, sign-extended when signed. */
    private static byte canonical(byte b, int bits, boolean signed) {
        int shift = 32 - bits;
        return (byte) (signed ? (b << shift) >> shift : (b << shift) >>> shift);
    }

    /**
     * Sub-byte integers are stored one per byte; like the zarr-extensions definitions of the sub-byte float
     * types, only the low bits count. Returns {@code in} itself when every byte is already canonical.
     */
    private static MemorySegment normalizeSubByte(MemorySegment in, DataType t) {
        int bits = t.subByte().bits();
        boolean signed = t.kind() == DataType.Kind.INT;
        long n = in.byteSize();
        for (long i = 0; i < n; i++) {
            byte b = in.get(ValueLayout.JAVA_BYTE, i);
            if (b != canonical(b, bits, signed)) {
                MemorySegment out = Buffers.allocate(n);
                out.copyFrom(in);
                for (long j = i; j < n; j++) {
                    out.set(ValueLayout.JAVA_BYTE, j, canonical(out.get(ValueLayout.JAVA_BYTE, j), bits, signed));
                }
                return out;
            }
        }
        return in;
    }

    /** Refuses to write a sub-byte integer element whose byte holds a value outside the type's range. */
    private static void requireInRange(MemorySegment in, DataType t) {
        int bits = t.subByte().bits();
        boolean signed = t.kind() == DataType.Kind.INT;
        long n = in.byteSize();
        for (long i = 0; i < n; i++) {
            byte b = in.get(ValueLayout.JAVA_BYTE, i);
            if (b != canonical(b, bits, signed)) {
                throw new IllegalArgumentException("element " + i + " holds " + (signed ? b : Byte.toUnsignedInt(b))
                        + ", which does not fit " + t + " (" + t.subByte().min(signed) + ".." + t.subByte().max(signed) + ")");
            }
        }
    }

    private static void swap(MemorySegment in, MemorySegment out, int size) {
        long n = in.byteSize();
        switch (size) {
            case 2 -> {
                for (long i = 0; i < n; i += 2) {
                    out.set(S_BE, i, in.get(S_LE, i));
                }
            }
            case 4 -> {
                for (long i = 0; i < n; i += 4) {
                    out.set(I_BE, i, in.get(I_LE, i));
                }
            }
            case 8 -> {
                for (long i = 0; i < n; i += 8) {
                    out.set(L_BE, i, in.get(L_LE, i));
                }
            }
            default -> throw new IllegalStateException("no byte swap for component size " + size);
        }
    }
}
