package dev.ngff.pyramid;

import dev.ngff.buffer.NdBuffer;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.MiniFloat;

import java.lang.foreign.MemorySegment;
import java.math.BigInteger;
import java.util.Arrays;

import static dev.ngff.pyramid.ElementFormat.BYTE;
import static dev.ngff.pyramid.ElementFormat.DOUBLE;
import static dev.ngff.pyramid.ElementFormat.FLOAT;
import static dev.ngff.pyramid.ElementFormat.INT;
import static dev.ngff.pyramid.ElementFormat.LONG;
import static dev.ngff.pyramid.ElementFormat.SHORT;

/**
 * One validated call of {@link Downsampler#reduce}. The output is walked row by row along the last axis;
 * for each output row the input rows its windows cover (the blocks, or the gaussian windows, of the outer
 * axes) are listed once, then each kernel sweeps those input rows left to right over a tile of at most
 * {@link #TILE} outputs, accumulating into per-output scratch. The inner loops read the memory segment
 * directly at element offsets; only the row list is computed per output row.
 */
final class Reduction {
    /** Outputs per sweep of the last axis: the accumulators stay in the first-level cache. */
    static final int TILE = 2048;
    /** Bound on the elements one output reads (its block or window), so scratch stays small. */
    static final long MAX_WINDOW = 1 << 24;

    private enum Op { MEAN, MODE, MIN, MAX, NEAREST, GAUSSIAN }

    private final Op op;
    private final Downsampling.Gaussian gaussian;
    final int rank;
    final int last;
    private final int[] f;
    private final long[] inShape;
    final long[] srcOff;
    final long[] dstOff;
    final long[] dstShape;
    final long[] srcStride;
    private final long[] dstStride;
    private final DataType type;
    final ElementFormat fmt; // of a real element or one complex component; null for raw and variable-length
    final MiniFloat mini;
    final boolean complex;
    final int es; // element bytes (0 when variable-length)
    final int cs; // component bytes
    private final NdBuffer src;
    private final NdBuffer dst;
    final MemorySegment in;
    final MemorySegment out;

    // row list of the current output row: element index of each input row's column 0, and its gaussian weight
    private long[] rowBase;
    private double[] rowWeight;
    private int nRows;
    private final int[] rowCounter; // odometer over the outer window box, reused for every output row

    /** Gaussian by 1-D passes per axis ({@link SeparableGaussian}); false: the direct window product (test reference). */
    private final boolean separable;

    Reduction(Downsampling method, int[] factors, long[] inputShape, NdBuffer src, long[] srcOffset,
              NdBuffer dst, long[] dstOffset, boolean separable) {
        this.separable = separable;
        this.op = switch (method) {
            case Downsampling.Mean m -> Op.MEAN;
            case Downsampling.Mode m -> Op.MODE;
            case Downsampling.Min m -> Op.MIN;
            case Downsampling.Max m -> Op.MAX;
            case Downsampling.Nearest n -> Op.NEAREST;
            case Downsampling.Gaussian g -> Op.GAUSSIAN;
        };
        this.gaussian = method instanceof Downsampling.Gaussian g ? g : null;
        this.rank = factors.length;
        this.last = rank - 1;
        this.f = factors.clone();
        this.inShape = inputShape.clone();
        this.srcOff = srcOffset.clone();
        this.dstOff = dstOffset.clone();
        this.dstShape = dst.shape();
        this.srcStride = cOrderStrides(src.shape());
        this.dstStride = cOrderStrides(dstShape);
        this.type = src.dataType();
        this.fmt = ElementFormat.of(type);
        this.mini = type.miniFloat();
        this.complex = type.kind() == DataType.Kind.COMPLEX;
        this.es = type.byteSize();
        this.cs = complex ? es / 2 : es;
        this.src = src;
        this.dst = dst;
        this.in = src.isVariableLength() ? null : src.segment();
        this.out = dst.isVariableLength() ? null : dst.segment();
        this.rowCounter = new int[last];
    }

    private static long[] cOrderStrides(long[] shape) {
        long[] s = new long[shape.length];
        long n = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = n;
            n *= shape[d];
        }
        return s;
    }

    /** Most input elements a window of axis d spans. */
    int maxWindow(int d) {
        if (op == Op.NEAREST) {
            return 1;
        }
        if (op != Op.GAUSSIAN) {
            return (int) Math.min(f[d], inShape[d]);
        }
        long e = gaussianExtension(d);
        return (int) Math.min(Math.max(1, f[d] + 2 * Math.max(e, 0)), Math.max(1, inShape[d]));
    }

    /** How far a gaussian window reaches beyond its block on each side (negative: it stays inside). */
    private long gaussianExtension(int d) {
        return (long) Math.floor(gaussian.halfSize(d, f[d]) - (f[d] - 1) / 2.0);
    }

    void run() {
        long rowCapacity = 1;
        long windowCapacity = 1;
        for (int d = 0; d < rank; d++) {
            windowCapacity *= maxWindow(d);
            if (d < last) {
                rowCapacity *= maxWindow(d);
            }
            if (windowCapacity > MAX_WINDOW) {
                throw new IllegalArgumentException("each output element would read more than " + MAX_WINDOW
                        + " input elements (factors or gaussian half-sizes too large)");
            }
        }
        if (op == Op.GAUSSIAN && separable) {
            new SeparableGaussian(this).run();
            return;
        }
        rowBase = new long[(int) rowCapacity];
        rowWeight = op == Op.GAUSSIAN ? new double[(int) rowCapacity] : null;
        long[] winLo = new long[last];
        int[] winLen = new int[last];
        double[][] winWeight = new double[last][];
        for (int d = 0; d < last; d++) {
            winWeight[d] = op == Op.GAUSSIAN ? new double[maxWindow(d)] : null;
        }
        long rowLength = dstShape[last];
        int tile = (int) Math.min(rowLength, TILE);
        Scratch scratch = new Scratch(tile, (int) windowCapacity, op == Op.GAUSSIAN ? maxWindow(last) : 0);

        long[] j = new long[last]; // output row index within dst, outer axes
        while (true) {
            long dstRow = 0;
            for (int d = 0; d < last; d++) {
                long jj = dstOff[d] + j[d];
                if (op == Op.GAUSSIAN) {
                    long lo = gaussianWindow(d, jj, winWeight[d], 0, winLen, d);
                    winLo[d] = lo - srcOff[d];
                } else {
                    winLo[d] = jj * f[d] - srcOff[d];
                    winLen[d] = op == Op.NEAREST ? 1 : (int) Math.min(f[d], inShape[d] - jj * f[d]);
                }
                dstRow += j[d] * dstStride[d];
            }
            listRows(winLo, winLen, winWeight);
            for (long k0 = 0; k0 < rowLength; k0 += tile) {
                int n = (int) Math.min(tile, rowLength - k0);
                sweep(scratch, dstOff[last] + k0, n, dstRow + k0);
            }
            int d = last - 1;
            while (d >= 0 && ++j[d] == dstShape[d]) {
                j[d] = 0;
                d--;
            }
            if (d < 0) {
                return;
            }
        }
    }

    /** Fills the row list from the outer axes' windows (C order over the window box). */
    private void listRows(long[] winLo, int[] winLen, double[][] winWeight) {
        int count = 1;
        for (int d = 0; d < last; d++) {
            count *= winLen[d];
        }
        nRows = count;
        int[] t = rowCounter;
        Arrays.fill(t, 0);
        for (int r = 0; r < count; r++) {
            long base = 0;
            double w = 1;
            for (int d = 0; d < last; d++) {
                base += (winLo[d] + t[d]) * srcStride[d];
                if (winWeight[d] != null) {
                    w *= winWeight[d][t[d]];
                }
            }
            rowBase[r] = base;
            if (rowWeight != null) {
                rowWeight[r] = w;
            }
            for (int d = last - 1; d >= 0; d--) {
                if (++t[d] < winLen[d]) {
                    break;
                }
                t[d] = 0;
            }
        }
    }

    /**
     * The gaussian window of output {@code j} (absolute) on axis d: writes its normalised weights and its
     * length (into {@code lenOut[lenIndex]}) and returns its first absolute input index. The window holds the
     * integers x with |x - c| <= halfSize around the block centre c = j f + (f-1)/2, at least the element(s)
     * nearest c, clipped to the input; when clipping leaves nothing (an edge block whose centre lies beyond the
     * input), the last input element stands in.
     */
    long gaussianWindow(int d, long j, double[] w, int wOff, int[] lenOut, int lenIndex) {
        int fd = f[d];
        long n = inShape[d];
        long e = gaussianExtension(d);
        long start = j * fd;
        long lo = start - e;
        long hi = start + fd - 1 + e;
        if (lo > hi) {
            lo = start + (fd - 1) / 2;
            hi = start + fd / 2;
        }
        lo = Math.max(lo, 0);
        hi = Math.min(hi, n - 1);
        if (lo > hi) {
            lo = n - 1;
            hi = n - 1;
        }
        int len = (int) (hi - lo + 1);
        double centre = (fd - 1) / 2.0;
        double minSq = Double.POSITIVE_INFINITY;
        for (int t = 0; t < len; t++) {
            double dist = (lo + t - start) - centre;
            minSq = Math.min(minSq, dist * dist);
        }
        double sigma = gaussian.sigma(d, fd);
        double sum = 0;
        for (int t = 0; t < len; t++) {
            double dist = (lo + t - start) - centre;
            double sq = dist * dist;
            // relative to the nearest element, so that a tiny sigma cannot underflow every weight to zero
            // StrictMath: Math.exp may differ by an ulp between the interpreter and compiled code, and a box
            // reduced on its own must equal the same box of a whole reduction, bit for bit
            double v = sigma == 0 ? (sq == minSq ? 1 : 0) : StrictMath.exp(-(sq - minSq) / (2 * sigma * sigma));
            w[wOff + t] = v;
            sum += v;
        }
        for (int t = 0; t < len; t++) {
            w[wOff + t] /= sum;
        }
        lenOut[lenIndex] = len;
        return lo;
    }

    /** Per-call scratch, sized for one tile of outputs and one window. */
    private static final class Scratch {
        final long[] acc;
        final long[] hi;
        final double[] dacc;
        final double[] dacc2;
        final long[] keys;
        final long[] tileLo;
        final int[] tileLen;
        final double[] tileWeight;
        final int tileStride;
        long tileFirst = -1;

        Scratch(int tile, int window, int lastWindow) {
            acc = new long[tile];
            hi = new long[tile];
            dacc = new double[tile];
            dacc2 = new double[tile];
            keys = new long[window];
            tileLo = lastWindow > 0 ? new long[tile] : null;
            tileLen = lastWindow > 0 ? new int[tile] : null;
            tileWeight = lastWindow > 0 ? new double[tile * lastWindow] : null;
            tileStride = lastWindow;
        }
    }

    /** Reduces outputs [jFirst, jFirst + n) of the last axis (absolute), the current row list, into dst element dstE. */
    private void sweep(Scratch s, long jFirst, int n, long dstE) {
        int fl = f[last];
        long c0 = jFirst * fl - srcOff[last]; // src column of the first block's start
        long cEnd = inShape[last] - srcOff[last]; // src column just past the input's end
        int full = (int) Math.min(n, (cEnd - c0) / fl);
        int tail = full < n ? (int) (cEnd - (c0 + (long) full * fl)) : 0;
        switch (op) {
            case NEAREST -> nearest(c0, fl, n, dstE);
            case MEAN -> {
                if (complex) {
                    gaussianOrComplexMean(s, jFirst, n, dstE, c0, fl, full, tail);
                } else if (fmt.isFloat()) {
                    meanFloat(s, c0, fl, full, tail, n, dstE);
                } else if (fmt == ElementFormat.I64 || fmt == ElementFormat.U64) {
                    meanWide(s, c0, fl, full, tail, n, dstE);
                } else {
                    meanInt(s, c0, fl, full, tail, n, dstE);
                }
            }
            case MIN, MAX -> {
                if (fmt.isFloat()) {
                    extremeFloat(s, c0, fl, full, tail, n, dstE, op == Op.MIN);
                } else {
                    extremeInt(s, c0, fl, full, tail, n, dstE, op == Op.MIN);
                }
            }
            case MODE -> {
                if (fmt == null || complex) {
                    modeElements(s, c0, fl, full, tail, n, dstE);
                } else {
                    modeKeys(s, c0, fl, full, tail, n, dstE);
                }
            }
            case GAUSSIAN -> gaussianOrComplexMean(s, jFirst, n, dstE, c0, fl, full, tail);
        }
    }

    // ---- nearest ---------------------------------------------------------------------------------

    private void nearest(long c0, int fl, int n, long dstE) {
        long e0 = rowBase[0] + c0;
        if (in == null) {
            for (int k = 0; k < n; k++) {
                dst.setElementBytes(dstE + k, src.elementBytesUnsafe(e0 + (long) k * fl));
            }
            return;
        }
        switch (es) {
            case 1 -> {
                for (int k = 0; k < n; k++) {
                    out.set(BYTE, dstE + k, in.get(BYTE, e0 + (long) k * fl));
                }
            }
            case 2 -> {
                for (int k = 0; k < n; k++) {
                    out.set(SHORT, 2 * (dstE + k), in.get(SHORT, 2 * (e0 + (long) k * fl)));
                }
            }
            case 4 -> {
                for (int k = 0; k < n; k++) {
                    out.set(INT, 4 * (dstE + k), in.get(INT, 4 * (e0 + (long) k * fl)));
                }
            }
            case 8 -> {
                for (int k = 0; k < n; k++) {
                    out.set(LONG, 8 * (dstE + k), in.get(LONG, 8 * (e0 + (long) k * fl)));
                }
            }
            default -> {
                for (int k = 0; k < n; k++) {
                    MemorySegment.copy(in, es * (e0 + (long) k * fl), out, es * (dstE + k), es);
                }
            }
        }
    }

    // ---- mean ------------------------------------------------------------------------------------

    /** Integers up to 32 bits and bool: exact long sums, then the mean rounded half to even. */
    private void meanInt(Scratch s, long c0, int fl, int full, int tail, int n, long dstE) {
        if (fl == 2 && fmt == ElementFormat.U16 && nRows <= 1 << 14) {
            meanRest(meanU16Pairs(c0, full, dstE), c0, fl, full, tail, n, dstE);
            return;
        }
        if (fl == 2 && fmt == ElementFormat.U8 && nRows <= 1 << 7) {
            meanRest(meanU8Quads(c0, full, dstE), c0, fl, full, tail, n, dstE);
            return;
        }
        long[] acc = s.acc;
        Arrays.fill(acc, 0, n, 0);
        for (int r = 0; r < nRows; r++) {
            long e0 = rowBase[r] + c0;
            switch (fmt) {
                case U16 -> sumU16(in, 2 * e0, fl, full, tail, acc);
                case U8 -> sumU8(in, e0, fl, full, tail, acc);
                default -> sumGeneric(fmt, in, e0, es, fl, full, tail, acc);
            }
        }
        long dFull = (long) nRows * fl;
        long dTail = (long) nRows * tail;
        for (int k = 0; k < full; k++) {
            ElementFormat.writeLong(fmt, out, es * (dstE + k), divideHalfEven(acc[k], dFull));
        }
        if (full < n) {
            ElementFormat.writeLong(fmt, out, es * (dstE + full), divideHalfEven(acc[full], dTail));
        }
    }

    /**
     * uint16 by 2 on the last axis: one 8-byte load per input row covers two outputs, summed as two 32-bit
     * lanes (at most 2^14 rows of 2 x 65535 each), so no accumulator array is touched. Returns how many
     * outputs it wrote.
     */
    private int meanU16Pairs(long c0, int full, long dstE) {
        final long lanesMask = 0x0000_ffff_0000_ffffL;
        int pairs = full / 2;
        long d = 2L * nRows;
        boolean pow2 = Long.bitCount(d) == 1;
        int shift = Long.numberOfTrailingZeros(d);
        long[] rows = rowBase;
        int nr = nRows;
        if (nr == 4 && pow2) {
            // 2x2x2, the pyramid's usual step: four row streams held in locals
            long b0 = 2 * (rows[0] + c0);
            long b1 = 2 * (rows[1] + c0);
            long b2 = 2 * (rows[2] + c0);
            long b3 = 2 * (rows[3] + c0);
            long o = 2 * dstE;
            for (int p = 0; p < pairs; p++) {
                long at = 8L * p;
                long v0 = in.get(LONG, b0 + at);
                long v1 = in.get(LONG, b1 + at);
                long v2 = in.get(LONG, b2 + at);
                long v3 = in.get(LONG, b3 + at);
                long lanes = (v0 & lanesMask) + ((v0 >>> 16) & lanesMask) + (v1 & lanesMask) + ((v1 >>> 16) & lanesMask)
                        + (v2 & lanesMask) + ((v2 >>> 16) & lanesMask) + (v3 & lanesMask) + ((v3 >>> 16) & lanesMask);
                out.set(SHORT, o + 4L * p, (short) shiftHalfEven(lanes & 0xffff_ffffL, 3));
                out.set(SHORT, o + 4L * p + 2, (short) shiftHalfEven(lanes >>> 32, 3));
            }
            return 2 * pairs;
        }
        for (int p = 0; p < pairs; p++) {
            long col = c0 + 4L * p;
            long lanes = 0;
            for (int r = 0; r < nr; r++) {
                long v = in.get(LONG, 2 * (rows[r] + col));
                lanes += (v & lanesMask) + ((v >>> 16) & lanesMask);
            }
            long s0 = lanes & 0xffff_ffffL;
            long s1 = lanes >>> 32;
            long o = 2 * (dstE + 2L * p);
            out.set(SHORT, o, (short) (pow2 ? shiftHalfEven(s0, shift) : divideHalfEven(s0, d)));
            out.set(SHORT, o + 2, (short) (pow2 ? shiftHalfEven(s1, shift) : divideHalfEven(s1, d)));
        }
        return 2 * pairs;
    }

    /** uint8 by 2 on the last axis: one 8-byte load per input row covers four outputs (16-bit lanes, at most 128 rows). */
    private int meanU8Quads(long c0, int full, long dstE) {
        final long lanesMask = 0x00ff_00ff_00ff_00ffL;
        int quads = full / 4;
        long d = 2L * nRows;
        boolean pow2 = Long.bitCount(d) == 1;
        int shift = Long.numberOfTrailingZeros(d);
        long[] rows = rowBase;
        int nr = nRows;
        for (int p = 0; p < quads; p++) {
            long col = c0 + 8L * p;
            long lanes = 0;
            for (int r = 0; r < nr; r++) {
                long v = in.get(LONG, rows[r] + col);
                lanes += (v & lanesMask) + ((v >>> 8) & lanesMask);
            }
            long o = dstE + 4L * p;
            for (int i = 0; i < 4; i++) {
                long sum = (lanes >>> (16 * i)) & 0xffff;
                out.set(BYTE, o + i, (byte) (pow2 ? shiftHalfEven(sum, shift) : divideHalfEven(sum, d)));
            }
        }
        return 4 * quads;
    }

    /** The integer mean of outputs [from, n), one block at a time (what the lane kernels leave over). */
    private void meanRest(int from, long c0, int fl, int full, int tail, int n, long dstE) {
        for (int k = from; k < n; k++) {
            int len = k < full ? fl : tail;
            long col = c0 + (long) fl * k;
            long sum = 0;
            for (int r = 0; r < nRows; r++) {
                long o = es * (rowBase[r] + col);
                for (int t = 0; t < len; t++) {
                    sum += ElementFormat.readLong(fmt, in, o + (long) es * t);
                }
            }
            ElementFormat.writeLong(fmt, out, es * (dstE + k), divideHalfEven(sum, (long) nRows * len));
        }
    }

    /** {@code v / 2^shift} rounded to nearest, ties to even. */
    private static long shiftHalfEven(long v, int shift) {
        long q = v >> shift;
        long twice = (v & ((1L << shift) - 1)) << 1;
        long d = 1L << shift;
        return q + ((twice > d || (twice == d && (q & 1) != 0)) ? 1 : 0);
    }

    private static void sumU16(MemorySegment in, long off, int fl, int full, int tail, long[] acc) {
        if (fl == 1) {
            for (int k = 0; k < full; k++) {
                acc[k] += in.get(SHORT, off + 2L * k) & 0xffff;
            }
        } else {
            for (int k = 0; k < full; k++) {
                long o = off + 2L * fl * k;
                long sum = 0;
                for (int t = 0; t < fl; t++) {
                    sum += in.get(SHORT, o + 2L * t) & 0xffff;
                }
                acc[k] += sum;
            }
        }
        if (tail > 0) {
            long o = off + 2L * fl * full;
            long sum = 0;
            for (int t = 0; t < tail; t++) {
                sum += in.get(SHORT, o + 2L * t) & 0xffff;
            }
            acc[full] += sum;
        }
    }

    private static void sumU8(MemorySegment in, long off, int fl, int full, int tail, long[] acc) {
        for (int k = 0; k < full; k++) {
            long o = off + (long) fl * k;
            long sum = 0;
            for (int t = 0; t < fl; t++) {
                sum += in.get(BYTE, o + t) & 0xff;
            }
            acc[k] += sum;
        }
        if (tail > 0) {
            long o = off + (long) fl * full;
            long sum = 0;
            for (int t = 0; t < tail; t++) {
                sum += in.get(BYTE, o + t) & 0xff;
            }
            acc[full] += sum;
        }
    }

    private static void sumGeneric(ElementFormat fmt, MemorySegment in, long e0, int es, int fl, int full, int tail, long[] acc) {
        int blocks = full + (tail > 0 ? 1 : 0);
        for (int k = 0; k < blocks; k++) {
            int len = k < full ? fl : tail;
            long o = es * (e0 + (long) fl * k);
            long sum = 0;
            for (int t = 0; t < len; t++) {
                sum += ElementFormat.readLong(fmt, in, o + (long) es * t);
            }
            acc[k] += sum;
        }
    }

    /** {@code s / d} rounded to nearest, ties to even, exactly ({@code d > 0}). */
    static long divideHalfEven(long s, long d) {
        long q = Math.floorDiv(s, d);
        long rem = s - q * d; // in [0, d)
        long up = d - rem;
        if (rem > up || (rem == up && (q & 1) != 0)) {
            q++;
        }
        return q;
    }

    /** int64 and uint64: 128-bit sums (hi:lo), so that no block overflows. */
    private void meanWide(Scratch s, long c0, int fl, int full, int tail, int n, long dstE) {
        long[] lo = s.acc;
        long[] hi = s.hi;
        Arrays.fill(lo, 0, n, 0);
        Arrays.fill(hi, 0, n, 0);
        boolean unsigned = fmt == ElementFormat.U64;
        int blocks = full + (tail > 0 ? 1 : 0);
        for (int r = 0; r < nRows; r++) {
            long e0 = rowBase[r] + c0;
            for (int k = 0; k < blocks; k++) {
                int len = k < full ? fl : tail;
                long o = 8 * (e0 + (long) fl * k);
                long l = lo[k];
                long h = hi[k];
                for (int t = 0; t < len; t++) {
                    long v = in.get(LONG, o + 8L * t);
                    long sum = l + v;
                    h += (Long.compareUnsigned(sum, l) < 0 ? 1 : 0) + (unsigned ? 0 : v >> 63);
                    l = sum;
                }
                lo[k] = l;
                hi[k] = h;
            }
        }
        for (int k = 0; k < blocks; k++) {
            long d = (long) nRows * (k < full ? fl : tail);
            long q;
            if (hi[k] == lo[k] >> 63) {
                q = divideHalfEven(lo[k], d);
            } else {
                q = divideHalfEven(BigInteger.valueOf(hi[k]).shiftLeft(64)
                        .add(BigInteger.valueOf(lo[k] >>> 1).shiftLeft(1).add(BigInteger.valueOf(lo[k] & 1))), d);
            }
            out.set(LONG, 8 * (dstE + k), q);
        }
    }

    /** The low 64 bits of {@code s / d} rounded to nearest, ties to even ({@code d > 0}). */
    private static long divideHalfEven(BigInteger s, long d) {
        BigInteger dd = BigInteger.valueOf(d);
        BigInteger[] qr = s.divideAndRemainder(dd);
        BigInteger q = qr[0];
        BigInteger rem = qr[1];
        if (rem.signum() < 0) { // truncated toward zero: move to the floor
            q = q.subtract(BigInteger.ONE);
            rem = rem.add(dd);
        }
        int c = rem.shiftLeft(1).compareTo(dd);
        if (c > 0 || (c == 0 && q.testBit(0))) {
            q = q.add(BigInteger.ONE);
        }
        return q.longValue();
    }

    /** Real floats: sums in double, the mean rounded once to the type. */
    private void meanFloat(Scratch s, long c0, int fl, int full, int tail, int n, long dstE) {
        if (fmt == ElementFormat.F32 && fl == 2) {
            // output by output over the rows: no accumulator array for the common case
            double d = 2.0 * nRows;
            for (int k = 0; k < full; k++) {
                long col = c0 + 2L * k;
                double sum = 0;
                for (int r = 0; r < nRows; r++) {
                    long o = 4 * (rowBase[r] + col);
                    sum += (double) in.get(FLOAT, o) + in.get(FLOAT, o + 4);
                }
                out.set(FLOAT, 4 * (dstE + k), (float) (sum / d));
            }
            if (full < n) {
                long o0 = 4 * (c0 + 2L * full);
                double sum = 0;
                for (int r = 0; r < nRows; r++) {
                    sum += in.get(FLOAT, 4 * rowBase[r] + o0);
                }
                out.set(FLOAT, 4 * (dstE + full), (float) (sum / nRows));
            }
            return;
        }
        double[] acc = s.dacc;
        Arrays.fill(acc, 0, n, 0);
        int blocks = full + (tail > 0 ? 1 : 0);
        for (int r = 0; r < nRows; r++) {
            long e0 = rowBase[r] + c0;
            if (fmt == ElementFormat.F32) {
                for (int k = 0; k < blocks; k++) {
                    int len = k < full ? fl : tail;
                    long o = 4 * (e0 + (long) fl * k);
                    double sum = 0;
                    for (int t = 0; t < len; t++) {
                        sum += in.get(FLOAT, o + 4L * t);
                    }
                    acc[k] += sum;
                }
            } else if (fmt == ElementFormat.F64) {
                for (int k = 0; k < blocks; k++) {
                    int len = k < full ? fl : tail;
                    long o = 8 * (e0 + (long) fl * k);
                    double sum = 0;
                    for (int t = 0; t < len; t++) {
                        sum += in.get(DOUBLE, o + 8L * t);
                    }
                    acc[k] += sum;
                }
            } else {
                for (int k = 0; k < blocks; k++) {
                    int len = k < full ? fl : tail;
                    long o = es * (e0 + (long) fl * k);
                    double sum = 0;
                    for (int t = 0; t < len; t++) {
                        sum += ElementFormat.readDouble(fmt, mini, in, o + (long) es * t);
                    }
                    acc[k] += sum;
                }
            }
        }
        for (int k = 0; k < blocks; k++) {
            double d = (double) nRows * (k < full ? fl : tail);
            ElementFormat.writeFloat(fmt, mini, out, es * (dstE + k), acc[k] / d);
        }
    }

    // ---- min and max -----------------------------------------------------------------------------

    private void extremeInt(Scratch s, long c0, int fl, int full, int tail, int n, long dstE, boolean min) {
        long[] acc = s.acc;
        // uint64 compares as signed after flipping the sign bit
        long flip = fmt == ElementFormat.U64 ? Long.MIN_VALUE : 0;
        Arrays.fill(acc, 0, n, min ? Long.MAX_VALUE : Long.MIN_VALUE);
        int blocks = full + (tail > 0 ? 1 : 0);
        for (int r = 0; r < nRows; r++) {
            long e0 = rowBase[r] + c0;
            for (int k = 0; k < blocks; k++) {
                int len = k < full ? fl : tail;
                long o = es * (e0 + (long) fl * k);
                long a = acc[k];
                for (int t = 0; t < len; t++) {
                    long v = ElementFormat.readLong(fmt, in, o + (long) es * t) ^ flip;
                    a = min ? Math.min(a, v) : Math.max(a, v);
                }
                acc[k] = a;
            }
        }
        for (int k = 0; k < blocks; k++) {
            ElementFormat.writeLong(fmt, out, es * (dstE + k), acc[k] ^ flip);
        }
    }

    /** Floats: a NaN in the block makes the result NaN (as NumPy's min and max); -0 counts below +0. */
    private void extremeFloat(Scratch s, long c0, int fl, int full, int tail, int n, long dstE, boolean min) {
        double[] acc = s.dacc;
        Arrays.fill(acc, 0, n, min ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY);
        int blocks = full + (tail > 0 ? 1 : 0);
        for (int r = 0; r < nRows; r++) {
            long e0 = rowBase[r] + c0;
            for (int k = 0; k < blocks; k++) {
                int len = k < full ? fl : tail;
                long o = es * (e0 + (long) fl * k);
                double a = acc[k];
                for (int t = 0; t < len; t++) {
                    double v = ElementFormat.readDouble(fmt, mini, in, o + (long) es * t);
                    a = min ? Math.min(a, v) : Math.max(a, v);
                }
                acc[k] = a;
            }
        }
        for (int k = 0; k < blocks; k++) {
            // the value is one of the block's, so writing it back is exact
            ElementFormat.writeFloat(fmt, mini, out, es * (dstE + k), acc[k]);
        }
    }

    // ---- mode ------------------------------------------------------------------------------------

    /** Real numbers and bool: each element becomes a long key whose signed order is the value order. */
    private void modeKeys(Scratch s, long c0, int fl, int full, int tail, int n, long dstE) {
        long[] keys = s.keys;
        int from = 0;
        if (fl == 2 && (fmt == ElementFormat.U32 || fmt == ElementFormat.I32)) {
            from = modeUniformPairs32(keys, c0, full, dstE);
        } else if (fl == 2 && (fmt == ElementFormat.U64 || fmt == ElementFormat.I64)) {
            from = modeUniformPairs64(keys, c0, full, dstE);
        }
        boolean isFloat = fmt.isFloat();
        int width = fmt.bits(mini);
        long flip = fmt == ElementFormat.U64 ? Long.MIN_VALUE : 0;
        int blocks = full + (tail > 0 ? 1 : 0);
        for (int k = from; k < blocks; k++) {
            int len = k < full ? fl : tail;
            long col = c0 + (long) fl * k;
            int m = 0;
            switch (fmt) {
                case U32 -> {
                    for (int r = 0; r < nRows; r++) {
                        long o = 4 * (rowBase[r] + col);
                        for (int t = 0; t < len; t++) {
                            keys[m++] = in.get(INT, o + 4L * t) & 0xffff_ffffL;
                        }
                    }
                }
                case U64 -> {
                    for (int r = 0; r < nRows; r++) {
                        long o = 8 * (rowBase[r] + col);
                        for (int t = 0; t < len; t++) {
                            keys[m++] = in.get(LONG, o + 8L * t) ^ Long.MIN_VALUE;
                        }
                    }
                }
                case U16 -> {
                    for (int r = 0; r < nRows; r++) {
                        long o = 2 * (rowBase[r] + col);
                        for (int t = 0; t < len; t++) {
                            keys[m++] = in.get(SHORT, o + 2L * t) & 0xffffL;
                        }
                    }
                }
                default -> {
                    for (int r = 0; r < nRows; r++) {
                        long o = es * (rowBase[r] + col);
                        for (int t = 0; t < len; t++) {
                            long off = o + (long) es * t;
                            keys[m++] = isFloat ? ElementFormat.floatKey(ElementFormat.readFloatBits(width, in, off), width)
                                    : ElementFormat.readLong(fmt, in, off) ^ flip;
                        }
                    }
                }
            }
            long key = modeOf(keys, m);
            long outOff = es * (dstE + k);
            if (isFloat) {
                long bits = ElementFormat.floatFromKey(key, width);
                switch (width) {
                    case 8 -> out.set(BYTE, outOff, (byte) bits);
                    case 16 -> out.set(SHORT, outOff, (short) bits);
                    case 32 -> out.set(INT, outOff, (int) bits);
                    default -> out.set(LONG, outOff, bits);
                }
            } else {
                ElementFormat.writeLong(fmt, out, outOff, key ^ flip);
            }
        }
    }

    /**
     * 32-bit labels by 2 on the last axis: one 8-byte load per input row holds the row's part of the block,
     * and a block whose loads all equal the first (both halves alike) is uniform, the common case in label
     * images, decided without gathering keys. Returns how many outputs it wrote (all full blocks).
     */
    private int modeUniformPairs32(long[] keys, long c0, int full, long dstE) {
        long[] rows = rowBase;
        int nr = nRows;
        long mask = fmt == ElementFormat.U32 ? 0xffff_ffffL : -1L;
        for (int k = 0; k < full; k++) {
            long col = c0 + 2L * k;
            long first = in.get(LONG, 4 * (rows[0] + col));
            boolean uniform = (int) first == (int) (first >>> 32);
            for (int r = 1; r < nr && uniform; r++) {
                uniform = in.get(LONG, 4 * (rows[r] + col)) == first;
            }
            if (uniform) {
                out.set(INT, 4 * (dstE + k), (int) first);
                continue;
            }
            int m = 0;
            for (int r = 0; r < nr; r++) {
                long v = in.get(LONG, 4 * (rows[r] + col));
                keys[m++] = fmt == ElementFormat.U32 ? v & mask : (int) v;
                keys[m++] = fmt == ElementFormat.U32 ? v >>> 32 : v >> 32;
            }
            out.set(INT, 4 * (dstE + k), (int) modeOf(keys, m));
        }
        return full;
    }

    /** 64-bit labels by 2 on the last axis: as {@link #modeUniformPairs32}, two loads per input row. */
    private int modeUniformPairs64(long[] keys, long c0, int full, long dstE) {
        long[] rows = rowBase;
        int nr = nRows;
        long flip = fmt == ElementFormat.U64 ? Long.MIN_VALUE : 0;
        for (int k = 0; k < full; k++) {
            long col = c0 + 2L * k;
            long first = in.get(LONG, 8 * (rows[0] + col));
            boolean uniform = in.get(LONG, 8 * (rows[0] + col) + 8) == first;
            for (int r = 1; r < nr && uniform; r++) {
                long o = 8 * (rows[r] + col);
                uniform = in.get(LONG, o) == first && in.get(LONG, o + 8) == first;
            }
            if (uniform) {
                out.set(LONG, 8 * (dstE + k), first);
                continue;
            }
            int m = 0;
            for (int r = 0; r < nr; r++) {
                long o = 8 * (rows[r] + col);
                keys[m++] = in.get(LONG, o) ^ flip;
                keys[m++] = in.get(LONG, o + 8) ^ flip;
            }
            out.set(LONG, 8 * (dstE + k), modeOf(keys, m) ^ flip);
        }
        return full;
    }

    /** The most frequent key of {@code keys[0, m)}, the smallest among ties; reorders the keys. */
    static long modeOf(long[] keys, int m) {
        long first = keys[0];
        int i = 1;
        while (i < m && keys[i] == first) {
            i++;
        }
        if (i == m) {
            return first; // a uniform block, the common case for labels
        }
        if (m <= 32) {
            for (int a = 1; a < m; a++) {
                long v = keys[a];
                int b = a - 1;
                while (b >= 0 && keys[b] > v) {
                    keys[b + 1] = keys[b];
                    b--;
                }
                keys[b + 1] = v;
            }
        } else {
            Arrays.sort(keys, 0, m);
        }
        long best = keys[0];
        int bestCount = 0;
        int a = 0;
        while (a < m) {
            int b = a + 1;
            while (b < m && keys[b] == keys[a]) {
                b++;
            }
            if (b - a > bestCount) { // strictly more: the first (smallest) run wins ties
                bestCount = b - a;
                best = keys[a];
            }
            a = b;
        }
        return best;
    }

    /**
     * Complex numbers, raw bytes and variable-length elements: the block's element indices are sorted by
     * the element order (complex: real part, then imaginary part, each in the float order of
     * {@link ElementFormat#floatKey}; others: unsigned lexicographic bytes, a missing element first).
     */
    private void modeElements(Scratch s, long c0, int fl, int full, int tail, int n, long dstE) {
        long[] idx = s.keys;
        int blocks = full + (tail > 0 ? 1 : 0);
        for (int k = 0; k < blocks; k++) {
            int len = k < full ? fl : tail;
            long col = c0 + (long) fl * k;
            int m = 0;
            for (int r = 0; r < nRows; r++) {
                for (int t = 0; t < len; t++) {
                    idx[m++] = rowBase[r] + col + t;
                }
            }
            // insertion sort: blocks are small, and it needs no boxing
            for (int a = 1; a < m; a++) {
                long v = idx[a];
                int b = a - 1;
                while (b >= 0 && compareElements(idx[b], v) > 0) {
                    idx[b + 1] = idx[b];
                    b--;
                }
                idx[b + 1] = v;
            }
            long best = idx[0];
            int bestCount = 0;
            int a = 0;
            while (a < m) {
                int b = a + 1;
                while (b < m && compareElements(idx[b], idx[a]) == 0) {
                    b++;
                }
                if (b - a > bestCount) {
                    bestCount = b - a;
                    best = idx[a];
                }
                a = b;
            }
            if (in == null) {
                dst.setElementBytes(dstE + k, src.elementBytesUnsafe(best));
            } else {
                MemorySegment.copy(in, es * best, out, es * (dstE + k), es);
            }
        }
    }

    private int compareElements(long a, long b) {
        if (in == null) {
            byte[] x = src.elementBytesUnsafe(a);
            byte[] y = src.elementBytesUnsafe(b);
            if (x == null || y == null) {
                return x == null ? (y == null ? 0 : -1) : 1;
            }
            return Arrays.compareUnsigned(x, y);
        }
        if (complex) {
            int width = 8 * cs;
            for (int part = 0; part < 2; part++) {
                long x = ElementFormat.floatKey(ElementFormat.readFloatBits(width, in, es * a + part * cs), width);
                long y = ElementFormat.floatKey(ElementFormat.readFloatBits(width, in, es * b + part * cs), width);
                if (x != y) {
                    return Long.compare(x, y);
                }
            }
            return 0;
        }
        long i = MemorySegment.mismatch(in, es * a, es * a + es, in, es * b, es * b + es);
        if (i < 0) {
            return 0;
        }
        return Integer.compare(in.get(BYTE, es * a + i) & 0xff, in.get(BYTE, es * b + i) & 0xff);
    }

    // ---- gaussian, and the mean of complex numbers -----------------------------------------------

    /**
     * Weighted sums in double over the current row list: gaussian weights, or equal weights for the mean of
     * complex numbers (each part averaged as a real float).
     */
    private void gaussianOrComplexMean(Scratch s, long jFirst, int n, long dstE, long c0, int fl, int full, int tail) {
        double[] re = s.dacc;
        double[] im = s.dacc2;
        Arrays.fill(re, 0, n, 0);
        Arrays.fill(im, 0, n, 0);
        boolean weighted = op == Op.GAUSSIAN;
        if (weighted && s.tileFirst != jFirst) {
            for (int k = 0; k < n; k++) {
                s.tileLo[k] = gaussianWindow(last, jFirst + k, s.tileWeight, k * s.tileStride, s.tileLen, k) - srcOff[last];
            }
            s.tileFirst = jFirst;
        }
        int blocks = weighted ? n : full + (tail > 0 ? 1 : 0);
        for (int r = 0; r < nRows; r++) {
            long e0 = rowBase[r];
            double rw = weighted ? rowWeight[r] : 1;
            if (rw == 0) {
                continue; // a zero weight takes no part: a NaN or infinity there must not spread
            }
            for (int k = 0; k < blocks; k++) {
                long col;
                int len;
                int wOff = k * s.tileStride;
                if (weighted) {
                    col = s.tileLo[k];
                    len = s.tileLen[k];
                } else {
                    col = c0 + (long) fl * k;
                    len = k < full ? fl : tail;
                }
                long o = es * (e0 + col);
                double sr = 0;
                double si = 0;
                for (int t = 0; t < len; t++) {
                    double w = weighted ? s.tileWeight[wOff + t] : 1;
                    if (w == 0) {
                        continue;
                    }
                    long off = o + (long) es * t;
                    sr += w * ElementFormat.readDouble(fmt, mini, in, off);
                    if (complex) {
                        si += w * ElementFormat.readDouble(fmt, mini, in, off + cs);
                    }
                }
                re[k] += rw * sr;
                im[k] += rw * si;
            }
        }
        for (int k = 0; k < blocks; k++) {
            double d = weighted ? 1 : (double) nRows * (k < full ? fl : tail);
            long o = es * (dstE + k);
            if (fmt.isFloat()) {
                ElementFormat.writeFloat(fmt, mini, out, o, re[k] / d);
                if (complex) {
                    ElementFormat.writeFloat(fmt, mini, out, o + cs, im[k] / d);
                }
            } else {
                ElementFormat.writeLong(fmt, out, o, roundToInteger(re[k]));
            }
        }
    }

    /** A weighted mean of integers: rounded half to even and clamped to the type's range (bool: 0 or 1). */
    long roundToInteger(double v) {
        double r = Math.rint(v);
        if (Double.isNaN(r)) {
            return 0;
        }
        return switch (fmt) {
            case BOOL -> r >= 1 ? 1 : 0;
            case U64 -> {
                if (r <= 0) {
                    yield 0;
                }
                if (r >= 0x1p64) {
                    yield -1L;
                }
                yield r >= 0x1p63 ? (long) (r - 0x1p63) ^ Long.MIN_VALUE : (long) r;
            }
            case I64 -> (long) r; // saturates
            default -> {
                long min;
                long max;
                DataType.SubByte sb = type.subByte();
                boolean signed = type.kind() == DataType.Kind.INT;
                if (sb != null) {
                    min = sb.min(signed);
                    max = sb.max(signed);
                } else {
                    int bits = 8 * es;
                    min = signed ? -(1L << (bits - 1)) : 0;
                    max = signed ? (1L << (bits - 1)) - 1 : (1L << bits) - 1;
                }
                yield (long) Math.max(min, Math.min(max, r));
            }
        };
    }
}
