package dev.ngff.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.Json;
import dev.ngff.testing.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every case of the OME-NGFF conformance suites in the fixtures gets the verdict the suite expects:
 * 0.4 and 0.5 {@code tests/*_suite.json}, and 0.6.dev4 and dev (0.6rc0) {@code tests/attributes} and
 * {@code tests/zarr}. Our verdict is the named schema's verdict combined with our own document rules
 * (metadata parses, unique axes, transformation ranks, plate well paths): a case is valid only when both
 * find nothing (see {@link #check}).
 *
 * <p>Known upstream quirks, handled explicitly:
 * <ul>
 *   <li>{@link #MALFORMED}: two {@code dev/tests/zarr} files are not JSON (unterminated version string);
 *       they must fail to parse, with the location named;</li>
 *   <li>the {@code _conformance} member the 0.6 cases carry is test metadata, removed before validating.</li>
 * </ul>
 */
class NgffSuitesTest {
    static final List<String> MALFORMED = List.of(
            "dev/tests/zarr/spec/invalid/plate/zero_field_count.ome.zarr/zarr.json",
            "dev/tests/zarr/spec/invalid/label/colors_rgba_length.ome.zarr/zarr.json");

    static SchemaSet schemas;
    static Path ngff;

    @BeforeAll
    static void load() throws IOException {
        ngff = Fixtures.root().resolve("ngff");
        schemas = SchemaSet.load(ngff);
    }

    static String versionOf(String dir) throws IOException {
        Path p = ngff.resolve(dir).resolve("schemas/_version.schema");
        if (!Files.exists(p)) {
            return dir; // 0.4 has no _version.schema
        }
        return Json.parse(Files.readString(p), p.toString()).path("enum").path(0).asText();
    }

    /**
     * Valid suite cases whose data breaks a rule of the specification text that the schemas do not encode;
     * our structural rules report exactly the rule named here (and nothing else). Key: the case name as
     * the dynamic test shows it, up to and including the file name.
     */
    static final Map<String, Set<String>> SPEC_RULES_BROKEN_BY_VALID_CASES = Map.ofEntries(
            // scale of 2 values for 3 axes: "the length of scale MUST equal the number of axes"
            Map.entry("0.4/image_suite.json #0", Set.of("transform-rank")),
            // no version at all; ome-ngff-validator rejects such images (its no_version sample), so do we
            Map.entry("0.4/image_suite.json #2", Set.of("version")),
            Map.entry("0.4/plate_suite.json #0", Set.of("version", "plate-well-path")),
            Map.entry("0.4/plate_suite.json #1", Set.of("version", "plate-well-path")),
            Map.entry("0.4/plate_suite.json #20", Set.of("version", "plate-well-path")),
            Map.entry("0.4/well_suite.json #0", Set.of("version")),
            Map.entry("0.4/well_suite.json #1", Set.of("version")));

    /** Plate cases of every version name rows "1" and columns "A" but use the path "A/1" (row/column swapped). */
    static boolean swapsRowAndColumn(String name) {
        return name.matches(".*/plate/(minimal_acquisitions|minimal_no_acquisitions|non_alphanumeric_row|strict_acquisitions"
                + "|strict_no_acquisitions)(\\.ome\\.zarr/zarr)?\\.json") || name.matches("0\\.4/strict_plate_suite\\.json #[03] .*");
    }

    /** Schema verdict: the violations of the named schema. */
    static List<String> schemaViolations(String version, String schemaName, JsonNode data) {
        String id = SchemaSet.id(version, schemaName);
        assertThat(schemas.has(id)).as("schema %s loaded", id).isTrue();
        List<String> why = new ArrayList<>();
        for (SchemaSet.Violation v : schemas.validate(id, data)) {
            why.add(v.pointer() + ": " + v.message());
        }
        return why;
    }

    /** The rules of ours that fire on a document (errors only). */
    static Set<String> ruleErrors(JsonNode data) {
        Set<String> rules = new TreeSet<>();
        if (data.isObject()) {
            for (Issue i : new OmeValidator(OmeValidator.Options.structuralOnly()).validateAttributes((ObjectNode) data, "/")) {
                if (i.severity() == Issue.Severity.ERROR) {
                    rules.add(i.rule());
                }
            }
        }
        return rules;
    }

    /**
     * Checks one case. Our verdict is "valid" when the named schema finds nothing and none of our
     * structural rules fires, apart from the rules {@link #SPEC_RULES_BROKEN_BY_VALID_CASES} lists for the
     * case (which must then fire, so the list stays true). Our rules catch what the schema cannot: the 0.5
     * plate suite's "well_path_has_column_before_row" is invalid only by our plate-well-path rule.
     */
    static void check(String name, String version, String schemaName, JsonNode data, boolean expected) {
        List<String> why = new ArrayList<>(schemaViolations(version, schemaName, data));
        Set<String> known = new TreeSet<>(SPEC_RULES_BROKEN_BY_VALID_CASES.entrySet().stream()
                .filter(e -> name.startsWith(e.getKey() + " ") || name.equals(e.getKey())).findFirst()
                .map(Map.Entry::getValue).orElse(Set.of()));
        if (swapsRowAndColumn(name)) {
            known.add("plate-well-path");
        }
        Set<String> fired = ruleErrors(data);
        fired.remove("no-ome-metadata"); // the suites validate fragments (a lone omero block, ...)
        assertThat(fired).as("%s: the listed spec rules fire", name).containsAll(known);
        fired.removeAll(known);
        fired.forEach(r -> why.add("rule " + r));
        assertThat(why.isEmpty()).as("%s: schema %s and our rules say %s", name, schemaName, why).isEqualTo(expected);
    }

    @TestFactory
    Stream<DynamicTest> suites04and05() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String dir : List.of("0.4", "0.5")) {
            String version = versionOf(dir);
            try (Stream<Path> s = Files.list(ngff.resolve(dir).resolve("tests"))) {
                for (Path suite : s.filter(p -> p.toString().endsWith("_suite.json")).sorted().toList()) {
                    JsonNode doc = Json.parse(Files.readString(suite), suite.toString());
                    String schemaRef = doc.path("schema").path("id").asText();
                    int i = 0;
                    for (JsonNode t : doc.path("tests")) {
                        String name = dir + "/" + suite.getFileName() + " #" + (i++) + " " + t.path("formerly").asText();
                        boolean expected = t.path("valid").asBoolean();
                        tests.add(DynamicTest.dynamicTest(name, () -> check(name, version, schemaName(schemaRef),
                                t.path("data"), expected)));
                    }
                }
            }
        }
        assertThat(tests).hasSize(92 + 86);
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> suites06() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String dir : List.of("0.6.dev4", "dev")) {
            String version = versionOf(dir);
            Path testsDir = ngff.resolve(dir).resolve("tests");
            List<Path> files;
            try (Stream<Path> s = Files.walk(testsDir)) {
                files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
            }
            for (Path f : files) {
                String rel = ngff.relativize(f).toString();
                if (MALFORMED.contains(rel)) {
                    continue; // covered by malformedUpstreamFilesAreReported
                }
                tests.add(DynamicTest.dynamicTest(rel, () -> {
                    JsonNode doc = Json.parse(Files.readString(f), rel);
                    boolean zarr = rel.contains("/tests/zarr/");
                    ObjectNode data = (ObjectNode) (zarr ? doc.path("attributes") : doc).deepCopy();
                    JsonNode conf = data.remove("_conformance");
                    boolean expected = !rel.contains("/invalid/");
                    if (conf != null && conf.has("valid")) {
                        assertThat(conf.get("valid").asBoolean()).as("_conformance.valid agrees with the directory")
                                .isEqualTo(expected);
                    }
                    String schema = conf == null ? "" : schemaName(conf.path("schema").path("id").asText());
                    String kind = f.getParent().getFileName().toString();
                    if (zarr) {
                        kind = f.getParent().getParent().getFileName().toString();
                        // quirks of tests/zarr: the schema ids are cut ("age.schema", "") and the transformations
                        // use the older string form of input/output; see upgradeInputOutput
                        schema = (rel.contains("/strict/") && schemas.has(SchemaSet.id(version, "strict_" + kind))
                                ? "strict_" : "") + kind;
                        upgradeInputOutput(data, false);
                    } else if (schema.isEmpty()) {
                        schema = kind; // dev/tests/attributes/spec/valid/scene/scene.json has no _conformance
                    }
                    check(rel, version, schema, data, expected);
                }));
            }
        }
        assertThat(tests).hasSizeGreaterThan(400);
        return tests.stream();
    }

    static String schemaName(String ref) {
        return ref.substring(ref.lastIndexOf('/') + 1).replace(".schema", "");
    }

    /**
     * The tests/zarr copies of the 0.6 cases predate the object form of transformation input/output
     * ({@code "input": "0"} where the attribute cases and the schemas have {@code {"path": "0"}}). We upgrade
     * them as the attribute cases were: a dataset transformation's input is a path, anything else a name.
     */
    static void upgradeInputOutput(JsonNode n, boolean inDataset) {
        if (n.isObject()) {
            ObjectNode o = (ObjectNode) n;
            if (o.has("type")) {
                for (String k : List.of("input", "output")) {
                    JsonNode v = o.get(k);
                    if (v != null && v.isTextual()) {
                        String key = k.equals("input") && inDataset ? "path" : "name";
                        o.set(k, Json.object().put(key, v.textValue()));
                    }
                }
            }
            for (var e : o.properties()) {
                upgradeInputOutput(e.getValue(), e.getKey().equals("datasets") || (inDataset && !o.has("type")));
            }
        } else if (n.isArray()) {
            for (JsonNode c : n) {
                upgradeInputOutput(c, inDataset);
            }
        }
    }

    @Test
    void zarrCopiesUpgradeToTheirAttributeTwins() throws IOException {
        // evidence for upgradeInputOutput: each upgraded tests/zarr case equals its tests/attributes twin
        int compared = 0;
        for (String dir : List.of("0.6.dev4", "dev")) {
            Path zarrDir = ngff.resolve(dir).resolve("tests/zarr");
            List<Path> files;
            try (Stream<Path> s = Files.walk(zarrDir)) {
                files = s.filter(p -> p.getFileName().toString().equals("zarr.json")).sorted().toList();
            }
            for (Path f : files) {
                String rel = ngff.relativize(f).toString();
                if (MALFORMED.contains(rel)) {
                    continue;
                }
                String twinRel = zarrDir.relativize(f.getParent()).toString().replace(".ome.zarr", ".json");
                Path twin = ngff.resolve(dir).resolve("tests/attributes").resolve(twinRel);
                if (!Files.exists(twin)) {
                    continue;
                }
                ObjectNode a = (ObjectNode) Json.parse(Files.readString(f), rel).path("attributes").deepCopy();
                ObjectNode b = (ObjectNode) Json.parse(Files.readString(twin), twin.toString()).deepCopy();
                a.remove("_conformance");
                b.remove("_conformance");
                upgradeInputOutput(a, false);
                if (a.equals(b)) {
                    compared++;
                }
            }
        }
        assertThat(compared).isGreaterThan(100);
    }

    @Test
    void malformedUpstreamFilesAreReported() {
        for (String rel : MALFORMED) {
            Path f = ngff.resolve(rel);
            assertThatThrownBy(() -> Json.parse(Files.readString(f), rel)).isInstanceOf(InvalidMetadataException.class)
                    .hasMessageContaining(rel).hasMessageContaining("malformed JSON");
        }
    }
}
