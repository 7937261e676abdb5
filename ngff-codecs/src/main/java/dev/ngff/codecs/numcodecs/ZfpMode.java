package dev.ngff.codecs.numcodecs;

import java.lang.foreign.MemorySegment;

/**
 * A zfp compression mode and its parameters, as numcodecs' zfpy and zarrs' zfp codec configure them. Applied
 * to a zfp stream before compressing, and, for header-less streams (zarrs' {@code zfp}), before decompressing.
 */
sealed interface ZfpMode {
    /** Sets this mode on a zfp stream for data of zfp scalar type {@code type} in {@code dims} dimensions. */
    void apply(ZfpLibrary z, MemorySegment stream, int type, int dims) throws Throwable;

    /** A fixed number of compressed bits per value ({@code dims} is the block dimensionality rate is set for). */
    record FixedRate(double rate) implements ZfpMode {
        public FixedRate {
            if (!(rate > 0) || Double.isInfinite(rate)) {
                throw new IllegalArgumentException("rate must be a positive number, got " + rate);
            }
        }

        @Override
        public void apply(ZfpLibrary z, MemorySegment stream, int type, int dims) throws Throwable {
            double unused = (double) z.setRate.invokeExact(stream, rate, type, dims, 0);
        }
    }

    /** A fixed number of uncompressed bit planes per value. */
    record FixedPrecision(int precision) implements ZfpMode {
        public FixedPrecision {
            if (precision < 1 || precision > 64) {
                throw new IllegalArgumentException("precision must be in 1..64, got " + precision);
            }
        }

        @Override
        public void apply(ZfpLibrary z, MemorySegment stream, int type, int dims) throws Throwable {
            int unused = (int) z.setPrecision.invokeExact(stream, precision);
        }
    }

    /** An absolute error bound (floating-point data only). */
    record FixedAccuracy(double tolerance) implements ZfpMode {
        public FixedAccuracy {
            if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
                throw new IllegalArgumentException("tolerance must be a non-negative number, got " + tolerance);
            }
        }

        @Override
        public void apply(ZfpLibrary z, MemorySegment stream, int type, int dims) throws Throwable {
            double unused = (double) z.setAccuracy.invokeExact(stream, tolerance);
        }
    }

    /** Lossless compression. */
    record Reversible() implements ZfpMode {
        @Override
        public void apply(ZfpLibrary z, MemorySegment stream, int type, int dims) throws Throwable {
            z.setReversible.invokeExact(stream);
        }
    }

    /** zfp's expert parameters. */
    record Expert(int minbits, int maxbits, int maxprec, int minexp) implements ZfpMode {
        public Expert {
            if (minbits < 0 || maxbits < minbits || maxprec < 0 || maxprec > 64) {
                throw new IllegalArgumentException("expert parameters need 0 <= minbits <= maxbits and maxprec in 0..64, got "
                        + this);
            }
        }

        @Override
        public void apply(ZfpLibrary z, MemorySegment stream, int type, int dims) throws Throwable {
            int ok = (int) z.setParams.invokeExact(stream, minbits, maxbits, maxprec, minexp);
            if (ok == 0) {
                throw new IllegalArgumentException("zfp refused the expert parameters " + this);
            }
        }
    }
}
