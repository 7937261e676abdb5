package dev.ngff.convert.internal;

import java.util.Locale;

/** Human-readable sizes (binary units) and the throughput line the commands print. */
public final class Sizes {
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private Sizes() {
    }

    /** {@code 512 B}, {@code 11.2 MiB}, {@code 1.00 GiB}: one decimal below a GiB, two from there. */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        double v = n;
        int u = 0;
        while (v >= 1024 && u < UNITS.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, u >= 3 ? "%.2f %s" : "%.1f %s", v, UNITS[u]);
    }

    /** What one element of a variable-length type (text, bytes) is taken to hold when planning and reporting progress. */
    public static final int ESTIMATED_VARIABLE_ELEMENT_BYTES = 16;

    /** Decoded bytes per element: exact for fixed-size types, {@link #ESTIMATED_VARIABLE_ELEMENT_BYTES} for text and bytes. */
    public static int elementBytes(dev.ngff.metadata.DataType t) {
        return t.isVariableLength() ? ESTIMATED_VARIABLE_ELEMENT_BYTES : t.byteSize();
    }

    /**
     * Bytes an array holds decoded (every element, stored or fill), saturating at {@code Long.MAX_VALUE};
     * an estimate for variable-length types (see {@link #elementBytes}).
     */
    public static long uncompressed(dev.ngff.metadata.ArrayMetadata meta) {
        long n = elementBytes(meta.dataType());
        for (long s : meta.shape()) {
            n = product(n, s);
        }
        return n;
    }

    /** {@code a * b} for non-negative values, saturating at {@code Long.MAX_VALUE}. */
    public static long product(long a, long b) {
        return Math.multiplyHigh(a, b) != 0 || a * b < 0 ? Long.MAX_VALUE : a * b;
    }

    /** Throughput in MiB/s of {@code n} bytes in {@code nanos}. */
    public static String rate(long n, long nanos) {
        double seconds = Math.max(nanos, 1) / 1e9;
        return String.format(Locale.ROOT, "%.1f MiB/s", n / seconds / (1 << 20));
    }

    public static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }

    /**
     * The summary line: {@code copied 1.00 GiB (uncompressed) in 3.21 s: 319.0 MiB/s, 1024 chunks,
     * 412.3 MiB stored}.
     */
    public static String summary(String verb, long uncompressed, long nanos, long chunks, long stored) {
        return verb + " " + bytes(uncompressed) + " (uncompressed) in " + seconds(nanos) + ": "
                + rate(uncompressed, nanos) + ", " + chunks + (chunks == 1 ? " chunk, " : " chunks, ")
                + bytes(stored) + " stored";
    }
}
