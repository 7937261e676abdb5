package dev.ngff.ome;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.metadata.Json;
import dev.ngff.metadata.ome.NgffVersion;
import dev.ngff.metadata.ome.OmeMetadata;
import dev.ngff.metadata.ome.ScaleTranslation;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The metadata rewrite between OME-NGFF versions, on documents, without stores. */
class OmeConversionTest {
    static ObjectNode json(String text) throws Exception {
        return (ObjectNode) Json.parse(text, "test");
    }

    static final String IMAGE_04 = """
            {"multiscales": [{"version": "0.4", "name": "img", "axes": [{"name": "y", "type": "space", "unit": "micrometer"},
               {"name": "x", "type": "space", "unit": "micrometer"}],
               "datasets": [{"path": "0", "coordinateTransformations": [{"type": "scale", "scale": [0.5, 0.25]}]},
                            {"path": "1", "coordinateTransformations": [{"type": "scale", "scale": [1, 0.5]},
                                {"type": "translation", "translation": [0.25, 0.125]}]}],
               "coordinateTransformations": [{"type": "scale", "scale": [2, 2]}],
               "type": "mean", "extraMember": 7}],
             "omero": {"version": "0.4", "channels": [{"label": "a", "color": "FF0000"}]},
             "image-label": {"version": "0.4", "colors": [{"label-value": 1, "rgba": [1, 2, 3, 4]}],
                             "properties": [{"label-value": 1, "class": "x"}], "source": {"image": "../../"}},
             "acquisition_date": "2026-01-01"}""";

    @Test
    void from04To05TheBlocksMoveUnderOmeAndUnknownAttributesStay() throws Exception {
        ObjectNode out = OmeConversion.attributes(json(IMAGE_04), NgffVersion.V0_5, "test '/'");
        assertThat(out.path("acquisition_date").asText()).isEqualTo("2026-01-01");
        assertThat(out.has("multiscales")).isFalse();
        JsonNode ome = out.path("ome");
        assertThat(ome.path("version").asText()).isEqualTo("0.5");
        assertThat(ome.path("multiscales").path(0).has("version")).isFalse();
        assertThat(ome.path("multiscales").path(0).path("extraMember").asInt()).isEqualTo(7);
        assertThat(ome.path("multiscales").path(0).path("coordinateTransformations").path(0).path("scale").path(0).asDouble())
                .isEqualTo(2);
        assertThat(ome.path("omero").has("version")).isFalse();
        assertThat(ome.path("image-label").has("version")).isFalse();
        assertThat(ome.path("image-label").path("properties").path(0).path("class").asText()).isEqualTo("x");
        assertThat(ome.path("image-label").path("source").path("image").asText()).isEqualTo("../../");

        ObjectNode back = OmeConversion.attributes(out, NgffVersion.V0_4, "test '/'");
        assertThat(back.has("ome")).isFalse();
        assertThat(back.path("multiscales").path(0).path("version").asText()).isEqualTo("0.4");
        assertThat(back.path("image-label").path("version").asText()).isEqualTo("0.4");
        assertThat(back.path("acquisition_date").asText()).isEqualTo("2026-01-01");
    }

    @Test
    void to06EachLevelLinksItsArrayToThePhysicalSystemWithTheGlobalScaleFoldedIn() throws Exception {
        ObjectNode out = OmeConversion.attributes(json(IMAGE_04), NgffVersion.V0_6, "test '/'");
        OmeMetadata m = OmeMetadata.parse(out, "t").orElseThrow();
        assertThat(m.versionText()).isEqualTo(NgffVersion.V0_6.text());
        var ms = m.multiscales().getFirst();
        assertThat(ms.axes()).isNull();
        assertThat(ms.coordinateSystems().getFirst().name()).isEqualTo(OmeZarr.PHYSICAL);
        assertThat(ms.effectiveAxes()).extracting(a -> a.unit()).containsExactly("micrometer", "micrometer");
        assertThat(ms.levelTransform(0)).contains(new ScaleTranslation(new double[] {1, 0.5}, new double[] {0, 0}));
        assertThat(ms.levelTransform(1)).contains(new ScaleTranslation(new double[] {2, 1}, new double[] {0.5, 0.25}));
        assertThat(ms.datasets().get(1).coordinateTransformations().getFirst().link().inputPath()).isEqualTo("1");

        // and back: the same physical map per level, as scale and translation lists
        ObjectNode back = OmeConversion.attributes(out, NgffVersion.V0_5, "t");
        var ms5 = OmeMetadata.parse(back, "t").orElseThrow().multiscales().getFirst();
        assertThat(ms5.axes()).hasSize(2);
        assertThat(ms5.levelTransform(1)).contains(new ScaleTranslation(new double[] {2, 1}, new double[] {0.5, 0.25}));
        assertThat(ms5.datasets().get(0).coordinateTransformations()).hasSize(1); // no zero translation written
    }

    @Test
    void whatOlderVersionsCannotSayIsRefusedWithThePointer() throws Exception {
        ObjectNode affine = json("""
                {"ome": {"version": "0.6rc0", "multiscales": [{"coordinateSystems": [{"name": "physical", "axes": [
                   {"name": "y", "type": "space"}, {"name": "x", "type": "space"}]}],
                 "datasets": [{"path": "0", "coordinateTransformations": [{"type": "affine",
                    "affine": [[1, 0, 0], [0, 1, 0]], "input": {"path": "0"}, "output": {"name": "physical"}}]}]}]}}""");
        assertThatThrownBy(() -> OmeConversion.attributes(affine, NgffVersion.V0_5, "file:/x '/'"))
                .isInstanceOf(UnsupportedExtensionException.class)
                .hasMessageContaining("file:/x '/' /ome/multiscales/0/datasets/0/coordinateTransformations")
                .hasMessageContaining("axis-aligned scale and translation");
        ObjectNode scene = json("""
                {"ome": {"version": "0.6rc0", "scene": {"coordinateSystems": [], "coordinateTransformations": []}}}""");
        assertThatThrownBy(() -> OmeConversion.attributes(scene, NgffVersion.V0_4, "file:/s '/'"))
                .isInstanceOf(UnsupportedExtensionException.class).hasMessageContaining("scene");
        ObjectNode plain = json("{\"a\": 1}");
        assertThat(OmeConversion.attributes(plain, NgffVersion.V0_5, "t")).isEqualTo(plain);
    }
}
