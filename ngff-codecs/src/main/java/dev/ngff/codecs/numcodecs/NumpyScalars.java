package dev.ngff.codecs.numcodecs;

import dev.ngff.error.InvalidMetadataException;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.NumpyDtype;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * NumPy's element semantics for the numcodecs filters: reading and writing elements of little-endian
 * memory, arithmetic in a float type's own precision, and {@code astype} casts. Float-to-integer casts of
 * values outside the target's range (and of NaN and infinities) are undefined in C; NumPy on x86-64 gives
 * the "integer indefinite" value ({@code INT_MIN} of 32 or 64 bits, truncated for narrower types), which is
 * what we give too (checked against NumPy 2.4 by NumcodecsPeerTest in spec-conformance).
 */
final class NumpyScalars {
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final double TWO_63 = 0x1p63;

    private NumpyScalars() {
    }

    /**
     * What {@code numpy.dtype(s)} accepts for bool, integers and floats, besides dtype strings ({@code <i4},
     * {@code i4}, {@code |u1}): zarr-python 3 stores a numcodecs filter's arguments as the caller gave them
     * ({@code "int32"}, {@code "f8"}, {@code "double"}) and fills in missing ones as {@code str(dtype)}
     * ({@code "float64"}), so every spelling NumPy takes appears in the wild. {@code long}, {@code int} and
     * {@code uint} are read as 64-bit, as NumPy 2 (and NumPy 1 on Linux and macOS) does.
     */
    private static final java.util.Map<String, DataType> NUMPY_NAMES = names();

    private static java.util.Map<String, DataType> names() {
        java.util.Map<String, DataType> m = new java.util.HashMap<>();
        for (DataType t : java.util.List.of(DataType.BOOL, DataType.INT8, DataType.INT16, DataType.INT32, DataType.INT64,
                DataType.UINT8, DataType.UINT16, DataType.UINT32, DataType.UINT64, DataType.FLOAT16, DataType.FLOAT32,
                DataType.FLOAT64)) {
            m.put(t.name(), t); // the Zarr v3 names, which are NumPy's: bool, int8, ..., float64
        }
        String[][] aliases = {{"bool_", "?"}, {"byte", "b"}, {"ubyte", "B"}, {"short", "h"}, {"ushort", "H"},
                {"intc", "i"}, {"uintc", "I"}, {"longlong", "q", "long", "l", "int", "int_", "intp", "p"},
                {"ulonglong", "Q", "ulong", "L", "uint", "uintp", "P"}, {"half", "e"}, {"single", "f"},
                {"double", "d", "float", "float_"}};
        DataType[] types = {DataType.BOOL, DataType.INT8, DataType.UINT8, DataType.INT16, DataType.UINT16, DataType.INT32,
                DataType.UINT32, DataType.INT64, DataType.UINT64, DataType.FLOAT16, DataType.FLOAT32, DataType.FLOAT64};
        for (int i = 0; i < aliases.length; i++) {
            for (String a : aliases[i]) {
                m.put(a, types[i]);
            }
        }
        return java.util.Map.copyOf(m);
    }

    /**
     * A numcodecs dtype parameter: bool, integers and floats (complex, raw and object types are refused),
     * in any spelling NumPy accepts for them (see {@link #NUMPY_NAMES}). The byte order is not kept: decoded
     * elements are little-endian in memory and the {@code bytes} codec (the v2 dtype's order) decides the
     * stored order.
     */
    static DataType dtype(String s, String where) throws InvalidMetadataException, UnsupportedExtensionException {
        DataType named = NUMPY_NAMES.get(s);
        if (named != null) {
            return named;
        }
        DataType t;
        try {
            t = NumpyDtype.parse(s, where).dataType();
        } catch (InvalidMetadataException e) {
            throw new InvalidMetadataException(where + ": '" + s + "' is neither a NumPy dtype string (such as \"<i4\")"
                    + " nor a data type name (such as \"int32\")");
        }
        if (t.kind() == DataType.Kind.COMPLEX || t.kind() == DataType.Kind.RAW) {
            throw new UnsupportedExtensionException(where + ": dtype '" + s + "' is not supported by this filter");
        }
        return t;
    }

    /** The little-endian NumPy dtype string ({@code <f8}, {@code |u1}, ...). */
    static String format(DataType t) {
        return new NumpyDtype(t, false).format();
    }

    static boolean isFloat(DataType t) {
        return t.kind() == DataType.Kind.FLOAT;
    }

    /** An element as a double (integers converted, unsigned as unsigned). */
    static double getDouble(MemorySegment s, long i, DataType t) {
        long off = i * t.byteSize();
        return switch (t.kind()) {
            case FLOAT -> switch (t.byteSize()) {
                case 2 -> Float.float16ToFloat(s.get(SHORT, off));
                case 4 -> s.get(FLOAT, off);
                default -> s.get(DOUBLE, off);
            };
            case UINT -> t.byteSize() == 8 ? unsignedToDouble(s.get(LONG, off)) : getLong(s, i, t);
            default -> getLong(s, i, t);
        };
    }

    /** An integer or bool element, sign-extended for signed types and zero-extended otherwise. */
    static long getLong(MemorySegment s, long i, DataType t) {
        long off = i * t.byteSize();
        boolean signed = t.kind() == DataType.Kind.INT;
        return switch (t.byteSize()) {
            case 1 -> signed ? s.get(ValueLayout.JAVA_BYTE, off) : Byte.toUnsignedLong(s.get(ValueLayout.JAVA_BYTE, off));
            case 2 -> signed ? s.get(SHORT, off) : Short.toUnsignedLong(s.get(SHORT, off));
            case 4 -> signed ? s.get(INT, off) : Integer.toUnsignedLong(s.get(INT, off));
            default -> s.get(LONG, off);
        };
    }

    static double unsignedToDouble(long v) {
        if (v >= 0) {
            return v;
        }
        // round to nearest even like a C cast: halve keeping the sticky bit
        return ((v >>> 1) | (v & 1)) * 2.0;
    }

    /** Stores the low bits of {@code v} (an integer or bool element; bool stores {@code v != 0}). */
    static void putLong(MemorySegment s, long i, DataType t, long v) {
        long off = i * t.byteSize();
        if (t.kind() == DataType.Kind.BOOL) {
            s.set(ValueLayout.JAVA_BYTE, off, (byte) (v != 0 ? 1 : 0));
            return;
        }
        switch (t.byteSize()) {
            case 1 -> s.set(ValueLayout.JAVA_BYTE, off, (byte) v);
            case 2 -> s.set(SHORT, off, (short) v);
            case 4 -> s.set(INT, off, (int) v);
            default -> s.set(LONG, off, v);
        }
    }

    /** Stores a float element's value (already in {@code t}'s precision or rounded to it here). */
    static void putFloat(MemorySegment s, long i, DataType t, double v) {
        long off = i * t.byteSize();
        switch (t.byteSize()) {
            case 2 -> s.set(SHORT, off, Float.floatToFloat16((float) v));
            case 4 -> s.set(FLOAT, off, (float) v);
            default -> s.set(DOUBLE, off, v);
        }
    }

    /** Rounds a double to the precision of float type {@code t} (the result of one NumPy operation in {@code t}). */
    static double round(DataType t, double v) {
        return switch (t.byteSize()) {
            case 2 -> Float.float16ToFloat(Float.floatToFloat16((float) v));
            case 4 -> (float) v;
            default -> v;
        };
    }

    /** {@code astype} of a float value into any supported type {@code t}. */
    static void castFromDouble(MemorySegment s, long i, DataType t, double v) {
        switch (t.kind()) {
            case FLOAT -> putFloat(s, i, t, v);
            case BOOL -> putLong(s, i, t, v != 0 || Double.isNaN(v) ? 1 : 0);
            default -> putLong(s, i, t, floatToIntegerBits(v, t));
        }
    }

    /**
     * NumPy's (x86-64) float-to-integer conversion, truncating toward zero; see the class comment. Signed
     * 64-bit targets use a 64-bit conversion, everything narrower a 32-bit one (truncated to the width);
     * unsigned 32- and 64-bit targets convert values at or above 2^31 (2^63) after subtracting it, as
     * compilers lower an unsigned conversion.
     */
    static long floatToIntegerBits(double v, DataType t) {
        boolean unsigned = t.kind() == DataType.Kind.UINT;
        if (t.byteSize() == 8) {
            return unsigned && v >= TWO_63 ? cvt64(v - TWO_63) ^ Long.MIN_VALUE : cvt64(v);
        }
        if (unsigned && t.byteSize() == 4) {
            int bits = v >= 0x1p31 ? cvt32(v - 0x1p31) ^ Integer.MIN_VALUE : cvt32(v);
            return Integer.toUnsignedLong(bits);
        }
        return cvt32(v);
    }

    /** {@code cvttsd2si} with a 64-bit result: out of range and NaN give the "integer indefinite" value. */
    private static long cvt64(double v) {
        return Double.isNaN(v) || v >= TWO_63 || v < -TWO_63 ? Long.MIN_VALUE : (long) v;
    }

    /** {@code cvttsd2si} with a 32-bit result. */
    private static int cvt32(double v) {
        return Double.isNaN(v) || v >= 0x1p31 || v < -0x1p31 ? Integer.MIN_VALUE : (int) v;
    }

    /** {@code astype} of an integer or bool value ({@code unsigned}: {@code v} is a uint64's bits) into {@code t}. */
    static void castFromLong(MemorySegment s, long i, DataType t, long v, boolean unsigned) {
        if (t.kind() == DataType.Kind.FLOAT && t.byteSize() == 4 && !unsigned) {
            s.set(FLOAT, i * 4, (float) v); // one rounding, as C's int64-to-float conversion
        } else if (t.kind() == DataType.Kind.FLOAT) {
            putFloat(s, i, t, round(t, unsigned ? unsignedToDouble(v) : (double) v));
        } else {
            putLong(s, i, t, v);
        }
    }

    /** {@code astype} of element {@code i} of {@code src} (type {@code from}) into element {@code i} of {@code dst}. */
    static void cast(MemorySegment src, DataType from, MemorySegment dst, DataType to, long i) {
        if (isFloat(from)) {
            castFromDouble(dst, i, to, getDouble(src, i, from));
        } else {
            castFromLong(dst, i, to, getLong(src, i, from), from.kind() == DataType.Kind.UINT && from.byteSize() == 8);
        }
    }
}
