package dev.ngff.conformance.peers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Codecs;
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
import dev.ngff.pyramid.Downsampling;
import dev.ngff.pyramid.LevelSource;
import dev.ngff.pyramid.PyramidPlan;
import dev.ngff.pyramid.PyramidWriter;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import dev.ngff.store.MemoryStore;
import dev.ngff.validate.OmeValidator;
import dev.ngff.validate.Report;
import dev.ngff.write.Durability;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.ngff.conformance.peers.Peers.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Pyramids made by our streaming pass, as the peers see them: ome-zarr-models accepts the image, its
 * label image and labels group; ome-zarr-py reads every level with the elements, scales and translations
 * we wrote; zarr-python and tensorstore read every level of image and labels with the same elements.
 * 0.4 (Zarr v2, zstd) and 0.5 (Zarr v3, sharded, zstd); anisotropic pixels, odd extents, two channels.
 */
class PyramidPeerTest {
    private final ExecutionContext ctx = ExecutionContext.create();

    @AfterEach
    void close() {
        ctx.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.4", "0.5"})
    void peersReadOurPyramids(String version, @TempDir Path dir) throws Exception {
        NgffVersion v = NgffVersion.of(version);
        List<Axis> axes = List.of(Axis.channel("c"), Axis.space("z", "micrometer"), Axis.space("y", "micrometer"),
                Axis.space("x", "micrometer"));
        long[] shape = {2, 11, 70, 53};
        double[] px = {1, 2, 0.5, 0.5};
        Random r = new Random(11);
        NdBuffer data = NdBuffer.allocate(DataType.UINT16, shape);
        NdBuffer cells = NdBuffer.allocate(DataType.UINT32, 1, 11, 70, 53);
        for (long i = 0; i < data.elementCount(); i++) {
            data.setAsLong(i, 100 + r.nextInt(4000));
        }
        for (long i = 0; i < cells.elementCount(); i++) {
            cells.setAsLong(i, (i / 53 / 7) % 4);
        }
        ZarrArray src = Zarr.createArray(new MemoryStore(), Key.ROOT,
                ArrayMetadata.builder(DataType.UINT16, shape).chunks(1, 5, 32, 32).build(), ctx);
        src.write(data);
        ZarrArray labelSrc = Zarr.createArray(new MemoryStore(), Key.ROOT,
                ArrayMetadata.builder(DataType.UINT32, cells.shape()).chunks(1, 11, 70, 53).build(), ctx);
        labelSrc.write(cells);

        List<CodecSpec> chain = List.of(Codecs.bytes("little"), Codecs.zstd(3, false));
        boolean sharded = v.zarrFormat() == 3;
        long[] inner = {1, 4, 16, 16};
        List<CodecSpec> codecs = sharded ? List.of(Codecs.sharding(inner, chain, Codecs.defaultShardIndexCodecs(), true))
                : chain;
        long[] grid = sharded ? new long[] {1, 8, 32, 32} : inner;
        PyramidPlan plan = PyramidPlan.auto(axes, shape, px, inner, 0);
        assertThat(plan.levels()).isGreaterThanOrEqualTo(3);
        ImageSpec spec = new ImageSpec(v, "pyramid", axes, DataType.UINT16, shape, grid, px, null, plan, codecs,
                new Omero(null, null, null, List.of(Omero.Channel.of("a", "FF0000", null),
                        Omero.Channel.of("b", "00FF00", null)), null, null), null, null);
        Path root = dir.resolve("p.ome.zarr");
        List<String> digests = new ArrayList<>();
        List<String> labelDigests = new ArrayList<>();
        try (FileSystemStore store = FileSystemStore.open(root)) {
            OmeImage img = OmeZarr.writeImage(store, Key.ROOT, spec, LevelSource.of(src), new Downsampling.Mean(),
                    PyramidWriter.Options.defaults(), Durability.NONE, null, ctx);
            for (Level l : img.levels()) {
                digests.add(sha256(l.array().read()));
            }
            long[] labelGrid = grid.clone();
            OmeImage label = OmeZarr.writeLabel(store, img, "cells", LevelSource.of(labelSrc), labelGrid, codecs,
                    List.of(ImageLabel.Color.of(1, 255, 0, 0, 255), ImageLabel.Color.of(2, 0, 255, 0, 255)),
                    new Downsampling.Mode(), PyramidWriter.Options.defaults(), Durability.NONE);
            for (Level l : label.levels()) {
                labelDigests.add(sha256(l.array().read()));
            }
            Report report = new OmeValidator(new OmeValidator.Options(false, null)).validate(store, Key.ROOT, ctx);
            assertThat(report.errors()).as(report.toText()).isEmpty();
        }

        Path script = Peers.script("ome_peers.py", dir.resolve("scripts"));
        for (String[] c : List.of(new String[] {"image", ""}, new String[] {"labels", "labels"},
                new String[] {"label", "labels/cells"})) {
            List<String> args = new ArrayList<>(List.of("models", root.toString(), version, c[0]));
            if (!c[1].isEmpty()) {
                args.add(c[1]);
            }
            JsonNode m = Json.parse(Peers.run(script, args), "ome_peers.py models");
            assertThat(m.path("ok").asBoolean()).as("ome-zarr-models %s %s: %s", version, c[0], m).isTrue();
        }
        JsonNode read = Json.parse(Peers.run(script, List.of("read", root.toString())), "ome_peers.py read");
        assertThat(read.path("levels")).hasSize(plan.levels());
        for (int k = 0; k < plan.levels(); k++) {
            assertThat(read.path("levels").path(k).path("sha256").asText()).as("ome-zarr-py level %d", k)
                    .isEqualTo(digests.get(k));
            JsonNode ts = read.path("transforms").path(k);
            double[] scale = plan.levelScale(px, k);
            double[] translation = plan.levelTranslation(null, px, new Downsampling.Mean(), k);
            for (JsonNode t : ts) {
                for (int d = 0; d < 4; d++) {
                    if (t.path("type").asText().equals("scale")) {
                        assertThat(t.path("scale").path(d).asDouble()).as("scale %d/%d", k, d).isCloseTo(scale[d], within(1e-12));
                    } else if (t.path("type").asText().equals("translation")) {
                        assertThat(t.path("translation").path(d).asDouble()).as("translation %d/%d", k, d)
                                .isCloseTo(translation[d], within(1e-12));
                    }
                }
            }
        }
        assertThat(read.path("channel_names")).extracting(JsonNode::asText).containsExactly("a", "b");
        assertThat(read.path("labels")).extracting(l -> l.path("name").asText()).containsExactly("cells");

        Path readers = Peers.script("read_with_peers.py", dir.resolve("scripts2"));
        List<String> names = new ArrayList<>();
        for (int k = 0; k < plan.levels(); k++) {
            names.add(Integer.toString(k));
            names.add("labels/cells/" + k);
        }
        List<String> args = new ArrayList<>(List.of(root.toString()));
        args.addAll(names);
        JsonNode peers = Json.parse(Peers.run(readers, args), "read_with_peers.py");
        for (int k = 0; k < plan.levels(); k++) {
            for (String peer : List.of("zarr", "tensorstore")) {
                assertThat(peers.path(Integer.toString(k)).path(peer).asText()).as("%s level %d", peer, k)
                        .isEqualTo(digests.get(k));
                assertThat(peers.path("labels/cells/" + k).path(peer).asText()).as("%s label level %d", peer, k)
                        .isEqualTo(labelDigests.get(k));
            }
        }
    }
}
