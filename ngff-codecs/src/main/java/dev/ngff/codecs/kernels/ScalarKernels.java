package dev.ngff.codecs.kernels;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Plain-Java kernels: run everywhere, the reference for the others. */
public final class ScalarKernels implements ShuffleKernels {
    static final ScalarKernels INSTANCE = new ScalarKernels();
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private ScalarKernels() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void shuffle(byte[] src, int srcOff, byte[] dst, int dstOff, int length, int typesize) {
        ShuffleKernels.check(src, srcOff, dst, dstOff, length, typesize);
        int n = length / typesize;
        if (typesize == 1 || n == 0) {
            System.arraycopy(src, srcOff, dst, dstOff, length);
            return;
        }
        int i0 = switch (typesize) {
            case 2 -> shuffle2(src, srcOff, dst, dstOff, n);
            case 4 -> shuffle4(src, srcOff, dst, dstOff, n);
            default -> 0;
        };
        // walk the source once per byte plane: each plane is written in order
        for (int j = 0; j < typesize; j++) {
            int d = dstOff + j * n;
            int s = srcOff + j + i0 * typesize;
            for (int i = i0; i < n; i++, s += typesize) {
                dst[d + i] = src[s];
            }
        }
        int done = n * typesize;
        System.arraycopy(src, srcOff + done, dst, dstOff + done, length - done);
    }

    @Override
    public void unshuffle(byte[] src, int srcOff, byte[] dst, int dstOff, int length, int typesize) {
        ShuffleKernels.check(src, srcOff, dst, dstOff, length, typesize);
        int n = length / typesize;
        if (typesize == 1 || n == 0) {
            System.arraycopy(src, srcOff, dst, dstOff, length);
            return;
        }
        int i0 = switch (typesize) {
            case 2 -> unshuffle2(src, srcOff, dst, dstOff, n);
            case 4 -> unshuffle4(src, srcOff, dst, dstOff, n);
            default -> 0;
        };
        for (int j = 0; j < typesize; j++) {
            int s = srcOff + j * n;
            int d = dstOff + j + i0 * typesize;
            for (int i = i0; i < n; i++, d += typesize) {
                dst[d] = src[s + i];
            }
        }
        int done = n * typesize;
        System.arraycopy(src, srcOff + done, dst, dstOff + done, length - done);
    }

    /** Bytes 0..3 of {@code x} to bytes 0, 2, 4, 6. */
    private static long spread2(long x) {
        x = (x | (x << 16)) & 0x0000FFFF0000FFFFL;
        return (x | (x << 8)) & 0x00FF00FF00FF00FFL;
    }

    /** Bytes 0, 2, 4, 6 of {@code x} to bytes 0..3 (the inverse of {@link #spread2}). */
    private static long compact2(long x) {
        x &= 0x00FF00FF00FF00FFL;
        x = (x | (x >>> 8)) & 0x0000FFFF0000FFFFL;
        return (x | (x >>> 16)) & 0xFFFFFFFFL;
    }

    /** Bytes 0..1 of {@code x} to bytes 0 and 4. */
    private static long spread4(long x) {
        return (x & 0xFFL) | ((x & 0xFF00L) << 24);
    }

    /** Bytes 0 and 4 of {@code x} to bytes 0..1. */
    private static long compact4(long x) {
        return (x & 0xFFL) | ((x >>> 24) & 0xFF00L);
    }

    /** Eight 2-byte elements per step, in 64-bit words; returns the elements done. */
    private static int unshuffle2(byte[] src, int srcOff, byte[] dst, int dstOff, int n) {
        int p1 = srcOff + n;
        int i = 0;
        for (; i <= n - 8; i += 8) {
            long a = (long) LONG_LE.get(src, srcOff + i);
            long b = (long) LONG_LE.get(src, p1 + i);
            LONG_LE.set(dst, dstOff + 2 * i, spread2(a & 0xFFFFFFFFL) | (spread2(b & 0xFFFFFFFFL) << 8));
            LONG_LE.set(dst, dstOff + 2 * i + 8, spread2(a >>> 32) | (spread2(b >>> 32) << 8));
        }
        return i;
    }

    private static int shuffle2(byte[] src, int srcOff, byte[] dst, int dstOff, int n) {
        int p1 = dstOff + n;
        int i = 0;
        for (; i <= n - 8; i += 8) {
            long w0 = (long) LONG_LE.get(src, srcOff + 2 * i);
            long w1 = (long) LONG_LE.get(src, srcOff + 2 * i + 8);
            LONG_LE.set(dst, dstOff + i, compact2(w0) | (compact2(w1) << 32));
            LONG_LE.set(dst, p1 + i, compact2(w0 >>> 8) | (compact2(w1 >>> 8) << 32));
        }
        return i;
    }

    /** Eight 4-byte elements per step, in 64-bit words; returns the elements done. */
    private static int unshuffle4(byte[] src, int srcOff, byte[] dst, int dstOff, int n) {
        int i = 0;
        for (; i <= n - 8; i += 8) {
            long a = (long) LONG_LE.get(src, srcOff + i);
            long b = (long) LONG_LE.get(src, srcOff + n + i);
            long c = (long) LONG_LE.get(src, srcOff + 2 * n + i);
            long d = (long) LONG_LE.get(src, srcOff + 3 * n + i);
            for (int k = 0; k < 4; k++) {
                int sh = 16 * k;
                LONG_LE.set(dst, dstOff + 4 * i + 8 * k, spread4(a >>> sh) | (spread4(b >>> sh) << 8)
                        | (spread4(c >>> sh) << 16) | (spread4(d >>> sh) << 24));
            }
        }
        return i;
    }

    private static int shuffle4(byte[] src, int srcOff, byte[] dst, int dstOff, int n) {
        int i = 0;
        for (; i <= n - 8; i += 8) {
            long a = 0;
            long b = 0;
            long c = 0;
            long d = 0;
            for (int k = 0; k < 4; k++) {
                long w = (long) LONG_LE.get(src, srcOff + 4 * i + 8 * k);
                int sh = 16 * k;
                a |= compact4(w) << sh;
                b |= compact4(w >>> 8) << sh;
                c |= compact4(w >>> 16) << sh;
                d |= compact4(w >>> 24) << sh;
            }
            LONG_LE.set(dst, dstOff + i, a);
            LONG_LE.set(dst, dstOff + n + i, b);
            LONG_LE.set(dst, dstOff + 2 * n + i, c);
            LONG_LE.set(dst, dstOff + 3 * n + i, d);
        }
        return i;
    }

    /** Transposes an 8x8 bit matrix: bit {@code 8r + c} moves to bit {@code 8c + r}. */
    static long transpose8x8(long x) {
        long t = (x ^ (x >>> 7)) & 0x00AA00AA00AA00AAL;
        x = x ^ t ^ (t << 7);
        t = (x ^ (x >>> 14)) & 0x0000CCCC0000CCCCL;
        x = x ^ t ^ (t << 14);
        t = (x ^ (x >>> 28)) & 0x00000000F0F0F0F0L;
        return x ^ t ^ (t << 28);
    }

    @Override
    public void bitshuffle(byte[] src, int srcOff, byte[] dst, int dstOff, int length, int typesize, byte[] scratch) {
        ShuffleKernels.check(src, srcOff, dst, dstOff, length, typesize);
        ShuffleKernels.checkScratch(scratch, length);
        int m = (length / typesize) & ~7;
        int bytes = m * typesize;
        // byte planes first, then each plane's 8-byte groups transposed into 8 bit rows
        shuffle(src, srcOff, scratch, 0, bytes, typesize);
        bitTransposeRows(scratch, dst, dstOff, m, typesize);
        System.arraycopy(src, srcOff + bytes, dst, dstOff + bytes, length - bytes);
    }

    /** Plane {@code j} of {@code m} bytes in {@code planes} to bit rows {@code 8j..8j+7} of {@code m/8} bytes. */
    static void bitTransposeRows(byte[] planes, byte[] dst, int dstOff, int m, int typesize) {
        int rowBytes = m >>> 3;
        for (int j = 0; j < typesize; j++) {
            int p = j * m;
            int rowBase = dstOff + 8 * j * rowBytes;
            for (int g = 0; g < rowBytes; g++) {
                long y = transpose8x8((long) LONG_LE.get(planes, p + 8 * g));
                for (int k = 0; k < 8; k++) {
                    dst[rowBase + k * rowBytes + g] = (byte) (y >>> (8 * k));
                }
            }
        }
    }

    /** Inverse of {@link #bitTransposeRows}. */
    static void bitUntransposeRows(byte[] src, int srcOff, byte[] planes, int m, int typesize) {
        int rowBytes = m >>> 3;
        for (int j = 0; j < typesize; j++) {
            int p = j * m;
            int rowBase = srcOff + 8 * j * rowBytes;
            for (int g = 0; g < rowBytes; g++) {
                long x = 0;
                for (int k = 0; k < 8; k++) {
                    x |= (src[rowBase + k * rowBytes + g] & 0xffL) << (8 * k);
                }
                LONG_LE.set(planes, p + 8 * g, transpose8x8(x));
            }
        }
    }

    @Override
    public void bitunshuffle(byte[] src, int srcOff, byte[] dst, int dstOff, int length, int typesize, byte[] scratch) {
        ShuffleKernels.check(src, srcOff, dst, dstOff, length, typesize);
        ShuffleKernels.checkScratch(scratch, length);
        int m = (length / typesize) & ~7;
        int bytes = m * typesize;
        bitUntransposeRows(src, srcOff, scratch, m, typesize);
        unshuffle(scratch, 0, dst, dstOff, bytes, typesize);
        System.arraycopy(src, srcOff + bytes, dst, dstOff + bytes, length - bytes);
    }

    @Override
    public void byteSwap(byte[] src, int srcOff, byte[] dst, int dstOff, int length, int typesize) {
        ShuffleKernels.check(src, srcOff, dst, dstOff, length, typesize);
        int n = length / typesize;
        for (int i = 0; i < n; i++) {
            int base = i * typesize;
            for (int j = 0; j < typesize; j++) {
                dst[dstOff + base + j] = src[srcOff + base + typesize - 1 - j];
            }
        }
        int done = n * typesize;
        System.arraycopy(src, srcOff + done, dst, dstOff + done, length - done);
    }
}
