package dev.ngff.tiff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ngff.buffer.NdBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every TIFF variant tifffile writes (compression x predictor x type x byte order x strips/tiles x
 * samples/planar, multi-page stacks, BigTIFF, SubIFD pyramids), read here and compared with what tifffile
 * itself reads from the same file: bytes equal, JPEG within the manifest's tolerance. Also checks that a box
 * read equals the same box cut from a whole read.
 */
class TiffPeerVariantsTest {
    @TempDir
    static Path dir;
    static JsonNode manifest;

    /** Runs tiff_variants.py with the peers' Python (tifffile and imagecodecs). */
    @BeforeAll
    static void writeVariants() throws Exception {
        manifest = runPeer(dir);
    }

    static JsonNode runPeer(Path out) throws IOException, InterruptedException {
        Path data = PeerScripts.run("TIFF PEER TESTS", "tiff_variants.py", out, "tifffile, imagecodecs");
        return new ObjectMapper().readTree(data.resolve("manifest.json").toFile());
    }

    static List<TiffPage> pagesOf(TiffFile f, String image) {
        List<TiffPage> out = new ArrayList<>();
        for (TiffPage p : f.pages()) {
            out.add(image.equals("pages") ? p : p.subIfds().get(Integer.parseInt(image.substring("subifd:".length()))));
        }
        return out;
    }

    @Test
    void everyVariantReadsAsTifffileReadsIt() throws Exception {
        Path data = dir.resolve("out");
        assertThat(manifest.get("skipped")).as("combinations tifffile refused").isEmpty();
        List<String> failures = new ArrayList<>();
        long seed = System.nanoTime();
        System.out.println("TiffPeerVariantsTest seed " + seed);
        Random rnd = new Random(seed);
        int compared = 0;
        for (JsonNode e : manifest.get("entries")) {
            String name = e.get("file").asText() + " (" + e.get("image").asText() + ")";
            try (TiffFile f = TiffFile.open(data.resolve(e.get("file").asText()))) {
                List<TiffPage> pages = pagesOf(f, e.get("image").asText());
                int spp = pages.getFirst().samplesPerPixel();
                TiffSource src = TiffSource.of(pages, new long[] {pages.size()}, spp > 1 ? 1 : -1);
                long[] shape = src.shape();
                NdBuffer all = src.read(new long[shape.length], shape);
                byte[] want = Files.readAllBytes(data.resolve(e.get("bin").asText()));
                byte[] got = all.segment().toArray(ValueLayout.JAVA_BYTE);
                int tol = e.get("tolerance").asInt();
                String bad = compare(got, want, tol);
                if (bad != null) {
                    failures.add(name + ": " + bad);
                    continue;
                }
                // a random box equals the same box of the whole read
                long[] off = new long[shape.length];
                long[] box = new long[shape.length];
                for (int d = 0; d < shape.length; d++) {
                    off[d] = rnd.nextLong(shape[d]);
                    box[d] = 1 + rnd.nextLong(shape[d] - off[d]);
                }
                NdBuffer part = src.read(off, box);
                if (!part.contentEquals(all.copyRegion(off, box))) {
                    failures.add(name + ": box " + Arrays.toString(off) + " + " + Arrays.toString(box)
                            + " differs from the whole read");
                }
                compared++;
            } catch (IOException | RuntimeException ex) {
                failures.add(name + ": " + ex);
            }
        }
        System.out.println("TiffPeerVariantsTest: " + compared + " images equal to tifffile's reads, "
                + failures.size() + " failures");
        assertThat(failures).as("variants that differ from tifffile").isEmpty();
        assertThat(compared).isGreaterThan(1000);
    }

    /** Null when equal (within {@code tol} per byte, for 8-bit JPEG), else what differs. */
    static String compare(byte[] got, byte[] want, int tol) {
        if (got.length != want.length) {
            return got.length + " bytes read, tifffile " + want.length;
        }
        int worst = 0;
        for (int i = 0; i < got.length; i++) {
            int d = tol == 0 ? (got[i] == want[i] ? 0 : 1000) : Math.abs((got[i] & 0xff) - (want[i] & 0xff));
            if (d > tol) {
                return "byte " + i + " is " + (got[i] & 0xff) + ", tifffile reads " + (want[i] & 0xff);
            }
            worst = Math.max(worst, d);
        }
        return null;
    }

}
