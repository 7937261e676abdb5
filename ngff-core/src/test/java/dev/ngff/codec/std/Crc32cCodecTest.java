package dev.ngff.codec.std;

import dev.ngff.buffer.Bytes;
import dev.ngff.codec.BytesToBytesCodec;
import dev.ngff.codec.BytesToBytesCodecContract;
import dev.ngff.error.CorruptDataException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code crc32c}: the codec contract (every bit flip detected) and the standard check value. */
class Crc32cCodecTest extends BytesToBytesCodecContract {
    private static final Crc32cCodec CRC = new Crc32cCodec();

    @Override
    protected List<BytesToBytesCodec> codecs() {
        return List.of(CRC);
    }

    @Override
    protected boolean detectsEveryBitFlip() {
        return true;
    }

    @Test
    void checkValueOf123456789IsAppendedLittleEndian() throws Exception {
        byte[] in = "123456789".getBytes(StandardCharsets.US_ASCII);
        byte[] enc = CRC.encode(Bytes.wrap(in), specFor(in.length)).toArray();
        // CRC-32C check value 0xE3069283 (RFC 3720 / the Castagnoli catalogue), little-endian after the data
        byte[] expected = {'1', '2', '3', '4', '5', '6', '7', '8', '9', (byte) 0x83, (byte) 0x92, 0x06, (byte) 0xE3};
        assertThat(enc).isEqualTo(expected);
        assertThat(CRC.decode(Bytes.wrap(expected), specFor(in.length), in.length).toArray()).isEqualTo(in);
    }

    @Test
    void emptyInputHasTheChecksumOfNothing() throws Exception {
        assertThat(CRC.encode(Bytes.EMPTY, specFor(0)).toArray()).containsExactly(0, 0, 0, 0);
    }

    @Test
    void checksumMismatchNamesBothValues() {
        byte[] bad = {'1', '2', '3', '4', '5', '6', '7', '8', '9', (byte) 0x83, (byte) 0x92, 0x06, (byte) 0xE2};
        assertThatThrownBy(() -> CRC.decode(Bytes.wrap(bad), specFor(9), 9))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("e3069283").hasMessageContaining("e2069283");
    }
}
