package dev.ngff.codecs.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Kernels on the incubating Vector API ({@code --add-modules jdk.incubator.vector}). Element sizes 2, 4 and 8
 * use lane-wise widening and narrowing conversions (one load per element vector, one store per byte plane);
 * bit shuffles work in L1-sized tiles and turn each bit of 64 (or 32) plane bytes into a mask stored as 8 (or
 * 4) row bytes. Other
 * element sizes, and the tails shorter than one vector, go to {@link ScalarKernels}. Only {@link Kernels}
 * creates it, after checking that the module is present.
 */
public final class VectorKernels implements ShuffleKernels {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, LE);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, LE);

    private static final VectorSpecies<Short> S16 = ShortVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> S32 = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> S64 = LongVector.SPECIES_PREFERRED;
    /** Byte vectors with as many lanes as the 16-, 32- and 64-bit vectors above. */
    private static final VectorSpecies<Byte> B16 = bytesFor(S16.length());
    private static final VectorSpecies<Byte> B32 = bytesFor(S32.length());
    private static final VectorSpecies<Byte> B64 = bytesFor(S64.length());
    /** Byte vectors for the bit shuffles: 64 lanes with AVX-512, 32 with AVX2. */
    private static final VectorSpecies<Byte> BITS = ByteVector.SPECIES_PREFERRED.length() >= 64
            ? ByteVector.SPECIES_512 : ByteVector.SPECIES_256;

    static final VectorKernels INSTANCE = new VectorKernels();

    private static VectorSpecies<Byte> bytesFor(int lanes) {
        return VectorSpecies.of(byte.class, VectorShape.forBitSize(lanes * 8));
    }

    private VectorKernels() {
    }

    @Override
    public String name() {
        return "vector-" + ByteVector.SPECIES_PREFERRED.vectorBitSize();
    }

    @Override
    public void shuffle(byte[] src, int srcOff, byte[] dst, int dstOff, int length, int typesize) {
        // JMH (JDK 25, AVX-512): the widening/narrowing version below boxed vectors (1.5 B allocated per byte)
        // and ran at 0.74x (unshuffle) to 1.5x (shuffle) of the scalar loop; the scalar loop is the default
        ScalarKernels.INSTANCE.shuffle(src, srcOff, dst, dstOff, length, typesize);
    }

    /** The Vector API byte shuffle, kept for benchmarks and tests; see {@link #shuffle}. */
    public void shuffleWide(byte[] src, int srcOff, byte[] dst, int dstOff, int length, int typesize) {
        ShuffleKernels.check(src, srcOff, dst, dstOff, length, typesize);
        int n = length / typesize;
        int done = switch (typesize) {
            case 2 -> shuffle2(src, srcOff, dst, dstOff, n);
            case 4 -> shuffle4(src, srcOff, dst, dstOff, n);
            case 8 -> shuffle8(src, srcOff, dst, dstOff, n);
            default -> 0;
        };
        if (done == 0) {
            ScalarKernels.INSTANCE.shuffle(src, srcOff, dst, dstOff, length, typesize);
            return;
        }
        // the last elements that did not fill a vector
        for (int j = 0; j < typesize; j++) {
            for (int i = done; i < n; i++) {
                dst[dstOff + j * n + i] = src[srcOff + i * typesize + j];
            }
        }
        System.arraycopy(src, srcOff + n * typesize, dst, dstOff + n * typesize, length - n * typesize);
    }

    private static int shuffle2(byte[] src, int srcOff, byte[] dst, int dstOff, int n) {
        MemorySegment s = MemorySegment.ofArray(src);
        int lanes = S16.length();
        int i = 0;
        for (; i <= n - lanes; i += lanes) {
            ShortVector v = ShortVector.fromMemorySegment(S16, s, srcOff + 2L * i, LE);
            ((ByteVector) v.convertShape(VectorOperators.S2B, B16, 0)).intoArray(dst, dstOff + i);
            ((ByteVector) v.lanewise(VectorOperators.LSHR, 8).convertShape(VectorOperators.S2B, B16, 0))
                    .intoArray(dst, dstOff + n + i);
        }
        return i;
    }

    private static int shuffle4(byte[] src, int srcOff, byte[] dst, int dstOff, int n) {
        MemorySegment s = MemorySegment.ofArray(src);
        int lanes = S32.length();
        int i = 0;
        for (; i <= n - lanes; i += lanes) {
            IntVector v = IntVector.fromMemorySegment(S32, s, srcOff + 4L * i, LE);
            for (int j = 0; j < 4; j++) {
                ((ByteVector) v.lanewise(VectorOperators.LSHR, 8 * j).convertShape(VectorOperators.I2B, B32, 0))
                        .intoArray(dst, dstOff + j * n + i);
            }
        }
        return i;
    }

    private static int shuffle8(byte[] src, int srcOff, byte[] dst, int dstOff, int n) {
        MemorySegment s = MemorySegment.ofArray(src);
        int lanes = S64.length();
        int i = 0;
        for (; i <= n - lanes; i += lanes) {
            LongVector v = LongVector.fromMemorySegment(S64, s, srcOff + 8L * i, LE);
            for (int j = 0; j < 8; j++) {
                ((ByteVector) v.lanewise(VectorOperators.LSHR, 8 * j).convertShape(VectorOperators.L2B, B64, 0))
                        .intoArray(dst, dstOff + j * n + i);
            }
        }
        return i;
    }

    @Override
    public void unshuffle(byte[] src, int srcOff, byte[] dst, int dstOff, int length, int typesize) {
        ScalarKernels.INSTANCE.unshuffle(src, srcOff, dst, dstOff, length, typesize); // see shuffle
    }

    /** The Vector API byte unshuffle, kept for benchmarks and tests; see {@link #shuffle}. */
    public void unshuffleWide(byte[] src, int srcOff, byte[] dst, int dstOff, int length, int typesize) {
        ShuffleKernels.check(src, srcOff, dst, dstOff, length, typesize);
        int n = length / typesize;
        int done = switch (typesize) {
            case 2 -> unshuffle2(src, srcOff, dst, dstOff, n);
            case 4 -> unshuffle4(src, srcOff, dst, dstOff, n);
            case 8 -> unshuffle8(src, srcOff, dst, dstOff, n);
            default -> 0;
        };
        if (done == 0) {
            ScalarKernels.INSTANCE.unshuffle(src, srcOff, dst, dstOff, length, typesize);
            return;
        }
        for (int j = 0; j < typesize; j++) {
            for (int i = done; i < n; i++) {
                dst[dstOff + i * typesize + j] = src[srcOff + j * n + i];
            }
        }
        System.arraycopy(src, srcOff + n * typesize, dst, dstOff + n * typesize, length - n * typesize);
    }

    private static int unshuffle2(byte[] src, int srcOff, byte[] dst, int dstOff, int n) {
        MemorySegment d = MemorySegment.ofArray(dst);
        int lanes = S16.length();
        int i = 0;
        for (; i <= n - lanes; i += lanes) {
            ShortVector lo = (ShortVector) ByteVector.fromArray(B16, src, srcOff + i).convertShape(VectorOperators.ZERO_EXTEND_B2S, S16, 0);
            ShortVector hi = (ShortVector) ByteVector.fromArray(B16, src, srcOff + n + i).convertShape(VectorOperators.ZERO_EXTEND_B2S, S16, 0);
            lo.or(hi.lanewise(VectorOperators.LSHL, 8)).intoMemorySegment(d, dstOff + 2L * i, LE);
        }
        return i;
    }

    private static int unshuffle4(byte[] src, int srcOff, byte[] dst, int dstOff, int n) {
        MemorySegment d = MemorySegment.ofArray(dst);
        int lanes = S32.length();
        int i = 0;
        for (; i <= n - lanes; i += lanes) {
            IntVector acc = (IntVector) ByteVector.fromArray(B32, src, srcOff + i).convertShape(VectorOperators.ZERO_EXTEND_B2I, S32, 0);
            for (int j = 1; j < 4; j++) {
                IntVector w = (IntVector) ByteVector.fromArray(B32, src, srcOff + j * n + i)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, S32, 0);
                acc = acc.or(w.lanewise(VectorOperators.LSHL, 8 * j));
            }
            acc.intoMemorySegment(d, dstOff + 4L * i, LE);
        }
        return i;
    }

    private static int unshuffle8(byte[] src, int srcOff, byte[] dst, int dstOff, int n) {
        MemorySegment d = MemorySegment.ofArray(dst);
        int lanes = S64.length();
        int i = 0;
        for (; i <= n - lanes; i += lanes) {
            LongVector acc = (LongVector) ByteVector.fromArray(B64, src, srcOff + i).convertShape(VectorOperators.ZERO_EXTEND_B2L, S64, 0);
            for (int j = 1; j < 8; j++) {
                LongVector w = (LongVector) ByteVector.fromArray(B64, src, srcOff + j * n + i)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2L, S64, 0);
                acc = acc.or(w.lanewise(VectorOperators.LSHL, 8 * j));
            }
            acc.intoMemorySegment(d, dstOff + 8L * i, LE);
        }
        return i;
    }

    /** Bytes of planes per tile in the bit shuffles: small enough to stay in L1 between the two passes. */
    private static final int TILE_BYTES = 16384;

    /** Elements per tile: whole vectors of plane bytes where the element size allows, else whole groups of 8. */
    private static int tileElements(int typesize) {
        int t = TILE_BYTES / typesize;
        int lanes = BITS.length();
        return t >= lanes ? t - t % lanes : Math.max(8, t & ~7);
    }

    /*
     * Bit shuffles in tiles of elements, because the rows are separable by columns: elements i0..i0+t-1 touch
     * only bytes i0/8..(i0+t)/8 of each row. A tile's byte planes go to the front of scratch (and stay in L1),
     * then each plane's bits become row bytes: a vector's sign bits are one row's next 64 (or 32) bits, and
     * adding the vector to itself brings the next bit up. JMH (docs/kernels.md): 3-4x the untiled version.
     */
    @Override
    public void bitshuffle(byte[] src, int srcOff, byte[] dst, int dstOff, int length, int typesize, byte[] scratch) {
        ShuffleKernels.check(src, srcOff, dst, dstOff, length, typesize);
        ShuffleKernels.checkScratch(scratch, length);
        int m = (length / typesize) & ~7;
        int bytes = m * typesize;
        int stride = m >>> 3;
        if (typesize == 1) {
            bitsToRows(src, srcOff, dst, dstOff, stride, m);
        } else {
            int per = tileElements(typesize);
            for (int i0 = 0; i0 < m; i0 += per) {
                int t = Math.min(per, m - i0);
                ScalarKernels.INSTANCE.shuffle(src, srcOff + i0 * typesize, scratch, 0, t * typesize, typesize);
                for (int j = 0; j < typesize; j++) {
                    bitsToRows(scratch, j * t, dst, dstOff + 8 * j * stride + (i0 >>> 3), stride, t);
                }
            }
        }
        System.arraycopy(src, srcOff + bytes, dst, dstOff + bytes, length - bytes);
    }

    /** Plane bytes {@code planes[p..p+cols)} to 8 rows starting at {@code rows}, {@code stride} apart. */
    private static void bitsToRows(byte[] planes, int p, byte[] dst, int rows, int stride, int cols) {
        int lanes = BITS.length();
        int i = 0;
        for (; i <= cols - lanes; i += lanes) {
            ByteVector v = ByteVector.fromArray(BITS, planes, p + i);
            int col = rows + (i >>> 3);
            for (int k = 7; k >= 0; k--) {
                long bits = v.compare(VectorOperators.LT, (byte) 0).toLong();
                if (lanes == 64) {
                    LONG_LE.set(dst, col + k * stride, bits);
                } else {
                    INT_LE.set(dst, col + k * stride, (int) bits);
                }
                v = v.add(v);
            }
        }
        for (int g = i >>> 3; g < cols >>> 3; g++) {
            long y = ScalarKernels.transpose8x8((long) LONG_LE.get(planes, p + 8 * g));
            for (int k = 0; k < 8; k++) {
                dst[rows + k * stride + g] = (byte) (y >>> (8 * k));
            }
        }
    }

    /** Inverse of {@link #bitsToRows}: a row's bits become a mask, which sets bit k in the selected lanes. */
    private static void rowsToBits(byte[] src, int rows, int stride, byte[] planes, int p, int cols) {
        int lanes = BITS.length();
        ByteVector zero = ByteVector.zero(BITS);
        int i = 0;
        for (; i <= cols - lanes; i += lanes) {
            int col = rows + (i >>> 3);
            ByteVector acc = zero;
            for (int k = 0; k < 8; k++) {
                long bits = lanes == 64 ? (long) LONG_LE.get(src, col + k * stride)
                        : Integer.toUnsignedLong((int) INT_LE.get(src, col + k * stride));
                acc = acc.lanewise(VectorOperators.OR, (byte) (1 << k), VectorMask.fromLong(BITS, bits));
            }
            acc.intoArray(planes, p + i);
        }
        for (int g = i >>> 3; g < cols >>> 3; g++) {
            long x = 0;
            for (int k = 0; k < 8; k++) {
                x |= (src[rows + k * stride + g] & 0xffL) << (8 * k);
            }
            LONG_LE.set(planes, p + 8 * g, ScalarKernels.transpose8x8(x));
        }
    }

    @Override
    public void bitunshuffle(byte[] src, int srcOff, byte[] dst, int dstOff, int length, int typesize, byte[] scratch) {
        ShuffleKernels.check(src, srcOff, dst, dstOff, length, typesize);
        ShuffleKernels.checkScratch(scratch, length);
        int m = (length / typesize) & ~7;
        int bytes = m * typesize;
        int stride = m >>> 3;
        if (typesize == 1) {
            // with one byte per element the plane is the output itself
            rowsToBits(src, srcOff, stride, dst, dstOff, m);
        } else {
            int per = tileElements(typesize);
            for (int i0 = 0; i0 < m; i0 += per) {
                int t = Math.min(per, m - i0);
                for (int j = 0; j < typesize; j++) {
                    rowsToBits(src, srcOff + 8 * j * stride + (i0 >>> 3), stride, scratch, j * t, t);
                }
                ScalarKernels.INSTANCE.unshuffle(scratch, 0, dst, dstOff + i0 * typesize, t * typesize, typesize);
            }
        }
        System.arraycopy(src, srcOff + bytes, dst, dstOff + bytes, length - bytes);
    }

    @Override
    public void byteSwap(byte[] src, int srcOff, byte[] dst, int dstOff, int length, int typesize) {
        ShuffleKernels.check(src, srcOff, dst, dstOff, length, typesize);
        int n = length / typesize;
        MemorySegment s = MemorySegment.ofArray(src);
        MemorySegment d = MemorySegment.ofArray(dst);
        int i = 0;
        switch (typesize) {
            case 2 -> {
                for (; i <= n - S16.length(); i += S16.length()) {
                    ShortVector.fromMemorySegment(S16, s, srcOff + 2L * i, LE).intoMemorySegment(d, dstOff + 2L * i, ByteOrder.BIG_ENDIAN);
                }
            }
            case 4 -> {
                for (; i <= n - S32.length(); i += S32.length()) {
                    IntVector.fromMemorySegment(S32, s, srcOff + 4L * i, LE).intoMemorySegment(d, dstOff + 4L * i, ByteOrder.BIG_ENDIAN);
                }
            }
            case 8 -> {
                for (; i <= n - S64.length(); i += S64.length()) {
                    LongVector.fromMemorySegment(S64, s, srcOff + 8L * i, LE).intoMemorySegment(d, dstOff + 8L * i, ByteOrder.BIG_ENDIAN);
                }
            }
            default -> {
                // scalar below
            }
        }
        int off = i * typesize;
        ScalarKernels.INSTANCE.byteSwap(src, srcOff + off, dst, dstOff + off, length - off, typesize);
    }
}
