package dev.ngff.tiff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.metadata.ome.Axis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An OME-TIFF with two images (a TCZYX SubIFD pyramid and an RGB image), an ImageJ hyperstack and a page
 * pyramid written by tifffile: the images, their levels' pixels, axes, scales, units, channel names and
 * colours equal what tifffile reads.
 */
class TiffMetadataPeerTest {
    @TempDir
    Path dir;

    @Test
    void omeAndImageJMetadataMapAsTifffileParsesThem() throws Exception {
        Path data = PeerScripts.run("TIFF PEER TESTS", "tiff_metadata.py", dir, "tifffile, imagecodecs");
        JsonNode manifest = new ObjectMapper().readTree(data.resolve("manifest.json").toFile());
        int checked = 0;
        for (JsonNode e : manifest) {
            try (TiffFile f = TiffFile.open(data.resolve(e.get("file").asText()))) {
                List<FileImage> images = TiffImages.of(f);
                FileImage img = images.get(e.get("image").asInt());
                String what = e.get("file").asText() + " image " + e.get("image").asInt();
                assertThat(img.axes().stream().map(Axis::name).toList()).as(what)
                        .containsExactly("t", "c", "z", "y", "x");
                for (int d = 0; d < 5; d++) {
                    assertThat(img.scale()[d]).as(what + " scale " + d).isCloseTo(e.get("scale").get(d).asDouble(),
                            org.assertj.core.data.Offset.offset(1e-9));
                    JsonNode u = e.get("units").get(d);
                    assertThat(img.axes().get(d).unit()).as(what + " unit " + d)
                            .isEqualTo(u.isNull() ? null : TiffImages.unit(u.asText()));
                }
                assertThat(img.axes().get(0).unit()).isNotNull();
                assertThat(img.name()).isEqualTo(e.get("name").isNull() ? null : e.get("name").asText());
                JsonNode ch = e.get("channels");
                for (int c = 0; c < ch.size(); c++) {
                    if (ch.get(c).isNull()) { // no Name in the OME-XML: a label of our own
                        assertThat(img.omero().channels().get(c).label()).isEqualTo("Channel " + c);
                        continue;
                    }
                    assertThat(img.omero().channels().get(c).label()).isEqualTo(ch.get(c).asText());
                    int rgba = e.get("colors").get(c).asInt();
                    assertThat(img.omero().channels().get(c).color())
                            .isEqualTo(String.format(Locale.ROOT, "%06X", (rgba >>> 8) & 0xffffff));
                }
                assertThat(img.levels()).hasSize(e.get("levels").size());
                for (int k = 0; k < img.levels().size(); k++) {
                    dev.ngff.pyramid.LevelSource s = img.levels().get(k);
                    NdBuffer all = s.read(new long[s.shape().length], s.shape());
                    byte[] want = Files.readAllBytes(data.resolve(e.get("levels").get(k).asText()));
                    assertThat(all.segment().toArray(ValueLayout.JAVA_BYTE)).as(what + " level " + k).isEqualTo(want);
                    if (k == 0) {
                        for (int d = 0; d < 5; d++) {
                            assertThat(s.shape()[d]).isEqualTo(e.get("shape").get(d).asLong());
                        }
                    }
                }
                checked++;
            }
        }
        assertThat(checked).isEqualTo(3);
        for (JsonNode e : new ObjectMapper().readTree(data.resolve("pyramids.json").toFile())) {
            try (TiffFile f = TiffFile.open(data.resolve(e.get("file").asText()))) {
                FileImage img = TiffImages.of(f).getFirst();
                assertThat(img.axes().stream().map(Axis::name).toList()).containsExactly("c", "y", "x");
                assertThat(img.levels()).as("levels of the page pyramid").hasSize(e.get("levels").size());
                for (int k = 0; k < img.levels().size(); k++) {
                    dev.ngff.pyramid.LevelSource s = img.levels().get(k);
                    byte[] want = Files.readAllBytes(data.resolve(e.get("levels").get(k).asText()));
                    assertThat(s.read(new long[3], s.shape()).segment().toArray(ValueLayout.JAVA_BYTE))
                            .as("page pyramid level " + k).isEqualTo(want);
                }
            }
        }
    }
}
