package dev.ngff.metadata;

import dev.ngff.error.InvalidMetadataException;
import dev.ngff.error.UnsupportedExtensionException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Zarr v2 (NumPy) dtype string such as {@code <u2}, {@code >f8}, {@code |b1}, {@code |S4}: the data
 * type and the byte order of stored elements.
 *
 * @param dataType  the element type
 * @param bigEndian true when stored big-endian (never for one-byte types)
 */
public record NumpyDtype(DataType dataType, boolean bigEndian) {
    public NumpyDtype {
        if (dataType == null) {
            throw new IllegalArgumentException("dataType is null");
        }
        if (dataType.miniFloat() != null || dataType.subByte() != null || dataType.optionalInner() != null
                || dataType.equals(DataType.COMPLEX_FLOAT16)) {
            throw new IllegalArgumentException(dataType + " has no NumPy dtype, so Zarr v2 cannot store it; use Zarr v3");
        }
    }

    private static final Pattern SIMPLE = Pattern.compile("([<>|=]?)([a-zA-Z])(\\d*)(\\[.*])?");

    /** Parses a v2 dtype string; {@code pointer} names its place in the document. */
    public static NumpyDtype parse(String s, String pointer) throws InvalidMetadataException, UnsupportedExtensionException {
        Matcher m = SIMPLE.matcher(s);
        if (!m.matches()) {
            throw new InvalidMetadataException(pointer + ": '" + s + "' is not a NumPy dtype string");
        }
        String order = m.group(1);
        char kindChar = m.group(2).charAt(0);
        if (m.group(3).isEmpty() && kindChar != 'O') {
            throw new InvalidMetadataException(pointer + ": dtype '" + s + "' has no item size");
        }
        int size;
        try {
            size = m.group(3).isEmpty() ? 8 : Integer.parseInt(m.group(3));
        } catch (NumberFormatException e) {
            throw new InvalidMetadataException(pointer + ": dtype '" + s + "' has an invalid size");
        }
        boolean big = order.equals(">");
        DataType t = switch (kindChar) {
            case 'b' -> size == 1 ? DataType.BOOL : null;
            case 'i' -> size == 1 || size == 2 || size == 4 || size == 8 ? new DataType(DataType.Kind.INT, size) : null;
            case 'u' -> size == 1 || size == 2 || size == 4 || size == 8 ? new DataType(DataType.Kind.UINT, size) : null;
            case 'f' -> size == 2 || size == 4 || size == 8 ? new DataType(DataType.Kind.FLOAT, size) : null;
            case 'c' -> size == 8 || size == 16 ? new DataType(DataType.Kind.COMPLEX, size) : null;
            case 'S', 'V' -> size >= 1 && size <= (1 << 20) ? new DataType(DataType.Kind.RAW, size) : null;
            case 'U' -> size >= 1 && size <= (1 << 18) ? DataType.fixedUtf32(size) : null;
            case 'O' -> throw new UnsupportedExtensionException(pointer + ": dtype '" + s
                    + "' (Python objects) needs its object codec (vlen-utf8, vlen-bytes) from the filters to be read");
            case 'M', 'm' -> temporal(kindChar == 'm', size, m.group(4), s, pointer);
            default -> null;
        };
        if (t == null || (m.group(4) != null && t.temporal() == null)) {
            throw new UnsupportedExtensionException(pointer + ": unsupported dtype '" + s + "'");
        }
        if (t.byteSize() == 1 || (t.kind() == DataType.Kind.RAW && !t.isFixedUtf32())) {
            big = false;
        }
        return new NumpyDtype(t, big);
    }

    private static final Pattern UNIT = Pattern.compile("\\[(\\d*)([a-zA-Z]+)]");

    /** {@code <M8[10ms]}: an int64 count of units; a generic {@code M8} without a unit is refused. */
    private static DataType temporal(boolean timedelta, int size, String bracket, String s, String pointer)
            throws InvalidMetadataException, UnsupportedExtensionException {
        if (bracket == null) {
            throw new UnsupportedExtensionException(pointer + ": dtype '" + s + "' (generic datetime64/timedelta64 without a unit) is not supported");
        }
        Matcher u = UNIT.matcher(bracket);
        if (size != 8 || !u.matches()) {
            throw new InvalidMetadataException(pointer + ": '" + s + "' is not a datetime64/timedelta64 dtype");
        }
        try {
            int scale = u.group(1).isEmpty() ? 1 : Integer.parseInt(u.group(1));
            return new DataType(DataType.Kind.INT, 8, new DataType.Temporal(timedelta, u.group(2), scale));
        } catch (IllegalArgumentException e) { // NumberFormatException included
            throw new InvalidMetadataException(pointer + ": dtype '" + s + "': " + e.getMessage());
        }
    }

    /** The dtype string: {@code |b1}, {@code <i4}, {@code >f8}, {@code |V3}, {@code <M8[ns]}, ... */
    public String format() {
        if (dataType.isVariableLength()) {
            return "|O"; // the object codec in the filters says text or bytes
        }
        if (dataType.isFixedUtf32()) {
            return (bigEndian ? ">" : "<") + "U" + dataType.byteSize() / 4;
        }
        if (dataType.temporal() != null) {
            return (bigEndian ? ">" : "<") + (dataType.temporal().timedelta() ? "m8[" : "M8[") + dataType.temporal().code() + "]";
        }
        String order = dataType.byteSize() == 1 || dataType.kind() == DataType.Kind.RAW ? "|" : (bigEndian ? ">" : "<");
        char c = switch (dataType.kind()) {
            case BOOL -> 'b';
            case INT -> 'i';
            case UINT -> 'u';
            case FLOAT -> 'f';
            case COMPLEX -> 'c';
            case RAW -> 'V';
            case STRING, BYTES -> throw new IllegalStateException("unreachable");
        };
        return order + c + dataType.byteSize();
    }
}
