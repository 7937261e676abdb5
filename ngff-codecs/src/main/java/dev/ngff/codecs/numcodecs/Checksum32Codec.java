package dev.ngff.codecs.numcodecs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.buffer.Bytes;
import dev.ngff.codec.BytesToBytesCodec;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.error.CorruptDataException;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Json;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.OptionalLong;
import java.util.zip.Adler32;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/**
 * numcodecs' 32-bit checksum codecs: the payload unchanged plus its checksum as a 4-byte little-endian
 * integer, before the payload ({@code location: "start"}) or after it ({@code "end"}). Decoding checks it
 * and fails with a {@link CorruptDataException} on a mismatch, as numcodecs does.
 *
 * <ul>
 * <li>{@code crc32} (zlib's CRC-32) and {@code adler32}: location configurable, default start;</li>
 * <li>{@code crc32c} (Castagnoli): location configurable, default end; the v3 {@code crc32c} codec of the
 *     core is this layout at the end;</li>
 * <li>{@code fletcher32}: HDF5's Fletcher-32 over big-endian 16-bit words; always at the end, no options.</li>
 * </ul>
 * Immutable and thread-safe.
 */
public final class Checksum32Codec implements BytesToBytesCodec {
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The checksum functions numcodecs offers. */
    public enum Algorithm {
        CRC32("crc32", true), ADLER32("adler32", true), CRC32C("crc32c", false), FLETCHER32("fletcher32", false);

        private final String id;
        private final boolean atStartByDefault;

        Algorithm(String id, boolean atStartByDefault) {
            this.id = id;
            this.atStartByDefault = atStartByDefault;
        }

        /** The numcodecs id ({@code crc32}, ...). */
        public String id() {
            return id;
        }

        /** Where numcodecs puts this checksum when the configuration does not say. */
        public boolean atStartByDefault() {
            return atStartByDefault;
        }
    }

    private final Algorithm algorithm;
    private final boolean atStart;

    /**
     * @throws IllegalArgumentException for fletcher32 at the start (numcodecs has no such option)
     */
    public Checksum32Codec(Algorithm algorithm, boolean atStart) {
        if (algorithm == Algorithm.FLETCHER32 && atStart) {
            throw new IllegalArgumentException("fletcher32 always puts its checksum at the end");
        }
        this.algorithm = algorithm;
        this.atStart = atStart;
    }

    /** The codec with numcodecs' default location. */
    public static Checksum32Codec of(Algorithm algorithm) {
        return new Checksum32Codec(algorithm, algorithm.atStartByDefault());
    }

    public Algorithm algorithm() {
        return algorithm;
    }

    public boolean atStart() {
        return atStart;
    }

    @Override
    public CodecSpec spec() {
        ObjectNode c = Json.object();
        if (algorithm != Algorithm.FLETCHER32 && atStart != algorithm.atStartByDefault()) {
            c.put("location", atStart ? "start" : "end");
        }
        return new CodecSpec("numcodecs." + algorithm.id(), c);
    }

    @Override
    public long encodedSizeBound(long decodedSize) {
        return decodedSize + 4;
    }

    @Override
    public OptionalLong fixedSizeOverhead() {
        return OptionalLong.of(4);
    }

    /** The checksum of {@code data} as an unsigned 32-bit value in an int. */
    public int checksum(MemorySegment data) {
        if (algorithm == Algorithm.FLETCHER32) {
            return fletcher32(data);
        }
        Checksum c = switch (algorithm) {
            case CRC32 -> new CRC32();
            case ADLER32 -> new Adler32();
            default -> new CRC32C();
        };
        c.update(data.asByteBuffer());
        return (int) c.getValue();
    }

    /**
     * HDF5's Fletcher-32 ({@code H5_checksum_fletcher32}), which numcodecs copies: sums of big-endian 16-bit
     * words, folded every 360 words; an odd last byte counts as the high byte of a word.
     */
    static int fletcher32(MemorySegment data) {
        long n = data.byteSize();
        long words = n / 2;
        long sum1 = 0;
        long sum2 = 0;
        long p = 0;
        while (words > 0) {
            long t = Math.min(words, 360);
            words -= t;
            for (long k = 0; k < t; k++) {
                sum1 += ((data.get(ValueLayout.JAVA_BYTE, p) & 0xff) << 8) | (data.get(ValueLayout.JAVA_BYTE, p + 1) & 0xff);
                sum2 += sum1;
                p += 2;
            }
            sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
            sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
        }
        if ((n & 1) != 0) {
            sum1 += (data.get(ValueLayout.JAVA_BYTE, p) & 0xff) << 8;
            sum2 += sum1;
            sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
            sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
        }
        sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
        sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
        return (int) ((sum2 << 16) | sum1);
    }

    @Override
    public Bytes encode(Bytes decoded, ChunkSpec spec) {
        long n = decoded.size();
        MemorySegment out = MemorySegment.ofArray(new byte[Math.toIntExact(n + 4)]);
        int sum = checksum(decoded.segment());
        long payloadAt = atStart ? 4 : 0;
        decoded.copyTo(out, payloadAt);
        out.set(INT_LE, atStart ? 0 : n, sum);
        return Bytes.wrap(out);
    }

    @Override
    public Bytes decode(Bytes encoded, ChunkSpec spec, long maxDecodedSize) throws CorruptDataException {
        String name = spec().name();
        long n = encoded.size() - 4;
        if (n < 0) {
            throw new CorruptDataException(name + ": " + encoded.size() + " bytes cannot hold a 4-byte checksum");
        }
        if (n > maxDecodedSize) {
            throw new CorruptDataException(name + ": payload of " + n + " bytes exceeds the expected " + maxDecodedSize);
        }
        Bytes payload = encoded.slice(atStart ? 4 : 0, n);
        int stored = encoded.segment().get(INT_LE, atStart ? 0 : n);
        int computed = checksum(payload.segment());
        if (stored != computed) {
            throw new CorruptDataException(String.format("%s: checksum mismatch: stored %08x, computed %08x over %d bytes",
                    name, stored, computed, n));
        }
        return payload;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Checksum32Codec c && c.algorithm == algorithm && c.atStart == atStart;
    }

    @Override
    public int hashCode() {
        return algorithm.hashCode() * 2 + (atStart ? 1 : 0);
    }

    @Override
    public String toString() {
        return spec().toString();
    }
}
