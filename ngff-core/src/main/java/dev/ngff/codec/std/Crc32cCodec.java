package dev.ngff.codec.std;

import dev.ngff.buffer.Buffers;
import dev.ngff.buffer.Bytes;
import dev.ngff.codec.BytesToBytesCodec;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.error.CorruptDataException;
import dev.ngff.metadata.CodecSpec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.OptionalLong;
import java.util.zip.CRC32C;

/** The {@code crc32c} codec: appends the CRC32C of the data as 4 little-endian bytes, and checks it on decode. */
public final class Crc32cCodec implements BytesToBytesCodec {
    /** The service loader and direct callers create it; it has no state. */
    public Crc32cCodec() {
    }

    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Override
    public CodecSpec spec() {
        return CodecSpec.of("crc32c");
    }

    static int checksum(Bytes b) {
        CRC32C c = new CRC32C();
        c.update(b.asByteBuffer());
        return (int) c.getValue();
    }

    @Override
    public Bytes encode(Bytes decoded, ChunkSpec spec) {
        MemorySegment out = Buffers.allocate(decoded.size() + 4);
        decoded.copyTo(out, 0);
        out.set(INT_LE, decoded.size(), checksum(decoded));
        return Bytes.wrap(out);
    }

    @Override
    public Bytes decode(Bytes encoded, ChunkSpec spec, long maxDecodedSize) throws CorruptDataException {
        if (encoded.size() < 4) {
            throw new CorruptDataException("crc32c: " + encoded.size() + " bytes cannot hold a 4-byte checksum");
        }
        if (encoded.size() - 4 > maxDecodedSize) {
            throw new CorruptDataException("crc32c: " + (encoded.size() - 4) + " bytes of data, more than the "
                    + maxDecodedSize + " bytes expected");
        }
        Bytes data = encoded.slice(0, encoded.size() - 4);
        int stored = encoded.segment().get(INT_LE, encoded.size() - 4);
        int actual = checksum(data);
        if (stored != actual) {
            throw new CorruptDataException(String.format("crc32c: checksum mismatch (stored %08x, computed %08x)", stored, actual));
        }
        return data;
    }

    @Override
    public long encodedSizeBound(long decodedSize) {
        return decodedSize + 4;
    }

    @Override
    public OptionalLong fixedSizeOverhead() {
        return OptionalLong.of(4);
    }
}
