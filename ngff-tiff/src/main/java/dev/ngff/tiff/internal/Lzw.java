package dev.ngff.tiff.internal;

/**
 * TIFF's LZW (compression 5): MSB-first codes of 9 to 12 bits, 256 clears the table, 257 ends the data, and
 * the code width grows one code early. Writes at most {@code out.length} bytes.
 */
public final class Lzw {
    private static final int CLEAR = 256;
    private static final int EOI = 257;

    private Lzw() {
    }

    /**
     * Decodes {@code in} into {@code out}; returns the number of bytes written (less than {@code out.length}
     * when the data ends early), or -1 when the stream is malformed.
     */
    public static int decode(byte[] in, byte[] out) {
        // the table: each code is its prefix code plus one last byte; strings are materialised backwards
        int[] prefix = new int[4096];
        byte[] suffix = new byte[4096];
        int[] length = new int[4096];
        byte[] first = new byte[4096];
        for (int i = 0; i < 256; i++) {
            suffix[i] = (byte) i;
            first[i] = (byte) i;
            length[i] = 1;
            prefix[i] = -1;
        }
        int next = 258;
        int width = 9;
        int old = -1;
        long bitBuf = 0;
        int bits = 0;
        int pos = 0;
        int o = 0;
        while (o < out.length) {
            while (bits < width) {
                if (pos >= in.length) {
                    return o;
                }
                bitBuf = (bitBuf << 8) | (in[pos++] & 0xff);
                bits += 8;
            }
            int code = (int) ((bitBuf >>> (bits - width)) & ((1 << width) - 1));
            bits -= width;
            if (code == EOI) {
                return o;
            }
            if (code == CLEAR) {
                next = 258;
                width = 9;
                old = -1;
                continue;
            }
            int written;
            if (old == -1) {
                if (code > 255) {
                    return -1;
                }
                out[o++] = (byte) code;
                old = code;
                continue;
            }
            byte head;
            if (code < next) {
                written = emit(code, prefix, suffix, length, out, o);
                head = first[code];
            } else if (code == next) {
                written = emit(old, prefix, suffix, length, out, o);
                head = first[old];
                if (o + written < out.length) {
                    out[o + written] = head;
                }
                written = Math.min(written + 1, out.length - o);
            } else {
                return -1;
            }
            o += written;
            if (next < 4096) {
                prefix[next] = old;
                suffix[next] = head;
                length[next] = length[old] + 1;
                first[next] = first[old];
                next++;
            }
            old = code;
            if (next + 1 >= (1 << width) && width < 12) {
                width++;
            }
        }
        return o;
    }

    /** Writes the string of {@code code} at {@code o} (clipped to {@code out}); returns how many bytes were written. */
    private static int emit(int code, int[] prefix, byte[] suffix, int[] length, byte[] out, int o) {
        int len = length[code];
        int n = Math.min(len, out.length - o);
        int c = code;
        for (int i = len - 1; i >= 0; i--) {
            if (i < n) {
                out[o + i] = suffix[c];
            }
            c = prefix[c];
        }
        return n;
    }
}
