package dev.ngff.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.ome.Axis;
import dev.ngff.metadata.ome.ImageLabel;
import dev.ngff.metadata.ome.NgffVersion;
import dev.ngff.metadata.ome.Omero;
import dev.ngff.ome.ImageSpec;
import dev.ngff.ome.OmeImage;
import dev.ngff.ome.OmeZarr;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import dev.ngff.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ngff validate} and the OME view of {@code ngff info}, on images written to real directories. */
class ValidateCommandTest {
    @TempDir
    Path dir;

    Path image(NgffVersion v) throws Exception {
        Path p = dir.resolve("img-" + v + ".ome.zarr");
        try (FileSystemStore store = FileSystemStore.open(p); ExecutionContext ctx = ExecutionContext.create()) {
            ImageSpec spec = ImageSpec.of(v, DataType.UINT16, new long[] {2, 16, 32},
                            List.of(Axis.channel("c"), Axis.space("y", "micrometer"), Axis.space("x", "micrometer")))
                    .withPixelSize(1, 0.5, 0.5).withLevels(2)
                    .withOmero(Omero.of(List.of(Omero.Channel.of("DAPI", "0000FF", Omero.Window.of(0, 4095, 10, 900)),
                            Omero.Channel.of("GFP", "00FF00", Omero.Window.of(0, 4095, 0, 1200)))));
            OmeImage img = OmeZarr.createImage(store, Key.ROOT, spec, ctx);
            OmeZarr.createLabel(store, img, "cells", DataType.UINT32, List.of(ImageLabel.Color.of(1, 255, 0, 0, 255)), ctx);
        }
        return p;
    }

    static String schemas() {
        return Fixtures.root().resolve("ngff").toString();
    }

    @Test
    void aValidImageExitsZero() throws Exception {
        for (NgffVersion v : List.of(NgffVersion.V0_4, NgffVersion.V0_5, NgffVersion.V0_6)) {
            Path p = image(v);
            Cli.Result r = Cli.run("validate", p, "--schemas", schemas());
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).startsWith("VALID").contains("OME-NGFF " + v.text(), "3 groups checked", "0 error(s)");
            assertThat(r.err()).isEmpty();
            JsonNode json = new ObjectMapper().readTree(Cli.run("validate", "--json", p, "--schemas", schemas()).out());
            assertThat(json.path("valid").asBoolean()).isTrue();
            assertThat(json.path("kind").asText()).isEqualTo("image");
            assertThat(json.path("schemas").asText()).isEqualTo(schemas());
        }
    }

    @Test
    void anInvalidImageExitsOneAndNamesTheProblem() throws Exception {
        Path p = image(NgffVersion.V0_5);
        Files.delete(p.resolve("1/zarr.json"));
        Cli.Result r = Cli.run("validate", p, "--schemas", schemas());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).startsWith("INVALID").contains("[dataset-exists] / /ome/multiscales/0/datasets/1/path");
        JsonNode json = new ObjectMapper().readTree(Cli.run("validate", p, "--json").out());
        assertThat(json.path("valid").asBoolean()).isFalse();
        assertThat(json.path("schemas").isNull()).isTrue();
        assertThat(json.path("issues").path(0).path("rule").asText()).isEqualTo("dataset-exists");
    }

    @Test
    void withoutSchemasOnlyTheStructuralRulesRunAndTheReportSaysSo() throws Exception {
        Path p = image(NgffVersion.V0_4);
        Cli.Result r = Cli.run("validate", p);
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("structural rules only");
    }

    @Test
    void metadataOnlyChecksTheDocumentsWithoutTheArrays() throws Exception {
        Path p = image(NgffVersion.V0_5);
        Files.delete(p.resolve("0/zarr.json"));
        Files.delete(p.resolve("1/zarr.json"));
        assertThat(Cli.run("validate", p).code()).isEqualTo(1);
        Cli.Result r = Cli.run("validate", "--metadata-only", p);
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).startsWith("VALID").contains("1 group checked");
        // a metadata error is still found
        Path attrs = p.resolve("zarr.json");
        Files.writeString(attrs, Files.readString(attrs).replace("\"type\" : \"space\"", "\"type\" : 7"));
        Cli.Result bad = Cli.run("validate", "--metadata-only", p);
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.out()).contains("/ome/multiscales/0/axes/1/type: an axis type is a string, not the number 7");
    }

    @Test
    void strictCountsWarnings() throws Exception {
        Path p = image(NgffVersion.V0_5);
        // a third channel entry for a channel axis of 2: a warning
        Path attrs = p.resolve("zarr.json");
        String doc = Files.readString(attrs).replace("\"label\" : \"GFP\"", "\"label\" : \"GFP\" }, { \"label\" : \"extra\"");
        Files.writeString(attrs, doc);
        assertThat(Cli.run("validate", p).code()).isZero();
        Cli.Result strict = Cli.run("validate", "--strict", p);
        assertThat(strict.code()).isEqualTo(1);
        assertThat(strict.out()).contains("omero-channels");
    }

    @Test
    void aMissingPathIsAFailureNotAVerdict() {
        Cli.Result r = Cli.run("validate", dir.resolve("nothing-here"));
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).startsWith("INVALID");
    }

    @Test
    void infoShowsTheOmeView() throws Exception {
        Path p = image(NgffVersion.V0_5);
        Cli.Result r = Cli.run("info", p);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("OME-Zarr image (OME-NGFF 0.5)", "axes          c:channel, y:space [micrometer], x:space [micrometer]",
                "level 0       0  2x16x32  uint16  scale 1 0.5 0.5", "level 1       1  2x8x16  uint16  scale 1 1 1",
                "channel       DAPI  #0000FF  window 10..900", "labels        cells");
        JsonNode json = new ObjectMapper().readTree(Cli.run("info", "--json", p).out());
        assertThat(json.path("ome").path("levels").size()).isEqualTo(2);
        assertThat(json.path("ome").path("axes").path(1).path("unit").asText()).isEqualTo("micrometer");
        assertThat(json.path("ome").path("channels").path(1).path("label").asText()).isEqualTo("GFP");
    }
}
