package dev.ngff.codec.std;

import dev.ngff.buffer.Bytes;
import dev.ngff.codec.BytesToBytesCodec;
import dev.ngff.codec.BytesToBytesCodecContract;
import dev.ngff.error.CorruptDataException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code numcodecs.zlib} / {@code zlib}: the codec contract, and interchange with the JDK's zlib streams. */
class ZlibCodecTest extends BytesToBytesCodecContract {

    @Override
    protected List<BytesToBytesCodec> codecs() {
        return List.of(new DeflateCodec(DeflateCodec.Wrapper.ZLIB, "numcodecs.zlib", 1),
                new DeflateCodec(DeflateCodec.Wrapper.ZLIB, "numcodecs.zlib", 9),
                new DeflateCodec(DeflateCodec.Wrapper.ZLIB, "zlib", 0),
                new DeflateCodec(DeflateCodec.Wrapper.ZLIB, "zlib", -1));
    }

    private static final DeflateCodec ZLIB = new DeflateCodec(DeflateCodec.Wrapper.ZLIB, "numcodecs.zlib", 5);

    @Test
    void jdkReadsWhatItWrites() throws IOException {
        byte[] data = content(Content.TEXT_LIKE, 100_000, 1);
        Bytes enc = ZLIB.encode(Bytes.wrap(data), specFor(data.length));
        try (InflaterInputStream in = new InflaterInputStream(new ByteArrayInputStream(enc.toArray()))) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void readsWhatTheJdkWrites() throws IOException {
        byte[] data = content(Content.TEXT_LIKE, 100_000, 2);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (DeflaterOutputStream out = new DeflaterOutputStream(bos)) {
            out.write(data);
        }
        assertThat(ZLIB.decode(Bytes.wrap(bos.toByteArray()), specFor(data.length), data.length).toArray()).isEqualTo(data);
    }

    @Test
    void wrongAdler32IsCorruptData() {
        byte[] data = content(Content.TEXT_LIKE, 3000, 3);
        byte[] enc = ZLIB.encode(Bytes.wrap(data), specFor(data.length)).toArray();
        enc[enc.length - 1] ^= 1;
        assertThatThrownBy(() -> ZLIB.decode(Bytes.wrap(enc), specFor(data.length), data.length))
                .isInstanceOf(CorruptDataException.class);
    }
}
