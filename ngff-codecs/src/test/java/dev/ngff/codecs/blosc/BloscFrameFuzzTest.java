package dev.ngff.codecs.blosc;

import dev.ngff.buffer.Bytes;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.testing.Gen;
import dev.ngff.testing.Properties;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the frame parser: valid frames of every compressor and shuffle with header fields, block offsets,
 * stream lengths or random bytes overwritten, and plain random input. Decoding must give a
 * {@link CorruptDataException} (or {@link UnsupportedExtensionException}) or output within the bound, and
 * nothing else: no other exception, no allocation beyond the bound. Each property prints its seed.
 */
class BloscFrameFuzzTest {
    private static final BloscCodec DECODER = BloscCodec.v3(BloscCompressor.LZ4, 5, BloscShuffle.NOSHUFFLE, 1, 0);
    private static final List<BloscCodec> WRITERS = List.of(
            BloscCodec.v3(BloscCompressor.LZ4, 5, BloscShuffle.SHUFFLE, 2, 1024),
            BloscCodec.v3(BloscCompressor.BLOSCLZ, 5, BloscShuffle.SHUFFLE, 4, 512),
            BloscCodec.v3(BloscCompressor.ZSTD, 3, BloscShuffle.BITSHUFFLE, 2, 2048),
            BloscCodec.v3(BloscCompressor.ZLIB, 5, BloscShuffle.NOSHUFFLE, 1, 4096),
            BloscCodec.v3(BloscCompressor.LZ4HC, 5, BloscShuffle.BITSHUFFLE, 8, 0));

    /** A header word: a telling value (zero, signs, sizes, the extremes) half the time, any int otherwise. */
    static int field(Gen g) {
        return g.bool() ? g.oneOf(0, 1, -1, 16, 127, 128, 4096, Integer.MAX_VALUE, Integer.MIN_VALUE) : g.anyInt();
    }

    private static byte[] frame(int writer, int n, long seed) throws Exception {
        byte[] data = BloscCodecTest.imageLike(n, 2, seed);
        return WRITERS.get(writer).encode(Bytes.wrap(data), BloscCodecTest.bytesSpec(n)).toArray();
    }

    private static void decodeOrReject(byte[] f, long bound) {
        try {
            Bytes out = DECODER.decode(Bytes.wrap(f), BloscCodecTest.bytesSpec((int) bound), bound);
            assertThat(out.size()).isLessThanOrEqualTo(bound);
        } catch (CorruptDataException | UnsupportedExtensionException expected) {
            assertThat(expected.getMessage()).startsWith("blosc: ");
        }
    }

    @Test
    void overwrittenWordsAreRejectedOrBounded() {
        Properties.forAll(400, g -> {
            int writer = g.intIn(0, 4);
            int n = g.intIn(0, 20_000);
            int word = g.intIn(0, 200);
            int value = field(g);
            long seed = g.anyLong();
            byte[] f = frame(writer, n, seed);
            int at = Math.min(4 * word, Math.max(0, f.length - 4));
            if (f.length >= 4) {
                ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
            }
            decodeOrReject(f, n);
        });
    }

    @Test
    void randomBytesAndFlipsAreRejectedOrBounded() {
        Properties.forAll(400, g -> {
            int writer = g.intIn(0, 4);
            int n = g.intIn(16, 20_000);
            int flips = g.intIn(1, 20);
            long seed = g.anyLong();
            byte[] f = frame(writer, n, seed);
            Random r = new Random(seed);
            for (int i = 0; i < flips; i++) {
                int at = f.length <= 16 || r.nextBoolean() ? r.nextInt(f.length) : 16 + r.nextInt(f.length - 16);
                f[at] = (byte) r.nextInt();
            }
            decodeOrReject(f, n);
            byte[] garbage = new byte[r.nextInt(200)];
            r.nextBytes(garbage);
            decodeOrReject(garbage, 1 << 20);
        });
    }
}
