package dev.ngff.tiff;

import dev.ngff.buffer.NdBuffer;
import dev.ngff.error.NgffException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mutated TIFF and BigTIFF files (bytes of the header and IFDs changed, fields set to huge values, files cut
 * short): opening and reading them either works or fails with one of our checked exceptions, whose message
 * is one line naming the file; never another exception, never an allocation a header asked for.
 */
class TiffFuzzTest {
    @TempDir
    Path dir;

    @Test
    void writtenFilesReadBack() throws IOException {
        for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
            for (boolean big : new boolean[] {false, true}) {
                for (int tile : new int[] {0, 16}) {
                    for (boolean deflate : new boolean[] {false, true}) {
                        short[][] px = pixels(new Random(7), 3, 37, 23);
                        Path f = dir.resolve("t.tif");
                        Files.write(f, TinyTiff.write(px, 37, 23, tile, deflate, big, order));
                        try (TiffFile t = TiffFile.open(f)) {
                            TiffSource s = TiffSource.stack(t.pages());
                            assertThat(s.shape()).containsExactly(3, 23, 37);
                            NdBuffer all = s.read(new long[3], s.shape());
                            for (int p = 0; p < 3; p++) {
                                for (int i = 0; i < 23 * 37; i++) {
                                    assertThat(all.getShort(p, i / 37, i % 37)).isEqualTo(px[p][i]);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static short[][] pixels(Random r, int pages, int w, int h) {
        short[][] px = new short[pages][w * h];
        for (short[] p : px) {
            for (int i = 0; i < p.length; i++) {
                p[i] = (short) r.nextInt();
            }
        }
        return px;
    }

    @Test
    void mutatedHeadersFailWithOneLineErrors() throws IOException {
        long seed = Long.getLong("tiff.fuzz.seed", System.nanoTime());
        System.out.println("TiffFuzzTest seed " + seed + " (rerun with -Dtiff.fuzz.seed=" + seed + ")");
        Random rnd = new Random(seed);
        List<byte[]> bases = new ArrayList<>();
        for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
            for (boolean big : new boolean[] {false, true}) {
                bases.add(TinyTiff.write(pixels(rnd, 2, 40, 30), 40, 30, 16, true, big, order));
                bases.add(TinyTiff.write(pixels(rnd, 2, 40, 30), 40, 30, 0, false, big, order));
            }
        }
        long[] huge = {0, 1, 0xff, 0xffff, 0x7fffffffL, 0xffffffffL, Long.MAX_VALUE, -1, 1L << 31, 1L << 40};
        Path f = dir.resolve("fuzz.tif");
        int ok = 0;
        int failed = 0;
        for (int it = 0; it < 4000; it++) {
            byte[] base = bases.get(rnd.nextInt(bases.size()));
            byte[] b = base.clone();
            int headerEnd = Math.min(b.length, 400); // header, IFDs and the offset arrays
            int kind = rnd.nextInt(4);
            String what;
            switch (kind) {
                case 0 -> {
                    int n = 1 + rnd.nextInt(4);
                    for (int k = 0; k < n; k++) {
                        b[rnd.nextInt(headerEnd)] = (byte) rnd.nextInt();
                    }
                    what = n + " random bytes";
                }
                case 1 -> {
                    int at = rnd.nextInt(headerEnd - 8);
                    long v = huge[rnd.nextInt(huge.length)];
                    int width = rnd.nextBoolean() ? 4 : rnd.nextBoolean() ? 2 : 8;
                    for (int k = 0; k < width; k++) {
                        b[at + k] = (byte) (v >>> (8 * k));
                    }
                    what = width + " bytes at " + at + " set to " + v;
                }
                case 2 -> {
                    int len = rnd.nextInt(b.length);
                    b = java.util.Arrays.copyOf(b, len);
                    what = "cut to " + len + " bytes";
                }
                default -> {
                    int at = rnd.nextInt(b.length);
                    b[at] = (byte) rnd.nextInt();
                    what = "a random byte in the data";
                }
            }
            Files.write(f, b);
            try (TiffFile t = TiffFile.open(f)) {
                for (TiffPage p : t.pages()) {
                    TiffSource s = TiffSource.stack(List.of(p));
                    long[] shape = s.shape();
                    long[] box = new long[shape.length];
                    for (int d = 0; d < box.length; d++) {
                        box[d] = Math.min(shape[d], 64);
                    }
                    s.read(new long[shape.length], box);
                }
                ok++;
            } catch (NgffException e) {
                failed++;
                String m = e.getMessage();
                assertThat(m).as("iteration %d (%s), seed %d", it, what, seed).startsWith(f.toString()).doesNotContain("\n");
            } catch (Throwable e) {
                throw new AssertionError("iteration " + it + " (" + what + "), seed " + seed + ": " + e, e);
            }
        }
        System.out.println("TiffFuzzTest: " + ok + " mutated files read, " + failed + " rejected with one-line errors");
        assertThat(failed).isGreaterThan(100);
    }
}
