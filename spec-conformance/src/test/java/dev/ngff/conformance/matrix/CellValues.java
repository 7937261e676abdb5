package dev.ngff.conformance.matrix;

import dev.ngff.buffer.NdBuffer;
import dev.ngff.metadata.DataType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The values every writer in the matrix puts into an array, as a function of the element's C-order
 * index in the whole array. The Python and Node peers implement the same formula (see
 * {@code peers/matrix_peer.py}); it reaches every bit of integers, and floats get NaN, -0.0 and both
 * infinities as well as ordinary values.
 *
 * <p>Variable-length types ({@link #text}, {@link #bytes}): empty where {@code i % 13 == 5}; text is
 * {@code "v<i>-<hex of x >>> 40>"} plus {@code "é"} ({@code i % 3 == 1}) or {@code "世界😀"} ({@code i % 3 == 2},
 * a surrogate pair in Java), repeated 40 times where {@code i % 29 == 7}; bytes are {@code (x >>> 8) % 20 + 1}
 * long (300 more where {@code i % 29 == 7}), byte {@code k} being {@code (x >>> 8 (k % 8)) + k} mod 256. Their
 * digest is SHA-256 over each element's u32 little-endian length and bytes (UTF-8 for text), in C order.
 */
final class CellValues {
    private CellValues() {
    }

    private static final long K = 0x9E3779B97F4A7C15L;
    private static final long C = 0x632BE59BD9B4E019L;
    private static final short F16_NAN = 0x7E00;
    private static final short F16_NEG_ZERO = (short) 0x8000;
    private static final short F16_INF = 0x7C00;
    private static final short F16_NEG_INF = (short) 0xFC00;

    static long mixed(long index) {
        long x = index * K + C;
        return x ^ (x >>> 29);
    }

    /** The expected array: the fill value everywhere, the formula inside the written region. */
    static NdBuffer expected(DataType type, long[] shape, byte[] fill, long[] regionOffset, long[] regionShape) {
        NdBuffer b = NdBuffer.filled(type, shape, fill);
        int rank = shape.length;
        long n = NdBuffer.elementCount(regionShape);
        long[] pos = new long[rank];
        if (type.isVariableLength()) {
            for (long k = 0; k < n; k++) {
                long global = 0;
                for (int d = 0; d < rank; d++) {
                    global = global * shape[d] + regionOffset[d] + pos[d];
                }
                b.setElementBytes(global, type.kind() == DataType.Kind.STRING
                        ? text(global).getBytes(java.nio.charset.StandardCharsets.UTF_8) : bytes(global));
                for (int d = rank - 1; d >= 0; d--) {
                    if (++pos[d] < regionShape[d]) {
                        break;
                    }
                    pos[d] = 0;
                }
            }
            return b;
        }
        MemorySegment seg = b.segment();
        for (long k = 0; k < n; k++) {
            long global = 0;
            for (int d = 0; d < rank; d++) {
                global = global * shape[d] + regionOffset[d] + pos[d];
            }
            put(seg, global * type.byteSize(), type, global);
            for (int d = rank - 1; d >= 0; d--) {
                if (++pos[d] < regionShape[d]) {
                    break;
                }
                pos[d] = 0;
            }
        }
        return b;
    }

    /** The formula's values of a region alone (what a writer writes). */
    static NdBuffer region(DataType type, long[] shape, long[] regionOffset, long[] regionShape) {
        NdBuffer full = expected(type, shape, new byte[type.byteSize()], regionOffset, regionShape);
        return full.copyRegion(regionOffset, regionShape);
    }

    /** The text element of index {@code i}. */
    static String text(long i) {
        if (i % 13 == 5) {
            return "";
        }
        String s = "v" + i + "-" + Long.toHexString(mixed(i) >>> 40);
        if (i % 3 == 1) {
            s += "\u00e9";
        } else if (i % 3 == 2) {
            s += "\u4e16\u754c\ud83d\ude00";
        }
        return i % 29 == 7 ? s.repeat(40) : s;
    }

    /** The bytes element of index {@code i}. */
    static byte[] bytes(long i) {
        if (i % 13 == 5) {
            return new byte[0];
        }
        long x = mixed(i);
        int n = (int) Long.remainderUnsigned(x >>> 8, 20) + 1 + (i % 29 == 7 ? 300 : 0);
        byte[] out = new byte[n];
        for (int k = 0; k < n; k++) {
            out[k] = (byte) ((x >>> ((k % 8) * 8)) + k);
        }
        return out;
    }

    private static void put(MemorySegment seg, long off, DataType type, long index) {
        long x = mixed(index);
        switch (type.kind()) {
            case BOOL -> seg.set(ValueLayout.JAVA_BYTE, off, (byte) ((x >>> 31) & 1));
            case INT, UINT -> {
                for (int k = 0; k < type.byteSize(); k++) {
                    seg.set(ValueLayout.JAVA_BYTE, off + k, (byte) (x >>> (8 * k)));
                }
            }
            case FLOAT -> putFloat(seg, off, type.byteSize(), x, index, 44, true);
            case COMPLEX -> {
                int half = type.byteSize() / 2;
                putFloat(seg, off, half, x, index, 44, true);
                putFloat(seg, off + half, half, x, index, 20, false);
            }
            case RAW -> throw new IllegalArgumentException("no formula for raw bits");
            case STRING, BYTES -> throw new IllegalStateException("variable-length types are set element by element");
        }
    }

    /**
     * A float element: specials where {@code index % 61} is 3, 7, 11, 13 (real part) or 5, 17 (imaginary
     * part: NaN, -inf), otherwise a small signed integer from the bits of {@code x >>> shift} over 16 (4 for
     * float16), exact in every float width.
     */
    private static void putFloat(MemorySegment seg, long off, int size, long x, long index, int shift, boolean real) {
        int bits = size == 2 ? 11 : 20;
        long n = ((x >>> shift) & ((1L << bits) - 1)) - (1L << (bits - 1));
        double v = n / (size == 2 ? 4.0 : 16.0);
        long s = index % 61;
        int special = real ? (s == 3 ? 1 : s == 7 ? 2 : s == 11 ? 3 : s == 13 ? 4 : 0) : (s == 5 ? 1 : s == 17 ? 4 : 0);
        switch (size) {
            case 2 -> {
                short h = switch (special) {
                    case 1 -> F16_NAN;
                    case 2 -> F16_NEG_ZERO;
                    case 3 -> F16_INF;
                    case 4 -> F16_NEG_INF;
                    default -> Float.floatToFloat16((float) v);
                };
                seg.set(ValueLayout.JAVA_SHORT_UNALIGNED, off, h);
            }
            case 4 -> seg.set(ValueLayout.JAVA_FLOAT_UNALIGNED, off, (float) special(v, special));
            default -> seg.set(ValueLayout.JAVA_DOUBLE_UNALIGNED, off, special(v, special));
        }
    }

    private static double special(double v, int special) {
        return switch (special) {
            case 1 -> Double.NaN;
            case 2 -> -0.0;
            case 3 -> Double.POSITIVE_INFINITY;
            case 4 -> Double.NEGATIVE_INFINITY;
            default -> v;
        };
    }

    static String sha256(NdBuffer b) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            if (b.isVariableLength()) {
                for (long i = 0; i < b.elementCount(); i++) {
                    byte[] e = b.elementBytesUnsafe(i);
                    md.update(java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(e.length).array());
                    md.update(e);
                }
                return HexFormat.of().formatHex(md.digest());
            }
            md.update(b.segment().asByteBuffer());
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
