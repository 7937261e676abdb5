package dev.ngff.metadata;

import dev.ngff.error.UnsupportedExtensionException;

/**
 * A fixed-size Zarr data type. Decoded elements are always held little-endian in memory; byte order on
 * disk is the {@code bytes} codec's business.
 */
public record DataType(Kind kind, int byteSize) {
    public enum Kind { BOOL, INT, UINT, FLOAT, COMPLEX, RAW }

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

    public DataType {
        if (kind == null) {
            throw new IllegalArgumentException("kind is null");
        }
        boolean ok = switch (kind) {
            case BOOL -> byteSize == 1;
            case INT, UINT -> byteSize == 1 || byteSize == 2 || byteSize == 4 || byteSize == 8;
            case FLOAT -> byteSize == 2 || byteSize == 4 || byteSize == 8;
            case COMPLEX -> byteSize == 8 || byteSize == 16;
            case RAW -> byteSize >= 1 && byteSize <= (1 << 20);
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

    /** The Zarr v3 name: {@code int16}, {@code float32}, {@code complex64}, {@code r24}, ... */
    public String name() {
        return switch (kind) {
            case BOOL -> "bool";
            case INT -> "int" + byteSize * 8;
            case UINT -> "uint" + byteSize * 8;
            case FLOAT -> "float" + byteSize * 8;
            case COMPLEX -> "complex" + byteSize * 8;
            case RAW -> "r" + byteSize * 8;
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

    public boolean isFloatingPoint() {
        return kind == Kind.FLOAT;
    }

    /** Size in bytes of one scalar component (half the element for complex types). */
    public int componentSize() {
        return kind == Kind.COMPLEX ? byteSize / 2 : (kind == Kind.RAW ? 1 : byteSize);
    }

    @Override
    public String toString() {
        return name();
    }
}
