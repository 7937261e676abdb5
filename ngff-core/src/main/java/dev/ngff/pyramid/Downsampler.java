package dev.ngff.pyramid;

import dev.ngff.buffer.NdBuffer;
import dev.ngff.metadata.DataType;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The downsampling kernels: one box of a level reduced from the level above it by a {@link Downsampling}
 * method. Semantics (edges, rounding, NaN, bool, complex, the gaussian window) are those of
 * {@link Downsampling} and {@code docs/pyramids.md}, section "Downsampling methods".
 *
 * <p>Thread-safe and free of shared state: calls from several threads at once on disjoint outputs are
 * the intended use. Each call allocates only scratch of the order of one output row (at most a few
 * thousand elements) and one block; a gaussian also holds about {@code window} planes of the output
 * (axes after the first) in doubles.
 */
public final class Downsampler {
    private Downsampler() {
    }

    /**
     * Reduces into dst, which covers output box {@code [dstOffset, dstOffset + dst.shape)} of the level being
     * made. src covers input box {@code [srcOffset, srcOffset + src.shape)} of the level above, whose full
     * extent is {@code inputShape}; src must contain every input element the output box needs (its blocks
     * plus {@link Downsampling#halo method.halo(factors)}, clipped to {@code [0, inputShape)}), and may hold
     * more. Output element {@code j} of an axis with factor {@code f} reduces input block
     * {@code [j f, min(j f + f, inputShape))}, so the level's extent is {@code ceil(inputShape / f)}.
     *
     * <p>Pure and thread-safe; no allocation proportional to the data beyond small per-call scratch.
     *
     * @param method     how blocks are reduced
     * @param factors    the integer factor of each axis, at least 1
     * @param inputShape the extent of the whole level above
     * @param src        input elements; same data type as dst
     * @param srcOffset  where src sits in the level above
     * @param dst        where the reduced elements go; every element is written
     * @param dstOffset  where dst sits in the level being made
     * @throws IllegalArgumentException when ranks or data types disagree, a factor is below 1, dst lies outside
     *                                  the level, src lies outside the level above or lacks an element the
     *                                  output needs, or the method is not defined for the data type (min and
     *                                  max of complex numbers, arithmetic on raw bytes, text or datetimes)
     */
    public static void reduce(Downsampling method, int[] factors, long[] inputShape,
                              NdBuffer src, long[] srcOffset, NdBuffer dst, long[] dstOffset) {
        reduce(method, factors, inputShape, src, srcOffset, dst, dstOffset, true);
    }

    /**
     * As {@link #reduce(Downsampling, int[], long[], NdBuffer, long[], NdBuffer, long[])}; with
     * {@code separable} false a gaussian multiplies its per-axis weights for every output directly, the slow
     * reference that tests compare the separable passes with.
     */
    static void reduce(Downsampling method, int[] factors, long[] inputShape,
                       NdBuffer src, long[] srcOffset, NdBuffer dst, long[] dstOffset, boolean separable) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(factors, "factors");
        Objects.requireNonNull(inputShape, "inputShape");
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(srcOffset, "srcOffset");
        Objects.requireNonNull(dst, "dst");
        Objects.requireNonNull(dstOffset, "dstOffset");
        int rank = factors.length;
        if (inputShape.length != rank || src.rank() != rank || dst.rank() != rank
                || srcOffset.length != rank || dstOffset.length != rank) {
            throw new IllegalArgumentException("rank mismatch: " + rank + " factors, input shape of rank " + inputShape.length
                    + ", src of rank " + src.rank() + " at an offset of rank " + srcOffset.length
                    + ", dst of rank " + dst.rank() + " at an offset of rank " + dstOffset.length);
        }
        DataType type = src.dataType();
        if (!type.equals(dst.dataType())) {
            throw new IllegalArgumentException("src holds " + type + " but dst holds " + dst.dataType()
                    + ": a level keeps the data type of the level above");
        }
        checkSupported(method, type);
        int[] halo = method.halo(factors);
        boolean empty = false;
        for (int d = 0; d < rank; d++) {
            long n = inputShape[d];
            int f = factors[d];
            if (f < 1) {
                throw new IllegalArgumentException("axis " + d + ": factor " + f + " (factors are integers of at least 1)");
            }
            if (n < 0) {
                throw new IllegalArgumentException("axis " + d + ": negative input extent " + n);
            }
            long outExtent = Math.ceilDiv(n, f);
            long dLo = dstOffset[d];
            long dHi = dLo + dst.shape(d);
            if (dLo < 0 || dHi > outExtent) {
                throw new IllegalArgumentException("axis " + d + ": the output box [" + dLo + ", " + dHi
                        + ") lies outside the level's extent [0, " + outExtent + ") (input extent " + n + ", factor " + f + ")");
            }
            long sLo = srcOffset[d];
            long sHi = sLo + src.shape(d);
            if (sLo < 0 || sHi > n) {
                throw new IllegalArgumentException("axis " + d + ": the input box [" + sLo + ", " + sHi
                        + ") lies outside the input extent [0, " + n + ")");
            }
            empty |= dLo == dHi;
        }
        if (empty) {
            return;
        }
        for (int d = 0; d < rank; d++) {
            long n = inputShape[d];
            long f = factors[d];
            long needLo = Math.max(0, dstOffset[d] * f - halo[d]);
            long needHi = Math.min(n, (dstOffset[d] + dst.shape(d)) * f + halo[d]);
            long sLo = srcOffset[d];
            long sHi = sLo + src.shape(d);
            if (sLo > needLo || sHi < needHi) {
                throw new IllegalArgumentException("axis " + d + ": the output box [" + dstOffset[d] + ", "
                        + (dstOffset[d] + dst.shape(d)) + ") needs input [" + needLo + ", " + needHi + ") (factor " + f
                        + (halo[d] > 0 ? ", halo " + halo[d] : "") + ") but src covers [" + sLo + ", " + sHi + ")");
            }
        }
        if (rank == 0) {
            // nothing to reduce: every method keeps a single element
            if (src.isVariableLength()) {
                dst.setElementBytes(0, src.elementBytesUnsafe(0));
            } else {
                MemorySegment.copy(src.segment(), 0, dst.segment(), 0, type.byteSize());
            }
            return;
        }
        new Reduction(method, factors, inputShape, src, srcOffset, dst, dstOffset, separable).run();
    }

    /** Refuses, in one line, a method that has no meaning for a data type. */
    static void checkSupported(Downsampling method, DataType type) {
        boolean numeric = ElementFormat.of(type) != null && type.temporal() == null;
        boolean complex = type.kind() == DataType.Kind.COMPLEX;
        String what = switch (type.kind()) {
            case RAW -> type.isFixedUtf32() ? "text" : "raw bytes";
            case STRING -> "text";
            case BYTES -> "byte strings";
            default -> type.temporal() != null ? "datetimes" : "complex numbers";
        };
        switch (method) {
            case Downsampling.Nearest n -> {
            }
            case Downsampling.Mode m -> {
            }
            case Downsampling.Mean m -> {
                if (!numeric) {
                    throw new IllegalArgumentException("mean downsampling needs numbers, " + type + " holds " + what
                            + ": use mode or nearest");
                }
            }
            case Downsampling.Gaussian g -> {
                if (!numeric) {
                    throw new IllegalArgumentException("gaussian downsampling needs numbers, " + type + " holds " + what
                            + ": use mode or nearest");
                }
            }
            case Downsampling.Min m -> {
                if (!numeric || complex) {
                    throw new IllegalArgumentException("min downsampling needs ordered numbers, " + type + " holds " + what
                            + ": use " + (complex ? "mean, gaussian, " : "") + "mode or nearest");
                }
            }
            case Downsampling.Max m -> {
                if (!numeric || complex) {
                    throw new IllegalArgumentException("max downsampling needs ordered numbers, " + type + " holds " + what
                            + ": use " + (complex ? "mean, gaussian, " : "") + "mode or nearest");
                }
            }
        }
    }
}
