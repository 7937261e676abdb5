package dev.ngff.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ngff.error.InvalidMetadataException;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The fill value of an array: the little-endian bytes of one element. Parsed from and written to every
 * JSON encoding that Zarr v2 and v3 allow (numbers, "NaN", "Infinity", "-Infinity", hex bit patterns,
 * complex pairs, byte arrays, base64).
 *
 * <p>For the variable-length types the bytes are the whole fill element: the UTF-8 of the text for
 * {@link DataType#STRING}, the raw bytes for {@link DataType#BYTES}; their length is the element's. For
 * {@code zarrs.optional} types, fixed-size or not, they are the value's bytes then one validity byte (1
 * present, 0 missing); a missing fill is {@code [0]} for a variable-length inner type.
 */
public final class FillValue {
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);
    private final byte[] element;

    private FillValue(byte[] element) {
        this.element = element;
    }

    /** A fill value from one element's little-endian bytes. */
    public static FillValue ofBytes(byte[] element) {
        return new FillValue(element.clone());
    }

    /** All-zero bytes: 0, 0.0, false; the empty string or byte sequence for variable-length types. */
    public static FillValue zero(DataType type) {
        // an optional over a variable-length type: the lone validity byte 0, "missing"
        return new FillValue(new byte[type.isOptionalVariableLength() ? 1 : type.byteSize()]);
    }

    /** A text fill value for {@link DataType#STRING} (its UTF-8 bytes); lone surrogates are refused. */
    public static FillValue ofText(String text) {
        return new FillValue(dev.ngff.buffer.Utf8.encode(text));
    }

    /** A numeric fill value converted to the data type (integers must be in range, floats are rounded). */
    public static FillValue ofNumber(DataType type, double value) {
        ByteBuffer b = le(type.byteSize());
        switch (type.kind()) {
            case BOOL -> b.put((byte) (value != 0 ? 1 : 0));
            case INT, UINT -> {
                DataType.SubByte sb = type.subByte();
                boolean signed = type.kind() == DataType.Kind.INT;
                if (sb != null && (value < sb.min(signed) || value > sb.max(signed))) {
                    throw new IllegalArgumentException(value + " is out of range for " + type);
                }
                putInteger(b, type, BigInteger.valueOf((long) value));
            }
            case FLOAT -> putFloat(b, type.byteSize(), type.miniFloat(), value);
            case COMPLEX -> {
                putFloat(b, type.byteSize() / 2, type.miniFloat(), value);
                putFloat(b, type.byteSize() / 2, type.miniFloat(), 0);
            }
            case RAW -> throw new IllegalArgumentException("raw bits fill values are bytes, not numbers");
            case STRING, BYTES -> throw new IllegalArgumentException(type + " fill values are text or bytes, not numbers");
        }
        return new FillValue(b.array());
    }

    /** The little-endian bytes of one element (a copy). */
    public byte[] bytes() {
        return element.clone();
    }

    /** The bytes without a copy; callers must not modify them. */
    public byte[] bytesUnsafe() {
        return element;
    }

    public boolean isZero() {
        for (byte b : element) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    // ---- Zarr v3 -------------------------------------------------------------------------------

    /** Parses a v3 {@code fill_value}; {@code pointer} names its place for error messages. */
    public static FillValue fromV3(JsonNode node, DataType type, String pointer) throws InvalidMetadataException {
        if (type.optionalInner() != null) {
            // null is "missing" (all zero); zarrs writes a present value x as [x] ([null] is Some(None) for a
            // nested optional); a bare inner value is read too
            if (node == null || node.isNull()) {
                return zero(type);
            }
            boolean wrapped = node.isArray() && node.size() == 1;
            byte[] inner = fromV3(wrapped ? node.get(0) : node, type.optionalInner(), wrapped ? pointer + "/0" : pointer).element;
            byte[] e = Arrays.copyOf(inner, inner.length + 1);
            e[inner.length] = 1;
            return new FillValue(e);
        }
        if (node == null || node.isNull()) {
            throw new InvalidMetadataException(pointer + ": fill_value is required in Zarr v3 and must not be null");
        }
        if (type.isFixedUtf32()) {
            return utf32(node, type, pointer);
        }
        if (type.isVariableLength()) {
            return variableLength(node, type, pointer);
        }
        ByteBuffer b = le(type.byteSize());
        switch (type.kind()) {
            case BOOL -> {
                if (!node.isBoolean()) {
                    throw new InvalidMetadataException(pointer + ": fill_value for bool must be true or false, got " + node);
                }
                b.put((byte) (node.booleanValue() ? 1 : 0));
            }
            case INT, UINT -> putInteger(b, type, integerOf(node, type, pointer));
            case FLOAT -> putFloatNode(b, type.byteSize(), type.miniFloat(), node, pointer);
            case COMPLEX -> {
                if (!node.isArray() || node.size() != 2) {
                    throw new InvalidMetadataException(pointer + ": fill_value for " + type + " must be [real, imag], got " + node);
                }
                putFloatNode(b, type.byteSize() / 2, type.miniFloat(), node.get(0), pointer + "/0");
                putFloatNode(b, type.byteSize() / 2, type.miniFloat(), node.get(1), pointer + "/1");
            }
            case RAW -> putRaw(b, type, node, pointer);
            case STRING, BYTES -> throw new IllegalStateException("handled above");
        }
        return new FillValue(b.array());
    }

    /**
     * A v3 {@code string} fill is a JSON string. A bytes fill is base64 text (what zarr-python writes) or an
     * array of byte values (what zarrs writes, {@code []} for empty).
     */
    private static FillValue variableLength(JsonNode node, DataType type, String pointer) throws InvalidMetadataException {
        if (type.kind() == DataType.Kind.STRING) {
            if (!node.isTextual()) {
                throw new InvalidMetadataException(pointer + ": fill_value for string must be a JSON string, got " + node);
            }
            return new FillValue(node.textValue().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        if (node.isTextual()) {
            try {
                return new FillValue(Base64.getDecoder().decode(node.textValue()));
            } catch (IllegalArgumentException e) {
                throw new InvalidMetadataException(pointer + ": fill_value for " + type + " is not valid base64: " + node);
            }
        }
        if (node.isArray()) {
            byte[] out = new byte[node.size()];
            for (int i = 0; i < out.length; i++) {
                JsonNode x = node.get(i);
                if (!x.isIntegralNumber() || x.intValue() < 0 || x.intValue() > 255) {
                    throw new InvalidMetadataException(pointer + "/" + i + ": byte values must be 0..255, got " + x);
                }
                out[i] = (byte) x.intValue();
            }
            return new FillValue(out);
        }
        throw new InvalidMetadataException(pointer + ": fill_value for " + type
                + " must be base64 text or an array of byte values, got " + node);
    }

    /** The canonical v3 JSON for this fill value. */
    public JsonNode toV3(DataType type) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (type.optionalInner() != null) {
            if (element[element.length - 1] == 0) {
                return f.nullNode();
            }
            return f.arrayNode().add(new FillValue(Arrays.copyOf(element, element.length - 1)).toV3(type.optionalInner()));
        }
        if (type.isFixedUtf32()) {
            return f.textNode(utf32Text(element));
        }
        if (type.kind() == DataType.Kind.STRING) {
            return f.textNode(new String(element, java.nio.charset.StandardCharsets.UTF_8));
        }
        if (type.kind() == DataType.Kind.BYTES) {
            return f.textNode(Base64.getEncoder().encodeToString(element));
        }
        ByteBuffer b = ByteBuffer.wrap(element).order(ByteOrder.LITTLE_ENDIAN);
        return switch (type.kind()) {
            case BOOL -> f.booleanNode(element[0] != 0);
            case INT, UINT -> integerNode(b, type);
            case FLOAT -> floatNode(b, 0, type.byteSize(), type.miniFloat());
            case COMPLEX -> {
                ArrayNode a = f.arrayNode();
                a.add(floatNode(b, 0, type.byteSize() / 2, type.miniFloat()));
                a.add(floatNode(b, type.byteSize() / 2, type.byteSize() / 2, type.miniFloat()));
                yield a;
            }
            case RAW -> {
                ArrayNode a = f.arrayNode();
                for (byte x : element) {
                    a.add(Byte.toUnsignedInt(x));
                }
                yield a;
            }
            case STRING, BYTES -> throw new IllegalStateException("handled above");
        };
    }

    // ---- Zarr v2 -------------------------------------------------------------------------------

    /**
     * Parses a v2 {@code fill_value}; {@code null} reads as zero (what zarr-python does for missing chunks).
     * For {@code |O} arrays, as zarr-python 3 reads what zarr-python 2 wrote: null is the empty string (or
     * bytes); a number is its text for strings ({@code 0} is {@code "0"}, NumPy's {@code str(0)}) and, for
     * bytes, 0 is empty bytes; a string is the text itself, or base64 for bytes.
     */
    public static FillValue fromV2(JsonNode node, DataType type, String pointer) throws InvalidMetadataException {
        if (node == null || node.isNull()) {
            return zero(type);
        }
        if (type.kind() == DataType.Kind.STRING) {
            return variableLength(node.isNumber() || node.isBoolean()
                    ? JsonNodeFactory.instance.textNode(node.asText()) : node, type, pointer);
        }
        if (type.kind() == DataType.Kind.BYTES) {
            return node.isNumber() && node.doubleValue() == 0 ? zero(type) : variableLength(node, type, pointer);
        }
        if (type.isFixedUtf32()) {
            // zarr-python 2 wrote 0 for <U arrays; NumPy fills them with its text, "0"
            return utf32(node.isNumber() ? JsonNodeFactory.instance.textNode(node.asText()) : node, type, pointer);
        }
        ByteBuffer b = le(type.byteSize());
        switch (type.kind()) {
            case BOOL -> {
                if (node.isBoolean()) {
                    b.put((byte) (node.booleanValue() ? 1 : 0));
                } else if (node.isNumber()) {
                    b.put((byte) (node.doubleValue() != 0 ? 1 : 0));
                } else {
                    throw new InvalidMetadataException(pointer + ": fill_value for bool must be a boolean, got " + node);
                }
            }
            case INT, UINT -> putInteger(b, type, integerOf(node, type, pointer));
            case FLOAT -> putFloatNode(b, type.byteSize(), type.miniFloat(), node, pointer);
            case COMPLEX -> {
                if (node.isArray() && node.size() == 2) {
                    putFloatNode(b, type.byteSize() / 2, type.miniFloat(), node.get(0), pointer + "/0");
                    putFloatNode(b, type.byteSize() / 2, type.miniFloat(), node.get(1), pointer + "/1");
                } else {
                    putFloatNode(b, type.byteSize() / 2, type.miniFloat(), node, pointer);
                    putFloat(b, type.byteSize() / 2, type.miniFloat(), 0);
                }
            }
            case RAW -> {
                if (node.isTextual()) {
                    byte[] raw;
                    try {
                        raw = Base64.getDecoder().decode(node.textValue());
                    } catch (IllegalArgumentException e) {
                        throw new InvalidMetadataException(pointer + ": fill_value is not valid base64: " + node);
                    }
                    // numpy pads short byte strings with NUL
                    b.put(raw, 0, Math.min(raw.length, type.byteSize()));
                } else if (node.isNumber() && node.doubleValue() == 0) {
                    // zero bytes
                } else {
                    putRaw(b, type, node, pointer);
                }
            }
            case STRING, BYTES -> throw new IllegalStateException("handled above");
        }
        return new FillValue(b.array());
    }

    /** The v2 JSON for this fill value. */
    public JsonNode toV2(DataType type) {
        if (type.isFixedUtf32() || type.isVariableLength()) {
            return toV3(type);
        }
        if (type.kind() == DataType.Kind.RAW) {
            return JsonNodeFactory.instance.textNode(Base64.getEncoder().encodeToString(element));
        }
        if (type.kind() == DataType.Kind.FLOAT) {
            JsonNode n = toV3(type);
            if (n.isTextual() && n.textValue().startsWith("0x")) { // v2 has no hex form: non-canonical NaN
                return JsonNodeFactory.instance.textNode("NaN");
            }
            return n;
        }
        return toV3(type);
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** A UTF-32 fill value: a JSON string of at most the type's code points, NUL-padded (as NumPy stores it). */
    private static FillValue utf32(JsonNode node, DataType type, String pointer) throws InvalidMetadataException {
        if (!node.isTextual()) {
            throw new InvalidMetadataException(pointer + ": fill_value for " + type + " must be a string, got " + node);
        }
        int[] cps = node.textValue().codePoints().toArray();
        if (cps.length > type.byteSize() / 4) {
            throw new InvalidMetadataException(pointer + ": fill_value " + node + " has " + cps.length
                    + " code points, more than " + type + " holds");
        }
        ByteBuffer b = le(type.byteSize());
        for (int cp : cps) {
            b.putInt(cp);
        }
        return new FillValue(b.array());
    }

    /** The text of UTF-32LE code units, without the NUL padding. */
    static String utf32Text(byte[] element) {
        return dev.ngff.buffer.Utf32Strings.decode(java.lang.foreign.MemorySegment.ofArray(element));
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static BigInteger integerOf(JsonNode node, DataType type, String pointer) throws InvalidMetadataException {
        BigInteger v;
        if (type.temporal() != null && node.isTextual() && node.textValue().equals("NaT")) {
            v = BigInteger.valueOf(DataType.Temporal.NAT); // NumPy's "not a time"
        } else if (node.isIntegralNumber()) {
            v = node.bigIntegerValue();
        } else if (node.isFloatingPointNumber() && node.doubleValue() == Math.rint(node.doubleValue())
                && Math.abs(node.doubleValue()) < 0x1p63) {
            v = BigInteger.valueOf((long) node.doubleValue());
        } else if (node.isTextual() && node.textValue().matches("0x[0-9a-fA-F]{1,16}")) {
            v = new BigInteger(node.textValue().substring(2), 16);
            if (type.kind() == DataType.Kind.INT && v.testBit(type.byteSize() * 8 - 1)) {
                v = v.subtract(BigInteger.ONE.shiftLeft(type.byteSize() * 8));
            }
        } else {
            throw new InvalidMetadataException(pointer + ": fill_value for " + type + " must be an integer, got " + node);
        }
        int bits = type.subByte() != null ? type.subByte().bits() : type.byteSize() * 8;
        BigInteger min = type.kind() == DataType.Kind.INT ? BigInteger.ONE.shiftLeft(bits - 1).negate() : BigInteger.ZERO;
        BigInteger max = type.kind() == DataType.Kind.INT
                ? BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE)
                : BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
        if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
            throw new InvalidMetadataException(pointer + ": fill_value " + v + " is out of range for " + type);
        }
        return v;
    }

    private static void putInteger(ByteBuffer b, DataType type, BigInteger v) {
        long bits = v.signum() < 0 ? v.longValue() : v.mod(TWO_64).longValue();
        switch (type.byteSize()) {
            case 1 -> b.put((byte) bits);
            case 2 -> b.putShort((short) bits);
            case 4 -> b.putInt((int) bits);
            default -> b.putLong(bits);
        }
    }

    private static JsonNode integerNode(ByteBuffer b, DataType type) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        boolean signed = type.kind() == DataType.Kind.INT;
        return switch (type.byteSize()) {
            case 1 -> f.numberNode(signed ? b.get(0) : Byte.toUnsignedInt(b.get(0)));
            case 2 -> f.numberNode(signed ? b.getShort(0) : Short.toUnsignedInt(b.getShort(0)));
            case 4 -> f.numberNode(signed ? b.getInt(0) : Integer.toUnsignedLong(b.getInt(0)));
            default -> signed || b.getLong(0) >= 0 ? f.numberNode(b.getLong(0))
                    : f.numberNode(new BigInteger(Long.toUnsignedString(b.getLong(0))));
        };
    }

    private static void putFloatNode(ByteBuffer b, int size, MiniFloat fmt, JsonNode node, String pointer) throws InvalidMetadataException {
        if (node == null) {
            throw new InvalidMetadataException(pointer + ": missing floating-point fill value");
        }
        if (node.isNumber()) {
            putFloat(b, size, fmt, node.doubleValue());
            return;
        }
        if (node.isTextual()) {
            String s = node.textValue();
            switch (s) {
                case "NaN" -> {
                    putFloat(b, size, fmt, Double.NaN);
                    return;
                }
                case "Infinity" -> {
                    putFloat(b, size, fmt, Double.POSITIVE_INFINITY);
                    return;
                }
                case "-Infinity" -> {
                    putFloat(b, size, fmt, Double.NEGATIVE_INFINITY);
                    return;
                }
                default -> {
                }
            }
            if (s.matches("0x[0-9a-fA-F]+") && s.length() == 2 + 2 * size) {
                byte[] be = HexFormat.of().parseHex(s.substring(2));
                for (int i = be.length - 1; i >= 0; i--) {
                    b.put(be[i]);
                }
                return;
            }
        }
        throw new InvalidMetadataException(pointer + ": invalid floating-point fill value " + node
                + " (expected a number, \"NaN\", \"Infinity\", \"-Infinity\" or a hex bit pattern of " + size + " bytes)");
    }

    private static void putFloat(ByteBuffer b, int size, MiniFloat fmt, double v) {
        if (fmt != null) {
            int bits = fmt.fromDouble(v);
            if (size == 1) {
                b.put((byte) bits);
            } else {
                b.putShort((short) bits);
            }
            return;
        }
        switch (size) {
            case 2 -> b.putShort(Float.floatToFloat16((float) v));
            case 4 -> b.putFloat((float) v);
            default -> b.putDouble(v);
        }
    }

    private static JsonNode floatNode(ByteBuffer b, int offset, int size, MiniFloat fmt) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        double v;
        boolean canonicalNaN;
        if (fmt != null) {
            int bits = size == 1 ? Byte.toUnsignedInt(b.get(offset)) : Short.toUnsignedInt(b.getShort(offset));
            v = fmt.toDouble(bits);
            canonicalNaN = bits == fmt.canonicalNaN();
        } else switch (size) {
            case 2 -> {
                short h = b.getShort(offset);
                v = Float.float16ToFloat(h);
                canonicalNaN = h == (short) 0x7e00;
            }
            case 4 -> {
                int bits = b.getInt(offset);
                v = Float.intBitsToFloat(bits);
                canonicalNaN = bits == 0x7fc00000;
            }
            default -> {
                long bits = b.getLong(offset);
                v = Double.longBitsToDouble(bits);
                canonicalNaN = bits == 0x7ff8000000000000L;
            }
        }
        if (Double.isNaN(v)) {
            if (canonicalNaN) {
                return f.textNode("NaN");
            }
            StringBuilder hex = new StringBuilder("0x");
            for (int i = size - 1; i >= 0; i--) {
                hex.append(String.format("%02x", b.get(offset + i)));
            }
            return f.textNode(hex.toString());
        }
        if (Double.isInfinite(v)) {
            return f.textNode(v > 0 ? "Infinity" : "-Infinity");
        }
        if (size == 4) {
            return f.numberNode(Float.intBitsToFloat(b.getInt(offset)));
        }
        return f.numberNode(v);
    }

    private static void putRaw(ByteBuffer b, DataType type, JsonNode node, String pointer) throws InvalidMetadataException {
        if (node.isArray() && node.size() == type.byteSize()) {
            for (int i = 0; i < node.size(); i++) {
                JsonNode x = node.get(i);
                if (!x.isIntegralNumber() || x.intValue() < 0 || x.intValue() > 255) {
                    throw new InvalidMetadataException(pointer + "/" + i + ": raw bits fill value bytes must be 0..255, got " + x);
                }
                b.put((byte) x.intValue());
            }
            return;
        }
        if (node.isTextual() && node.textValue().matches("0x[0-9a-fA-F]+") && node.textValue().length() == 2 + 2 * type.byteSize()) {
            b.put(HexFormat.of().parseHex(node.textValue().substring(2)));
            return;
        }
        throw new InvalidMetadataException(pointer + ": fill_value for " + type + " must be an array of "
                + type.byteSize() + " byte values, got " + node);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FillValue f && Arrays.equals(element, f.element);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(element);
    }

    @Override
    public String toString() {
        return "FillValue" + HexFormat.of().formatHex(element);
    }
}
