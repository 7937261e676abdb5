package dev.ngff.validate;

import dev.ngff.buffer.Bytes;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.ome.Axis;
import dev.ngff.metadata.ome.NgffVersion;
import dev.ngff.ome.ImageSpec;
import dev.ngff.ome.OmeZarr;
import dev.ngff.store.Key;
import dev.ngff.store.MemoryStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/** The structural rules that stand in for the official schemas when none are configured (issue 19's examples). */
class SpecRulesTest {
    static final ExecutionContext CTX = ExecutionContext.create();

    @AfterAll
    static void close() {
        CTX.close();
    }

    /** A Zarr v3 group whose {@code ome} attribute is {@code omeJson}, validated structurally and metadata-only. */
    static Report v3(String omeJson) throws IOException {
        MemoryStore store = new MemoryStore();
        String doc = "{\"zarr_format\": 3, \"node_type\": \"group\", \"attributes\": {\"ome\": " + omeJson + "}}";
        store.write(Key.of("zarr.json"), Bytes.wrap(doc.getBytes(StandardCharsets.UTF_8)));
        return new OmeValidator(new OmeValidator.Options(false, null, true)).validate(store, Key.ROOT, CTX);
    }

    static final String AXES = "[{\"name\": \"y\", \"type\": \"space\"}, {\"name\": \"x\", \"type\": \"space\"}]";

    static String label(String imageLabel) {
        return "{\"version\": \"0.5\", \"image-label\": " + imageLabel + "}";
    }

    @Test
    void anEmptyMultiscalesListIsInvalidNotUnknown() throws IOException {
        Report r = v3("{\"version\": \"0.5\", \"multiscales\": []}");
        assertThat(r.valid()).as(r.toText()).isFalse();
        assertThat(r.errors()).extracting(Issue::rule, Issue::pointer)
                .containsExactly(tuple("multiscales", "/ome/multiscales"));
        assertThat(r.toText()).contains("multiscales must hold at least one multiscale");
    }

    @Test
    void labelColorsAreChecked() throws IOException {
        record Case(String imageLabel, String pointer, String message) {
        }
        for (Case c : List.of(
                new Case("{\"colors\": [{\"label-value\": 1}, {\"label-value\": 1, \"rgba\": [0, 0, 0, 0]}]}",
                        "/ome/image-label/colors/1/label-value", "label-value 1 is also given at /ome/image-label/colors/0"),
                new Case("{\"colors\": [{\"rgba\": [0, 0, 0, 0]}]}", "/ome/image-label/colors/0", "needs 'label-value'"),
                new Case("{\"colors\": [{\"label-value\": 1.5}]}", "/ome/image-label/colors/0/label-value", "an integer"),
                new Case("{\"colors\": [{\"label-value\": 1, \"rgba\": [0, 0, \"0\", 300]}]}",
                        "/ome/image-label/colors/0/rgba/2", "integers from 0 to 255"),
                new Case("{\"colors\": [{\"label-value\": 1, \"rgba\": [0, 0, 0]}]}", "/ome/image-label/colors/0/rgba",
                        "rgba has 4 values, not 3"),
                new Case("{\"colors\": []}", "/ome/image-label/colors", "must not be empty"),
                new Case("{\"properties\": []}", "/ome/image-label/properties", "must not be empty"),
                new Case("{\"properties\": [{\"area\": 3}]}", "/ome/image-label/properties/0", "needs 'label-value'"))) {
            Report r = v3(label(c.imageLabel()));
            assertThat(r.valid()).as(c.imageLabel()).isFalse();
            assertThat(r.errors()).as(r.toText()).anySatisfy(i -> {
                assertThat(i.pointer()).isEqualTo(c.pointer());
                assertThat(i.message()).contains(c.message());
            });
        }
        Report ok = v3(label("{\"colors\": [{\"label-value\": 1, \"rgba\": [255, 0, 0, 255]}], \"properties\": [{\"label-value\": 1}]}"));
        assertThat(ok.issues()).as(ok.toText()).isEmpty();
    }

    @Test
    void axesAndTransformationsFollowTheText() throws IOException {
        String ms = "{\"version\": \"0.5\", \"multiscales\": [{\"axes\": %s, \"datasets\": [{\"path\": \"0\","
                + " \"coordinateTransformations\": %s}]}]}";
        String scale = "[{\"type\": \"scale\", \"scale\": [1, 1]}]";
        assertThat(v3(ms.formatted(AXES, scale)).issues()).isEmpty();
        assertThat(v3(ms.formatted(AXES, "[{\"type\": \"translation\", \"translation\": [0, 0]}, "
                + "{\"type\": \"scale\", \"scale\": [1, 1]}]")).errors()).extracting(Issue::message)
                .contains("the first transformation must be a scale, not a translation");
        assertThat(v3(ms.formatted(AXES, "[{\"type\": \"scale\", \"scale\": [1, 1, 1]}]")).errors())
                .extracting(Issue::rule, Issue::pointer)
                .containsExactly(tuple("transform-rank", "/ome/multiscales/0/datasets/0/coordinateTransformations/0/scale"));
        String spaceFirst = "[{\"name\": \"y\", \"type\": \"space\"}, {\"name\": \"x\", \"type\": \"space\"},"
                + " {\"name\": \"t\", \"type\": \"time\"}]";
        assertThat(v3(ms.formatted(spaceFirst, "[{\"type\": \"scale\", \"scale\": [1, 1, 1]}]")).errors())
                .extracting(Issue::rule).containsExactly("axes-order");
        assertThat(v3(ms.formatted("[{\"name\": \"x\", \"type\": \"space\"}]", "[{\"type\": \"scale\", \"scale\": [1]}]"))
                .errors()).extracting(Issue::rule).contains("axes-count", "axes-space");
    }

    @Test
    void everyMessageIsOneLineWithoutJavaNames() throws IOException {
        Report r = v3("{\"version\": \"0.5\", \"multiscales\": [{\"axes\": 3, \"datasets\": {}}], \"plate\": {\"rows\": [],"
                + " \"columns\": [{\"name\": \"A-1\"}], \"wells\": [{\"path\": \"x\"}]}, \"omero\": {\"channels\": [{}]}}");
        assertThat(r.errors()).hasSizeGreaterThan(5);
        for (Issue i : r.issues()) {
            assertThat(i.message()).doesNotContain("\n", "Node", "Exception", "java.", "@");
            assertThat(i.pointer()).startsWith("/ome");
        }
    }

    @Test
    void metadataOnlyLeavesTheArraysAlone() throws IOException {
        MemoryStore store = new MemoryStore();
        OmeZarr.createImage(store, Key.ROOT, ImageSpec.of(NgffVersion.V0_5, DataType.UINT8, new long[] {16, 16},
                List.of(Axis.space("y", "micrometer"), Axis.space("x", "micrometer"))).withLevels(2), CTX);
        store.delete(Key.of("0/zarr.json"));
        store.delete(Key.of("1/zarr.json"));
        Report full = new OmeValidator(new OmeValidator.Options(false, null)).validate(store, Key.ROOT, CTX);
        assertThat(full.errors()).extracting(Issue::rule).containsOnly("dataset-exists");
        Report metadataOnly = new OmeValidator(new OmeValidator.Options(false, null, true)).validate(store, Key.ROOT, CTX);
        assertThat(metadataOnly.issues()).as(metadataOnly.toText()).isEmpty();
    }
}
