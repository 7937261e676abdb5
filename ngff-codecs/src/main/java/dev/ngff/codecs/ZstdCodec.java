package dev.ngff.codecs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import dev.ngff.buffer.Buffers;
import dev.ngff.buffer.Bytes;
import dev.ngff.codec.BytesToBytesCodec;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Json;

import dev.ngff.buffer.ObjectPool;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.ref.Cleaner;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The Zstandard codec (RFC 8878) on zstd-jni, under its Zarr v3 name {@code zstd} and its numcodecs name
 * {@code numcodecs.zstd}. Both take {@code {"level": int, "checksum": bool}}.
 *
 * <p><b>Encoding</b> writes one frame that records its content size, with a content checksum when
 * {@code checksum} is set. Levels above {@link #MAX_LEVEL} are compressed at {@link #MAX_LEVEL}, as
 * libzstd, numcodecs and zarr-python do (numcodecs' own fixtures use level 100); {@link #spec()} still
 * reports the configured level so metadata is written back as it was read. Level 0 selects libzstd's
 * default level.
 *
 * <p><b>Decoding</b> accepts one or more concatenated frames, skippable frames included. When every frame
 * header records its content size the sum is checked against the caller's bound before anything is
 * allocated, and the frames are decoded in one call into a buffer of exactly that size. Frames without a
 * content size (streaming writers, which numcodecs and zarr-python may use) are decoded with a streaming
 * decompressor into a buffer that grows up to the bound and never beyond it. Truncated, corrupt or
 * oversized input is a {@link CorruptDataException} whose message carries libzstd's error name.
 *
 * <p>Chunks of 2 GiB or more cannot go through zstd-jni's {@code int}-sized calls and are refused with an
 * {@link UnsupportedExtensionException}. Instances are immutable and thread-safe: each call takes a libzstd context from
 * a small pool owned by the instance (reused across calls and threads, closed when the instance is
 * collected), so steady-state decoding into caller memory ({@link #decodeInto}) allocates nothing.
 */
public final class ZstdCodec implements BytesToBytesCodec {
    /** Lowest level libzstd accepts ({@code ZSTD_minCLevel()}). */
    public static final int MIN_LEVEL = -(1 << 17);
    /** Highest level libzstd compresses at ({@code ZSTD_maxCLevel()}). */
    public static final int MAX_LEVEL = 22;

    private static final int MAGIC = 0xFD2FB528;
    private static final int SKIPPABLE_MAGIC_MASK = 0xFFFFFFF0;
    private static final int SKIPPABLE_MAGIC = 0x184D2A50;
    private static final long UNKNOWN = -1;
    /** Largest input or output of one zstd-jni call. */
    private static final long MAX_CALL_SIZE = Buffers.MAX_HEAP_ARRAY;
    /** Output slack above which an encoding is copied into an exactly sized buffer rather than kept. */
    private static final int TRIM_SLACK = 4096;
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Frees the native contexts a codec pooled once the codec is unreachable (zstd-jni contexts have no cleaner of their own). */
    private static final Cleaner CLEANER = Cleaner.create();

    private final String name;
    private final int level;
    private final boolean checksum;
    /** Reused libzstd contexts: creating one per call costs a native allocation and its tables. */
    private final ObjectPool<ZstdDecompressCtx> decompressors;
    private final ObjectPool<ZstdCompressCtx> compressors;
    /** Worst-case-sized output buffers for encoding, grown on demand. */
    private final ObjectPool<byte[]> scratch = new ObjectPool<>(ObjectPool.defaultCapacity(), () -> new byte[0]);

    /**
     * A codec answering to {@code name} ({@code zstd} or {@code numcodecs.zstd}, used in {@link #spec()}
     * and in messages).
     *
     * @throws IllegalArgumentException when {@code level} is below {@link #MIN_LEVEL}
     */
    public ZstdCodec(String name, int level, boolean checksum) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("zstd codec name must not be empty");
        }
        if (level < MIN_LEVEL) {
            throw new IllegalArgumentException(name + " level must be in " + MIN_LEVEL + ".." + MAX_LEVEL + ", got " + level);
        }
        this.name = name;
        this.level = level;
        this.checksum = checksum;
        ObjectPool<ZstdDecompressCtx> d = new ObjectPool<>(ObjectPool.defaultCapacity(), ZstdDecompressCtx::new,
                ZstdDecompressCtx::close);
        ObjectPool<ZstdCompressCtx> c = new ObjectPool<>(ObjectPool.defaultCapacity(),
                () -> newCompressor(level, checksum), ZstdCompressCtx::close);
        this.decompressors = d;
        this.compressors = c;
        CLEANER.register(this, () -> {
            d.discardIdle();
            c.discardIdle();
        });
    }

    private static ZstdCompressCtx newCompressor(int level, boolean checksum) {
        ZstdCompressCtx ctx = new ZstdCompressCtx();
        ctx.setLevel(Math.min(level, MAX_LEVEL));
        ctx.setChecksum(checksum);
        ctx.setContentSize(true);
        return ctx;
    }

    /** The level as configured (possibly above {@link #MAX_LEVEL}). */
    public int level() {
        return level;
    }

    /** Whether encoded frames carry a content checksum. */
    public boolean checksum() {
        return checksum;
    }

    @Override
    public CodecSpec spec() {
        ObjectNode c = Json.object();
        c.put("level", level);
        c.put("checksum", checksum);
        return new CodecSpec(name, c);
    }

    /** {@code ZSTD_COMPRESSBOUND}: the largest frame one-shot compression can produce from {@code n} bytes. */
    @Override
    public long encodedSizeBound(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative size " + n);
        }
        long margin = n < (128 << 10) ? ((128 << 10) - n) >> 11 : 0;
        return n + (n >> 8) + margin;
    }

    @Override
    public Bytes encode(Bytes decoded, ChunkSpec spec) throws UnsupportedExtensionException {
        long n = decoded.size();
        long bound = encodedSizeBound(n);
        if (bound > MAX_CALL_SIZE) {
            throw new UnsupportedExtensionException(name + ": cannot compress a chunk of " + n
                    + " bytes; zstd-jni takes at most " + (MAX_CALL_SIZE - (MAX_CALL_SIZE >> 8)) + " bytes per call");
        }
        ZstdCompressCtx ctx = compressors.acquire();
        boolean reusable = false;
        try {
            Bytes result;
            if (decoded.segment().isNative()) {
                // direct buffers in and out: the input is read in place
                MemorySegment out = Arena.ofAuto().allocate(bound);
                int written = ctx.compressDirectByteBuffer(out.asByteBuffer(), 0, (int) bound,
                        decoded.asByteBuffer(), 0, (int) n);
                result = trim(out, written);
            } else {
                byte[] src = decoded.arrayUnsafe();
                int srcOff = decoded.arrayOffset();
                if (src == null) {
                    src = decoded.toArrayUnsafe(); // a read-only heap view hides its array
                    srcOff = 0;
                }
                // into pooled scratch of the worst-case size, then one exact copy: no oversized garbage per chunk
                byte[] out = scratch.acquire();
                if (out.length < bound) {
                    out = new byte[(int) bound];
                }
                try {
                    int written = ctx.compressByteArray(out, 0, (int) bound, src, srcOff, (int) n);
                    result = Bytes.wrap(Arrays.copyOf(out, written));
                } finally {
                    scratch.release(out);
                }
            }
            reusable = true;
            return result;
        } catch (ZstdException e) {
            // only a bug (ours or libzstd's) gets here: the output is sized by ZSTD_COMPRESSBOUND
            throw new IllegalStateException(name + ": compression failed: " + errorName(e), e);
        } finally {
            giveBack(compressors, ctx, reusable);
        }
    }

    /** The first {@code size} bytes of {@code out}, copied when keeping the whole buffer would waste much. */
    private static Bytes trim(MemorySegment out, long size) {
        if (out.byteSize() - size <= TRIM_SLACK || out.byteSize() - size <= size / 8) {
            return Bytes.wrap(out.asSlice(0, size));
        }
        MemorySegment exact = Buffers.allocate(size);
        MemorySegment.copy(out, 0, exact, 0, size);
        return Bytes.wrap(exact);
    }

    @Override
    public Bytes decode(Bytes encoded, ChunkSpec spec, long maxDecodedSize) throws CorruptDataException,
            UnsupportedExtensionException {
        if (maxDecodedSize < 0) {
            throw new IllegalArgumentException("negative maxDecodedSize " + maxDecodedSize);
        }
        if (encoded.size() > MAX_CALL_SIZE) {
            throw new UnsupportedExtensionException(name + ": cannot decompress a chunk of " + encoded.size()
                    + " bytes; zstd-jni takes at most " + MAX_CALL_SIZE + " bytes per call");
        }
        long declared = contentSize(encoded.segment(), maxDecodedSize);
        if (declared != UNKNOWN) {
            if (declared > MAX_CALL_SIZE) {
                throw new UnsupportedExtensionException(name + ": frames declare " + declared
                        + " bytes; chunks of 2 GiB or more are not supported");
            }
            byte[] out = new byte[(int) declared];
            decodeKnownSize(encoded, MemorySegment.ofArray(out), declared);
            return Bytes.wrap(out);
        }
        ByteBuffer src = encoded.segment().isNative()
                ? encoded.asByteBuffer()
                : ByteBuffer.wrap(encoded.toArrayUnsafe());
        ZstdDecompressCtx ctx = decompressors.acquire();
        boolean reusable = false;
        try {
            Bytes out = decodeStreaming(ctx, src, maxDecodedSize);
            reusable = true;
            return out;
        } catch (ZstdException e) {
            throw new CorruptDataException(name + ": corrupt data: " + errorName(e), e);
        } finally {
            giveBack(decompressors, ctx, reusable);
        }
    }

    /**
     * Decodes straight into {@code dest} when the frame headers record their content size (they must
     * sum to exactly {@code dest.byteSize()}); frames without one are streamed and copied.
     */
    @Override
    public void decodeInto(Bytes encoded, ChunkSpec spec, MemorySegment dest) throws IOException {
        if (encoded.size() > MAX_CALL_SIZE || dest.byteSize() > MAX_CALL_SIZE) {
            BytesToBytesCodec.super.decodeInto(encoded, spec, dest);
            return;
        }
        long declared = contentSize(encoded.segment(), dest.byteSize());
        if (declared == UNKNOWN) {
            BytesToBytesCodec.super.decodeInto(encoded, spec, dest);
            return;
        }
        if (declared != dest.byteSize()) {
            throw new CorruptDataException(name + ": the frame headers declare " + declared + " bytes, expected "
                    + dest.byteSize());
        }
        decodeKnownSize(encoded, dest, declared);
    }

    /** One-shot decoding of frames that declare {@code size} bytes in all into {@code dest} (exactly that size). */
    private void decodeKnownSize(Bytes encoded, MemorySegment dest, long size) throws CorruptDataException {
        ZstdDecompressCtx ctx = decompressors.acquire();
        boolean reusable = false;
        try {
            int srcLen = (int) encoded.size();
            byte[] srcArray = encoded.arrayUnsafe();
            int srcOff = encoded.arrayOffset();
            if (srcArray == null && !encoded.segment().isNative()) {
                srcArray = encoded.toArrayUnsafe(); // a read-only heap view hides its array
                srcOff = 0;
            }
            byte[] dstArray = dest.isNative() ? null : (byte[]) dest.heapBase().orElseThrow();
            int n;
            if (srcArray != null && dstArray != null) {
                n = ctx.decompressByteArray(dstArray, (int) dest.address(), (int) size, srcArray, srcOff, srcLen);
            } else if (srcArray != null) {
                n = ctx.decompressByteArrayToDirectByteBuffer(dest.asByteBuffer(), 0, (int) size, srcArray,
                        srcOff, srcLen);
            } else if (dstArray != null) {
                n = ctx.decompressDirectByteBufferToByteArray(dstArray, (int) dest.address(), (int) size,
                        encoded.asByteBuffer(), 0, srcLen);
            } else {
                n = ctx.decompressDirectByteBuffer(dest.asByteBuffer(), 0, (int) size, encoded.asByteBuffer(), 0, srcLen);
            }
            if (n != size) {
                throw new CorruptDataException(name + ": decoded " + n + " bytes, the frame headers declare " + size);
            }
            reusable = true;
        } catch (ZstdException e) {
            throw new CorruptDataException(name + ": corrupt data: " + errorName(e), e);
        } finally {
            giveBack(decompressors, ctx, reusable);
        }
    }

    /** Returns a context to its pool after a call that completed; one left in an unknown state by an error is closed. */
    private static <T extends java.io.Closeable> void giveBack(ObjectPool<T> pool, T ctx, boolean reusable) {
        if (reusable) {
            pool.release(ctx);
            return;
        }
        try {
            ctx.close();
        } catch (IOException e) {
            // closing a native context does not fail
        }
    }

    /** Streams frames whose size is not recorded, growing the output up to {@code max} and no further. */
    private Bytes decodeStreaming(ZstdDecompressCtx ctx, ByteBuffer src, long max) throws CorruptDataException {
        ctx.reset(); // a pooled context may hold the session of an earlier stream
        long cap = Math.min(max, MAX_CALL_SIZE);
        byte[] out = new byte[(int) Math.min(cap, Math.max(64 << 10, Math.min(4L * src.limit(), MAX_CALL_SIZE)))];
        int pos = 0;
        boolean frameDone = false;
        while (!(frameDone && !src.hasRemaining())) {
            int srcBefore = src.position();
            int posBefore = pos;
            if (pos == out.length && out.length < cap) {
                out = Arrays.copyOf(out, (int) Math.min(cap, 2L * out.length));
            }
            boolean roomLeft;
            if (pos == out.length) {
                // full at the bound: the data is valid only if nothing more comes out
                ByteBuffer probe = ByteBuffer.allocate(1);
                frameDone = ctx.decompressByteBufferStream(probe, src);
                if (probe.position() > 0) {
                    throw new CorruptDataException(name + ": decompressed data exceeds the bound of " + cap + " bytes");
                }
                roomLeft = true;
            } else {
                ByteBuffer dst = ByteBuffer.wrap(out, pos, out.length - pos);
                frameDone = ctx.decompressByteBufferStream(dst, src);
                pos = dst.position();
                roomLeft = pos < out.length;
            }
            if (!frameDone && roomLeft) {
                // libzstd returns with room left only when it needs more input
                if (!src.hasRemaining()) {
                    throw new CorruptDataException(name + ": truncated frame after " + pos + " decompressed bytes");
                }
                if (src.position() == srcBefore && pos == posBefore) {
                    throw new CorruptDataException(name + ": decompressor made no progress at input byte " + srcBefore);
                }
            }
        }
        return Bytes.wrap(out, 0, pos);
    }

    /**
     * Walks the frames of {@code in} (RFC 8878 section 3.1) and returns the sum of their content sizes, or
     * {@link #UNKNOWN} when a frame does not record its size. Checks that frames and blocks fit the input,
     * and that declared sizes fit {@code max}, so that nothing is allocated for a hostile header.
     */
    private long contentSize(MemorySegment in, long max) throws CorruptDataException {
        long n = in.byteSize();
        if (n == 0) {
            throw new CorruptDataException(name + ": empty input is not a zstd frame");
        }
        long p = 0;
        long total = 0;
        boolean unknown = false;
        while (p < n) {
            need(in, p, 4, "frame magic");
            int magic = in.get(INT_LE, p);
            if ((magic & SKIPPABLE_MAGIC_MASK) == SKIPPABLE_MAGIC) {
                need(in, p + 4, 4, "skippable frame size");
                long size = Integer.toUnsignedLong(in.get(INT_LE, p + 4));
                p += 8;
                need(in, p, size, "skippable frame");
                p += size;
                continue;
            }
            if (magic != MAGIC) {
                throw new CorruptDataException(String.format("%s: no zstd frame at byte %d (magic %08x)", name, p, magic));
            }
            p += 4;
            need(in, p, 1, "frame header");
            int fhd = in.get(ValueLayout.JAVA_BYTE, p) & 0xff;
            p += 1;
            if ((fhd & 0x08) != 0) {
                throw new CorruptDataException(name + ": reserved bit set in the frame header at byte " + (p - 1));
            }
            boolean singleSegment = (fhd & 0x20) != 0;
            int fcsFlag = fhd >>> 6;
            int dictIdSize = switch (fhd & 3) {
                case 0 -> 0;
                case 1 -> 1;
                case 2 -> 2;
                default -> 4;
            };
            int fcsSize = switch (fcsFlag) {
                case 0 -> singleSegment ? 1 : 0;
                case 1 -> 2;
                case 2 -> 4;
                default -> 8;
            };
            long fields = (singleSegment ? 0 : 1) + dictIdSize;
            need(in, p, fields + fcsSize, "frame header");
            p += fields;
            if (fcsSize == 0) {
                unknown = true;
            } else {
                long fcs = 0;
                for (int i = fcsSize - 1; i >= 0; i--) {
                    fcs = (fcs << 8) | (in.get(ValueLayout.JAVA_BYTE, p + i) & 0xff);
                }
                if (fcsSize == 2) {
                    fcs += 256;
                }
                if (fcs < 0 || fcs > max - total) { // fcs < 0: above 2^63 as an unsigned 64-bit value
                    throw new CorruptDataException(name + ": frame header declares " + Long.toUnsignedString(fcs)
                            + " bytes of content, more than the " + (max - total) + " bytes the chunk can hold");
                }
                total += fcs;
            }
            p += fcsSize;
            boolean last = false;
            while (!last) {
                need(in, p, 3, "block header");
                int bh = (in.get(ValueLayout.JAVA_BYTE, p) & 0xff) | (in.get(ValueLayout.JAVA_BYTE, p + 1) & 0xff) << 8
                        | (in.get(ValueLayout.JAVA_BYTE, p + 2) & 0xff) << 16;
                p += 3;
                last = (bh & 1) != 0;
                int size = bh >>> 3;
                long payload = switch ((bh >>> 1) & 3) {
                    case 0, 2 -> size; // raw, compressed
                    case 1 -> 1; // RLE: one byte repeated
                    default -> throw new CorruptDataException(name + ": reserved block type at byte " + (p - 3));
                };
                need(in, p, payload, "block");
                p += payload;
            }
            if ((fhd & 0x04) != 0) {
                need(in, p, 4, "content checksum");
                p += 4;
            }
        }
        return unknown ? UNKNOWN : total;
    }

    private void need(MemorySegment in, long at, long count, String what) throws CorruptDataException {
        if (count > in.byteSize() - at) {
            throw new CorruptDataException(name + ": truncated input: " + what + " at byte " + at + " needs " + count
                    + " bytes, " + (in.byteSize() - at) + " remain");
        }
    }

    private static String errorName(ZstdException e) {
        String m = e.getMessage();
        return m != null && !m.isEmpty() ? m : com.github.luben.zstd.Zstd.getErrorName(e.getErrorCode());
    }

    @Override
    public String toString() {
        return "ZstdCodec[" + name + ", level " + level + (checksum ? ", checksum" : "") + "]";
    }
}
