package dev.ngff.pyramid;

import dev.ngff.metadata.ome.Axis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Which factors make each level from the one above: {@code factors().get(k - 1)} takes level {@code k-1}
 * to level {@code k}. Level shapes divide and round up, so an odd extent keeps its last, partial block.
 * Immutable.
 */
public record PyramidPlan(List<int[]> factors, int rank) {
    public PyramidPlan {
        List<int[]> copy = new ArrayList<>();
        for (int[] f : factors) {
            if (f.length != rank) {
                throw new IllegalArgumentException("level factors " + Arrays.toString(f) + " for rank " + rank);
            }
            for (int x : f) {
                if (x < 1) {
                    throw new IllegalArgumentException("level factors must be positive, got " + Arrays.toString(f));
                }
            }
            copy.add(f.clone());
        }
        factors = List.copyOf(copy);
    }

    /** The most levels a level count may ask for. */
    public static final int MAX_LEVELS = 64;

    /**
     * A level count as users write it: {@code auto} gives 0 (levels until every spatial axis fits one chunk,
     * see {@link #auto}), else a number from 1 to {@value #MAX_LEVELS}.
     *
     * @throws IllegalArgumentException for anything else, naming what was given
     */
    public static int parseMaxLevels(String text) {
        String t = text.trim();
        if (t.equalsIgnoreCase("auto")) {
            return 0;
        }
        int n;
        try {
            n = Integer.parseInt(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a level count must be 'auto' or a number, got '" + text + "'");
        }
        if (n < 1 || n > MAX_LEVELS) {
            throw new IllegalArgumentException("a level count must be between 1 and " + MAX_LEVELS + ", got " + n);
        }
        return n;
    }

    /** Level 0 alone. */
    public static PyramidPlan single(int rank) {
        return new PyramidPlan(List.of(), rank);
    }

    /** {@code levels} levels, each made from the one above by the same factors. */
    public static PyramidPlan uniform(int[] factors, int levels) {
        if (levels < 1) {
            throw new IllegalArgumentException("a pyramid has at least one level, got " + levels);
        }
        List<int[]> fs = new ArrayList<>();
        for (int k = 1; k < levels; k++) {
            fs.add(factors);
        }
        return new PyramidPlan(fs, factors.length);
    }

    /**
     * Factors chosen from the axes: time and channel axes (and axes of unknown type not named x, y or z)
     * are never reduced. At each level a spatial axis is halved when doubling its physical pixel size
     * does not take it past the coarsest spatial axis, so anisotropic data first becomes isotropic; when
     * no axis qualifies, every spatial axis is halved. Axes of extent 1 are left alone. Levels are added
     * until every spatial axis fits one chunk ({@code maxLevels <= 0}) or until there are
     * {@code maxLevels} levels, and never past the point where nothing can be halved.
     *
     * @param pixelSize level-0 physical pixel size per axis (1 where unknown)
     * @param chunk     the chunk (inner chunk) shape of the levels, per axis
     */
    public static PyramidPlan auto(List<Axis> axes, long[] shape, double[] pixelSize, long[] chunk, int maxLevels) {
        int rank = axes.size();
        if (shape.length != rank || pixelSize.length != rank || chunk.length != rank) {
            throw new IllegalArgumentException("shape, pixel size and chunk shape need one entry per axis (" + rank + ")");
        }
        boolean[] spatial = new boolean[rank];
        for (int d = 0; d < rank; d++) {
            spatial[d] = isSpatial(axes.get(d));
        }
        long[] cur = shape.clone();
        double[] size = pixelSize.clone();
        List<int[]> fs = new ArrayList<>();
        while (maxLevels <= 0 || fs.size() + 1 < maxLevels) {
            if (maxLevels <= 0 && fitsOneChunk(spatial, cur, chunk)) {
                break;
            }
            double coarsest = 0;
            for (int d = 0; d < rank; d++) {
                if (spatial[d] && cur[d] > 1) {
                    coarsest = Math.max(coarsest, size[d]);
                }
            }
            int[] f = new int[rank];
            Arrays.fill(f, 1);
            boolean any = false;
            for (int d = 0; d < rank; d++) {
                if (spatial[d] && cur[d] > 1 && 2 * size[d] <= coarsest * (1 + 1e-9)) {
                    f[d] = 2;
                    any = true;
                }
            }
            if (!any) { // (nearly) isotropic: halve every spatial axis that can shrink
                for (int d = 0; d < rank; d++) {
                    if (spatial[d] && cur[d] > 1) {
                        f[d] = 2;
                        any = true;
                    }
                }
            }
            if (!any) {
                break;
            }
            for (int d = 0; d < rank; d++) {
                cur[d] = ceilDiv(cur[d], f[d]);
                size[d] *= f[d];
            }
            fs.add(f);
        }
        return new PyramidPlan(fs, rank);
    }

    private static boolean fitsOneChunk(boolean[] spatial, long[] cur, long[] chunk) {
        for (int d = 0; d < cur.length; d++) {
            if (spatial[d] && cur[d] > chunk[d]) {
                return false;
            }
        }
        return true;
    }

    /** Space axes by type; untyped axes (OME-NGFF 0.1-0.3) by their names x, y, z. */
    public static boolean isSpatial(Axis axis) {
        if (axis.type() != null) {
            return axis.type().equals("space");
        }
        String n = axis.name().toLowerCase(Locale.ROOT);
        return n.equals("x") || n.equals("y") || n.equals("z");
    }

    /** Number of levels, level 0 included. */
    public int levels() {
        return factors.size() + 1;
    }

    /** Factors from level {@code k-1} to level {@code k} ({@code k >= 1}). */
    public int[] factor(int k) {
        if (k < 1 || k > factors.size()) {
            throw new IndexOutOfBoundsException("level " + k + " of " + levels());
        }
        return factors.get(k - 1).clone();
    }

    /** Shape of level {@code k} for the given level-0 shape. */
    public long[] levelShape(long[] shape0, int k) {
        long[] s = shape0.clone();
        for (int i = 1; i <= k; i++) {
            int[] f = factor(i);
            for (int d = 0; d < s.length; d++) {
                s[d] = ceilDiv(s[d], f[d]);
            }
        }
        return s;
    }

    /** Physical pixel size of level {@code k}. */
    public double[] levelScale(double[] scale0, int k) {
        double[] s = scale0.clone();
        for (int i = 1; i <= k; i++) {
            int[] f = factor(i);
            for (int d = 0; d < s.length; d++) {
                s[d] *= f[d];
            }
        }
        return s;
    }

    /**
     * Physical position of level {@code k}'s element 0: level 0's origin (zeros when null) moved, level by
     * level, by the method's {@link Downsampling#shift} times the pixel size of the level above. For block
     * methods this is the centre of the block (half a level-0 pixel for factor 2); nearest keeps the origin.
     */
    public double[] levelTranslation(double[] origin0, double[] scale0, Downsampling method, int k) {
        double[] t = origin0 == null ? new double[scale0.length] : origin0.clone();
        double[] s = scale0.clone();
        for (int i = 1; i <= k; i++) {
            int[] f = factor(i);
            double[] shift = method.shift(f);
            for (int d = 0; d < t.length; d++) {
                t[d] += shift[d] * s[d];
                s[d] *= f[d];
            }
        }
        return t;
    }

    @Override
    public List<int[]> factors() {
        return factors.stream().map(int[]::clone).toList();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof PyramidPlan p) || p.rank != rank || p.factors.size() != factors.size()) {
            return false;
        }
        for (int i = 0; i < factors.size(); i++) {
            if (!Arrays.equals(factors.get(i), p.factors.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = rank;
        for (int[] f : factors) {
            h = 31 * h + Arrays.hashCode(f);
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("PyramidPlan[");
        for (int i = 0; i < factors.size(); i++) {
            b.append(i == 0 ? "" : " ").append(Arrays.toString(factors.get(i)));
        }
        return b.append(']').toString();
    }

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
