package dev.ngff.codecs.numcodecs;

import dev.ngff.error.CorruptDataException;
import dev.ngff.error.UnsupportedExtensionException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Compressing and decompressing whole zfp streams through {@link ZfpLibrary}: the shared part of the zfpy and
 * zfp codecs. Shapes are C order (slowest axis first) and reversed into zfp's nx (fastest) .. nw, as zfpy and
 * zarrs do. zfp only reads and writes native memory, so data passes through segments of a confined arena.
 * Decompression hands zfp an input padded with zeros to the largest stream the mode allows, so that a
 * truncated or hostile stream cannot make it read past the buffer, and then checks where decoding ended.
 */
final class ZfpStreams {
    /** zfp's scalar types. */
    static final int INT32 = 1, INT64 = 2, FLOAT = 3, DOUBLE = 4;
    private static final long PAD = 64;

    private ZfpStreams() {
    }

    /** zfp compresses 1 to 4 dimensions; anything else is refused when the array opens. */
    static void checkRank(String codec, int rank) {
        if (rank < 1 || rank > 4) {
            throw new IllegalArgumentException(codec + ": zfp compresses arrays of 1 to 4 dimensions, not " + rank);
        }
    }

    static int size(int type) {
        return type == INT32 || type == FLOAT ? 4 : 8;
    }

    /** A zfp field over {@code data} (may be NULL for sizing), or an error for more than 4 dimensions. */
    static MemorySegment field(ZfpLibrary z, String codec, MemorySegment data, int type, long[] shape) throws Throwable {
        return switch (shape.length) {
            case 1 -> (MemorySegment) z.field1d.invokeExact(data, type, shape[0]);
            case 2 -> (MemorySegment) z.field2d.invokeExact(data, type, shape[1], shape[0]);
            case 3 -> (MemorySegment) z.field3d.invokeExact(data, type, shape[2], shape[1], shape[0]);
            case 4 -> (MemorySegment) z.field4d.invokeExact(data, type, shape[3], shape[2], shape[1], shape[0]);
            default -> throw new UnsupportedExtensionException(codec + ": zfp compresses arrays of 1 to 4 dimensions, "
                    + "this chunk has " + shape.length);
        };
    }

    /**
     * Compresses the numbers at {@code data} (a heap or native segment of the zfp type, C order), with a full
     * zfp header first when {@code header} is set (as zfpy writes), and returns the stream's bytes. A fixed
     * rate is set for blocks of {@code rateDims} dimensions (zfpy: the chunk's rank; zarrs: 3).
     */
    static byte[] compress(ZfpLibrary z, String codec, ZfpMode mode, int rateDims, int type, long[] shape, MemorySegment data,
                           boolean header) throws UnsupportedExtensionException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = arena.allocate(Math.max(1, data.byteSize()), 8);
            MemorySegment.copy(data, 0, in, 0, data.byteSize());
            MemorySegment field = field(z, codec, in, type, shape);
            MemorySegment stream = (MemorySegment) z.zfpStreamOpen.invokeExact(MemorySegment.NULL);
            MemorySegment bits = MemorySegment.NULL;
            try {
                mode.apply(z, stream, type, rateDims);
                long max = (long) z.maximumSize.invokeExact(stream, field) + PAD;
                MemorySegment out = arena.allocate(max, 8);
                bits = (MemorySegment) z.streamOpen.invokeExact(out, max);
                z.setBitStream.invokeExact(stream, bits);
                z.rewind.invokeExact(stream);
                if (header && (long) z.writeHeader.invokeExact(stream, field, ZfpLibrary.HEADER_FULL) == 0) {
                    throw new UnsupportedExtensionException(codec + ": zfp cannot write a header for mode " + mode);
                }
                long size = (long) z.compress.invokeExact(stream, field);
                if (size == 0) {
                    throw new UnsupportedExtensionException(codec + ": zfp failed to compress a chunk of shape "
                            + java.util.Arrays.toString(shape) + " in mode " + mode
                            + (mode instanceof ZfpMode.FixedAccuracy ? " (fixed accuracy needs floating-point data)" : ""));
                }
                // zfpy and zarrs link zfp with 64-bit stream words, so their streams end on a multiple of 8
                // bytes; Debian's libzfp flushes single bytes. Zero padding (read by nobody) makes ours identical.
                long padded = Math.min(out.byteSize(), (size + 7) & ~7L);
                return out.asSlice(0, padded).toArray(ValueLayout.JAVA_BYTE);
            } finally {
                z.fieldFree.invokeExact(field);
                z.zfpStreamClose.invokeExact(stream);
                if (!bits.equals(MemorySegment.NULL)) {
                    z.streamClose.invokeExact(bits);
                }
            }
        } catch (UnsupportedExtensionException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(codec + ": native call failed", t);
        }
    }

    /**
     * Decompresses a header-less stream (zarrs' {@code zfp}) whose mode, type and shape the caller knows,
     * into {@code out} (native or heap, exactly the chunk's numbers of the zfp type).
     */
    static void decompress(ZfpLibrary z, String codec, ZfpMode mode, int rateDims, int type, long[] shape,
                           MemorySegment encoded, MemorySegment out) throws CorruptDataException, UnsupportedExtensionException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dst = arena.allocate(Math.max(1, out.byteSize()), 8);
            MemorySegment field = field(z, codec, dst, type, shape);
            MemorySegment stream = (MemorySegment) z.zfpStreamOpen.invokeExact(MemorySegment.NULL);
            MemorySegment bits = MemorySegment.NULL;
            try {
                mode.apply(z, stream, type, rateDims);
                long max = (long) z.maximumSize.invokeExact(stream, field);
                long padded = Math.max(max, encoded.byteSize()) + PAD;
                MemorySegment in = arena.allocate(padded, 8);
                MemorySegment.copy(encoded, 0, in, 0, encoded.byteSize());
                bits = (MemorySegment) z.streamOpen.invokeExact(in, padded);
                z.setBitStream.invokeExact(stream, bits);
                z.rewind.invokeExact(stream);
                long end = (long) z.decompress.invokeExact(stream, field);
                if (end == 0 || end > encoded.byteSize()) {
                    throw new CorruptDataException(codec + ": corrupt or truncated zfp stream (decoding ended at byte "
                            + end + " of " + encoded.byteSize() + ")");
                }
                MemorySegment.copy(dst, 0, out, 0, out.byteSize());
            } finally {
                z.fieldFree.invokeExact(field);
                z.zfpStreamClose.invokeExact(stream);
                if (!bits.equals(MemorySegment.NULL)) {
                    z.streamClose.invokeExact(bits);
                }
            }
        } catch (CorruptDataException | UnsupportedExtensionException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(codec + ": native call failed", t);
        }
    }
}
