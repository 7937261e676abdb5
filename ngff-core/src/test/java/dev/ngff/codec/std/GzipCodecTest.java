package dev.ngff.codec.std;

import dev.ngff.buffer.Bytes;
import dev.ngff.codec.BytesToBytesCodec;
import dev.ngff.codec.BytesToBytesCodecContract;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Json;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code gzip} / {@code numcodecs.gzip}: the codec contract, and interchange with the JDK's gzip streams. */
class GzipCodecTest extends BytesToBytesCodecContract {

    @Override
    protected List<BytesToBytesCodec> codecs() {
        return List.of(new DeflateCodec(DeflateCodec.Wrapper.GZIP, "gzip", 6),
                new DeflateCodec(DeflateCodec.Wrapper.GZIP, "gzip", 0),
                new DeflateCodec(DeflateCodec.Wrapper.GZIP, "numcodecs.gzip", 9),
                new DeflateCodec(DeflateCodec.Wrapper.GZIP, "numcodecs.gzip", -1));
    }

    private static final DeflateCodec GZIP = new DeflateCodec(DeflateCodec.Wrapper.GZIP, "gzip", 5);

    private static byte[] jdkGzip(byte[] data) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bos)) {
            out.write(data);
        }
        return bos.toByteArray();
    }

    @Test
    void jdkReadsWhatItWrites() throws IOException {
        byte[] data = content(Content.TEXT_LIKE, 100_000, 1);
        Bytes enc = GZIP.encode(Bytes.wrap(data), specFor(data.length));
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(enc.toArray()))) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void readsWhatTheJdkWrites() throws IOException {
        byte[] data = content(Content.TEXT_LIKE, 100_000, 2);
        assertThat(GZIP.decode(Bytes.wrap(jdkGzip(data)), specFor(data.length), data.length).toArray()).isEqualTo(data);
    }

    @Test
    void concatenatedMembersDecodeToTheirConcatenation() throws IOException {
        byte[] a = content(Content.TEXT_LIKE, 5000, 3);
        byte[] b = content(Content.RANDOM, 700, 4);
        byte[] ga = jdkGzip(a);
        byte[] gb = jdkGzip(b);
        byte[] both = new byte[ga.length + gb.length];
        System.arraycopy(ga, 0, both, 0, ga.length);
        System.arraycopy(gb, 0, both, ga.length, gb.length);
        byte[] expected = new byte[a.length + b.length];
        System.arraycopy(a, 0, expected, 0, a.length);
        System.arraycopy(b, 0, expected, a.length, b.length);
        assertThat(GZIP.decode(Bytes.wrap(both), specFor(expected.length), expected.length).toArray()).isEqualTo(expected);
        assertThatThrownBy(() -> GZIP.decode(Bytes.wrap(both), specFor(expected.length), expected.length - 1))
                .isInstanceOf(CorruptDataException.class);
    }

    @Test
    void skipsOptionalHeaderFields() throws IOException {
        byte[] data = content(Content.TEXT_LIKE, 3000, 5);
        Deflater d = new Deflater(6, true);
        d.setInput(data);
        d.finish();
        byte[] body = new byte[10_000];
        int n = d.deflate(body);
        d.end();
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        m.write(new byte[] {0x1f, (byte) 0x8b, 8, 4 | 8 | 16 | 2, 0, 0, 0, 0, 0, 3});
        m.write(new byte[] {3, 0, 'a', 'b', 'c'}); // FEXTRA
        m.write("name.bin\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII)); // FNAME
        m.write("a comment\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII)); // FCOMMENT
        m.write(new byte[] {0, 0}); // FHCRC (not checked)
        m.write(body, 0, n);
        CRC32 crc = new CRC32();
        crc.update(data);
        int c = (int) crc.getValue();
        m.write(new byte[] {(byte) c, (byte) (c >> 8), (byte) (c >> 16), (byte) (c >> 24),
                (byte) data.length, (byte) (data.length >> 8), 0, 0});
        assertThat(GZIP.decode(Bytes.wrap(m.toByteArray()), specFor(data.length), data.length).toArray()).isEqualTo(data);
    }

    @Test
    void wrongTrailerIsCorruptData() throws IOException {
        byte[] data = content(Content.TEXT_LIKE, 3000, 6);
        byte[] enc = jdkGzip(data);
        byte[] badCrc = enc.clone();
        badCrc[enc.length - 8] ^= 1;
        assertThatThrownBy(() -> GZIP.decode(Bytes.wrap(badCrc), specFor(data.length), data.length))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("CRC32");
        byte[] badLength = enc.clone();
        badLength[enc.length - 4] ^= 1;
        assertThatThrownBy(() -> GZIP.decode(Bytes.wrap(badLength), specFor(data.length), data.length))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("length");
    }

    @Test
    void levelsOutsideTheRangeAreInvalidMetadata() {
        for (int level : new int[] {-2, 10}) {
            var conf = Json.object().put("level", level);
            assertThatThrownBy(() -> CodecRegistry.standard().create(new CodecSpec("gzip", conf)))
                    .isInstanceOf(InvalidMetadataException.class).hasMessageContaining("gzip");
        }
    }
}
