package dev.ngff.codecs.numcodecs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.buffer.Bytes;
import dev.ngff.codec.BytesToBytesCodec;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.error.CorruptDataException;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Json;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * numcodecs' {@code bz2} ({@code numcodecs.bz2} in Zarr v3): a bzip2 stream, on Apache Commons Compress.
 * {@code level} (1..9, default 1) is the block size in units of 100 kB, as Python's {@code bz2.compress}
 * takes it. Decoding accepts concatenated streams, as Python does. Immutable and thread-safe.
 */
public final class Bz2Codec implements BytesToBytesCodec {
    private final int level;

    /** @throws IllegalArgumentException when {@code level} is not in 1..9 */
    public Bz2Codec(int level) {
        if (level < 1 || level > 9) {
            throw new IllegalArgumentException("bz2 level must be 1..9, got " + level);
        }
        this.level = level;
    }

    public int level() {
        return level;
    }

    @Override
    public CodecSpec spec() {
        ObjectNode c = Json.object();
        c.put("level", level);
        return new CodecSpec("numcodecs.bz2", c);
    }

    @Override
    public Bytes encode(Bytes decoded, ChunkSpec spec) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream((int) Math.min(decoded.size() / 2 + 64, 1 << 26));
        try (BZip2CompressorOutputStream out = new BZip2CompressorOutputStream(bos, level)) {
            byte[] buf = new byte[1 << 16];
            for (long p = 0; p < decoded.size(); p += buf.length) {
                int n = (int) Math.min(buf.length, decoded.size() - p);
                decoded.slice(p, n).segment().asByteBuffer().get(buf, 0, n);
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("bz2 compression into memory failed", e); // cannot happen in memory
        }
        return Bytes.wrap(bos.toByteArray());
    }

    @Override
    public Bytes decode(Bytes encoded, ChunkSpec spec, long maxDecodedSize) throws CorruptDataException {
        if (encoded.size() < 4 || encoded.get(0) != 'B' || encoded.get(1) != 'Z' || encoded.get(2) != 'h') {
            throw new CorruptDataException("numcodecs.bz2: input of " + encoded.size() + " bytes is not a bzip2 stream");
        }
        try {
            BZip2CompressorInputStream in = new BZip2CompressorInputStream(
                    new ByteArrayInputStream(encoded.toArrayUnsafe()), true);
            return Streams.readBounded(in, maxDecodedSize, encoded.size(), "numcodecs.bz2");
        } catch (IOException e) {
            throw new CorruptDataException("numcodecs.bz2: corrupt stream header: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bz2Codec b && b.level == level;
    }

    @Override
    public int hashCode() {
        return level;
    }

    @Override
    public String toString() {
        return spec().toString();
    }
}
