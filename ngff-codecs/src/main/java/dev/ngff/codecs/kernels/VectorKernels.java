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
    /**
     * Null where the preferred long vector has fewer than 8 lanes (AVX2: 4): no byte vector is that
     * short, so 8-byte elements then take the scalar loop.
     */
    private static final VectorSpecies<Byte> B64 = S64.length() >= 8 ? bytesFor(S64.length()) : null;
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
        if (B64 == null) {
            return 0;
        }
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
        if (B64 == null) {
            return 0;
        }
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
     * adding the vector to itself brings the next bit up. JMH (docs/kernels.md): with the register byte
     * transposes below, 2.4-5x the former untiled version that used the scalar byte shuffle.
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
                int from = srcOff + i0 * typesize;
                int done = switch (typesize) {
                    case 2 -> planes2(src, from, scratch, t);
                    case 4 -> planes4(src, from, scratch, t);
                    case 8 -> planes8(src, from, scratch, t);
                    default -> 0;
                };
                for (int j = 0; j < typesize; j++) {
                    for (int e = done; e < t; e++) {
                        scratch[j * t + e] = src[from + e * typesize + j];
                    }
                }
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
                int to = dstOff + i0 * typesize;
                int done = switch (typesize) {
                    case 2 -> elems2(scratch, dst, to, t);
                    case 4 -> elems4(scratch, dst, to, t);
                    case 8 -> elems8(scratch, dst, to, t);
                    default -> 0;
                };
                for (int j = 0; j < typesize; j++) {
                    for (int e = done; e < t; e++) {
                        dst[to + e * typesize + j] = scratch[j * t + e];
                    }
                }
            }
        }
        System.arraycopy(src, srcOff + bytes, dst, dstOff + bytes, length - bytes);
    }

    /*
     * Byte transposes in registers for the bit shuffles. Unzipping a byte stream (even bytes, then odd bytes)
     * rotates each byte's position one bit to the right; log2(typesize) unzips therefore move byte j of element
     * e to j * n + e, the byte shuffle. Each unzip is two two-vector selections per pair of vectors; zipping
     * undoes it. Elements go L at a time (L = lanes of BITS), the tile's planes being t bytes apart.
     */
    private static final ByteVector EVEN = indexes(i -> 2 * i);
    private static final ByteVector ODD = indexes(i -> 2 * i + 1);
    private static final ByteVector ZIP_LO = indexes(i -> (i % 2 == 0 ? 0 : BITS.length()) + i / 2);
    private static final ByteVector ZIP_HI = indexes(i -> (i % 2 == 0 ? 0 : BITS.length()) + BITS.length() / 2 + i / 2);

    private static ByteVector indexes(java.util.function.IntUnaryOperator f) {
        byte[] b = new byte[BITS.length()];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) f.applyAsInt(i);
        }
        return ByteVector.fromArray(BITS, b, 0);
    }

    private static ByteVector even(ByteVector a, ByteVector b) {
        return EVEN.selectFrom(a, b);
    }

    private static ByteVector odd(ByteVector a, ByteVector b) {
        return ODD.selectFrom(a, b);
    }

    /** Planes of 2-byte elements {@code src[from..)} into {@code tile} (planes {@code t} apart); returns elements done. */
    private static int planes2(byte[] src, int from, byte[] tile, int t) {
        int lanes = BITS.length();
        int e = 0;
        for (; e <= t - lanes; e += lanes) {
            int s = from + 2 * e;
            ByteVector a = ByteVector.fromArray(BITS, src, s);
            ByteVector b = ByteVector.fromArray(BITS, src, s + lanes);
            even(a, b).intoArray(tile, e);
            odd(a, b).intoArray(tile, t + e);
        }
        return e;
    }

    private static int planes4(byte[] src, int from, byte[] tile, int t) {
        int lanes = BITS.length();
        int e = 0;
        for (; e <= t - lanes; e += lanes) {
            int s = from + 4 * e;
            ByteVector v0 = ByteVector.fromArray(BITS, src, s);
            ByteVector v1 = ByteVector.fromArray(BITS, src, s + lanes);
            ByteVector v2 = ByteVector.fromArray(BITS, src, s + 2 * lanes);
            ByteVector v3 = ByteVector.fromArray(BITS, src, s + 3 * lanes);
            ByteVector e0 = even(v0, v1);
            ByteVector e1 = even(v2, v3);
            ByteVector o0 = odd(v0, v1);
            ByteVector o1 = odd(v2, v3);
            even(e0, e1).intoArray(tile, e);
            even(o0, o1).intoArray(tile, t + e);
            odd(e0, e1).intoArray(tile, 2 * t + e);
            odd(o0, o1).intoArray(tile, 3 * t + e);
        }
        return e;
    }

    private static int planes8(byte[] src, int from, byte[] tile, int t) {
        int lanes = BITS.length();
        int e = 0;
        for (; e <= t - lanes; e += lanes) {
            int s = from + 8 * e;
            ByteVector v0 = ByteVector.fromArray(BITS, src, s);
            ByteVector v1 = ByteVector.fromArray(BITS, src, s + lanes);
            ByteVector v2 = ByteVector.fromArray(BITS, src, s + 2 * lanes);
            ByteVector v3 = ByteVector.fromArray(BITS, src, s + 3 * lanes);
            ByteVector v4 = ByteVector.fromArray(BITS, src, s + 4 * lanes);
            ByteVector v5 = ByteVector.fromArray(BITS, src, s + 5 * lanes);
            ByteVector v6 = ByteVector.fromArray(BITS, src, s + 6 * lanes);
            ByteVector v7 = ByteVector.fromArray(BITS, src, s + 7 * lanes);
            // stream v0..v7 -> e0 e1 e2 e3 o0 o1 o2 o3 -> ee0 ee1 oe0 oe1 eo0 eo1 oo0 oo1 -> planes
            ByteVector e0 = even(v0, v1);
            ByteVector e1 = even(v2, v3);
            ByteVector e2 = even(v4, v5);
            ByteVector e3 = even(v6, v7);
            ByteVector o0 = odd(v0, v1);
            ByteVector o1 = odd(v2, v3);
            ByteVector o2 = odd(v4, v5);
            ByteVector o3 = odd(v6, v7);
            ByteVector ee0 = even(e0, e1);
            ByteVector ee1 = even(e2, e3);
            ByteVector eo0 = even(o0, o1);
            ByteVector eo1 = even(o2, o3);
            ByteVector oe0 = odd(e0, e1);
            ByteVector oe1 = odd(e2, e3);
            ByteVector oo0 = odd(o0, o1);
            ByteVector oo1 = odd(o2, o3);
            even(ee0, ee1).intoArray(tile, e);
            even(eo0, eo1).intoArray(tile, t + e);
            even(oe0, oe1).intoArray(tile, 2 * t + e);
            even(oo0, oo1).intoArray(tile, 3 * t + e);
            odd(ee0, ee1).intoArray(tile, 4 * t + e);
            odd(eo0, eo1).intoArray(tile, 5 * t + e);
            odd(oe0, oe1).intoArray(tile, 6 * t + e);
            odd(oo0, oo1).intoArray(tile, 7 * t + e);
        }
        return e;
    }

    /** Inverse of {@link #planes2}: the tile's planes back into elements at {@code dst[to..)}. */
    private static int elems2(byte[] tile, byte[] dst, int to, int t) {
        int lanes = BITS.length();
        int e = 0;
        for (; e <= t - lanes; e += lanes) {
            ByteVector p0 = ByteVector.fromArray(BITS, tile, e);
            ByteVector p1 = ByteVector.fromArray(BITS, tile, t + e);
            ZIP_LO.selectFrom(p0, p1).intoArray(dst, to + 2 * e);
            ZIP_HI.selectFrom(p0, p1).intoArray(dst, to + 2 * e + lanes);
        }
        return e;
    }

    private static ByteVector zipLo(ByteVector a, ByteVector b) {
        return ZIP_LO.selectFrom(a, b);
    }

    private static ByteVector zipHi(ByteVector a, ByteVector b) {
        return ZIP_HI.selectFrom(a, b);
    }

    private static int elems4(byte[] tile, byte[] dst, int to, int t) {
        int lanes = BITS.length();
        int e = 0;
        for (; e <= t - lanes; e += lanes) {
            ByteVector p0 = ByteVector.fromArray(BITS, tile, e);
            ByteVector p1 = ByteVector.fromArray(BITS, tile, t + e);
            ByteVector p2 = ByteVector.fromArray(BITS, tile, 2 * t + e);
            ByteVector p3 = ByteVector.fromArray(BITS, tile, 3 * t + e);
            // planes = [ee, eo, oe, oo] of the stream; undo the second unzip, then the first
            ByteVector e0 = zipLo(p0, p2);
            ByteVector e1 = zipHi(p0, p2);
            ByteVector o0 = zipLo(p1, p3);
            ByteVector o1 = zipHi(p1, p3);
            int d = to + 4 * e;
            zipLo(e0, o0).intoArray(dst, d);
            zipHi(e0, o0).intoArray(dst, d + lanes);
            zipLo(e1, o1).intoArray(dst, d + 2 * lanes);
            zipHi(e1, o1).intoArray(dst, d + 3 * lanes);
        }
        return e;
    }

    private static int elems8(byte[] tile, byte[] dst, int to, int t) {
        int lanes = BITS.length();
        int e = 0;
        for (; e <= t - lanes; e += lanes) {
            ByteVector p0 = ByteVector.fromArray(BITS, tile, e);
            ByteVector p1 = ByteVector.fromArray(BITS, tile, t + e);
            ByteVector p2 = ByteVector.fromArray(BITS, tile, 2 * t + e);
            ByteVector p3 = ByteVector.fromArray(BITS, tile, 3 * t + e);
            ByteVector p4 = ByteVector.fromArray(BITS, tile, 4 * t + e);
            ByteVector p5 = ByteVector.fromArray(BITS, tile, 5 * t + e);
            ByteVector p6 = ByteVector.fromArray(BITS, tile, 6 * t + e);
            ByteVector p7 = ByteVector.fromArray(BITS, tile, 7 * t + e);
            // the three unzips of planes8 undone in reverse order
            ByteVector ee0 = zipLo(p0, p4);
            ByteVector ee1 = zipHi(p0, p4);
            ByteVector eo0 = zipLo(p1, p5);
            ByteVector eo1 = zipHi(p1, p5);
            ByteVector oe0 = zipLo(p2, p6);
            ByteVector oe1 = zipHi(p2, p6);
            ByteVector oo0 = zipLo(p3, p7);
            ByteVector oo1 = zipHi(p3, p7);
            ByteVector e0 = zipLo(ee0, oe0);
            ByteVector e1 = zipHi(ee0, oe0);
            ByteVector e2 = zipLo(ee1, oe1);
            ByteVector e3 = zipHi(ee1, oe1);
            ByteVector o0 = zipLo(eo0, oo0);
            ByteVector o1 = zipHi(eo0, oo0);
            ByteVector o2 = zipLo(eo1, oo1);
            ByteVector o3 = zipHi(eo1, oo1);
            int d = to + 8 * e;
            zipLo(e0, o0).intoArray(dst, d);
            zipHi(e0, o0).intoArray(dst, d + lanes);
            zipLo(e1, o1).intoArray(dst, d + 2 * lanes);
            zipHi(e1, o1).intoArray(dst, d + 3 * lanes);
            zipLo(e2, o2).intoArray(dst, d + 4 * lanes);
            zipHi(e2, o2).intoArray(dst, d + 5 * lanes);
            zipLo(e3, o3).intoArray(dst, d + 6 * lanes);
            zipHi(e3, o3).intoArray(dst, d + 7 * lanes);
        }
        return e;
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
