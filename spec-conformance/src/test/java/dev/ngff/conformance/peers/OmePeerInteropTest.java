package dev.ngff.conformance.peers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.Json;
import dev.ngff.metadata.ome.Axis;
import dev.ngff.metadata.ome.ImageLabel;
import dev.ngff.metadata.ome.NgffVersion;
import dev.ngff.metadata.ome.Omero;
import dev.ngff.ome.ImageSpec;
import dev.ngff.ome.Level;
import dev.ngff.ome.OmeImage;
import dev.ngff.ome.OmeZarr;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import dev.ngff.testing.Fixtures;
import dev.ngff.validate.OmeValidator;
import dev.ngff.validate.Report;
import dev.ngff.validate.SchemaSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static dev.ngff.conformance.peers.Peers.sha256;

/**
 * OME-Zarr peers judge our metadata: ome-zarr-models (pydantic models of 0.4 and 0.5) accepts the images,
 * label images, labels groups, plates and wells we write; ome-zarr-py reads our pyramid (every level's
 * elements), axes, units and channels; and an image with labels that ome-zarr-py writes opens here with
 * the same structure and elements and passes our validator. The Python side is
 * {@code src/test/resources/peers/ome_peers.py}.
 */
class OmePeerInteropTest {
    private final ExecutionContext ctx = ExecutionContext.create();

    @AfterEach
    void close() {
        ctx.close();
    }

    private static Path script() throws Exception {
        return Peers.script("ome_peers.py", Path.of(System.getProperty("java.io.tmpdir")).resolve("ngff-ome-peers-" + System.nanoTime()));
    }

    private static NdBuffer pattern(long[] shape, int level) {
        NdBuffer b = NdBuffer.allocate(DataType.UINT16, shape);
        for (long i = 0; i < b.elementCount(); i++) {
            b.segment().set(ValueLayout.JAVA_SHORT_UNALIGNED, 2 * i, (short) ((13 * i + 1000L * level) % 65521));
        }
        return b;
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.4", "0.5"})
    void omeZarrModelsAndOmeZarrPyAcceptWhatWeWrite(String version, @TempDir Path dir) throws Exception {
        NgffVersion v = NgffVersion.of(version);
        Path imagePath = dir.resolve("image.ome.zarr");
        List<String> digests = new ArrayList<>();
        try (FileSystemStore store = FileSystemStore.open(imagePath)) {
            ImageSpec spec = ImageSpec.of(v, DataType.UINT16, new long[] {2, 40, 56},
                            List.of(Axis.channel("c"), Axis.space("y", "micrometer"), Axis.space("x", "micrometer")))
                    .withPixelSize(1, 0.5, 0.25).withLevels(3).withChunks(1, 16, 16)
                    .withOmero(Omero.of(List.of(Omero.Channel.of("DAPI", "0000FF", Omero.Window.of(0, 65535, 0, 5000)),
                            Omero.Channel.of("GFP", "00FF00", Omero.Window.of(0, 65535, 0, 9000)))));
            OmeImage img = OmeZarr.createImage(store, Key.ROOT, spec, ctx);
            for (Level l : img.levels()) {
                NdBuffer data = pattern(l.shape(), l.index());
                l.array().write(data);
                digests.add(sha256(data));
            }
            OmeImage cells = OmeZarr.createLabel(store, img, "cells", DataType.UINT32,
                    List.of(ImageLabel.Color.of(1, 255, 0, 0, 255)), ctx);
            assertThat(cells.levels()).hasSize(3);
        }
        Path platePath = dir.resolve("plate.ome.zarr");
        try (FileSystemStore store = FileSystemStore.open(platePath)) {
            ImageSpec field = ImageSpec.of(v, DataType.UINT8, new long[] {16, 16},
                    List.of(Axis.space("y", "micrometer"), Axis.space("x", "micrometer"))).withLevels(2);
            OmeZarr.createPlate(store, Key.ROOT, v, "screen", List.of("A", "B"), List.of("1", "2", "3"),
                    List.of("A/1", "B/3"), 2, field, ctx);
        }
        Path script = script();
        String root = imagePath.toString();
        for (String[] c : List.of(new String[] {root, "image", ""}, new String[] {root, "labels", "labels"},
                new String[] {root, "label", "labels/cells"}, new String[] {platePath.toString(), "plate", ""},
                new String[] {platePath.toString(), "well", "B/3"}, new String[] {platePath.toString(), "image", "B/3/1"})) {
            List<String> args = new ArrayList<>(List.of("models", c[0], version, c[1]));
            if (!c[2].isEmpty()) {
                args.add(c[2]);
            }
            JsonNode r = Json.parse(Peers.run(script, args), "ome_peers.py models");
            assertThat(r.path("ok").asBoolean()).as("ome-zarr-models %s %s %s: %s", version, c[1], c[2], r).isTrue();
        }

        JsonNode read = Json.parse(Peers.run(script, List.of("read", root)), "ome_peers.py read");
        assertThat(read.path("axes")).extracting(JsonNode::asText).containsExactly("c", "y", "x");
        assertThat(read.path("units").path(1).asText()).isEqualTo("micrometer");
        assertThat(read.path("channel_names")).extracting(JsonNode::asText).containsExactly("DAPI", "GFP");
        assertThat(read.path("levels")).hasSize(3);
        for (int k = 0; k < 3; k++) {
            assertThat(read.path("levels").path(k).path("sha256").asText()).as("level %d elements", k).isEqualTo(digests.get(k));
        }
        assertThat(read.path("levels").path(2).path("shape")).extracting(JsonNode::asInt).containsExactly(2, 10, 14);
        assertThat(read.path("transforms").path(1).path(0).path("scale")).extracting(JsonNode::asDouble)
                .containsExactly(1.0, 1.0, 0.5);
        assertThat(read.path("labels")).extracting(l -> l.path("name").asText()).containsExactly("cells");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.4", "0.5"})
    void weOpenWhatOmeZarrPyWrites(String version, @TempDir Path dir) throws Exception {
        Path root = dir.resolve("py.ome.zarr");
        JsonNode written = Json.parse(Peers.run(script(), List.of("write", root.toString(), version)), "ome_peers.py write");
        try (FileSystemStore store = FileSystemStore.open(root)) {
            OmeImage img = (OmeImage) OmeZarr.open(store, Key.ROOT, ctx);
            assertThat(img.metadata().versionText()).isEqualTo(version);
            assertThat(img.axisNames()).containsExactly("c", "y", "x");
            assertThat(img.axes().get(1).unit()).isEqualTo("micrometer");
            assertThat(img.levels()).extracting(Level::path).containsExactly("s0", "s1", "s2");
            assertThat(img.level(0).shape()).containsExactly(2, 64, 48);
            assertThat(img.level(2).shape()).containsExactly(2, 16, 12);
            assertThat(img.level(0).scale()).containsExactly(1, 0.5, 0.25);
            assertThat(img.level(1).scale()).containsExactly(1, 1, 0.5);
            // ome-zarr-py places each level's pixel centres: translation grows by half the coarser pixel
            assertThat(img.level(1).translation()[1]).isCloseTo(0.25, within(1e-12));
            assertThat(img.toPhysical(1, 0, 2, 2)).containsExactly(0, 2.25, 1.125);
            assertThat(img.nearestLevel(Double.NaN, 2, 1).index()).isEqualTo(2);
            assertThat(img.channels()).extracting(Omero.Channel::label).containsExactly("red", "green");
            assertThat(sha256(img.level(0).array().read())).isEqualTo(written.path("level0").asText());
            OmeImage blobs = img.labels().orElseThrow().open("blobs");
            assertThat(blobs.imageLabel()).isPresent();
            assertThat(sha256(blobs.level(0).array().read())).isEqualTo(written.path("label0").asText());

            SchemaSet schemas = SchemaSet.load(Fixtures.root().resolve("ngff"));
            Report r = new OmeValidator(new OmeValidator.Options(false, schemas)).validate(store, Key.ROOT, ctx);
            if (version.equals("0.4")) {
                assertThat(r.errors()).as(r.toText()).isEmpty();
            } else {
                // ome-zarr-py 0.18 writes the 0.5 labels group without ome.version; ome-zarr-models rejects it too
                assertThat(r.errors()).as(r.toText()).singleElement().satisfies(i -> {
                    assertThat(i.rule()).isEqualTo("version");
                    assertThat(i.node()).isEqualTo("/labels");
                    assertThat(i.pointer()).isEqualTo("/ome/version");
                });
                JsonNode models = Json.parse(Peers.run(script(), List.of("models", root.toString(), "0.5", "labels", "labels")),
                        "ome_peers.py models");
                assertThat(models.path("ok").asBoolean()).isFalse();
                assertThat(models.path("error").asText()).contains("version");
            }
        }
    }
}
