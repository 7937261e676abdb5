package dev.ngff.pyramid;

import java.util.Arrays;
import java.util.Locale;

/**
 * How a level is reduced from the level above it by integer factors per axis. Output element {@code j}
 * of an axis with factor {@code f} stands for the input block {@code [j*f, j*f+f)}, clipped to the input
 * extent: edge blocks reduce over the elements present. Factor 1 leaves an axis as it is.
 *
 * <p>The block methods ({@link Mean}, {@link Mode}, {@link Min}, {@link Max}) read only the block;
 * {@link Nearest} reads its first element; {@link Gaussian} weighs the input around the block's centre
 * and so needs {@link #halo} extra input elements on each side.
 */
public sealed interface Downsampling {

    /** The method's name as the CLI and the multiscale {@code type} spell it. */
    String name();

    /**
     * Input elements needed beyond the block on each side, per axis, for the given factors (0 except for
     * {@link Gaussian}).
     */
    default int[] halo(int[] factors) {
        return new int[factors.length];
    }

    /**
     * Where output element 0 sits in input element coordinates, per axis: {@code (f-1)/2} for methods that
     * stand for the whole block (its centre), 0 for {@link Nearest} (its first element). The level's
     * translation adds this times the input pixel size.
     */
    default double[] shift(int[] factors) {
        double[] s = new double[factors.length];
        for (int d = 0; d < s.length; d++) {
            s[d] = (factors[d] - 1) / 2.0;
        }
        return s;
    }

    /** Arithmetic mean of the block; integers round half to even (see docs/pyramids.md). */
    record Mean() implements Downsampling {
        @Override
        public String name() {
            return "mean";
        }
    }

    /** Most frequent value of the block; ties go to the smallest value. The method for labels. */
    record Mode() implements Downsampling {
        @Override
        public String name() {
            return "mode";
        }
    }

    /** Smallest value of the block. */
    record Min() implements Downsampling {
        @Override
        public String name() {
            return "min";
        }
    }

    /** Largest value of the block. */
    record Max() implements Downsampling {
        @Override
        public String name() {
            return "max";
        }
    }

    /** The block's first element (stride sampling). */
    record Nearest() implements Downsampling {
        @Override
        public String name() {
            return "nearest";
        }

        @Override
        public double[] shift(int[] factors) {
            return new double[factors.length];
        }
    }

    /**
     * Gaussian-weighted mean around the block's centre {@code c = j*f + (f-1)/2}: input element {@code x}
     * with {@code |x - c| <= halfSize} weighs {@code exp(-(x-c)^2 / (2 sigma^2))}, weights over the
     * elements present renormalised to one. Separable per axis. The window always holds the element(s)
     * nearest {@code c} (so a half-size below the block's own half-width still reads its middle), a sigma
     * of 0 weighs only those nearest elements, and an edge block whose window holds no present element (a
     * centre beyond the input with a small half-size) takes the last input element. A null sigma or half-size takes the
     * defaults per axis: {@code sigma = 2f/6} (as scikit-image's pyramid_reduce) and
     * {@code halfSize = ceil(4 sigma)}; axes with factor 1 are not smoothed.
     *
     * @param sigma    standard deviation per axis in input pixels, or null for the defaults
     * @param halfSize kernel half-size per axis in input pixels, or null for the defaults
     */
    record Gaussian(double[] sigma, double[] halfSize) implements Downsampling {
        public Gaussian {
            sigma = sigma == null ? null : sigma.clone();
            halfSize = halfSize == null ? null : halfSize.clone();
            if (sigma != null) {
                for (double s : sigma) {
                    if (!(s >= 0) || Double.isInfinite(s)) {
                        throw new IllegalArgumentException("gaussian sigma must be finite and not negative, got "
                                + Arrays.toString(sigma));
                    }
                }
            }
            if (halfSize != null) {
                for (double h : halfSize) {
                    if (!(h >= 0) || h > 1 << 16) {
                        throw new IllegalArgumentException("gaussian half-size must be in [0, 65536], got "
                                + Arrays.toString(halfSize));
                    }
                }
            }
        }

        /** Defaults on every axis. */
        public static Gaussian defaults() {
            return new Gaussian(null, null);
        }

        @Override
        public String name() {
            return "gaussian";
        }

        /** Sigma used on axis {@code d} for factor {@code f}. */
        public double sigma(int d, int f) {
            if (f == 1 && sigma == null) {
                return 0;
            }
            return sigma != null ? sigma[d] : 2.0 * f / 6.0;
        }

        /** Half-size used on axis {@code d} for factor {@code f}. */
        public double halfSize(int d, int f) {
            if (halfSize != null) {
                return halfSize[d];
            }
            double s = sigma(d, f);
            return s == 0 ? 0 : Math.ceil(4 * s);
        }

        /**
         * Exactly the input beyond the block that the window reaches: the integers x with
         * {@code |x - c| <= halfSize} reach {@code floor(halfSize - (f-1)/2)} elements past each end of the block.
         */
        @Override
        public int[] halo(int[] factors) {
            int[] h = new int[factors.length];
            for (int d = 0; d < h.length; d++) {
                double extra = halfSize(d, factors[d]) - (factors[d] - 1) / 2.0;
                h[d] = extra <= 0 ? 0 : (int) Math.floor(extra);
            }
            return h;
        }

        @Override
        public double[] sigma() {
            return sigma == null ? null : sigma.clone();
        }

        @Override
        public double[] halfSize() {
            return halfSize == null ? null : halfSize.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Gaussian g && Arrays.equals(sigma, g.sigma) && Arrays.equals(halfSize, g.halfSize);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(sigma) + Arrays.hashCode(halfSize);
        }

        @Override
        public String toString() {
            return "gaussian" + (sigma == null ? "" : " sigma=" + Arrays.toString(sigma))
                    + (halfSize == null ? "" : " half-size=" + Arrays.toString(halfSize));
        }
    }

    /**
     * Parses a method name: {@code mean}, {@code mode}, {@code min}, {@code max}, {@code nearest}
     * (also {@code stride}), {@code gaussian} (defaults). Case-insensitive.
     *
     * @throws IllegalArgumentException naming the accepted names
     */
    public static Downsampling parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "mean", "average" -> new Mean();
            case "mode", "majority" -> new Mode();
            case "min" -> new Min();
            case "max" -> new Max();
            case "nearest", "stride" -> new Nearest();
            case "gaussian" -> Gaussian.defaults();
            default -> throw new IllegalArgumentException("unknown downsampling method '" + text
                    + "' (mean, gaussian, mode, nearest, min, max)");
        };
    }
}
