package dev.ngff.codecs.blosc;

import com.scalableminds.bloscjava.Blosc;
import dev.ngff.buffer.Bytes;
import dev.ngff.codec.BytesToBytesCodec;
import dev.ngff.codec.BytesToBytesCodecContract;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import dev.ngff.metadata.Json;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The blosc codec: the bytes-to-bytes contract over every compressor and shuffle, and c-blosc 1.21.4 itself
 * (blosc-java's bundled native library) as the judge both ways: every frame it writes (all compressors it
 * has, all shuffles, element sizes 1..17 and 255, forced block sizes, levels 0..9) decodes here, and every
 * frame we write decodes there to the same bytes. Plus hostile headers and configuration parsing.
 */
class BloscCodecTest extends BytesToBytesCodecContract {

    @Override
    protected List<BytesToBytesCodec> codecs() {
        return List.of(
                BloscCodec.v3(BloscCompressor.LZ4, 5, BloscShuffle.SHUFFLE, 4, 0),
                BloscCodec.v3(BloscCompressor.ZSTD, 3, BloscShuffle.BITSHUFFLE, 2, 0),
                BloscCodec.v3(BloscCompressor.BLOSCLZ, 9, BloscShuffle.NOSHUFFLE, 1, 0),
                BloscCodec.v3(BloscCompressor.ZLIB, 1, BloscShuffle.SHUFFLE, 8, 4096),
                BloscCodec.v3(BloscCompressor.LZ4HC, 9, BloscShuffle.BITSHUFFLE, 1, 0),
                BloscCodec.numcodecs(BloscCompressor.LZ4, 0, BloscShuffle.SHUFFLE, 0),
                BloscCodec.numcodecs(BloscCompressor.ZSTD, 7, null, 256));
    }

    private static final Blosc.Compressor[] NATIVE = {Blosc.Compressor.BLOSCLZ, Blosc.Compressor.LZ4,
            Blosc.Compressor.LZ4HC, Blosc.Compressor.ZLIB, Blosc.Compressor.ZSTD};
    private static final Blosc.Shuffle[] NATIVE_SHUFFLE = {Blosc.Shuffle.NO_SHUFFLE, Blosc.Shuffle.BYTE_SHUFFLE,
            Blosc.Shuffle.BIT_SHUFFLE};

    /** Data that compresses like real images: a smooth signal plus noise in the low bits, as {@code typesize} elements. */
    static byte[] imageLike(int n, int typesize, long seed) {
        Random r = new Random(seed);
        byte[] b = new byte[n];
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + typesize <= n; i += typesize) {
            long v = (long) (1000 + 800 * Math.sin(i / 3000.0)) + r.nextInt(16);
            for (int k = 0; k < typesize; k++) {
                b[i + k] = (byte) (v >>> (8 * (k % 8)));
            }
        }
        for (int i = n - n % typesize; i < n; i++) {
            b[i] = (byte) r.nextInt();
        }
        return b;
    }

    static ChunkSpec bytesSpec(int n) {
        return new ChunkSpec(new long[] {n}, DataType.UINT8, FillValue.zero(DataType.UINT8));
    }

    private static final BloscCodec DECODER = BloscCodec.v3(BloscCompressor.LZ4, 5, BloscShuffle.NOSHUFFLE, 1, 0);

    @TestFactory
    Stream<DynamicTest> framesThatCBloscWritesDecodeHere() {
        List<DynamicTest> tests = new ArrayList<>();
        int[] sizes = {0, 1, 100, 127, 128, 1000, 4099, 65_536, 262_147, 1 << 20};
        int[] typesizes = {1, 2, 3, 4, 8, 16, 17, 255};
        long seed = 1;
        for (Blosc.Compressor comp : NATIVE) {
            for (Blosc.Shuffle sh : NATIVE_SHUFFLE) {
                for (int ts : typesizes) {
                    for (int n : sizes) {
                        for (int[] lb : new int[][] {{5, 0}, {1, 0}, {9, 0}, {0, 0}, {4, 256}, {6, 4096}, {3, 1000}}) {
                            long s = seed++;
                            String what = comp + " " + sh + " typesize " + ts + " n " + n + " clevel " + lb[0]
                                    + " blocksize " + lb[1] + " seed " + s;
                            tests.add(DynamicTest.dynamicTest(what, () -> {
                                byte[] data = imageLike(n, ts, s);
                                byte[] frame = Blosc.compress(data, ts, comp, lb[0], sh, lb[1], 1);
                                byte[] ours = DECODER.decode(Bytes.wrap(frame), bytesSpec(n), n).toArray();
                                assertThat(ours).as(what).isEqualTo(data);
                            }));
                        }
                    }
                }
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> framesWeWriteDecodeInCBlosc() {
        List<DynamicTest> tests = new ArrayList<>();
        int[] sizes = {0, 1, 127, 128, 1000, 4099, 65_536, 262_147, 1 << 20};
        long seed = 1000;
        for (BloscCompressor comp : BloscCompressor.values()) {
            if (comp == BloscCompressor.SNAPPY) {
                continue;
            }
            for (BloscShuffle sh : BloscShuffle.values()) {
                for (int ts : new int[] {1, 2, 3, 4, 8, 16, 17, 255, 300}) {
                    for (int n : sizes) {
                        for (int[] lb : new int[][] {{5, 0}, {1, 0}, {9, 0}, {0, 0}, {4, 256}, {6, 4096}, {3, 1000}}) {
                            long s = seed++;
                            BloscCodec codec = BloscCodec.v3(comp, lb[0], sh, ts, lb[1]);
                            String what = codec + " n " + n + " seed " + s;
                            tests.add(DynamicTest.dynamicTest(what, () -> {
                                byte[] data = imageLike(n, Math.min(ts, 8), s);
                                byte[] frame = codec.encode(Bytes.wrap(data), bytesSpec(n)).toArray();
                                assertThat(frame.length).as("within the bound, %s", what).isLessThanOrEqualTo(n + 16);
                                assertThat(Blosc.decompress(frame)).as("c-blosc reads %s", what).isEqualTo(data);
                                assertThat(codec.decode(Bytes.wrap(frame), bytesSpec(n), n).toArray()).as(what).isEqualTo(data);
                            }));
                        }
                    }
                }
            }
        }
        return tests.stream();
    }

    @Test
    void compressesImageLikeDataAboutAsWellAsCBlosc() throws Exception {
        int n = 1 << 20;
        byte[] data = imageLike(n, 2, 5);
        for (BloscCompressor comp : List.of(BloscCompressor.LZ4, BloscCompressor.ZSTD, BloscCompressor.BLOSCLZ, BloscCompressor.ZLIB)) {
            for (BloscShuffle sh : List.of(BloscShuffle.SHUFFLE, BloscShuffle.BITSHUFFLE)) {
                int ours = (int) BloscCodec.v3(comp, 5, sh, 2, 0).encode(Bytes.wrap(data), bytesSpec(n)).size();
                int theirs = Blosc.compress(data, 2, Blosc.Compressor.fromString(comp.cname()), 5,
                        sh == BloscShuffle.SHUFFLE ? Blosc.Shuffle.BYTE_SHUFFLE : Blosc.Shuffle.BIT_SHUFFLE, 0, 1).length;
                assertThat((double) ours).as("%s %s: ours %d bytes, c-blosc %d", comp, sh, ours, theirs)
                        .isLessThan(theirs * 1.25);
            }
        }
    }

    @Test
    void aFrameWhoseFirstShuffledStreamIsNoiseStillCompressesLikeCBlosc() throws Exception {
        // uint16 around 400: after the shuffle the low bytes are noise and the high bytes nearly constant;
        // c-blosc stores the first stream raw and compresses the second, so the frame still shrinks
        int n = 128 * 1024;
        Random r = new Random(9);
        byte[] data = new byte[n];
        for (int i = 0; i < n; i += 2) {
            int v = 300 + r.nextInt(200);
            data[i] = (byte) v;
            data[i + 1] = (byte) (v >>> 8);
        }
        for (int level : new int[] {1, 5}) {
            byte[] ours = BloscCodec.v3(BloscCompressor.ZSTD, level, BloscShuffle.SHUFFLE, 2, 0)
                    .encode(Bytes.wrap(data), bytesSpec(n)).toArray();
            int theirs = Blosc.compress(data, 2, Blosc.Compressor.ZSTD, level, Blosc.Shuffle.BYTE_SHUFFLE, 0, 1).length;
            assertThat(theirs).as("c-blosc compresses it").isLessThan(n * 3 / 4);
            assertThat((double) ours.length).as("level %d: ours %d bytes, c-blosc %d", level, ours.length, theirs)
                    .isLessThan(theirs * 1.05);
            assertThat(Blosc.decompress(ours)).isEqualTo(data);
        }
    }

    @Test
    void hostileHeadersAreCorruptDataNamingTheField() throws Exception {
        byte[] data = imageLike(100_000, 2, 9);
        byte[] frame = BloscCodec.v3(BloscCompressor.LZ4, 5, BloscShuffle.SHUFFLE, 2, 8192).encode(Bytes.wrap(data), bytesSpec(100_000)).toArray();
        assertRejected(frame, f -> putInt(f, 4, Integer.MAX_VALUE), "nbytes");
        assertRejected(frame, f -> putInt(f, 4, -5), "nbytes");
        assertRejected(frame, f -> putInt(f, 8, 0), "blocksize");
        assertRejected(frame, f -> putInt(f, 8, 1), "block offsets");
        assertRejected(frame, f -> putInt(f, 12, f.length + 1), "cbytes");
        assertRejected(frame, f -> putInt(f, 12, 3), "cbytes");
        assertRejected(frame, f -> f[3] = 0, "typesize");
        assertRejected(frame, f -> f[0] = 0, "format version");
        assertRejected(frame, f -> putInt(f, 16, 1 << 30), "starts at byte");
        assertRejected(frame, f -> putInt(f, readInt(f, 16), 1 << 30), "compressed bytes");
        assertRejected(frame, f -> f[2] = (byte) ((f[2] & 0x1f) | (6 << 5)), "compressor format");
        assertRejected(frame, f -> f[2] |= 0x02, "memcpy'd");
        assertThatThrownBy(() -> DECODER.decode(Bytes.wrap(frame), bytesSpec(100), 99_999))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("nbytes");
        byte[] v3 = frame.clone();
        v3[0] = 3;
        assertThatThrownBy(() -> DECODER.decode(Bytes.wrap(v3), bytesSpec(100), 100_000))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("c-blosc2");
    }

    private interface Mutation {
        void apply(byte[] f);
    }

    private static void assertRejected(byte[] frame, Mutation m, String field) {
        byte[] f = frame.clone();
        m.apply(f);
        assertThatThrownBy(() -> DECODER.decode(Bytes.wrap(f), bytesSpec(100_000), 100_000)).as(field)
                .isInstanceOf(CorruptDataException.class).hasMessageContaining(field).hasMessageStartingWith("blosc: ");
    }

    private static void putInt(byte[] f, int at, int v) {
        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putInt(at, v);
    }

    private static int readInt(byte[] f, int at) {
        return ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).getInt(at);
    }

    @Test
    void snappyFramesCannotBeWritten() {
        BloscCodec c = BloscCodec.v3(BloscCompressor.SNAPPY, 5, BloscShuffle.SHUFFLE, 4, 0);
        assertThatThrownBy(() -> c.encode(Bytes.wrap(new byte[1000]), bytesSpec(1000)))
                .isInstanceOf(UnsupportedExtensionException.class).hasMessageContaining("snappy");
    }

    @Test
    void numcodecsAutoShuffleFollowsTheElementSize() throws Exception {
        BloscCodec auto = BloscCodec.numcodecs(BloscCompressor.LZ4, 5, null, 0);
        byte[] data = imageLike(10_000, 2, 3);
        byte[] u8 = auto.encode(Bytes.wrap(data), bytesSpec(10_000)).toArray();
        assertThat(u8[2] & 0x05).as("bit shuffle for uint8").isEqualTo(0x04);
        assertThat(u8[3]).isEqualTo((byte) 1);
        ChunkSpec u16 = new ChunkSpec(new long[] {5000}, DataType.UINT16, FillValue.zero(DataType.UINT16));
        byte[] w = auto.encode(Bytes.wrap(data), u16).toArray();
        assertThat(w[2] & 0x05).as("byte shuffle for uint16").isEqualTo(0x01);
        assertThat(w[3]).isEqualTo((byte) 2);
        assertThat(Blosc.decompress(w)).isEqualTo(data);
    }

    private static CodecSpec spec(String name, String json) throws IOException {
        return new CodecSpec(name, (com.fasterxml.jackson.databind.node.ObjectNode) Json.parse(json, "test"));
    }

    @Test
    void configurationsAreReadAndWrittenBackInTheirOwnStyle() throws Exception {
        CodecRegistry r = CodecRegistry.standard();
        for (String[] c : new String[][] {
                {"blosc", "{\"cname\":\"zstd\",\"clevel\":3,\"shuffle\":\"bitshuffle\",\"typesize\":2,\"blocksize\":0}"},
                {"blosc", "{\"cname\":\"lz4\",\"clevel\":5,\"shuffle\":1,\"blocksize\":0}"},
                {"blosc", "{\"cname\":\"blosclz\",\"clevel\":9,\"shuffle\":-1,\"blocksize\":256}"},
                {"numcodecs.blosc", "{\"cname\":\"lz4hc\",\"clevel\":1,\"shuffle\":2,\"blocksize\":0}"},
                {"blosc", "{\"cname\":\"zlib\",\"clevel\":0,\"shuffle\":\"noshuffle\",\"typesize\":1,\"blocksize\":65536}"}}) {
            CodecSpec in = spec(c[0], c[1]);
            assertThat(r.create(in).spec()).as(c[1]).isEqualTo(in);
        }
        BloscCodec dflt = (BloscCodec) r.create(spec("blosc", "{}"));
        assertThat(dflt).isEqualTo(BloscCodec.numcodecs(BloscCompressor.LZ4, 5, BloscShuffle.SHUFFLE, 0));
    }

    @Test
    void badConfigurationsAreInvalidMetadataNamingTheKey() {
        CodecRegistry r = CodecRegistry.standard();
        for (String[] bad : new String[][] {
                {"{\"cname\":\"lz5\"}", "cname"},
                {"{\"clevel\":10}", "clevel"},
                {"{\"clevel\":-1}", "clevel"},
                {"{\"shuffle\":3}", "shuffle"},
                {"{\"shuffle\":\"bytes\",\"typesize\":2}", "shuffle"},
                {"{\"shuffle\":\"shuffle\"}", "typesize"},
                {"{\"shuffle\":\"shuffle\",\"typesize\":0}", "typesize"},
                {"{\"shuffle\":1,\"typesize\":0}", "typesize"}, // numcodecs 0.16 takes a typesize, a positive one
                {"{\"blocksize\":-1}", "blocksize"},
                {"{\"clevel\":5,\"level\":1}", "level"}}) {
            assertThatThrownBy(() -> r.create(spec("blosc", bad[0]))).as(bad[0])
                    .isInstanceOf(InvalidMetadataException.class).hasMessageContaining("codec 'blosc'")
                    .hasMessageContaining(bad[1]);
        }
    }
}
