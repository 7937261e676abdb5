package dev.ngff.conformance.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.cli.Main;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.Json;
import dev.ngff.ome.Level;
import dev.ngff.ome.OmeImage;
import dev.ngff.ome.OmeLabels;
import dev.ngff.ome.OmeZarr;
import dev.ngff.testing.Requirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.ngff.conformance.peers.Peers.sha256;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * zarrita (Node, the reader of web viewers) reads every level of the pyramids {@code ngff sample} writes:
 * the default output (OME-Zarr 0.5, sharded, zstd, mean levels) and a labels image (uint32 cells, mode
 * levels) beside a two-channel image of odd extents. Each level's elements, in C order, hash the same in
 * zarrita as in our own reader. zarrita runs {@code src/test/js/zarrita_peer.mjs} (installed by
 * {@code scripts/peers-npm.sh}; {@code NGFF_NODE} overrides node); without it the test skips loudly, and
 * fails under {@code CI=true}.
 */
class ZarritaPyramidPeerTest {

    @Test
    void zarritaReadsEveryLevelOfSampleImagesAndLabels(@TempDir Path dir) throws Exception {
        Path driver = repo().resolve("spec-conformance/src/test/js/zarrita_peer.mjs");
        String node = System.getenv().getOrDefault("NGFF_NODE", "node");
        Requirements.require("ZARRITA PYRAMID PEER TEST", nodeMissing(node, driver));

        Path plain = dir.resolve("default.ome.zarr");
        Path labelled = dir.resolve("labels.ome.zarr");
        ngff("sample", plain);
        ngff("sample", labelled, "--labels", "--channels", "2", "--shape", "33,301,275");

        Map<String, Level> levels = new LinkedHashMap<>();
        Map<String, String> ours = new LinkedHashMap<>();
        try (ExecutionContext ctx = ExecutionContext.create()) {
            OmeImage a = (OmeImage) OmeZarr.open(plain.toString(), ctx);
            OmeImage b = (OmeImage) OmeZarr.open(labelled.toString(), ctx);
            OmeLabels labels = b.labels().orElseThrow();
            OmeImage cells = labels.open(labels.names().getFirst());
            assertThat(a.levels()).hasSizeGreaterThanOrEqualTo(3);
            assertThat(cells.levels()).hasSize(b.levels().size()).hasSizeGreaterThanOrEqualTo(2);
            for (Level l : a.levels()) {
                levels.put(plain + "|" + l.path(), l);
            }
            for (Level l : b.levels()) {
                levels.put(labelled + "|" + l.path(), l);
            }
            for (Level l : cells.levels()) {
                levels.put(labelled + "|labels/" + labels.names().getFirst() + "/" + l.path(), l);
            }
            for (Map.Entry<String, Level> e : levels.entrySet()) {
                ours.put(e.getKey(), sha256(e.getValue().array().read()));
            }
        }

        for (Path root : List.of(plain, labelled)) {
            ObjectMapper om = new ObjectMapper();
            ObjectNode manifest = om.createObjectNode();
            manifest.put("root", root.toString());
            manifest.put("mode", "read");
            ArrayNode cellsNode = manifest.putArray("cells");
            for (String id : levels.keySet()) {
                if (id.startsWith(root + "|")) {
                    ObjectNode c = cellsNode.addObject();
                    c.put("id", id);
                    c.put("path", id.substring(id.indexOf('|') + 1));
                    c.putObject("doc").put("zarr_format", 3);
                }
            }
            Path file = dir.resolve(root.getFileName() + ".manifest.json");
            om.writeValue(file.toFile(), manifest);
            JsonNode read = zarrita(node, driver, file, dir);
            for (JsonNode c : cellsNode) {
                String id = c.path("id").asText();
                JsonNode r = read.path(id);
                assertThat(r.path("ok").asBoolean()).as("zarrita reads %s: %s", id, r).isTrue();
                long[] shape = levels.get(id).shape();
                for (int d = 0; d < shape.length; d++) {
                    assertThat(r.path("shape").path(d).asLong()).as("%s axis %d", id, d).isEqualTo(shape[d]);
                }
                assertThat(r.path("digest").asText()).as("zarrita's elements of %s", id).isEqualTo(ours.get(id));
            }
        }
        System.out.println("ZarritaPyramidPeerTest: zarrita read " + levels.size() + " levels (" + String.join(", ", levels.keySet()) + "), each equal to ours");
    }

    private static void ngff(Object... args) {
        String[] a = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            a[i] = String.valueOf(args[i]);
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code;
        try (PrintWriter o = new PrintWriter(out); PrintWriter e = new PrintWriter(err)) {
            code = Main.execute(o, e, a);
        }
        assertThat(code).as("ngff %s\n%s%s", String.join(" ", a), out, err).isZero();
    }

    private static JsonNode zarrita(String node, Path driver, Path manifest, Path dir) throws Exception {
        Path err = Files.createTempFile(dir, "zarrita", ".err");
        Process p = new ProcessBuilder(node, driver.toString(), manifest.toString()).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as("zarrita_peer.mjs: %s", Files.readString(err)).isZero();
        return Json.parse(out, "zarrita_peer.mjs");
    }

    /** Why zarrita cannot run here, or null. */
    private static String nodeMissing(String node, Path driver) {
        if (!Files.isDirectory(driver.resolveSibling("node_modules/zarrita"))) {
            return "zarrita is not installed under " + driver.getParent() + " (run scripts/peers-npm.sh)";
        }
        try {
            Process p = new ProcessBuilder(node, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? null : "'" + node + " --version' failed";
        } catch (Exception e) {
            return "no node on the PATH (" + e.getMessage() + "; install Node.js >= 20 or set NGFF_NODE)";
        }
    }

    private static Path repo() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("spec-conformance/src/test/js/zarrita_peer.mjs"))) {
            p = p.getParent();
        }
        return p == null ? Path.of("").toAbsolutePath() : p;
    }
}
