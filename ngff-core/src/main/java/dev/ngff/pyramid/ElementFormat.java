package dev.ngff.pyramid;

import dev.ngff.metadata.DataType;
import dev.ngff.metadata.MiniFloat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * How the kernels read and write one number (a real value, or one component of a complex value) at a byte
 * offset of little-endian memory. Reads widen exactly (to long for integers and bool, to double for floats);
 * writes of doubles round once, to nearest with ties to even.
 */
enum ElementFormat {
    BOOL, I8, U8, I16, U16, I32, U32, I64, U64, F16, F32, F64, MINI;

    static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The format of a real type, or of each component of a complex one; null for raw, text and bytes. */
    static ElementFormat of(DataType t) {
        return switch (t.kind()) {
            case BOOL -> BOOL;
            case INT -> switch (t.byteSize()) {
                case 1 -> I8;
                case 2 -> I16;
                case 4 -> I32;
                default -> I64;
            };
            case UINT -> switch (t.byteSize()) {
                case 1 -> U8;
                case 2 -> U16;
                case 4 -> U32;
                default -> U64;
            };
            case FLOAT, COMPLEX -> {
                if (t.miniFloat() != null) {
                    yield MINI;
                }
                yield switch (t.kind() == DataType.Kind.COMPLEX ? t.byteSize() / 2 : t.byteSize()) {
                    case 2 -> F16;
                    case 4 -> F32;
                    default -> F64;
                };
            }
            case RAW, STRING, BYTES -> null;
        };
    }

    boolean isFloat() {
        return this == F16 || this == F32 || this == F64 || this == MINI;
    }

    /** An integer or bool element, widened exactly (bool as 0 or 1, uint64 as its two's-complement bits). */
    static long readLong(ElementFormat f, MemorySegment s, long off) {
        return switch (f) {
            case BOOL -> s.get(BYTE, off) != 0 ? 1 : 0;
            case I8 -> s.get(BYTE, off);
            case U8 -> s.get(BYTE, off) & 0xffL;
            case I16 -> s.get(SHORT, off);
            case U16 -> s.get(SHORT, off) & 0xffffL;
            case I32 -> s.get(INT, off);
            case U32 -> s.get(INT, off) & 0xffff_ffffL;
            case I64, U64 -> s.get(LONG, off);
            default -> throw new IllegalStateException("not an integer format: " + f);
        };
    }

    /** Stores the low bits of an integer result (bool as 0 or 1). */
    static void writeLong(ElementFormat f, MemorySegment s, long off, long v) {
        switch (f) {
            case BOOL -> s.set(BYTE, off, (byte) (v != 0 ? 1 : 0));
            case I8, U8 -> s.set(BYTE, off, (byte) v);
            case I16, U16 -> s.set(SHORT, off, (short) v);
            case I32, U32 -> s.set(INT, off, (int) v);
            case I64, U64 -> s.set(LONG, off, v);
            default -> throw new IllegalStateException("not an integer format: " + f);
        }
    }

    /** Any real element as a double: integers exactly up to 2^53 (uint64 as unsigned), floats exactly. */
    static double readDouble(ElementFormat f, MiniFloat mini, MemorySegment s, long off) {
        return switch (f) {
            case F16 -> Float.float16ToFloat(s.get(SHORT, off));
            case F32 -> s.get(FLOAT, off);
            case F64 -> s.get(DOUBLE, off);
            case MINI -> mini.toDouble(mini.byteSize() == 1 ? s.get(BYTE, off) & 0xff : s.get(SHORT, off) & 0xffff);
            case U64 -> unsignedToDouble(s.get(LONG, off));
            default -> readLong(f, s, off);
        };
    }

    /** Stores a float result rounded once to the format (to nearest, ties to even; beyond the range: infinity). */
    static void writeFloat(ElementFormat f, MiniFloat mini, MemorySegment s, long off, double v) {
        switch (f) {
            case F16 -> s.set(SHORT, off, toFloat16(v));
            case F32 -> s.set(FLOAT, off, (float) v);
            case F64 -> s.set(DOUBLE, off, v);
            case MINI -> {
                int bits = mini.fromDouble(v);
                if (mini.byteSize() == 1) {
                    s.set(BYTE, off, (byte) bits);
                } else {
                    s.set(SHORT, off, (short) bits);
                }
            }
            default -> throw new IllegalStateException("not a float format: " + f);
        }
    }

    static double unsignedToDouble(long v) {
        return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
    }

    /**
     * A double rounded once to binary16. Going through float would round twice; rounding to float "to odd"
     * first keeps enough information (24 bits for an 11-bit target) that the second rounding is exact.
     */
    static short toFloat16(double v) {
        float f = (float) v;
        if ((double) f != v && !Double.isNaN(v)) {
            int bits = Float.floatToRawIntBits(f);
            if ((bits & 1) == 0) {
                bits += Math.abs((double) f) > Math.abs(v) ? -1 : 1;
                f = Float.intBitsToFloat(bits);
            }
        }
        return Float.floatToFloat16(f);
    }

    /** Width in bits of one number of this format (for the mode's sort keys of floats). */
    int bits(MiniFloat mini) {
        return switch (this) {
            case BOOL, I8, U8 -> 8;
            case I16, U16, F16 -> 16;
            case I32, U32, F32 -> 32;
            case I64, U64, F64 -> 64;
            case MINI -> 8 * mini.byteSize();
        };
    }

    /** Raw bits of a float element, zero-extended. */
    static long readFloatBits(int width, MemorySegment s, long off) {
        return switch (width) {
            case 8 -> s.get(BYTE, off) & 0xffL;
            case 16 -> s.get(SHORT, off) & 0xffffL;
            case 32 -> s.get(INT, off) & 0xffff_ffffL;
            default -> s.get(LONG, off);
        };
    }

    /**
     * A sort key of a float's bits whose signed order is the numeric order, with -0 just below +0 and NaNs
     * (by payload) beyond the infinities: sign-magnitude becomes two's complement.
     */
    static long floatKey(long bits, int width) {
        long magMask = width == 64 ? Long.MAX_VALUE : (1L << (width - 1)) - 1;
        long mag = bits & magMask;
        return ((bits >>> (width - 1)) & 1) != 0 ? ~mag : mag;
    }

    /** The bits back from {@link #floatKey}. */
    static long floatFromKey(long key, int width) {
        return key < 0 ? (1L << (width - 1)) | ~key : key;
    }
}
