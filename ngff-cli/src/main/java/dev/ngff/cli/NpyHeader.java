package dev.ngff.cli;

import dev.ngff.metadata.DataType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The header of a NumPy {@code .npy} file (format version 1.0; 2.0 only when the header would not fit
 * 65535 bytes): magic, version, header length, then a Python dict literal padded with spaces and a
 * newline so the data starts at a multiple of 64 bytes. Data follows in C order, little-endian.
 */
final class NpyHeader {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;

    private NpyHeader() {
    }

    /** The NumPy type string of a data type: {@code <u2}, {@code |u1}, {@code <f4}, {@code |b1}, {@code |V3}... */
    static String descr(DataType t) {
        int n = t.byteSize();
        return switch (t.kind()) {
            case BOOL -> "|b1";
            case INT -> (n == 1 ? "|" : "<") + "i" + n;
            case UINT -> (n == 1 ? "|" : "<") + "u" + n;
            // NumPy has no bfloat16, float8 or complex32: their raw bytes (ml_dtypes' view(...) restores them)
            case FLOAT -> t.miniFloat() != null ? "|V" + n : "<f" + n;
            case COMPLEX -> t.miniFloat() != null || n == 4 ? "|V" + n : "<c" + n;
            case RAW -> "|V" + n;
            // .npy stores Python objects only as pickles; export refuses these types before it gets here
            case STRING, BYTES -> throw new IllegalArgumentException(".npy has no variable-length " + t + " type");
        };
    }

    /** The dict literal, without padding: {@code {'descr': '<u2', 'fortran_order': False, 'shape': (2, 3), }}. */
    static String dict(DataType t, long[] shape) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            s.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        s.append(shape.length == 1 ? ",)" : ")");
        return "{'descr': '" + descr(t) + "', 'fortran_order': False, 'shape': " + s + ", }";
    }

    /** The complete header bytes; its length is a multiple of 64. */
    static byte[] bytes(DataType t, long[] shape) {
        byte[] dict = dict(t, shape).getBytes(StandardCharsets.US_ASCII);
        int prefix = MAGIC.length + 2 + 2;
        boolean v2 = padded(prefix, dict.length) > 0xFFFF;
        if (v2) {
            prefix += 2;
        }
        int headerLen = padded(prefix, dict.length);
        ByteBuffer b = ByteBuffer.allocate(prefix + headerLen).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) (v2 ? 2 : 1)).put((byte) 0);
        if (v2) {
            b.putInt(headerLen);
        } else {
            b.putShort((short) headerLen);
        }
        b.put(dict);
        while (b.position() < b.capacity() - 1) {
            b.put((byte) ' ');
        }
        b.put((byte) '\n');
        return b.array();
    }

    /** Length of the dict plus spaces and newline so that prefix + length is a multiple of 64. */
    private static int padded(int prefix, int dictLength) {
        int unpadded = prefix + dictLength + 1;
        return dictLength + 1 + (ALIGN - unpadded % ALIGN) % ALIGN;
    }
}
