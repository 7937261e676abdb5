package dev.ngff.codecs.kernels;

/**
 * Byte shuffle, bit shuffle and byte swap over Java arrays, in the layouts c-blosc 1.x and numcodecs use.
 * Every implementation gives byte-for-byte the same output; {@link Kernels#best()} picks the fastest one
 * this JVM can run. Implementations are stateless and thread-safe. Ranges are checked up front: a range
 * outside an array is an {@link IndexOutOfBoundsException}, and {@code typesize < 1} an
 * {@link IllegalArgumentException}. Source and destination ranges must not overlap.
 *
 * <p>Layouts, for {@code length} bytes of elements of {@code typesize} bytes, {@code n = length / typesize}:
 * <ul>
 * <li><b>byte shuffle</b>: byte {@code j} of element {@code i} goes to {@code dst[j * n + i]}; the
 *     {@code length % typesize} trailing bytes are copied unchanged (c-blosc's {@code shuffle_generic});</li>
 * <li><b>bit shuffle</b> (the bitshuffle library's {@code bshuf_trans_bit_elem}, which blosc uses): of the
 *     first {@code m = n - n % 8} elements, bit {@code k} of byte {@code j} of element {@code i} goes to bit
 *     {@code i % 8} of {@code dst[(8 * j + k) * m / 8 + i / 8]}; the bytes after those elements are copied
 *     unchanged;</li>
 * <li><b>byte swap</b>: the bytes of each element reversed; trailing bytes copied.</li>
 * </ul>
 */
public sealed interface ShuffleKernels permits ScalarKernels, VectorKernels, NativeKernels {

    /** A short name for reports and benchmarks ({@code scalar}, {@code vector-512}, ...). */
    String name();

    void shuffle(byte[] src, int srcOff, byte[] dst, int dstOff, int length, int typesize);

    void unshuffle(byte[] src, int srcOff, byte[] dst, int dstOff, int length, int typesize);

    /** Bit shuffle; {@code scratch} must hold at least {@code length} bytes (it is overwritten). */
    void bitshuffle(byte[] src, int srcOff, byte[] dst, int dstOff, int length, int typesize, byte[] scratch);

    /** Inverse of {@link #bitshuffle}; {@code scratch} must hold at least {@code length} bytes. */
    void bitunshuffle(byte[] src, int srcOff, byte[] dst, int dstOff, int length, int typesize, byte[] scratch);

    void byteSwap(byte[] src, int srcOff, byte[] dst, int dstOff, int length, int typesize);

    /** Checks a call's arguments; shared by the implementations. */
    static void check(byte[] src, int srcOff, byte[] dst, int dstOff, int length, int typesize) {
        if (typesize < 1) {
            throw new IllegalArgumentException("typesize must be at least 1, got " + typesize);
        }
        java.util.Objects.checkFromIndexSize(srcOff, length, src.length);
        java.util.Objects.checkFromIndexSize(dstOff, length, dst.length);
    }

    /** Checks the scratch buffer of a bit shuffle. */
    static void checkScratch(byte[] scratch, int length) {
        if (scratch.length < length) {
            throw new IllegalArgumentException("scratch of " + scratch.length + " bytes, needs " + length);
        }
    }
}
