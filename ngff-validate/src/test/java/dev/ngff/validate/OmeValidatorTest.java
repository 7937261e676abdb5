package dev.ngff.validate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrGroup;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.Json;
import dev.ngff.metadata.ome.Axis;
import dev.ngff.metadata.ome.ImageLabel;
import dev.ngff.metadata.ome.NgffVersion;
import dev.ngff.metadata.ome.Omero;
import dev.ngff.ome.ImageSpec;
import dev.ngff.ome.OmeImage;
import dev.ngff.ome.OmeZarr;
import dev.ngff.store.Key;
import dev.ngff.store.MemoryStore;
import dev.ngff.testing.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** What our writers produce validates clean; each structural rule fires on a hierarchy made to break it. */
class OmeValidatorTest {
    static final ExecutionContext CTX = ExecutionContext.create();
    static SchemaSet schemas;

    @BeforeAll
    static void load() throws IOException {
        schemas = SchemaSet.load(Fixtures.root().resolve("ngff"));
    }

    @AfterAll
    static void close() {
        CTX.close();
    }

    static Stream<NgffVersion> versions() {
        return Stream.of(NgffVersion.V0_4, NgffVersion.V0_5, NgffVersion.V0_6);
    }

    static ImageSpec spec(NgffVersion v) {
        return ImageSpec.of(v, DataType.UINT16, new long[] {2, 8, 64, 64},
                        List.of(Axis.channel("c"), Axis.space("z", "micrometer"), Axis.space("y", "micrometer"),
                                Axis.space("x", "micrometer")))
                .withPixelSize(1, 2, 0.25, 0.25).withOrigin(0, 0, 5, 5).withLevels(3)
                .withOmero(Omero.of(List.of(Omero.Channel.of("a", "FF0000", Omero.Window.of(0, 65535, 0, 900)),
                        Omero.Channel.of("b", "00FF00", Omero.Window.of(0, 65535, 0, 900)))))
                .withDownsampling("mean", Json.object().put("description", "2x2x2 block mean"));
    }

    static Report validate(MemoryStore store, Key path, boolean strict) throws IOException {
        return new OmeValidator(new OmeValidator.Options(strict, schemas)).validate(store, path, CTX);
    }

    static Report structural(MemoryStore store, Key path) throws IOException {
        return new OmeValidator(OmeValidator.Options.structuralOnly()).validate(store, path, CTX);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void ourImagesWithLabelsAreValid(NgffVersion v) throws IOException {
        MemoryStore store = new MemoryStore();
        OmeImage img = OmeZarr.createImage(store, Key.ROOT, spec(v), CTX);
        OmeZarr.createLabel(store, img, "cells", DataType.UINT32, List.of(ImageLabel.Color.of(1, 255, 0, 0, 255)), CTX);
        Report r = validate(store, Key.ROOT, false);
        assertThat(r.issues()).as(r.toText()).isEmpty();
        assertThat(r.valid()).isTrue();
        assertThat(r.kind()).isEqualTo("image");
        assertThat(r.nodes()).isEqualTo(3); // image, labels, label image
        Report strict = validate(store, Key.ROOT, true);
        assertThat(strict.issues()).as(strict.toText()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("versions")
    void ourPlatesAreValid(NgffVersion v) throws IOException {
        MemoryStore store = new MemoryStore();
        ImageSpec field = ImageSpec.of(v, DataType.UINT8, new long[] {32, 32},
                List.of(Axis.space("y", "micrometer"), Axis.space("x", "micrometer"))).withLevels(2)
                .withDownsampling("mean", Json.object().put("description", "2x2 block mean"));
        OmeZarr.createPlate(store, Key.ROOT, v, "p", List.of("A", "B"), List.of("1", "2"), List.of("A/1", "B/2"), 2,
                field, CTX);
        Report r = validate(store, Key.ROOT, false);
        assertThat(r.issues()).as(r.toText()).isEmpty();
        assertThat(r.nodes()).isEqualTo(1 + 2 + 2 * 2);
        Report strict = validate(store, Key.ROOT, true);
        assertThat(strict.issues()).as(strict.toText()).isEmpty();
    }

    static List<String> rules(Report r) {
        return r.errors().stream().map(Issue::rule).distinct().toList();
    }

    @Test
    void aMissingDatasetIsNamedWithItsPointer() throws IOException {
        MemoryStore store = new MemoryStore();
        OmeZarr.createImage(store, Key.ROOT, spec(NgffVersion.V0_5), CTX);
        store.delete(Key.of("2/zarr.json"));
        Report r = structural(store, Key.ROOT);
        assertThat(r.valid()).isFalse();
        assertThat(r.errors()).singleElement().satisfies(i -> {
            assertThat(i.rule()).isEqualTo("dataset-exists");
            assertThat(i.pointer()).isEqualTo("/ome/multiscales/0/datasets/2/path");
        });
    }

    @Test
    void rankAndDimensionNamesMustMatchTheAxes() throws IOException {
        MemoryStore store = new MemoryStore();
        OmeZarr.createImage(store, Key.ROOT, spec(NgffVersion.V0_5), CTX);
        Zarr.writeMetadata(store, Key.of("1"), ArrayMetadata.builder(DataType.UINT16, 8, 32, 32)
                .dimensionNames(List.of("z", "y", "x")).build());
        Zarr.writeMetadata(store, Key.of("2"), ArrayMetadata.builder(DataType.UINT16, 2, 2, 16, 16)
                .dimensionNames(List.of("c", "z", "x", "y")).build());
        Report r = structural(store, Key.ROOT);
        assertThat(rules(r)).contains("rank", "dimension-names");
        assertThat(r.errors()).anySatisfy(i -> assertThat(i.message()).contains("[c, z, x, y]"));
    }

    @Test
    void levelsMustGoFromFineToCoarse() throws IOException {
        MemoryStore store = new MemoryStore();
        OmeZarr.createImage(store, Key.ROOT, spec(NgffVersion.V0_4), CTX);
        ZarrGroup g = Zarr.openGroup(store, Key.ROOT, CTX);
        ObjectNode attrs = g.attributes();
        ArrayNode ds = (ArrayNode) attrs.path("multiscales").path(0).path("datasets");
        var first = ds.get(0).deepCopy();
        ds.set(0, ds.get(2).deepCopy());
        ds.set(2, first);
        g.withAttributes(attrs);
        Report r = structural(store, Key.ROOT);
        assertThat(rules(r)).containsExactly("level-order");
    }

    @Test
    void labelArraysMustBeInteger() throws IOException {
        MemoryStore store = new MemoryStore();
        OmeImage img = OmeZarr.createImage(store, Key.ROOT, spec(NgffVersion.V0_5), CTX);
        OmeZarr.createLabel(store, img, "seg", DataType.UINT8, null, CTX);
        Zarr.writeMetadata(store, Key.of("labels/seg/0"), ArrayMetadata.builder(DataType.FLOAT32, 2, 8, 64, 64)
                .dimensionNames(List.of("c", "z", "y", "x")).build());
        Report r = structural(store, Key.ROOT);
        assertThat(r.errors()).singleElement().satisfies(i -> {
            assertThat(i.rule()).isEqualTo("label-dtype");
            assertThat(i.node()).isEqualTo("/labels/seg");
        });
    }

    @Test
    void listedLabelsWellsAndFieldsMustExist() throws IOException {
        MemoryStore store = new MemoryStore();
        ImageSpec field = ImageSpec.of(NgffVersion.V0_4, DataType.UINT8, new long[] {8, 8},
                List.of(Axis.space("y", null), Axis.space("x", null)));
        OmeZarr.createPlate(store, Key.ROOT, NgffVersion.V0_4, null, List.of("A"), List.of("1", "2"),
                List.of("A/1", "A/2"), 2, field, CTX);
        store.delete(Key.of("A/2/.zgroup"));
        store.delete(Key.of("A/1/1/.zgroup"));
        Report r = structural(store, Key.ROOT);
        assertThat(rules(r)).containsExactlyInAnyOrder("well-exists", "field-exists");
        assertThat(r.errors()).anySatisfy(i -> assertThat(i.pointer()).isEqualTo("/plate/wells/1/path"));
        assertThat(r.errors()).anySatisfy(i -> assertThat(i.pointer()).isEqualTo("/well/images/1/path"));
    }

    @Test
    void theZarrFormatMustFitTheVersion() throws IOException {
        MemoryStore store = new MemoryStore();
        OmeZarr.createImage(store, Key.ROOT, spec(NgffVersion.V0_4), CTX);
        ZarrGroup g = Zarr.openGroup(store, Key.ROOT, CTX);
        ObjectNode ome = Json.object();
        ome.put("version", "0.5");
        ObjectNode attrs = g.attributes();
        attrs.remove("multiscales");
        ome.set("multiscales", g.attributes().get("multiscales"));
        ((ObjectNode) ome.path("multiscales").path(0)).remove("version");
        attrs.set("ome", ome);
        g.withAttributes(attrs);
        Report r = structural(store, Key.ROOT);
        assertThat(rules(r)).contains("zarr-format");
    }

    @Test
    void jsonAndTextReportsCarryTheVerdict() throws IOException {
        MemoryStore store = new MemoryStore();
        OmeZarr.createImage(store, Key.ROOT, spec(NgffVersion.V0_5), CTX);
        store.delete(Key.of("0/zarr.json"));
        Report r = validate(store, Key.ROOT, false);
        assertThat(r.toJson().path("valid").asBoolean()).isFalse();
        assertThat(r.toJson().path("issues").path(0).path("rule").asText()).isEqualTo("dataset-exists");
        assertThat(r.toText()).startsWith("INVALID").contains("dataset-exists");
        Report s = structural(store, Key.ROOT);
        assertThat(s.toText()).contains("structural rules only");
    }

    @Test
    void warningsFailOnlyInStrictMode() throws IOException {
        MemoryStore store = new MemoryStore();
        OmeZarr.createImage(store, Key.ROOT, spec(NgffVersion.V0_5).withOmero(Omero.of(List.of(
                Omero.Channel.of("only one", "FFFFFF", Omero.Window.of(0, 1, 0, 1))))), CTX);
        Report lax = structural(store, Key.ROOT);
        assertThat(lax.warnings()).extracting(Issue::rule).containsExactly("omero-channels");
        assertThat(lax.valid()).isTrue();
        Report strict = new OmeValidator(new OmeValidator.Options(true, null)).validate(store, Key.ROOT, CTX);
        assertThat(strict.valid()).isFalse();
    }
}
