package dev.ngff.pyramid;

import java.util.Arrays;

import static dev.ngff.pyramid.ElementFormat.DOUBLE;
import static dev.ngff.pyramid.ElementFormat.FLOAT;
import static dev.ngff.pyramid.ElementFormat.SHORT;

/**
 * The gaussian of one {@link Reduction} as 1-D passes, one axis at a time, in double: each input row of the
 * last axis is filtered and subsampled once, then each outer axis combines the filtered slices of the axis
 * after it. Same windows and weights as the direct product of per-axis weights (the weights are separable),
 * about {@code window * rank / f^(rank-1)} operations per output instead of {@code window^rank}; only the
 * order of the additions differs, so results agree with the direct form within the rounding rule of
 * docs/pyramids.md.
 *
 * <p>Axis {@code a} streams over its outputs: the filtered slices (axes {@code a+1..}) of the input indices
 * in the current window sit in a ring of {@code window} slots keyed by input index, so with windows that move
 * forward each slice is computed once. Scratch: about {@code window} output planes of doubles. Each output's
 * value depends only on its window, never on the box it is reduced in, so boxes agree bit for bit with a
 * whole reduction.
 */
final class SeparableGaussian {
    private final Reduction r;
    private final int last;
    /** Outputs per axis in this call. */
    private final int[] outs;
    /** Per axis and output: first input index of the window, relative to src. */
    private final long[][] lo;
    private final int[][] len;
    /** Per axis: weights of output k at [k * cap[d], k * cap[d] + len). */
    private final double[][] weight;
    private final int[] cap;
    /** Per axis: whether some window weight is zero (those elements must be skipped, not multiplied). */
    private final boolean[] zeroWeight;
    /** slice[a]: doubles in the filtered slice of axes a.. (slice[rank] = 1). */
    private final int[] slice;
    /** ring[a]: cap[a] slots of slice[a + 1] doubles; ringKey[a]: the input index each slot holds, or -1. */
    private final double[][] ring;
    private final long[][] ringKey;
    private final double[] row;
    private final long rowLo;
    private final double[] top;
    private int part; // component offset in bytes: 0, or the imaginary part's for complex numbers

    SeparableGaussian(Reduction r) {
        this.r = r;
        int rank = r.rank;
        this.last = r.last;
        outs = new int[rank];
        lo = new long[rank][];
        len = new int[rank][];
        weight = new double[rank][];
        cap = new int[rank];
        zeroWeight = new boolean[rank];
        slice = new int[rank + 1];
        slice[rank] = 1;
        for (int d = rank - 1; d >= 0; d--) {
            outs[d] = Math.toIntExact(r.dstShape[d]);
            slice[d] = Math.multiplyExact(slice[d + 1], outs[d]);
        }
        long rowMin = Long.MAX_VALUE;
        long rowMax = Long.MIN_VALUE;
        for (int d = 0; d < rank; d++) {
            int c = r.maxWindow(d);
            cap[d] = c;
            lo[d] = new long[outs[d]];
            len[d] = new int[outs[d]];
            weight[d] = new double[outs[d] * c];
            for (int k = 0; k < outs[d]; k++) {
                lo[d][k] = r.gaussianWindow(d, r.dstOff[d] + k, weight[d], k * c, len[d], k) - r.srcOff[d];
                for (int t = 0; t < len[d][k]; t++) {
                    zeroWeight[d] |= weight[d][k * c + t] == 0;
                }
            }
            if (d == last) {
                for (int k = 0; k < outs[d]; k++) {
                    rowMin = Math.min(rowMin, lo[d][k]);
                    rowMax = Math.max(rowMax, lo[d][k] + len[d][k]);
                }
            }
        }
        rowLo = rowMin;
        row = new double[Math.toIntExact(rowMax - rowMin)];
        ring = new double[last][];
        ringKey = new long[last][];
        for (int a = 0; a < last; a++) {
            ring[a] = new double[Math.multiplyExact(cap[a], slice[a + 1])];
            ringKey[a] = new long[cap[a]];
        }
        top = new double[last == 0 ? slice[0] : slice[1]];
    }

    void run() {
        for (part = 0; part <= (r.complex ? r.cs : 0); part += Math.max(r.cs, 1)) {
            if (last == 0) {
                filterRow(0, top, 0);
                emit(0, top);
                continue;
            }
            Arrays.fill(ringKey[0], -1);
            for (int k = 0; k < outs[0]; k++) {
                combine(0, k, 0, top, 0);
                emit((long) k * slice[1], top);
            }
        }
    }

    /**
     * Output k of axis a (a < last) for the input prefix at src element {@code base}: the weighted sum of the
     * filtered slices of its window, written as slice[a + 1] doubles at {@code target[at]}.
     */
    private void combine(int a, int k, long base, double[] target, int at) {
        int s = slice[a + 1];
        double[] slots = ring[a];
        long[] keys = ringKey[a];
        long stride = r.srcStride[a];
        int c = cap[a];
        Arrays.fill(target, at, at + s, 0);
        long l = lo[a][k];
        int n = len[a][k];
        double[] w = weight[a];
        for (int t = 0; t < n; t++) {
            double wt = w[k * c + t];
            if (wt == 0) {
                continue; // a zero weight takes no part: a NaN or infinity there must not spread
            }
            long i = l + t;
            int slot = (int) (i % c);
            if (keys[slot] != i) {
                fill(a + 1, base + i * stride, slots, slot * s);
                keys[slot] = i;
            }
            int from = slot * s;
            for (int m = 0; m < s; m++) {
                target[at + m] += wt * slots[from + m];
            }
        }
    }

    /** The filtered slice of axes b.. for the input prefix at src element {@code base}, at target[at]. */
    private void fill(int b, long base, double[] target, int at) {
        if (b == last) {
            filterRow(base, target, at);
            return;
        }
        Arrays.fill(ringKey[b], -1);
        int s = slice[b + 1];
        for (int k = 0; k < outs[b]; k++) {
            combine(b, k, base, target, at + k * s);
        }
    }

    /** The last axis: the input row at src element {@code base} read once into doubles, then filtered. */
    private void filterRow(long base, double[] target, int at) {
        int es = r.es;
        long o = (long) es * (base + rowLo) + part;
        var in = r.in;
        int n = row.length;
        switch (r.fmt) {
            case U16 -> {
                for (int t = 0; t < n; t++) {
                    row[t] = in.get(SHORT, o + 2L * t) & 0xffff;
                }
            }
            case I16 -> {
                for (int t = 0; t < n; t++) {
                    row[t] = in.get(SHORT, o + 2L * t);
                }
            }
            case F32 -> {
                for (int t = 0; t < n; t++) {
                    row[t] = in.get(FLOAT, o + (long) es * t);
                }
            }
            case F64 -> {
                for (int t = 0; t < n; t++) {
                    row[t] = in.get(DOUBLE, o + (long) es * t);
                }
            }
            default -> {
                for (int t = 0; t < n; t++) {
                    row[t] = ElementFormat.readDouble(r.fmt, r.mini, in, o + (long) es * t);
                }
            }
        }
        int c = cap[last];
        long[] l = lo[last];
        int[] ln = len[last];
        double[] w = weight[last];
        if (zeroWeight[last]) {
            for (int k = 0; k < outs[last]; k++) {
                int first = (int) (l[k] - rowLo);
                int wk = k * c;
                double acc = 0;
                for (int t = 0; t < ln[k]; t++) {
                    double wt = w[wk + t];
                    if (wt != 0) {
                        acc += wt * row[first + t];
                    }
                }
                target[at + k] = acc;
            }
            return;
        }
        for (int k = 0; k < outs[last]; k++) { // the common case: no branch in the inner loop
            int first = (int) (l[k] - rowLo);
            int wk = k * c;
            int taps = ln[k];
            double acc = 0;
            for (int t = 0; t < taps; t++) {
                acc += w[wk + t] * row[first + t];
            }
            target[at + k] = acc;
        }
    }

    /** Rounds values[0, slice) to the type and stores them from dst element {@code dstE} on. */
    private void emit(long dstE, double[] values) {
        var out = r.out;
        int es = r.es;
        int n = values.length;
        if (r.fmt.isFloat()) {
            for (int m = 0; m < n; m++) {
                ElementFormat.writeFloat(r.fmt, r.mini, out, es * (dstE + m) + part, values[m]);
            }
        } else {
            for (int m = 0; m < n; m++) {
                ElementFormat.writeLong(r.fmt, out, es * (dstE + m), r.roundToInteger(values[m]));
            }
        }
    }
}
