package dev.ngff.codec.std;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.buffer.Bytes;
import dev.ngff.codec.BytesToBytesCodec;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.error.CorruptDataException;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Json;

import dev.ngff.buffer.ObjectPool;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * DEFLATE with a gzip wrapper ({@code gzip}, RFC 1952) or a zlib wrapper ({@code numcodecs.zlib},
 * RFC 1950), on the JDK's zlib. Decoding never produces more than the caller's bound.
 */
public final class DeflateCodec implements BytesToBytesCodec {
    /** The container around the DEFLATE stream. */
    public enum Wrapper { GZIP, ZLIB }

    private final Wrapper wrapper;
    private final String name;
    private final int level;
    /** Reused inflaters (raw for gzip members, zlib-wrapped otherwise); each frees its native state when collected. */
    private final ObjectPool<Inflater> inflaters;

    public DeflateCodec(Wrapper wrapper, String name, int level) {
        if (level < -1 || level > 9) { // -1: zlib's default (6), which numcodecs writes
            throw new IllegalArgumentException(name + " level must be -1..9, got " + level);
        }
        this.wrapper = wrapper;
        this.name = name;
        this.level = level;
        boolean raw = wrapper == Wrapper.GZIP;
        this.inflaters = new ObjectPool<>(ObjectPool.defaultCapacity(), () -> new Inflater(raw), Inflater::end);
    }

    @Override
    public CodecSpec spec() {
        ObjectNode c = Json.object();
        c.put("level", level);
        return new CodecSpec(name, c);
    }

    @Override
    public long encodedSizeBound(long n) {
        // zlib's deflateBound for stored blocks plus the largest header and trailer
        return n + (n >> 12) + (n >> 14) + (n >> 25) + 13 + 18 + 5 * (n / 16383 + 1);
    }

    @Override
    public Bytes encode(Bytes decoded, ChunkSpec spec) {
        Deflater d = new Deflater(level, wrapper == Wrapper.GZIP);
        try {
            ByteBuffer in = decoded.asByteBuffer();
            long bound = encodedSizeBound(decoded.size());
            byte[] out = new byte[(int) Math.min(bound, Integer.MAX_VALUE - 16)];
            int pos = 0;
            if (wrapper == Wrapper.GZIP) {
                byte[] header = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
                System.arraycopy(header, 0, out, 0, header.length);
                pos = header.length;
            }
            d.setInput(in);
            d.finish();
            while (!d.finished()) {
                if (pos == out.length) {
                    out = java.util.Arrays.copyOf(out, (int) Math.min((long) out.length * 2, Integer.MAX_VALUE - 16));
                }
                pos += d.deflate(out, pos, out.length - pos);
            }
            if (wrapper == Wrapper.GZIP) {
                CRC32 crc = new CRC32();
                crc.update(decoded.asByteBuffer());
                if (out.length - pos < 8) {
                    out = java.util.Arrays.copyOf(out, pos + 8);
                }
                ByteBuffer t = ByteBuffer.wrap(out, pos, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                t.putInt((int) crc.getValue());
                t.putInt((int) decoded.size());
                pos += 8;
            }
            return Bytes.wrap(out, 0, pos);
        } finally {
            d.end();
        }
    }

    @Override
    public Bytes decode(Bytes encoded, ChunkSpec spec, long maxDecodedSize) throws CorruptDataException {
        return wrapper == Wrapper.GZIP ? gunzip(encoded, maxDecodedSize) : inflate(encoded, 0, false, maxDecodedSize).bytes;
    }

    /**
     * Inflates straight into {@code dest}, which the stream must fill exactly; gzip data with more than
     * one member takes the copying default.
     */
    @Override
    public void decodeInto(Bytes encoded, ChunkSpec spec, MemorySegment dest) throws IOException {
        if (dest.byteSize() > Integer.MAX_VALUE - 16 || encoded.size() > Integer.MAX_VALUE - 16) {
            BytesToBytesCodec.super.decodeInto(encoded, spec, dest);
            return;
        }
        int size = (int) encoded.size();
        int start = wrapper == Wrapper.GZIP ? skipHeader(encoded, 0) : 0;
        Inflater inf = inflaters.acquire();
        inf.reset();
        int consumed;
        try {
            inf.setInput(encoded.asByteBuffer().position(start));
            ByteBuffer out = dest.asByteBuffer();
            while (!inf.finished()) {
                if (!out.hasRemaining()) {
                    // full: valid only if the stream ends here
                    if (inf.inflate(new byte[1]) > 0) {
                        throw new CorruptDataException(name + ": decompressed data exceeds the expected " + dest.byteSize()
                                + " bytes");
                    }
                    if (inf.finished()) {
                        break;
                    }
                    throw new CorruptDataException(name + ": truncated stream after " + dest.byteSize()
                            + " decompressed bytes");
                }
                int n = inf.inflate(out);
                if (n == 0 && !inf.finished() && (inf.needsInput() || inf.needsDictionary())) {
                    throw new CorruptDataException(name + ": truncated stream after " + out.position()
                            + " decompressed bytes");
                }
            }
            if (out.hasRemaining()) {
                throw new CorruptDataException(name + ": decoded " + out.position() + " bytes, expected " + dest.byteSize());
            }
            consumed = (int) inf.getBytesRead();
        } catch (DataFormatException e) {
            throw new CorruptDataException(name + ": corrupt DEFLATE data: " + e.getMessage(), e);
        } finally {
            inflaters.release(inf);
        }
        if (wrapper != Wrapper.GZIP) {
            return;
        }
        int trailer = start + consumed;
        if (trailer + 8 > size) {
            throw new CorruptDataException("gzip: missing trailer (stream truncated at byte " + size + ")");
        }
        int pos = trailer + 8;
        while (pos < size && encoded.get(pos) == 0) { // padding some writers leave between members
            pos++;
        }
        if (pos < size) {
            BytesToBytesCodec.super.decodeInto(encoded, spec, dest); // several members
            return;
        }
        ByteBuffer t = encoded.asByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        CRC32 crc = new CRC32();
        crc.update(dest.asByteBuffer());
        if (t.getInt(trailer) != (int) crc.getValue()) {
            throw new CorruptDataException("gzip: CRC32 mismatch");
        }
        if (t.getInt(trailer + 4) != (int) dest.byteSize()) {
            throw new CorruptDataException("gzip: length mismatch in trailer");
        }
    }

    private record Inflated(Bytes bytes, int consumed) {
    }

    private Inflated inflate(Bytes encoded, int offset, boolean raw, long max) throws CorruptDataException {
        Inflater inf = new Inflater(raw);
        try {
            ByteBuffer in = encoded.asByteBuffer().position(offset);
            inf.setInput(in);
            int cap = (int) Math.min(Math.max(max, 0), Math.max(64, Math.min(encoded.size() * 4L, Integer.MAX_VALUE - 16)));
            byte[] out = new byte[cap]; // may be empty: a bound of 0 allows no output at all
            int pos = 0;
            while (!inf.finished()) {
                if (pos == out.length) {
                    if (out.length >= max) {
                        // full at the bound: valid only if the stream ends here
                        byte[] probe = new byte[1];
                        if (inf.inflate(probe) > 0) {
                            throw new CorruptDataException(name + ": decompressed data exceeds the expected " + max + " bytes");
                        }
                        if (inf.finished()) {
                            break;
                        }
                        throw new CorruptDataException(name + ": truncated stream after " + pos + " decompressed bytes");
                    }
                    out = java.util.Arrays.copyOf(out, (int) Math.min(Math.min((long) out.length * 2, max), Integer.MAX_VALUE - 16));
                }
                int n = inf.inflate(out, pos, out.length - pos);
                if (n == 0 && !inf.finished() && (inf.needsInput() || inf.needsDictionary())) {
                    throw new CorruptDataException(name + ": truncated stream after " + pos + " decompressed bytes");
                }
                pos += n;
            }
            int consumed = (int) inf.getBytesRead();
            return new Inflated(Bytes.wrap(out, 0, pos), consumed);
        } catch (DataFormatException e) {
            throw new CorruptDataException(name + ": corrupt DEFLATE data: " + e.getMessage(), e);
        } finally {
            inf.end();
        }
    }

    /** Decodes one or more concatenated gzip members, checking each CRC and length. */
    private Bytes gunzip(Bytes encoded, long max) throws CorruptDataException {
        int pos = 0;
        int size = (int) encoded.size();
        Bytes result = null;
        while (pos < size) {
            int start = skipHeader(encoded, pos);
            Inflated part = inflate(encoded, start, true, max - (result == null ? 0 : result.size()));
            int trailer = start + part.consumed;
            if (trailer + 8 > size) {
                throw new CorruptDataException("gzip: missing trailer (stream truncated at byte " + size + ")");
            }
            ByteBuffer t = encoded.asByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN);
            CRC32 crc = new CRC32();
            crc.update(part.bytes.asByteBuffer());
            if (t.getInt(trailer) != (int) crc.getValue()) {
                throw new CorruptDataException("gzip: CRC32 mismatch");
            }
            if (t.getInt(trailer + 4) != (int) part.bytes.size()) {
                throw new CorruptDataException("gzip: length mismatch in trailer");
            }
            result = result == null ? part.bytes : Bytes.concat(result, part.bytes);
            pos = trailer + 8;
            while (pos < size && encoded.get(pos) == 0) { // padding some writers leave between members
                pos++;
            }
        }
        if (result == null) {
            throw new CorruptDataException("gzip: empty input");
        }
        return result;
    }

    private static int skipHeader(Bytes b, int pos) throws CorruptDataException {
        long n = b.size();
        if (n - pos < 10 || b.get(pos) != 0x1f || b.get(pos + 1) != (byte) 0x8b || b.get(pos + 2) != 8) {
            throw new CorruptDataException("gzip: bad header at byte " + pos);
        }
        int flags = b.get(pos + 3) & 0xff;
        int p = pos + 10;
        try {
            if ((flags & 4) != 0) { // FEXTRA
                int xlen = (b.get(p) & 0xff) | (b.get(p + 1) & 0xff) << 8;
                p += 2 + xlen;
            }
            if ((flags & 8) != 0) { // FNAME
                while (b.get(p++) != 0) {
                    // skip
                }
            }
            if ((flags & 16) != 0) { // FCOMMENT
                while (b.get(p++) != 0) {
                    // skip
                }
            }
            if ((flags & 2) != 0) { // FHCRC
                p += 2;
            }
        } catch (IndexOutOfBoundsException e) {
            throw new CorruptDataException("gzip: truncated header");
        }
        if (p > n) {
            throw new CorruptDataException("gzip: truncated header");
        }
        return p;
    }

}
