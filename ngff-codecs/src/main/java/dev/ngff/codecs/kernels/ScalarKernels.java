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
        // walk the source sequentially once per byte plane: each plane is written in order
        for (int j = 0; j < typesize; j++) {
            int d = dstOff + j * n;
            int s = srcOff + j;
            for (int i = 0; i < n; i++, s += typesize) {
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
        if (typesize == 2) {
            int p1 = srcOff + n;
            for (int i = 0, d = dstOff; i < n; i++, d += 2) {
                dst[d] = src[srcOff + i];
                dst[d + 1] = src[p1 + i];
            }
        } else {
            for (int j = 0; j < typesize; j++) {
                int s = srcOff + j * n;
                int d = dstOff + j;
                for (int i = 0; i < n; i++, d += typesize) {
                    dst[d] = src[s + i];
                }
            }
        }
        int done = n * typesize;
        System.arraycopy(src, srcOff + done, dst, dstOff + done, length - done);
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
