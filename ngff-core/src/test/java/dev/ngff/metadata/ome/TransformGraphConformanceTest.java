package dev.ngff.metadata.ome;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.error.NgffException;
import dev.ngff.metadata.Json;
import dev.ngff.testing.PeerPython;
import dev.ngff.testing.Requirements;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cases of ome-zarr-transformations-conformance 0.1.2 (PyPI; unpacked by {@code scripts/peers-venv.sh}
 * into {@code .venv/share/ome-zarr-transformations-conformance/cases}, or env {@code NGFF_TRANSFORMS_CONFORMANCE}
 * naming a {@code cases} directory): each is a group whose {@code ome.scene} holds a transformation graph,
 * and a {@code conformance} document with source points in one coordinate system and the points expected in
 * another, or that the mapping must fail. {@link TransformGraph} plays the package's "dingus" in-process;
 * the comparison is the package runner's: every coordinate within the absolute and the relative tolerance.
 */
class TransformGraphConformanceTest {

    static Path cases() {
        String explicit = System.getenv("NGFF_TRANSFORMS_CONFORMANCE");
        Path dir = explicit != null ? Path.of(explicit) : PeerPython.require("transformation-graph conformance")
                .getParent().getParent().resolve("share/ome-zarr-transformations-conformance/cases");
        Requirements.require("transformation-graph conformance", Files.isDirectory(dir) ? null
                : "no ome-zarr-transformations-conformance cases at " + dir + " (run scripts/peers-venv.sh)");
        return dir;
    }

    @Test
    void everyCaseMapsToTheExpectedCoordinates() throws IOException {
        Path root = cases();
        List<Path> dirs;
        try (Stream<Path> s = Files.list(root)) {
            dirs = s.filter(p -> Files.exists(p.resolve("conformance.json"))).sorted().toList();
        }
        List<String> wrong = new ArrayList<>();
        int passed = 0;
        for (Path c : dirs) {
            String name = c.getFileName().toString();
            JsonNode conf = Json.parse(Files.readString(c.resolve("conformance.json")), name + "/conformance.json");
            boolean shouldError = conf.path("should_error").asBoolean();
            double atol = conf.path("absolute_tolerance").asDouble();
            double rtol = conf.path("relative_tolerance").asDouble();
            double[][] source = points(conf.path("source").path("coordinates"));
            String outcome;
            double[][] got = null;
            try {
                JsonNode group = Json.parse(Files.readString(c.resolve("zarr.json")), name + "/zarr.json");
                Scene scene = OmeMetadata.parse((ObjectNode) group.path("attributes"), name).orElseThrow().scene();
                got = TransformGraph.of(scene).map(conf.path("source").path("name").asText(),
                        conf.path("target").path("name").asText(), source);
                outcome = "mapped";
            } catch (NgffException | java.util.NoSuchElementException e) {
                outcome = "error: " + e.getMessage();
            }
            boolean ok;
            if (shouldError) {
                ok = got == null;
            } else {
                ok = got != null && close(points(conf.path("target").path("coordinates")), got, atol, rtol);
            }
            if (ok) {
                passed++;
            } else {
                wrong.add(name + ": expected " + (shouldError ? "an error" : conf.path("target").path("coordinates"))
                        + ", got " + (got == null ? outcome : java.util.Arrays.deepToString(got)));
            }
        }
        System.out.printf("ome-zarr-transformations-conformance 0.1.2: %d of %d cases pass%n", passed, dirs.size());
        assertThat(dirs).hasSize(24);
        assertThat(wrong).as(String.join("\n", wrong)).isEmpty();
    }

    @Test
    void chainsInvertAndUnknownSystemsAreNamed() throws Exception {
        // a -> b scales by (2, 4); c -> b translates by (1, 1): from a to c goes forward, then back through c -> b
        Transform scale = new Transform.Scale(new double[] {2, 4}, null, Transform.Link.between("a", "b"));
        Transform shift = new Transform.Translation(new double[] {1, 1}, null, Transform.Link.between("c", "b"));
        TransformGraph g = TransformGraph.of(List.of(scale, shift));
        assertThat(g.map("a", "c", new double[][] {{1, 1}})[0]).containsExactly(1, 3);
        assertThat(g.map("c", "a", new double[][] {{1, 3}})[0]).containsExactly(1, 1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> g.map("a", "z", new double[][] {{0, 0}}))
                .isInstanceOf(dev.ngff.error.InvalidMetadataException.class)
                .hasMessage("no transformation mentions coordinate system 'z'");
        Transform rot = new Transform.Rotation(new double[][] {{0, -1}, {1, 0}}, null, Transform.Link.between("p", "q"));
        double[] back = TransformGraph.applyInverse(rot, TransformGraph.apply(rot, new double[] {3, 5}));
        assertThat(back).containsExactly(new double[] {3, 5}, org.assertj.core.data.Offset.offset(1e-12));
    }

    static double[][] points(JsonNode list) {
        double[][] out = new double[list.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new double[list.get(i).size()];
            for (int k = 0; k < out[i].length; k++) {
                out[i][k] = list.get(i).get(k).asDouble();
            }
        }
        return out;
    }

    /** The package runner's test: every coordinate within {@code atol} and within {@code rtol} of the larger. */
    static boolean close(double[][] expected, double[][] actual, double atol, double rtol) {
        if (expected.length != actual.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (expected[i].length != actual[i].length) {
                return false;
            }
            for (int k = 0; k < expected[i].length; k++) {
                double diff = Math.abs(expected[i][k] - actual[i][k]);
                if (diff > atol || diff > rtol * Math.max(Math.abs(expected[i][k]), Math.abs(actual[i][k]))) {
                    return false;
                }
            }
        }
        return true;
    }
}
