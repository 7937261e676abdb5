package dev.ngff.codecs.blosc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.buffer.Bytes;
import dev.ngff.codec.BytesToBytesCodec;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.codecs.internal.HeapBytes;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Json;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The blosc codec: c-blosc 1.x frames, as the Zarr v3 {@code blosc} codec and numcodecs' {@code blosc}
 * (Zarr v2 {@code "id": "blosc"}, zarr-python 3's {@code numcodecs.blosc}) write them.
 *
 * <p>Two configuration styles, written back as they were read: {@link Style#V3} has {@code shuffle} as a
 * string and an explicit {@code typesize}; {@link Style#NUMCODECS} has {@code shuffle} as an integer where
 * -1 (auto) means bit shuffle for one-byte elements and byte shuffle otherwise, and takes the element size
 * from the chunk's data type, as numcodecs takes it from the array's item size, unless a {@code typesize} is
 * given (numcodecs 0.16 takes one, and zarr-python 3 then writes it). {@code blocksize} 0 lets the
 * encoder choose.
 *
 * <p>Decoding reads every frame c-blosc 1.x writes (blosclz, lz4, lz4hc, snappy, zlib, zstd; no, byte or bit
 * shuffle; any typesize and blocksize; memcpy'd frames), whatever this instance's configuration: the frame
 * header says how it was made. Hostile headers are refused before allocation (see {@link BloscFrames}).
 * Encoding supports every compressor but snappy. Instances are immutable and thread-safe; temporaries live
 * in pooled workspaces.
 *
 * @param name      {@code blosc} or {@code numcodecs.blosc}
 * @param style     how the configuration is written
 * @param cname     the compressor used for encoding
 * @param clevel    0..9; 0 stores the data uncompressed
 * @param shuffle   the pre-filter, or null for numcodecs' auto (-1)
 * @param typesize  the element size for shuffling, or 0 (numcodecs style only) to take it from the chunk's data type
 * @param blocksize the block size in bytes, 0 for automatic
 */
public record BloscCodec(String name, Style style, BloscCompressor cname, int clevel, BloscShuffle shuffle,
                         int typesize, int blocksize) implements BytesToBytesCodec {

    /** How the configuration is written back. */
    public enum Style { V3, NUMCODECS }

    public BloscCodec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(style, "style");
        Objects.requireNonNull(cname, "cname");
        if (clevel < 0 || clevel > 9) {
            throw new IllegalArgumentException(name + ": clevel must be in 0..9, got " + clevel);
        }
        if (style == Style.V3 && shuffle == null) {
            throw new IllegalArgumentException(name + ": the v3 style needs an explicit shuffle");
        }
        if (typesize < 0 || blocksize < 0) {
            throw new IllegalArgumentException(name + ": typesize and blocksize must not be negative");
        }
    }

    /** A v3 {@code blosc} codec. */
    public static BloscCodec v3(BloscCompressor cname, int clevel, BloscShuffle shuffle, int typesize, int blocksize) {
        return new BloscCodec("blosc", Style.V3, cname, clevel, shuffle, typesize, blocksize);
    }

    /** A numcodecs-style {@code blosc} codec; {@code shuffle} null means auto (-1). */
    public static BloscCodec numcodecs(BloscCompressor cname, int clevel, BloscShuffle shuffle, int blocksize) {
        return new BloscCodec("blosc", Style.NUMCODECS, cname, clevel, shuffle, 0, blocksize);
    }

    @Override
    public CodecSpec spec() {
        ObjectNode c = Json.object();
        c.put("cname", cname.cname());
        c.put("clevel", clevel);
        if (style == Style.V3) {
            c.put("shuffle", shuffle.v3Name());
            c.put("typesize", typesize);
        } else {
            c.put("shuffle", shuffle == null ? -1 : shuffle.code());
            if (typesize > 0) {
                c.put("typesize", typesize);
            }
        }
        c.put("blocksize", blocksize);
        return new CodecSpec(name, c);
    }

    /** The element size used to shuffle a chunk of {@code spec}. */
    int typesizeFor(ChunkSpec spec) {
        if (typesize > 0) {
            return typesize;
        }
        return spec == null ? 1 : Math.max(1, spec.dataType().byteSize());
    }

    /** The shuffle used for elements of {@code typesize} bytes. */
    BloscShuffle shuffleFor(int typesize) {
        return shuffle != null ? shuffle : BloscShuffle.auto(typesize);
    }

    /** c-blosc's bound: a frame is never larger than the data plus its 16-byte header. */
    @Override
    public long encodedSizeBound(long decodedSize) {
        if (decodedSize < 0) {
            throw new IllegalArgumentException("negative size " + decodedSize);
        }
        return decodedSize + BloscFrames.HEADER;
    }

    @Override
    public Bytes encode(Bytes decoded, ChunkSpec spec) throws UnsupportedExtensionException {
        if (decoded.size() > BloscFrames.MAX_BUFFERSIZE) {
            throw new UnsupportedExtensionException(name + ": cannot compress a chunk of " + decoded.size()
                    + " bytes; a blosc frame holds at most " + BloscFrames.MAX_BUFFERSIZE);
        }
        HeapBytes in = HeapBytes.of(decoded);
        int ts = typesizeFor(spec);
        byte[] frame = BloscFrames.encode(name, in.array(), in.offset(), in.length(), cname, clevel, shuffleFor(ts),
                ts, blocksize);
        return Bytes.wrap(frame);
    }

    @Override
    public Bytes decode(Bytes encoded, ChunkSpec spec, long maxDecodedSize)
            throws CorruptDataException, UnsupportedExtensionException {
        if (maxDecodedSize < 0) {
            throw new IllegalArgumentException("negative maxDecodedSize " + maxDecodedSize);
        }
        if (encoded.size() > Integer.MAX_VALUE) {
            throw new CorruptDataException(name + ": " + encoded.size() + " bytes is larger than any blosc frame");
        }
        HeapBytes in = HeapBytes.of(encoded);
        return Bytes.wrap(BloscFrames.decode(name, in.array(), in.offset(), in.length(), maxDecodedSize));
    }

    /** Decodes straight into heap memory (off-heap destinations take the copying default); nbytes must equal its size. */
    @Override
    public void decodeInto(Bytes encoded, ChunkSpec spec, MemorySegment dest)
            throws java.io.IOException {
        if (dest.isNative() || dest.byteSize() > BloscFrames.MAX_BUFFERSIZE) {
            BytesToBytesCodec.super.decodeInto(encoded, spec, dest);
            return;
        }
        if (encoded.size() > Integer.MAX_VALUE) {
            throw new CorruptDataException(name + ": " + encoded.size() + " bytes is larger than any blosc frame");
        }
        HeapBytes in = HeapBytes.of(encoded);
        BloscFrames.Header h = BloscFrames.header(name, in.array(), in.offset(), in.length(), dest.byteSize());
        if (h.nbytes() != dest.byteSize()) {
            throw new CorruptDataException(name + ": header field nbytes declares " + h.nbytes() + " decoded bytes, expected "
                    + dest.byteSize());
        }
        BloscFrames.decodeInto(name, h, in.array(), in.offset(), (byte[]) dest.heapBase().orElseThrow(),
                (int) dest.address());
    }

    @Override
    public String toString() {
        return "BloscCodec" + spec().toJson();
    }
}
