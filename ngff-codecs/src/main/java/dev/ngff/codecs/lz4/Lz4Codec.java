package dev.ngff.codecs.lz4;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.buffer.Bytes;
import dev.ngff.codec.BytesToBytesCodec;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.codecs.internal.HeapBytes;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Json;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * numcodecs' {@code lz4} codec (Zarr v2 {@code "id": "lz4"}, zarr-python 3's {@code numcodecs.lz4}): the
 * decoded size as a 4-byte little-endian integer, then one raw LZ4 block (not the LZ4 frame format), on
 * lz4-java. The declared size is checked against the caller's bound before allocating, and the block must
 * decode to exactly that size. {@code acceleration} is kept and written back; encoding uses lz4's default
 * acceleration (1), whose output every LZ4 decoder reads. Immutable and thread-safe.
 *
 * @param name         {@code numcodecs.lz4} (or {@code lz4})
 * @param acceleration numcodecs' acceleration parameter (at least 1 here; numcodecs treats lower as 1)
 */
public record Lz4Codec(String name, int acceleration) implements BytesToBytesCodec {
    /** LZ4_MAX_INPUT_SIZE. */
    public static final int MAX_INPUT = 0x7E000000;
    private static final java.lang.foreign.ValueLayout.OfInt PREFIX =
            java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();
    private static final LZ4Compressor COMPRESSOR = LZ4.fastCompressor();
    private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4.safeDecompressor();

    public Lz4Codec {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("lz4 codec name must not be empty");
        }
    }

    @Override
    public CodecSpec spec() {
        ObjectNode c = Json.object();
        c.put("acceleration", acceleration);
        return new CodecSpec(name, c);
    }

    @Override
    public long encodedSizeBound(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative size " + n);
        }
        return 4 + n + n / 255 + 16; // LZ4_COMPRESSBOUND plus the size prefix
    }

    @Override
    public Bytes encode(Bytes decoded, ChunkSpec spec) throws UnsupportedExtensionException {
        if (decoded.size() > MAX_INPUT) {
            throw new UnsupportedExtensionException(name + ": cannot compress " + decoded.size()
                    + " bytes; LZ4 takes at most " + MAX_INPUT);
        }
        HeapBytes in = HeapBytes.of(decoded);
        byte[] out = new byte[4 + COMPRESSOR.maxCompressedLength(in.length())];
        INT_LE.set(out, 0, in.length());
        int n = COMPRESSOR.compress(in.array(), in.offset(), in.length(), out, 4, out.length - 4);
        return Bytes.wrap(out.length - (4 + n) > 4096 ? Arrays.copyOf(out, 4 + n) : out, 0, 4 + n);
    }

    /** Decodes the block straight into {@code dest}; the size prefix must equal its size. */
    @Override
    public void decodeInto(Bytes encoded, ChunkSpec spec, MemorySegment dest) throws CorruptDataException {
        if (encoded.size() < 4) {
            throw new CorruptDataException(name + ": truncated input: " + encoded.size()
                    + " bytes, the size prefix alone takes 4");
        }
        if (encoded.size() > Integer.MAX_VALUE - 16 || dest.byteSize() > MAX_INPUT) {
            throw new CorruptDataException(name + ": " + encoded.size() + " encoded or " + dest.byteSize()
                    + " decoded bytes is larger than any LZ4 block");
        }
        long declared = Integer.toUnsignedLong(encoded.segment().get(PREFIX, 0));
        if (declared != dest.byteSize()) {
            throw new CorruptDataException(name + ": the size prefix declares " + declared + " decoded bytes, expected "
                    + dest.byteSize());
        }
        int n = (int) declared;
        int inLen = (int) encoded.size() - 4;
        if (inLen == 0) {
            if (n != 0) {
                throw new CorruptDataException(name + ": no LZ4 block after a size prefix of " + n);
            }
            return;
        }
        int got;
        try {
            byte[] src = encoded.arrayUnsafe();
            int srcOff = encoded.arrayOffset() + 4;
            if (src == null && !encoded.segment().isNative()) {
                src = encoded.toArrayUnsafe(); // a read-only heap view hides its array
                srcOff = 4;
            }
            byte[] dst = dest.isNative() ? null : (byte[]) dest.heapBase().orElseThrow();
            if (src != null && dst != null) {
                got = DECOMPRESSOR.decompress(src, srcOff, inLen, dst, (int) dest.address(), n);
            } else {
                java.nio.ByteBuffer in = src != null ? java.nio.ByteBuffer.wrap(src) : encoded.asByteBuffer();
                got = DECOMPRESSOR.decompress(in, src != null ? srcOff : 4, inLen, dest.asByteBuffer(), 0, n);
            }
        } catch (LZ4Exception e) {
            throw new CorruptDataException(name + ": corrupt LZ4 block: " + e.getMessage(), e);
        }
        if (got != n) {
            throw new CorruptDataException(name + ": the LZ4 block decoded to " + got + " bytes, the size prefix declares " + n);
        }
    }

    @Override
    public Bytes decode(Bytes encoded, ChunkSpec spec, long maxDecodedSize) throws CorruptDataException {
        if (maxDecodedSize < 0) {
            throw new IllegalArgumentException("negative maxDecodedSize " + maxDecodedSize);
        }
        if (encoded.size() < 4) {
            throw new CorruptDataException(name + ": truncated input: " + encoded.size()
                    + " bytes, the size prefix alone takes 4");
        }
        if (encoded.size() > Integer.MAX_VALUE - 16) {
            throw new CorruptDataException(name + ": " + encoded.size() + " bytes is larger than any LZ4 block");
        }
        HeapBytes in = HeapBytes.of(encoded);
        long declared = Integer.toUnsignedLong((int) INT_LE.get(in.array(), in.offset()));
        if (declared > maxDecodedSize || declared > MAX_INPUT) {
            throw new CorruptDataException(name + ": the size prefix declares " + declared
                    + " decoded bytes, more than the " + Math.min(maxDecodedSize, MAX_INPUT) + " the chunk can hold");
        }
        int n = (int) declared;
        byte[] out = new byte[n];
        if (in.length() == 4) {
            if (n != 0) {
                throw new CorruptDataException(name + ": no LZ4 block after a size prefix of " + n);
            }
            return Bytes.wrap(out);
        }
        int got;
        try {
            got = DECOMPRESSOR.decompress(in.array(), in.offset() + 4, in.length() - 4, out, 0, n);
        } catch (LZ4Exception e) {
            throw new CorruptDataException(name + ": corrupt LZ4 block: " + e.getMessage(), e);
        }
        if (got != n) {
            throw new CorruptDataException(name + ": the LZ4 block decoded to " + got + " bytes, the size prefix declares " + n);
        }
        return Bytes.wrap(out);
    }
}
