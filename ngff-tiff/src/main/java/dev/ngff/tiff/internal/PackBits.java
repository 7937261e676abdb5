package dev.ngff.tiff.internal;

/** PackBits (compression 32773): a header byte n, then n + 1 literal bytes (n >= 0) or one byte repeated 1 - n times. */
public final class PackBits {
    private PackBits() {
    }

    /** Decodes {@code in} into {@code out}; returns the number of bytes written, at most {@code out.length}. */
    public static int decode(byte[] in, byte[] out) {
        int i = 0;
        int o = 0;
        while (i < in.length && o < out.length) {
            int n = in[i++];
            if (n >= 0) {
                int count = Math.min(n + 1, Math.min(in.length - i, out.length - o));
                System.arraycopy(in, i, out, o, count);
                i += n + 1;
                o += count;
            } else if (n != -128) {
                if (i >= in.length) {
                    break;
                }
                byte b = in[i++];
                int count = Math.min(1 - n, out.length - o);
                java.util.Arrays.fill(out, o, o + count, b);
                o += count;
            }
        }
        return o;
    }
}
