package dev.ngff.codecs;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdOutputStream;
import dev.ngff.buffer.Bytes;
import dev.ngff.codec.BytesToBytesCodec;
import dev.ngff.codec.BytesToBytesCodecContract;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Json;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code zstd} / {@code numcodecs.zstd}: the codec contract over several levels, with and without
 * checksums, plus streaming frames (no content size), concatenated and skippable frames, hostile headers
 * and configuration checks.
 */
class ZstdCodecTest extends BytesToBytesCodecContract {

    @Override
    protected List<BytesToBytesCodec> codecs() {
        return List.of(new ZstdCodec("zstd", 0, false),
                new ZstdCodec("zstd", 5, true),
                new ZstdCodec("numcodecs.zstd", 1, false),
                new ZstdCodec("numcodecs.zstd", -5, true),
                new ZstdCodec("zstd", 19, false));
    }

    private static final ZstdCodec ZSTD = new ZstdCodec("zstd", 3, false);

    /** A streaming frame without a content size, as ZSTD_compressStream writers produce. */
    private static byte[] streamingFrame(byte[] data, boolean checksum) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ZstdOutputStream out = new ZstdOutputStream(bos, 3)) {
            out.setChecksum(checksum);
            // several writes with flushes: content size unknown to the compressor, several blocks
            int step = Math.max(1, data.length / 5);
            for (int i = 0; i < data.length; i += step) {
                out.write(data, i, Math.min(step, data.length - i));
                out.flush();
            }
        }
        return bos.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            bos.writeBytes(p);
        }
        return bos.toByteArray();
    }

    @Test
    void framesRecordTheirContentSizeAndChecksumFlag() throws Exception {
        byte[] data = content(Content.TEXT_LIKE, 10_000, 1);
        byte[] plain = new ZstdCodec("zstd", 3, false).encode(Bytes.wrap(data), specFor(data.length)).toArray();
        byte[] summed = new ZstdCodec("zstd", 3, true).encode(Bytes.wrap(data), specFor(data.length)).toArray();
        assertThat(Zstd.getFrameContentSize(plain)).isEqualTo(data.length);
        assertThat(plain[4] & 0x04).as("Content_Checksum_flag without checksum").isZero();
        assertThat(summed[4] & 0x04).as("Content_Checksum_flag with checksum").isEqualTo(4);
        assertThat(summed.length).isEqualTo(plain.length + 4);
    }

    @Test
    void decodesStreamingFramesWithoutContentSize() throws Exception {
        for (int n : new int[] {0, 1, 1000, 200_000, 3 << 20}) {
            byte[] data = content(Content.TEXT_LIKE, n, n);
            for (boolean checksum : new boolean[] {false, true}) {
                byte[] frame = streamingFrame(data, checksum);
                if (n > 0) { // an empty stream knows its size when it ends
                    assertThat(Zstd.getFrameContentSize(frame)).as("no content size in the header").isEqualTo(-1);
                }
                assertThat(ZSTD.decode(Bytes.wrap(frame), specFor(n), n).toArray()).as("%d bytes", n).isEqualTo(data);
                assertThat(ZSTD.decode(Bytes.wrap(frame), specFor(n), 10L * n + 5).toArray()).isEqualTo(data);
                java.lang.foreign.MemorySegment offHeap = java.lang.foreign.Arena.ofAuto().allocate(frame.length);
                offHeap.copyFrom(java.lang.foreign.MemorySegment.ofArray(frame));
                assertThat(ZSTD.decode(Bytes.wrap(offHeap), specFor(n), n).toArray()).as("off-heap, %d bytes", n)
                        .isEqualTo(data);
                if (n > 0) {
                    assertThatThrownBy(() -> ZSTD.decode(Bytes.wrap(frame), specFor(n), n - 1))
                            .as("%d bytes, bound %d", n, n - 1)
                            .isInstanceOf(CorruptDataException.class).hasMessageContaining("exceeds");
                }
            }
        }
    }

    @Test
    void everyTruncationOfAStreamingFrameIsCorruptData() throws Exception {
        byte[] data = content(Content.TEXT_LIKE, 5000, 2);
        byte[] frame = streamingFrame(data, false);
        for (int k = 0; k < frame.length; k++) {
            int cut = k;
            assertThatThrownBy(() -> ZSTD.decode(Bytes.wrap(frame, 0, cut), specFor(data.length), data.length))
                    .as("prefix of %d of %d bytes", k, frame.length).isInstanceOf(CorruptDataException.class);
        }
    }

    @Test
    void concatenatedAndSkippableFramesDecodeToTheirConcatenation() throws Exception {
        byte[] a = content(Content.TEXT_LIKE, 7000, 3);
        byte[] b = content(Content.RANDOM, 500, 4);
        byte[] c = content(Content.REPEATING, 90_000, 5);
        byte[] fa = ZSTD.encode(Bytes.wrap(a), specFor(a.length)).toArray();
        byte[] fb = new ZstdCodec("zstd", 1, true).encode(Bytes.wrap(b), specFor(b.length)).toArray();
        byte[] fc = streamingFrame(c, true);
        byte[] skippable = {0x5A, 0x2A, 0x4D, 0x18, 3, 0, 0, 0, 9, 9, 9};
        byte[] expected = concat(a, b, c);
        int n = expected.length;
        // all sizes known: one call; one unknown: streaming
        byte[] known = concat(fa, skippable, fb);
        assertThat(ZSTD.decode(Bytes.wrap(known), specFor(a.length + b.length), a.length + b.length).toArray())
                .isEqualTo(concat(a, b));
        assertThatThrownBy(() -> ZSTD.decode(Bytes.wrap(known), specFor(a.length), a.length + b.length - 1))
                .isInstanceOf(CorruptDataException.class);
        byte[] mixed = concat(fa, fb, skippable, fc);
        assertThat(ZSTD.decode(Bytes.wrap(mixed), specFor(n), n).toArray()).isEqualTo(expected);
        assertThatThrownBy(() -> ZSTD.decode(Bytes.wrap(mixed), specFor(n), n - 1)).isInstanceOf(CorruptDataException.class);
        assertThatThrownBy(() -> ZSTD.decode(Bytes.wrap(concat(fa, new byte[] {0})), specFor(a.length), a.length))
                .as("trailing garbage").isInstanceOf(CorruptDataException.class);
    }

    @Test
    void hostileContentSizeIsRejectedBeforeAllocating() {
        // a frame header claiming 2^62 bytes of content (8-byte Frame_Content_Size), single segment
        byte[] frame = {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD, (byte) 0xE0, 0, 0, 0, 0, 0, 0, 0, 0x40,
                1, 0, 0}; // one empty raw last block
        assertThatThrownBy(() -> ZSTD.decode(Bytes.wrap(frame), specFor(100), 100))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("4611686018427387904");
        // and 2^63 + 1, which does not fit a signed long
        byte[] huge = frame.clone();
        huge[12] = (byte) 0x80;
        huge[5] = 1;
        assertThatThrownBy(() -> ZSTD.decode(Bytes.wrap(huge), specFor(100), Long.MAX_VALUE))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("9223372036854775809");
    }

    @Test
    void corruptDataNamesTheZstdError() throws Exception {
        byte[] data = content(Content.TEXT_LIKE, 50_000, 6);
        byte[] enc = new ZstdCodec("zstd", 3, true).encode(Bytes.wrap(data), specFor(data.length)).toArray();
        enc[enc.length - 1] ^= 0x55; // the content checksum
        assertThatThrownBy(() -> ZSTD.decode(Bytes.wrap(enc), specFor(data.length), data.length))
                .isInstanceOf(CorruptDataException.class).hasMessageStartingWith("zstd: corrupt data: ")
                .hasMessageContaining("hecksum");
        assertThatThrownBy(() -> ZSTD.decode(Bytes.wrap(new byte[] {1, 2, 3, 4, 5}), specFor(10), 10))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("no zstd frame");
        assertThatThrownBy(() -> ZSTD.decode(Bytes.EMPTY, specFor(10), 10)).isInstanceOf(CorruptDataException.class);
    }

    @Test
    void levelsAboveTheMaximumCompressAtTheMaximum() throws Exception {
        byte[] data = content(Content.TEXT_LIKE, 20_000, 7);
        ZstdCodec hundred = new ZstdCodec("numcodecs.zstd", 100, false);
        Bytes enc = hundred.encode(Bytes.wrap(data), specFor(data.length));
        assertThat(enc).isEqualTo(new ZstdCodec("zstd", 22, false).encode(Bytes.wrap(data), specFor(data.length)));
        assertThat(hundred.spec().get("level").intValue()).as("spec keeps the configured level").isEqualTo(100);
    }

    private static CodecSpec spec(String name, String json) throws IOException {
        return new CodecSpec(name, (com.fasterxml.jackson.databind.node.ObjectNode) Json.parse(json, "test"));
    }

    @Test
    void providerReadsV3AndNumcodecsConfigurations() throws Exception {
        CodecRegistry registry = CodecRegistry.standard();
        assertThat(registry.supports("zstd")).isTrue();
        assertThat(registry.supports("numcodecs.zstd")).isTrue();
        ZstdCodec v3 = (ZstdCodec) registry.create(spec("zstd", "{\"level\": 5, \"checksum\": true}"));
        assertThat(v3.level()).isEqualTo(5);
        assertThat(v3.checksum()).isTrue();
        ZstdCodec nc = (ZstdCodec) registry.create(spec("numcodecs.zstd", "{\"level\": -3}"));
        assertThat(nc.level()).isEqualTo(-3);
        assertThat(nc.checksum()).isFalse();
        assertThat(nc.spec()).isEqualTo(spec("numcodecs.zstd", "{\"level\": -3, \"checksum\": false}"));
        ZstdCodec dflt = (ZstdCodec) registry.create(CodecSpec.of("zstd"));
        assertThat(dflt.level()).isZero();
        assertThat(((ZstdCodec) registry.create(spec("zstd", "{\"level\": 3.0}"))).level()).isEqualTo(3);
    }

    @Test
    void badConfigurationsAreInvalidMetadataNamingTheCodec() {
        CodecRegistry registry = CodecRegistry.standard();
        for (String[] bad : new String[][] {
                {"zstd", "{\"level\": -131073}", "level"},
                {"zstd", "{\"level\": 2.5}", "level"},
                {"zstd", "{\"level\": \"3\"}", "level"},
                {"zstd", "{\"level\": 99999999999}", "level"},
                {"numcodecs.zstd", "{\"level\": 1, \"checksum\": 2}", "checksum"}, // 0 and 1 are booleans Python wrote
                {"zstd", "{\"level\": 1, \"levle\": 2}", "levle"}}) {
            assertThatThrownBy(() -> registry.create(spec(bad[0], bad[1]))).as(bad[1])
                    .isInstanceOf(InvalidMetadataException.class)
                    .hasMessageContaining("codec '" + bad[0] + "'").hasMessageContaining(bad[2]);
        }
    }

    @Test
    void encodedSizeBoundIsZstdCompressBound() {
        for (long n : new long[] {0, 1, 1000, 128 << 10, (128 << 10) + 1, 10_000_000}) {
            assertThat(ZSTD.encodedSizeBound(n)).as("%d", n).isEqualTo(Zstd.compressBound(n));
        }
    }

    @Test
    void chunksOfTwoGibibytesAreRefusedUpFront() {
        Bytes huge = Bytes.wrap(java.lang.foreign.Arena.ofAuto().allocate(Integer.MAX_VALUE + 1L));
        assertThatThrownBy(() -> ZSTD.encode(huge, specFor(huge.size()))).isInstanceOf(UnsupportedExtensionException.class);
        assertThatThrownBy(() -> ZSTD.decode(huge, specFor(10), 10)).isInstanceOf(UnsupportedExtensionException.class);
    }
}
