package dev.ngff.metadata;

import dev.ngff.error.UnsupportedExtensionException;

/**
 * A Zarr data type: fixed-size, or variable-length ({@link Kind#STRING}, {@link Kind#BYTES}). Decoded elements are always held little-endian in memory; byte order on
 * disk is the {@code bytes} codec's business.
 *
 * <p>NumPy's {@code datetime64} and {@code timedelta64} ({@code numpy.datetime64} / {@code numpy.timedelta64}
 * in Zarr v3, {@code <M8[unit]} / {@code <m8[unit]} in v2) are {@link Kind#INT} 8-byte types with a
 * {@link Temporal} attached: their elements are signed 64-bit counts of {@code scaleFactor} units since the
 * epoch (or durations), with {@link Temporal#NAT} for "not a time". Every buffer, codec and fill-value path
 * treats them as int64; only their names and metadata differ.
 *
 * <p>Fixed-length UTF-32 strings ({@code fixed_length_utf32} in v3, {@code <U<n>} in v2) are
 * {@link Kind#RAW} types of {@code 4 n} bytes with {@link FixedUtf32} attached: {@code n} code points,
 * NUL-padded, each a 32-bit unit that the {@code bytes} codec byte-swaps (their {@link #componentSize()} is 4).
 *
 * <p>Variable-length text ({@code string} in v3; {@code |O} with the {@code vlen-utf8} filter in v2) and
 * bytes ({@code variable_length_bytes} or {@code bytes} in v3; {@code |O} with {@code vlen-bytes} in v2) have
 * {@link #isVariableLength()} true and a {@link #byteSize()} of 0: buffers hold them as one {@code byte[]}
 * per element (UTF-8 for text), and every fixed-size codec refuses them when a pipeline is checked against
 * the array ({@link dev.ngff.codec.Codec#checkDataType}).
 *
 * @param flavor what a NumPy-only type adds to its storage type, or null for the Zarr core types
 */
public record DataType(Kind kind, int byteSize, Flavor flavor) {
    public enum Kind { BOOL, INT, UINT, FLOAT, COMPLEX, RAW, STRING, BYTES }

    /**
     * The meaning layered on a storage type: a datetime unit, UTF-32 text, a non-IEEE-binary16/32/64 float
     * format ({@link MiniFloat}), or an integer narrower than a byte ({@link SubByte}).
     */
    public sealed interface Flavor permits Temporal, FixedUtf32, MiniFloat, SubByte, OptionalOf {
    }

    /**
     * zarrs' {@code zarrs.optional} data type (read also under the name {@code optional}): each element is
     * missing, or a value of the {@code inner} type. Over a fixed-size inner type (itself possibly optional) it
     * is a RAW type of {@code inner.byteSize() + 1} bytes: the inner element's bytes, then one validity byte
     * (1 present, 0 missing; a missing element's value bytes are zero), so that the all-zero element, the
     * default fill value, is "missing". Over a variable-length inner type ({@link #STRING} or {@link #BYTES})
     * it is itself variable-length, of the inner kind with a {@link #byteSize()} of 0: its buffers hold a
     * {@code byte[]} per present element and {@code null} per missing one
     * ({@link dev.ngff.buffer.NdBuffer}). Its fill value, like the fixed-size form's, is the value's bytes
     * then a validity byte ({@code [0]} is missing). Only the {@code zarrs.optional} codec stores either form
     * (a validity mask and the present values, each through its own codec chain).
     *
     * @param inner the type of present values; a variable-length inner type must not itself be optional
     */
    public record OptionalOf(DataType inner) implements Flavor {
        public OptionalOf {
            if (inner == null) {
                throw new IllegalArgumentException("zarrs.optional needs an inner data type");
            }
            if (inner.isVariableLength() && inner.optionalInner() != null) {
                // a null element could not tell "missing" from "present but missing inside"
                throw new IllegalArgumentException("zarrs.optional of a variable-length optional type (" + inner + ") is not supported");
            }
        }
    }

    /** {@code zarrs.optional} of {@code inner}: fixed-size RAW, or variable-length over a variable-length inner. */
    public static DataType optional(DataType inner) {
        if (inner.isVariableLength()) {
            return new DataType(inner.kind(), 0, new OptionalOf(inner));
        }
        return new DataType(Kind.RAW, inner.byteSize() + 1, new OptionalOf(inner));
    }

    /** Whether this is {@code zarrs.optional} over a variable-length type (byte[] elements, null = missing). */
    public boolean isOptionalVariableLength() {
        return flavor instanceof OptionalOf o && o.inner().isVariableLength();
    }

    /** The present-value type of a {@code zarrs.optional} type, or null for every other type. */
    public DataType optionalInner() {
        return flavor instanceof OptionalOf o ? o.inner() : null;
    }

    /**
     * An integer of 2 or 4 bits ({@code int2}, {@code int4}, {@code uint2}, {@code uint4}) on an INT or UINT
     * type of one byte. In memory, and under the {@code bytes} codec, each element is one byte holding the
     * value (sign-extended for INT); {@code packbits} stores only the low {@code bits}.
     *
     * @param bits 2 or 4
     */
    public record SubByte(int bits) implements Flavor {
        public SubByte {
            if (bits != 2 && bits != 4) {
                throw new IllegalArgumentException("sub-byte integers have 2 or 4 bits, got " + bits);
            }
        }

        /** The smallest value of this width: {@code -2^(bits-1)} when signed, else 0. */
        public long min(boolean signed) {
            return signed ? -(1L << (bits - 1)) : 0;
        }

        /** The largest value of this width: {@code 2^(bits-1) - 1} when signed, else {@code 2^bits - 1}. */
        public long max(boolean signed) {
            return signed ? (1L << (bits - 1)) - 1 : (1L << bits) - 1;
        }
    }

    /** Fixed-length UTF-32 text on a RAW type of 4 bytes per code point. */
    public record FixedUtf32() implements Flavor {
    }

    /**
     * The unit of a NumPy {@code datetime64} or {@code timedelta64}: {@code scaleFactor} times one of
     * {@link #UNITS}.
     *
     * @param timedelta   true for {@code timedelta64}, false for {@code datetime64}
     * @param unit        one of {@link #UNITS}
     * @param scaleFactor a positive multiplier (NumPy's {@code [10ms]} is unit ms, scale 10)
     */
    public record Temporal(boolean timedelta, String unit, int scaleFactor) implements Flavor {
        /** NumPy's units, from years to attoseconds. */
        public static final java.util.List<String> UNITS = java.util.List.of("Y", "M", "W", "D", "h", "m", "s",
                "ms", "us", "ns", "ps", "fs", "as");
        /** The int64 value NumPy uses for NaT ("not a time"). */
        public static final long NAT = Long.MIN_VALUE;

        public Temporal {
            if (!UNITS.contains(unit)) {
                throw new IllegalArgumentException("datetime unit must be one of " + UNITS + ", got '" + unit + "'");
            }
            if (scaleFactor < 1) {
                throw new IllegalArgumentException("datetime scale_factor must be a positive 32-bit integer, got " + scaleFactor);
            }
        }

        /** The Zarr v3 name: {@code numpy.datetime64} or {@code numpy.timedelta64}. */
        public String v3Name() {
            return timedelta ? "numpy.timedelta64" : "numpy.datetime64";
        }

        /** NumPy's unit code as in a dtype string: {@code ns}, {@code 10ms}. */
        public String code() {
            return scaleFactor == 1 ? unit : scaleFactor + unit;
        }
    }

    /** A type without a flavor. */
    public DataType(Kind kind, int byteSize) {
        this(kind, byteSize, null);
    }

    /** {@code fixed_length_utf32} of {@code codePoints} code points ({@code <U<codePoints>}). */
    public static DataType fixedUtf32(int codePoints) {
        if (codePoints < 1 || codePoints > (1 << 18)) {
            throw new IllegalArgumentException("fixed-length UTF-32 strings hold 1.." + (1 << 18) + " code points, got " + codePoints);
        }
        return new DataType(Kind.RAW, 4 * codePoints, new FixedUtf32());
    }

    /** The float format of a FLOAT or COMPLEX type that is not IEEE binary16/32/64, or null. */
    public MiniFloat miniFloat() {
        return flavor instanceof MiniFloat f ? f : null;
    }

    /** The width of a 2- or 4-bit integer type, or null for every other type. */
    public SubByte subByte() {
        return flavor instanceof SubByte b ? b : null;
    }

    /** The datetime/timedelta unit, or null when this is not a NumPy time type. */
    public Temporal temporal() {
        return flavor instanceof Temporal t ? t : null;
    }

    /** Whether this is fixed-length UTF-32 text. */
    public boolean isFixedUtf32() {
        return flavor instanceof FixedUtf32;
    }

    /** {@code datetime64[scaleFactor unit]}. */
    public static DataType datetime64(String unit, int scaleFactor) {
        return new DataType(Kind.INT, 8, new Temporal(false, unit, scaleFactor));
    }

    /** {@code timedelta64[scaleFactor unit]}. */
    public static DataType timedelta64(String unit, int scaleFactor) {
        return new DataType(Kind.INT, 8, new Temporal(true, unit, scaleFactor));
    }

    public static final DataType BOOL = new DataType(Kind.BOOL, 1);
    public static final DataType INT8 = new DataType(Kind.INT, 1);
    public static final DataType INT16 = new DataType(Kind.INT, 2);
    public static final DataType INT32 = new DataType(Kind.INT, 4);
    public static final DataType INT64 = new DataType(Kind.INT, 8);
    public static final DataType UINT8 = new DataType(Kind.UINT, 1);
    public static final DataType UINT16 = new DataType(Kind.UINT, 2);
    public static final DataType UINT32 = new DataType(Kind.UINT, 4);
    public static final DataType UINT64 = new DataType(Kind.UINT, 8);
    public static final DataType FLOAT16 = new DataType(Kind.FLOAT, 2);
    public static final DataType FLOAT32 = new DataType(Kind.FLOAT, 4);
    public static final DataType FLOAT64 = new DataType(Kind.FLOAT, 8);
    public static final DataType COMPLEX64 = new DataType(Kind.COMPLEX, 8);
    public static final DataType COMPLEX128 = new DataType(Kind.COMPLEX, 16);
    /** A pair of IEEE binary16 (no NumPy equivalent). */
    public static final DataType COMPLEX_FLOAT16 = new DataType(Kind.COMPLEX, 4);
    public static final DataType BFLOAT16 = new DataType(Kind.FLOAT, 2, MiniFloat.BFLOAT16);
    public static final DataType FLOAT8_E4M3 = new DataType(Kind.FLOAT, 1, MiniFloat.FLOAT8_E4M3);
    public static final DataType FLOAT8_E5M2 = new DataType(Kind.FLOAT, 1, MiniFloat.FLOAT8_E5M2);
    public static final DataType COMPLEX_BFLOAT16 = new DataType(Kind.COMPLEX, 4, MiniFloat.BFLOAT16);
    public static final DataType COMPLEX_FLOAT8_E4M3 = new DataType(Kind.COMPLEX, 2, MiniFloat.FLOAT8_E4M3);
    public static final DataType COMPLEX_FLOAT8_E5M2 = new DataType(Kind.COMPLEX, 2, MiniFloat.FLOAT8_E5M2);
    public static final DataType INT2 = new DataType(Kind.INT, 1, new SubByte(2));
    public static final DataType INT4 = new DataType(Kind.INT, 1, new SubByte(4));
    public static final DataType UINT2 = new DataType(Kind.UINT, 1, new SubByte(2));
    public static final DataType UINT4 = new DataType(Kind.UINT, 1, new SubByte(4));
    /** Variable-length UTF-8 text: v3 {@code string}, v2 {@code |O} + {@code vlen-utf8}. */
    public static final DataType STRING = new DataType(Kind.STRING, 0);
    /** Variable-length bytes: v3 {@code variable_length_bytes} (alias {@code bytes}), v2 {@code |O} + {@code vlen-bytes}. */
    public static final DataType BYTES = new DataType(Kind.BYTES, 0);

    public DataType {
        if (kind == null) {
            throw new IllegalArgumentException("kind is null");
        }
        if (flavor instanceof Temporal && (kind != Kind.INT || byteSize != 8)) {
            throw new IllegalArgumentException("datetime64/timedelta64 are 8-byte integers, not " + kind + " of " + byteSize);
        }
        if (flavor instanceof FixedUtf32 && (kind != Kind.RAW || byteSize % 4 != 0)) {
            throw new IllegalArgumentException("fixed-length UTF-32 is raw data of 4 bytes per code point, not " + kind + " of " + byteSize);
        }
        if (flavor instanceof MiniFloat f && (kind == Kind.FLOAT ? byteSize != f.byteSize()
                : kind != Kind.COMPLEX || byteSize != 2 * f.byteSize())) {
            throw new IllegalArgumentException(f.v3Name() + " is a FLOAT of " + f.byteSize() + " bytes or a COMPLEX of "
                    + 2 * f.byteSize() + ", not " + kind + " of " + byteSize);
        }
        if (flavor instanceof OptionalOf o && o.inner().isVariableLength()) {
            if (kind != o.inner().kind() || byteSize != 0) {
                throw new IllegalArgumentException("zarrs.optional(" + o.inner() + ") is variable-length " + o.inner().kind()
                        + " of 0 bytes, not " + kind + " of " + byteSize);
            }
        } else if (flavor instanceof OptionalOf o && (kind != Kind.RAW || byteSize != o.inner().byteSize() + 1)) {
            throw new IllegalArgumentException("zarrs.optional(" + o.inner() + ") is raw data of " + (o.inner().byteSize() + 1)
                    + " bytes, not " + kind + " of " + byteSize);
        }
        if (flavor instanceof SubByte && ((kind != Kind.INT && kind != Kind.UINT) || byteSize != 1)) {
            throw new IllegalArgumentException("sub-byte integers are one-byte INT or UINT types, not " + kind + " of " + byteSize);
        }
        boolean mini = flavor instanceof MiniFloat;
        boolean ok = switch (kind) {
            case BOOL -> byteSize == 1;
            case INT, UINT -> byteSize == 1 || byteSize == 2 || byteSize == 4 || byteSize == 8;
            case FLOAT -> mini || byteSize == 2 || byteSize == 4 || byteSize == 8;
            case COMPLEX -> mini || byteSize == 4 || byteSize == 8 || byteSize == 16;
            case RAW -> byteSize >= 1 && byteSize <= (1 << 20);
            case STRING, BYTES -> byteSize == 0 && (flavor == null || flavor instanceof OptionalOf);
        };
        if (!ok) {
            throw new IllegalArgumentException("no " + kind + " data type of " + byteSize + " bytes");
        }
    }

    /** Raw bits data type {@code r<bits>}; bits must be a positive multiple of 8. */
    public static DataType rawBits(int bits) {
        if (bits <= 0 || bits % 8 != 0) {
            throw new IllegalArgumentException("raw bits data type needs a positive multiple of 8 bits, got " + bits);
        }
        return new DataType(Kind.RAW, bits / 8);
    }

    /**
     * The Zarr v3 name: {@code int16}, {@code float32}, {@code complex64}, {@code r24}, ...;
     * {@code numpy.datetime64} and {@code numpy.timedelta64}, whose unit is in {@link #temporal()}.
     */
    public String name() {
        if (flavor instanceof Temporal t) {
            return t.v3Name();
        }
        if (flavor instanceof FixedUtf32) {
            return "fixed_length_utf32";
        }
        if (flavor instanceof MiniFloat f) {
            return kind == Kind.COMPLEX ? "complex_" + f.v3Name() : f.v3Name();
        }
        if (flavor instanceof OptionalOf) {
            return "zarrs.optional";
        }
        if (flavor instanceof SubByte sb) {
            return (kind == Kind.INT ? "int" : "uint") + sb.bits();
        }
        if (kind == Kind.COMPLEX && byteSize == 4) {
            return "complex_float16";
        }
        return switch (kind) {
            case BOOL -> "bool";
            case INT -> "int" + byteSize * 8;
            case UINT -> "uint" + byteSize * 8;
            case FLOAT -> "float" + byteSize * 8;
            case COMPLEX -> "complex" + byteSize * 8;
            case RAW -> "r" + byteSize * 8;
            case STRING -> "string";
            // zarr-python 3 reads only this name; zarrs and zarr-extensions also know "bytes"
            case BYTES -> "variable_length_bytes";
        };
    }

    /** Parses a Zarr v3 data type name. */
    public static DataType fromName(String name) throws UnsupportedExtensionException {
        DataType t = switch (name) {
            case "bool" -> BOOL;
            case "int8" -> INT8;
            case "int16" -> INT16;
            case "int32" -> INT32;
            case "int64" -> INT64;
            case "uint8" -> UINT8;
            case "uint16" -> UINT16;
            case "uint32" -> UINT32;
            case "uint64" -> UINT64;
            case "float16" -> FLOAT16;
            case "float32" -> FLOAT32;
            case "float64" -> FLOAT64;
            case "complex64", "complex_float32" -> COMPLEX64;
            case "complex128", "complex_float64" -> COMPLEX128;
            case "complex_float16" -> COMPLEX_FLOAT16;
            case "bfloat16" -> BFLOAT16;
            case "float8_e4m3" -> FLOAT8_E4M3;
            case "float8_e5m2" -> FLOAT8_E5M2;
            case "complex_bfloat16" -> COMPLEX_BFLOAT16;
            case "complex_float8_e4m3" -> COMPLEX_FLOAT8_E4M3;
            case "complex_float8_e5m2" -> COMPLEX_FLOAT8_E5M2;
            case "int2" -> INT2;
            case "int4" -> INT4;
            case "uint2" -> UINT2;
            case "uint4" -> UINT4;
            case "string" -> STRING;
            case "variable_length_bytes", "bytes" -> BYTES;
            default -> null;
        };
        if (t != null) {
            return t;
        }
        if (name.matches("r[1-9][0-9]{0,6}")) {
            int bits = Integer.parseInt(name.substring(1));
            if (bits % 8 == 0 && bits <= (8 << 20)) {
                return rawBits(bits);
            }
        }
        throw new UnsupportedExtensionException("unsupported data type '" + name + "'");
    }

    public boolean isInteger() {
        return kind == Kind.INT || kind == Kind.UINT;
    }

    /** Whether elements vary in size (text and bytes): no fixed {@link #byteSize()}, no memory-segment buffers. */
    public boolean isVariableLength() {
        return kind == Kind.STRING || kind == Kind.BYTES;
    }

    public boolean isFloatingPoint() {
        return kind == Kind.FLOAT;
    }

    /** Size in bytes of one scalar component (half the element for complex types). */
    public int componentSize() {
        if (flavor instanceof FixedUtf32) {
            return 4;
        }
        return kind == Kind.COMPLEX ? byteSize / 2 : (kind == Kind.RAW ? 1 : byteSize);
    }

    @Override
    public String toString() {
        return switch (flavor) {
            case Temporal t -> name() + "[" + t.code() + "]";
            case FixedUtf32 u -> name() + "[" + byteSize / 4 + "]";
            case MiniFloat f -> name();
            case SubByte b -> name();
            case OptionalOf o -> name() + "(" + o.inner() + ")";
            case null -> name();
        };
    }
}
