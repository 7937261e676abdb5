package dev.ngff.tiff.internal;

/**
 * Undoes TIFF's predictors on decoded rows. Horizontal differencing (2) works on little-endian integers
 * (the caller swaps first); the floating-point predictor (3) takes the rows as stored and yields little-endian
 * values.
 */
public final class Predictors {
    private Predictors() {
    }

    /**
     * Predictor 2 on {@code rows} rows of {@code rowElements} little-endian integers of {@code bytes} each,
     * differenced per sample ({@code stride} samples per pixel).
     */
    public static void undoHorizontal(byte[] data, int rows, int rowElements, int stride, int bytes) {
        int rowBytes = rowElements * bytes;
        for (int r = 0; r < rows; r++) {
            int base = r * rowBytes;
            switch (bytes) {
                case 1 -> {
                    for (int i = base + stride; i < base + rowBytes; i++) {
                        data[i] += data[i - stride];
                    }
                }
                case 2 -> {
                    for (int e = stride; e < rowElements; e++) {
                        int i = base + e * 2;
                        int j = i - stride * 2;
                        int v = (data[i] & 0xff | (data[i + 1] & 0xff) << 8) + (data[j] & 0xff | (data[j + 1] & 0xff) << 8);
                        data[i] = (byte) v;
                        data[i + 1] = (byte) (v >>> 8);
                    }
                }
                default -> {
                    for (int e = stride; e < rowElements; e++) {
                        int i = base + e * bytes;
                        int j = i - stride * bytes;
                        int carry = 0;
                        for (int b = 0; b < bytes; b++) { // little-endian add with carry
                            int v = (data[i + b] & 0xff) + (data[j + b] & 0xff) + carry;
                            data[i + b] = (byte) v;
                            carry = v >>> 8;
                        }
                    }
                }
            }
        }
    }

    /**
     * Predictor 3 on {@code rows} rows of {@code rowElements} values of {@code bytes} each: the bytes of a row
     * are differenced with a stride of {@code stride} (samples per pixel) and stored most significant byte
     * plane first. Returns the rows as little-endian values, in place.
     */
    public static void undoFloatingPoint(byte[] data, int rows, int rowElements, int stride, int bytes) {
        int rowBytes = rowElements * bytes;
        byte[] tmp = new byte[rowBytes];
        for (int r = 0; r < rows; r++) {
            int base = r * rowBytes;
            for (int i = base + stride; i < base + rowBytes; i++) {
                data[i] += data[i - stride];
            }
            System.arraycopy(data, base, tmp, 0, rowBytes);
            for (int e = 0; e < rowElements; e++) {
                for (int b = 0; b < bytes; b++) {
                    data[base + e * bytes + b] = tmp[(bytes - b - 1) * rowElements + e];
                }
            }
        }
    }

    /** Reverses the byte order of every {@code bytes}-byte element, in place. */
    public static void swap(byte[] data, int length, int bytes) {
        if (bytes == 1) {
            return;
        }
        for (int i = 0; i + bytes <= length; i += bytes) {
            for (int a = i, b = i + bytes - 1; a < b; a++, b--) {
                byte t = data[a];
                data[a] = data[b];
                data[b] = t;
            }
        }
    }
}
