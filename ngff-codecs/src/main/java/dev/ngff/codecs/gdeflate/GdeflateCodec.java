package dev.ngff.codecs.gdeflate;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.buffer.Bytes;
import dev.ngff.codec.BytesToBytesCodec;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.metadata.CodecSpec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * zarrs' {@code zarrs.gdeflate} codec (experimental in zarrs): the input is cut into pages of
 * {@value #PAGE_SIZE} bytes, each compressed on its own with NVIDIA's GDeflate, and framed as
 * {@code [u64 decoded length][u64 page count][u64 compressed size of each page][pages back to back]}, all
 * little-endian. Configuration {@code {"level": 0..12}} (0 stores, 12 compresses most).
 *
 * <p><b>Decoding</b> checks the whole frame before anything is allocated or decompressed: the decoded length
 * against the caller's bound, the page count against the decoded length (one page per started
 * {@value #PAGE_SIZE} bytes) and against the bytes present, and the page sizes against the bytes that follow
 * the header (they must fill them exactly). Each page must then decompress to exactly its share of the
 * output; the native decoder never writes past it. Every failure is a {@link CorruptDataException} naming the
 * codec, the page and its byte offset.
 *
 * <p><b>Encoding</b> calls the same libdeflate-based GDeflate compressor (gdeflate-sys) page by page as zarrs
 * does, so at the same crate version its output equals zarrs' byte for byte.
 *
 * <p>Needs the native library built from {@code native/pco}; without it the constructor throws an
 * {@link UnsupportedExtensionException} naming the library and {@link #isAvailable()} is false. Immutable and
 * thread-safe.
 */
public final class GdeflateCodec implements BytesToBytesCodec {
    /** The codec's name in zarr.json. */
    public static final String NAME = "zarrs.gdeflate";
    /** Decoded bytes per page, as zarrs cuts them. */
    public static final int PAGE_SIZE = 65536;
    /** The highest compression level. */
    public static final int MAX_LEVEL = 12;

    private static final int HEADER = 16;
    private static final int ERROR_CAPACITY = 256;
    private static final ValueLayout.OfLong U64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Largest Java array: the encoder writes into one. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 16;

    private final int level;
    private final GdeflateLibrary lib;

    /**
     * A codec compressing at {@code level}.
     *
     * @throws IllegalArgumentException      when {@code level} is not in 0..12
     * @throws UnsupportedExtensionException when the native library is not available (the message says why)
     */
    public GdeflateCodec(int level) throws UnsupportedExtensionException {
        if (level < 0 || level > MAX_LEVEL) {
            throw new IllegalArgumentException(NAME + " level must be in 0.." + MAX_LEVEL + ", got " + level);
        }
        this.level = level;
        this.lib = GdeflateLibrary.get().orElseThrow(() -> new UnsupportedExtensionException(
                NAME + " needs the native library libngffpco.so (gdeflate): " + GdeflateLibrary.unavailabilityCause().orElse("")));
    }

    /** Whether gdeflate chunks can be encoded and decoded here (the native library loaded). */
    public static boolean isAvailable() {
        return GdeflateLibrary.get().isPresent();
    }

    /** Why gdeflate is unavailable here, or empty when it is available. */
    public static Optional<String> unavailabilityCause() {
        return GdeflateLibrary.unavailabilityCause();
    }

    public int level() {
        return level;
    }

    @Override
    public CodecSpec spec() {
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.put("level", level);
        return new CodecSpec(NAME, c);
    }

    @Override
    public long encodedSizeBound(long decodedSize) {
        if (decodedSize < 0) {
            throw new IllegalArgumentException("negative size " + decodedSize);
        }
        long[] pages = new long[1];
        long bound = callBound(decodedSize, pages);
        return bound < 0 ? -1 : HEADER + 8 * pages[0] + bound;
    }

    private long callBound(long n, long[] pages) {
        try {
            return (long) lib.compressBound.invokeExact(level, n, MemorySegment.ofArray(pages));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(NAME + ": native call failed", t);
        }
    }

    @Override
    public Bytes encode(Bytes decoded, ChunkSpec spec) throws UnsupportedExtensionException {
        long n = decoded.size();
        long[] pageCount = new long[1];
        long bound = callBound(n, pageCount);
        int pages = (int) pageCount[0];
        long dataStart = HEADER + 8L * pages;
        if (bound < 0 || dataStart + bound > MAX_ARRAY) {
            throw new UnsupportedExtensionException(NAME + ": a chunk of " + n + " bytes may not fit in one Java array once compressed");
        }
        byte[] out = new byte[(int) (dataStart + bound)];
        long[] pageSizes = new long[Math.max(pages, 1)];
        byte[] err = new byte[ERROR_CAPACITY];
        long[] errLen = new long[1];
        MemorySegment dst = MemorySegment.ofArray(out);
        long written;
        try {
            written = (long) lib.compress.invokeExact(level, decoded.segment(), n, dst.asSlice(dataStart), bound,
                    MemorySegment.ofArray(pageSizes), (long) pages, MemorySegment.ofArray(err), (long) ERROR_CAPACITY,
                    MemorySegment.ofArray(errLen));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(NAME + ": native call failed", t);
        }
        if (written != pages) {
            // the output is sized by the compressor's own bound: only a bug gets here
            throw new IllegalStateException(NAME + ": compression of " + n + " bytes failed (code " + written + "): "
                    + message(err, errLen));
        }
        dst.set(U64_LE, 0, n);
        dst.set(U64_LE, 8, pages);
        long total = dataStart;
        for (int i = 0; i < pages; i++) {
            dst.set(U64_LE, HEADER + 8L * i, pageSizes[i]);
            total += pageSizes[i];
        }
        return Bytes.wrap(java.util.Arrays.copyOf(out, (int) total));
    }

    /** The frame's layout, every field checked against the encoded size and the caller's bound. */
    private record Frame(long decodedSize, int pages, long[] pageSizes, long dataStart) {
    }

    private static Frame parse(Bytes encoded, long maxDecodedSize) throws CorruptDataException {
        long size = encoded.size();
        if (size < HEADER) {
            throw new CorruptDataException(NAME + ": " + size + " bytes are shorter than the " + HEADER + "-byte header");
        }
        MemorySegment s = encoded.segment();
        long decodedSize = s.get(U64_LE, 0);
        long pageCount = s.get(U64_LE, 8);
        if (decodedSize < 0 || decodedSize > maxDecodedSize) {
            throw new CorruptDataException(NAME + ": header at byte 0 announces " + Long.toUnsignedString(decodedSize)
                    + " decoded bytes, more than the " + maxDecodedSize + " allowed");
        }
        long expectedPages = (decodedSize + PAGE_SIZE - 1) / PAGE_SIZE;
        boolean emptyPage = decodedSize == 0 && pageCount == 1; // an empty input may be framed as one empty page
        if (pageCount != expectedPages && !emptyPage) {
            throw new CorruptDataException(NAME + ": header at byte 8 announces " + Long.toUnsignedString(pageCount)
                    + " pages for " + decodedSize + " decoded bytes, expected " + expectedPages);
        }
        if (pageCount > (size - HEADER) / 8) {
            throw new CorruptDataException(NAME + ": " + pageCount + " page sizes need " + (HEADER + 8 * pageCount)
                    + " header bytes, the chunk has " + size);
        }
        int pages = (int) pageCount;
        long dataStart = HEADER + 8L * pages;
        long[] pageSizes = new long[pages];
        long remaining = size - dataStart;
        for (int i = 0; i < pages; i++) {
            long p = s.get(U64_LE, HEADER + 8L * i);
            if (p < 0 || p > remaining) {
                throw new CorruptDataException(NAME + ": page " + i + " size at byte " + (HEADER + 8L * i) + " is "
                        + Long.toUnsignedString(p) + ", only " + remaining + " bytes remain");
            }
            pageSizes[i] = p;
            remaining -= p;
        }
        if (remaining != 0) {
            throw new CorruptDataException(NAME + ": " + remaining + " bytes after the last page (at byte "
                    + (size - remaining) + ")");
        }
        return new Frame(decodedSize, pages, pageSizes, dataStart);
    }

    @Override
    public Bytes decode(Bytes encoded, ChunkSpec spec, long maxDecodedSize) throws CorruptDataException {
        Frame f = parse(encoded, Math.min(maxDecodedSize, MAX_ARRAY));
        byte[] out = new byte[(int) f.decodedSize()];
        decodePages(encoded, f, MemorySegment.ofArray(out));
        return Bytes.wrap(out);
    }

    @Override
    public void decodeInto(Bytes encoded, ChunkSpec spec, MemorySegment dest) throws CorruptDataException {
        Frame f = parse(encoded, dest.byteSize());
        if (f.decodedSize() != dest.byteSize()) {
            throw new CorruptDataException(NAME + ": header at byte 0 announces " + f.decodedSize()
                    + " decoded bytes, expected " + dest.byteSize());
        }
        decodePages(encoded, f, dest);
    }

    private void decodePages(Bytes encoded, Frame f, MemorySegment dest) throws CorruptDataException {
        MemorySegment src = encoded.segment();
        byte[] err = new byte[ERROR_CAPACITY];
        long[] errLen = new long[1];
        long in = f.dataStart();
        for (int i = 0; i < f.pages(); i++) {
            long outStart = (long) i * PAGE_SIZE;
            long outLen = Math.min(PAGE_SIZE, f.decodedSize() - outStart);
            long rc;
            try {
                rc = (long) lib.decompressPage.invokeExact(src.asSlice(in, f.pageSizes()[i]), f.pageSizes()[i],
                        dest.asSlice(outStart, outLen), outLen, MemorySegment.ofArray(err), (long) ERROR_CAPACITY,
                        MemorySegment.ofArray(errLen));
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(NAME + ": native call failed", t);
            }
            if (rc != outLen) {
                throw new CorruptDataException(NAME + ": page " + i + " (" + f.pageSizes()[i] + " bytes at byte " + in
                        + ") does not decode to its " + outLen + " bytes: " + message(err, errLen));
            }
            in += f.pageSizes()[i];
        }
    }

    private static String message(byte[] err, long[] errLen) {
        int len = (int) Math.min(Math.max(errLen[0], 0), err.length);
        return new String(err, 0, len, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GdeflateCodec g && g.level == level;
    }

    @Override
    public int hashCode() {
        return Integer.hashCode(level);
    }

    @Override
    public String toString() {
        return spec().toString();
    }
}
