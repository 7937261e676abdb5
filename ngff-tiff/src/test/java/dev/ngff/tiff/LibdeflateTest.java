package dev.ngff.tiff;

import dev.ngff.testing.Requirements;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * libdeflate decodes what the JDK's zlib decodes, byte for byte, and declines (-1) every stream it would decode
 * differently: truncated, corrupt, followed by other bytes, or larger than the output. Seeded; the seed is printed.
 */
class LibdeflateTest {

    /** What the zlib path of {@code SegmentReader} makes of a stream: the bytes written, -1 when zlib throws. */
    private static int zlib(byte[] in, byte[] out) {
        try {
            return SegmentReader.zlibInflate(in, out);
        } catch (DataFormatException e) {
            return -1;
        }
    }

    private static byte[] deflate(byte[] data, int level) {
        Deflater d = new Deflater(level);
        d.setInput(data);
        d.finish();
        byte[] buf = new byte[data.length + 1024];
        int n = d.deflate(buf);
        d.end();
        return Arrays.copyOf(buf, n);
    }

    /** Noise over a slow ramp, like a microscope tile: compressible in parts. */
    private static byte[] tile(Random r, int n) {
        byte[] b = new byte[n];
        int noise = 1 + r.nextInt(64);
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i / 97 + r.nextInt(noise));
        }
        return b;
    }

    @Test
    void decodesWhatZlibDecodesAndDeclinesTheRest() {
        Requirements.require("LibdeflateTest", Libdeflate.unavailabilityCause());
        long seed = System.nanoTime();
        System.out.println("LibdeflateTest seed " + seed);
        Random r = new Random(seed);
        int taken = 0;
        for (int trial = 0; trial < 400; trial++) {
            byte[] data = tile(r, 1 + r.nextInt(300_000));
            byte[] enc = deflate(data, r.nextInt(10));
            int kind = trial % 5;
            int outSize = data.length;
            switch (kind) {
                case 1 -> enc = Arrays.copyOf(enc, r.nextInt(enc.length)); // truncated
                case 2 -> enc[2 + r.nextInt(enc.length - 2)] ^= (byte) (1 + r.nextInt(255)); // corrupt
                case 3 -> outSize = r.nextInt(data.length); // larger than the output
                case 4 -> {
                    byte[] more = Arrays.copyOf(enc, enc.length + 1 + r.nextInt(16)); // other bytes after the stream
                    for (int i = enc.length; i < more.length; i++) {
                        more[i] = (byte) r.nextInt(256);
                    }
                    enc = more;
                }
                default -> {
                }
            }
            byte[] fast = new byte[outSize];
            byte[] slow = new byte[outSize];
            int got = Libdeflate.zlibDecompress(enc, fast);
            int want = zlib(enc, slow);
            String what = "trial " + trial + " (kind " + kind + ", seed " + seed + ")";
            if (kind == 0) {
                assertThat(got).as(what).isEqualTo(data.length);
                assertThat(fast).as(what).isEqualTo(data);
            }
            if (kind == 3) {
                assertThat(got).as(what).isEqualTo(-1);
            }
            if (got >= 0) {
                taken++;
                assertThat(got).as(what).isEqualTo(want);
                assertThat(Arrays.copyOf(fast, got)).as(what).isEqualTo(Arrays.copyOf(slow, want));
            }
        }
        assertThat(taken).isGreaterThanOrEqualTo(80);
    }
}
