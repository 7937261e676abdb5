package dev.ngff.ome;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ngff.array.Zarr;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.error.NodeNotFoundException;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.Json;
import dev.ngff.metadata.ome.Axis;
import dev.ngff.metadata.ome.ImageLabel;
import dev.ngff.metadata.ome.NgffVersion;
import dev.ngff.metadata.ome.Omero;
import dev.ngff.store.Key;
import dev.ngff.store.MemoryStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class OmeZarrTest {
    private static final ExecutionContext CTX = ExecutionContext.create();

    @AfterAll
    static void close() {
        CTX.close();
    }

    static Stream<NgffVersion> versions() {
        return Stream.of(NgffVersion.V0_4, NgffVersion.V0_5, NgffVersion.V0_6);
    }

    static ImageSpec spec(NgffVersion v) {
        List<Axis> axes = List.of(Axis.channel("c"), Axis.space("z", "micrometer"), Axis.space("y", "micrometer"),
                Axis.space("x", "micrometer"));
        return ImageSpec.of(v, DataType.UINT16, new long[] {2, 10, 64, 100}, axes)
                .withPixelSize(1, 2, 0.5, 0.5).withOrigin(0, 0, 10, 20).withLevels(3).withChunks(1, 5, 32, 32)
                .withOmero(Omero.of(List.of(Omero.Channel.of("DAPI", "0000FF", Omero.Window.of(0, 65535, 0, 1000)),
                        Omero.Channel.of("GFP", "00FF00", Omero.Window.of(0, 65535, 0, 2000)))))
                .withName("sample");
    }

    @ParameterizedTest
    @MethodSource("versions")
    void writesAnImageThatOpensWithItsLevelsAxesAndChannels(NgffVersion v) throws Exception {
        MemoryStore store = new MemoryStore();
        OmeZarr.createImage(store, Key.ROOT, spec(v), CTX);

        OmeImage img = (OmeImage) OmeZarr.open(store, Key.ROOT, CTX);
        assertThat(img.metadata().versionText()).isEqualTo(v.text());
        assertThat(img.metadata().nested()).isEqualTo(v.nestedUnderOme());
        assertThat(img.axisNames()).containsExactly("c", "z", "y", "x");
        assertThat(img.axes().get(1).unit()).isEqualTo("micrometer");
        assertThat(img.channels()).extracting(Omero.Channel::label).containsExactly("DAPI", "GFP");
        assertThat(img.levels()).hasSize(3);
        assertThat(img.level(0).shape()).containsExactly(2, 10, 64, 100);
        assertThat(img.level(1).shape()).containsExactly(2, 5, 32, 50);
        assertThat(img.level(2).shape()).containsExactly(2, 3, 16, 25);
        assertThat(img.level(2).scale()).containsExactly(1, 8, 2, 2);
        assertThat(img.level(2).translation()).containsExactly(0, 0, 10, 20);
        assertThat(img.level(0).array().zarrFormat()).isEqualTo(v.zarrFormat());
        if (v.zarrFormat() == 3) {
            assertThat(img.level(0).array().metadata().dimensionNames()).containsExactly("c", "z", "y", "x");
            JsonNode attrs = img.group().attributes();
            assertThat(attrs.path("ome").path("version").asText()).isEqualTo(v.text());
            assertThat(attrs.has("multiscales")).isFalse();
        } else {
            assertThat(img.group().attributes().path("multiscales").path(0).path("version").asText()).isEqualTo("0.4");
            assertThat(store.read(Key.of("0/.zarray")).orElseThrow().toString()).isNotNull();
            assertThat(Json.parse(store.read(Key.of("0/.zarray")).orElseThrow(), "t").path("dimension_separator").asText())
                    .isEqualTo("/");
        }
    }

    @ParameterizedTest
    @MethodSource("versions")
    void mapsPixelsToPhysicalAndPicksTheNearestLevel(NgffVersion v) throws Exception {
        MemoryStore store = new MemoryStore();
        OmeImage img = OmeZarr.createImage(store, Key.ROOT, spec(v), CTX);
        assertThat(img.toPhysical(1, 0, 1, 2, 3)).containsExactly(0, 4, 12, 23);
        assertThat(img.toIndex(1, 0, 4, 12, 23)).containsExactly(0, 1, 2, 3);
        assertThat(img.nearestLevel(Double.NaN, 4, 1, 1).index()).isEqualTo(1);
        assertThat(img.nearestLevel(Double.NaN, 1, 0.4, 0.4).index()).isEqualTo(0);
        assertThat(img.nearestLevel(Double.NaN, 100, 100, 100).index()).isEqualTo(2);
        assertThatThrownBy(() -> img.nearestLevel(1, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void writesLabelsBelowAnImage(NgffVersion v) throws Exception {
        MemoryStore store = new MemoryStore();
        OmeImage img = OmeZarr.createImage(store, Key.ROOT, spec(v), CTX);
        OmeZarr.createLabel(store, img, "cells", DataType.UINT32, List.of(ImageLabel.Color.of(1, 255, 0, 0, 255)), CTX);
        OmeZarr.createLabel(store, img, "nuclei", DataType.UINT8, null, CTX);

        OmeImage reopened = (OmeImage) OmeZarr.open(store, Key.ROOT, CTX);
        OmeLabels labels = reopened.labels().orElseThrow();
        assertThat(labels.names()).containsExactly("cells", "nuclei");
        OmeImage cells = labels.open("cells");
        assertThat(cells.imageLabel()).isPresent();
        assertThat(cells.imageLabel().get().source().path("image").asText()).isEqualTo("../../");
        assertThat(cells.imageLabel().get().colors().getFirst().rgba()).containsExactly(255, 0, 0, 255);
        assertThat(cells.levels()).hasSize(3);
        assertThat(cells.level(1).shape()).containsExactly(img.level(1).shape());
        assertThat(cells.level(1).scale()).containsExactly(img.level(1).scale());
        assertThat(cells.level(0).array().dataType()).isEqualTo(DataType.UINT32);
        assertThatThrownBy(() -> OmeZarr.createLabel(store, img, "bad", DataType.FLOAT32, null, CTX))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void writesAPlateWithWellsAndFields(NgffVersion v) throws Exception {
        MemoryStore store = new MemoryStore();
        ImageSpec field = ImageSpec.of(v, DataType.UINT8, new long[] {16, 16},
                List.of(Axis.space("y", "micrometer"), Axis.space("x", "micrometer")));
        OmePlate plate = OmeZarr.createPlate(store, Key.of("plate.zarr"), v, "screen", List.of("A", "B"),
                List.of("1", "2", "3"), List.of("A/1", "B/3"), 2, field, CTX);
        assertThat(plate.plate().wells()).extracting(w -> w.rowIndex() + ":" + w.columnIndex()).containsExactly("0:0", "1:2");
        assertThat(plate.plate().fieldCount()).isEqualTo(2);

        OmePlate reopened = (OmePlate) OmeZarr.open(store, Key.of("plate.zarr"), CTX);
        OmeWell well = reopened.well("B/3");
        assertThat(well.well().images()).hasSize(2);
        assertThat(well.field(1).level(0).shape()).containsExactly(16, 16);
        assertThatThrownBy(() -> OmeZarr.createPlate(store, Key.of("p2"), v, null, List.of("A"), List.of("1"),
                List.of("C/1"), 1, field, CTX)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void errorsNameTheDocumentAndJsonPointer() throws Exception {
        MemoryStore store = new MemoryStore();
        OmeZarr.createImage(store, Key.ROOT, spec(NgffVersion.V0_5), CTX);
        var g = Zarr.openGroup(store, Key.ROOT, CTX);
        var attrs = g.attributes();
        ((com.fasterxml.jackson.databind.node.ObjectNode) attrs.path("ome").path("multiscales").path(0).path("axes").path(2))
                .put("name", 7);
        g.withAttributes(attrs);
        assertThatThrownBy(() -> OmeZarr.open(store, Key.ROOT, CTX))
                .isInstanceOf(InvalidMetadataException.class)
                .hasMessageContaining("/ome/multiscales/0/axes/2/name")
                .hasMessageContaining("expected a string");
    }

    @Test
    void aMissingLevelArrayIsNamed() throws Exception {
        MemoryStore store = new MemoryStore();
        OmeZarr.createImage(store, Key.ROOT, spec(NgffVersion.V0_4), CTX);
        store.delete(Key.of("1/.zarray"));
        assertThatThrownBy(() -> OmeZarr.open(store, Key.ROOT, CTX))
                .isInstanceOf(NodeNotFoundException.class)
                .hasMessageContaining("/multiscales/0/datasets/1/path");
    }

    @Test
    void aGroupWithoutOmeMetadataIsRejected() throws Exception {
        MemoryStore store = new MemoryStore();
        Zarr.createGroup(store, Key.ROOT, dev.ngff.metadata.GroupMetadata.of(3, Json.object().put("foo", 1)), CTX);
        assertThatThrownBy(() -> OmeZarr.open(store, Key.ROOT, CTX)).isInstanceOf(InvalidMetadataException.class)
                .hasMessageContaining("no OME-NGFF metadata");
    }

    @Test
    void keepsTheUsersOtherAttributesWhenRewriting() throws Exception {
        MemoryStore store = new MemoryStore();
        Zarr.createGroup(store, Key.ROOT, dev.ngff.metadata.GroupMetadata.of(3, Json.object().put("mine", "kept")), CTX);
        OmeImage img = OmeZarr.createImage(store, Key.ROOT, spec(NgffVersion.V0_5), CTX);
        assertThat(img.group().attributes().path("mine").asText()).isEqualTo("kept");
        ArrayMetadata a = img.level(0).array().metadata();
        assertThat(a.shape()).containsExactly(2, 10, 64, 100);
        assertThat(img.level(0).scale()[2]).isCloseTo(0.5, within(0.0));
    }
}
