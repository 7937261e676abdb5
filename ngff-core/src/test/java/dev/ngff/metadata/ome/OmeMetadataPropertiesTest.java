package dev.ngff.metadata.ome;

import org.junit.jupiter.api.Test;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.Json;
import dev.ngff.testing.Gen;
import dev.ngff.testing.Properties;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties of the OME metadata model: model -> JSON -> model is the identity for generated images of
 * every version; and a hostile mutation of a valid document either parses or fails with an
 * {@link InvalidMetadataException} that names a JSON pointer, never with another exception.
 */
class OmeMetadataPropertiesTest {
    static final List<NgffVersion> VERSIONS = List.of(NgffVersion.V0_4, NgffVersion.V0_5, NgffVersion.V0_6);

    static OmeMetadata images(Gen g) {
        int r = g.intIn(2, 5);
        int n = g.intIn(1, 4);
        NgffVersion v = g.oneOf(VERSIONS);
        double p = Math.round(g.doubleIn(1e-3, 1e3) * 1e4) / 1e4; // 4 decimals, as a user would write
        String name = g.alpha(1, 8);
        List<Axis> axes = new ArrayList<>();
        String[] names = {"t", "c", "z", "y", "x"};
        for (int i = 5 - r; i < 5; i++) {
            axes.add(i == 0 ? Axis.time("t", "second") : i == 1 ? Axis.channel("c")
                    : Axis.space(names[i], "micrometer"));
        }
        List<Multiscale.Dataset> ds = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            double[] s = new double[r];
            java.util.Arrays.fill(s, p * (1 << k));
            List<Transform> ts = v.hasCoordinateSystems()
                    ? List.of(new Transform.Scale(s, null, new Transform.Link(null,
                            Json.object().put("path", "s" + k), Json.object().put("name", "physical"), null)))
                    : List.of(Transform.Scale.of(s), Transform.Translation.of(new double[r]));
            ds.add(new Multiscale.Dataset("s" + k, ts, null));
        }
        Multiscale ms = v.hasCoordinateSystems()
                ? new Multiscale(null, name, null, List.of(new Multiscale.CoordinateSystem("physical", axes, null)),
                        ds, null, "mean", Json.object().put("k", name), null)
                : new Multiscale(v.nestedUnderOme() ? null : v.text(), name, axes, null, ds, null, "mean", null, null);
        return new OmeMetadata(v.text(), v.nestedUnderOme(), List.of(ms),
                Omero.of(List.of(Omero.Channel.of(name, "FF00FF", Omero.Window.of(0, 255, 1, 200)))),
                null, null, null, null, null, null, null, null);
    }

    @Test
    void modelToJsonToModelIsTheIdentity() {
        Properties.forAll(300, g -> {
            OmeMetadata m = images(g);
            ObjectNode attrs = m.toAttributes(null);
            OmeMetadata back = OmeMetadata.parse((ObjectNode) Json.parse(Json.write(attrs), "t"), "t").orElseThrow();
            assertThat(back.toAttributes(null)).isEqualTo(attrs);
            assertThat(back.versionText()).isEqualTo(m.versionText());
            assertThat(back.multiscales().getFirst().effectiveAxes()).isEqualTo(m.multiscales().getFirst().effectiveAxes());
            for (int k = 0; k < m.multiscales().getFirst().datasets().size(); k++) {
                assertThat(back.multiscales().getFirst().levelTransform(k)).isEqualTo(m.multiscales().getFirst().levelTransform(k));
            }
        });
    }

    /** Replaces one random node of the document with a value of a random other kind. */
    static JsonNode mutate(JsonNode doc, long seed) {
        Random rnd = new Random(seed);
        JsonNode copy = doc.deepCopy();
        List<JsonNode> containers = new ArrayList<>();
        collect(copy, containers);
        JsonNode target = containers.get(rnd.nextInt(containers.size()));
        JsonNode junk = switch (rnd.nextInt(6)) {
            case 0 -> Json.nodes().nullNode();
            case 1 -> Json.nodes().textNode("x");
            case 2 -> Json.nodes().numberNode(rnd.nextInt(1000) - 500);
            case 3 -> Json.nodes().arrayNode().add(1);
            case 4 -> Json.object().put("type", "scale");
            default -> Json.nodes().booleanNode(true);
        };
        if (target instanceof ObjectNode o && !o.isEmpty()) {
            List<String> keys = new ArrayList<>();
            o.fieldNames().forEachRemaining(keys::add);
            String k = keys.get(rnd.nextInt(keys.size()));
            if (rnd.nextBoolean()) {
                o.set(k, junk);
            } else {
                o.remove(k);
            }
        } else if (target instanceof ArrayNode a && !a.isEmpty()) {
            a.set(rnd.nextInt(a.size()), junk);
        }
        return copy;
    }

    private static void collect(JsonNode n, List<JsonNode> out) {
        if (n.isContainerNode()) {
            out.add(n);
            if (n.isObject()) {
                for (Map.Entry<String, JsonNode> e : n.properties()) {
                    collect(e.getValue(), out);
                }
            } else {
                n.forEach(c -> collect(c, out));
            }
        }
    }

    @Test
    void mutatedDocumentsParseOrFailWithAPointer() {
        Properties.forAll(2000, g -> {
            OmeMetadata m = images(g);
            long seed = g.anyLong();
            JsonNode bad = mutate(m.toAttributes(null), seed);
            if (!bad.isObject()) {
                return;
            }
            try {
                OmeMetadata.parse((ObjectNode) bad, "doc").ifPresent(x -> x.toAttributes(null));
            } catch (InvalidMetadataException e) {
                assertThat(e.getMessage()).startsWith("doc: /");
            }
        });
    }
}
