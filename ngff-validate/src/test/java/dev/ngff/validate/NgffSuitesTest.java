package dev.ngff.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.Json;
import dev.ngff.testing.Fixtures;
import dev.ngff.testing.NgffSuiteQuirks;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every case of the OME-NGFF conformance suites in the fixtures gets the verdict the suite expects:
 * 0.4 and 0.5 {@code tests/*_suite.json}, and 0.6.dev4 and dev (0.6rc0) {@code tests/attributes} and
 * {@code tests/zarr}: by our structural rules alone, and by the named schema combined with them (see
 * {@link #check}). Cases of the strict suites are checked in strict mode.
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

    /** The rules of ours that fire on a document: errors, and with {@code strict} warnings too. */
    static Set<String> ruleFindings(JsonNode data, boolean strict) {
        Set<String> rules = new TreeSet<>();
        if (data.isObject()) {
            for (Issue i : new OmeValidator(new OmeValidator.Options(strict, null)).validateAttributes((ObjectNode) data, "/")) {
                if (strict || i.severity() == Issue.Severity.ERROR) {
                    rules.add(i.rule());
                }
            }
        } else {
            rules.add("not-an-object");
        }
        return rules;
    }

    /**
     * Checks one case twice: our structural rules alone must give the suite's verdict, and so must the
     * named schema together with our rules (a case is valid only when neither finds anything). Our rules
     * catch what the schemas cannot (the 0.5 plate suite's "well_path_has_column_before_row").
     */
    static void check(String name, String version, String schemaName, JsonNode data, boolean expected, boolean strict) {
        Set<String> fired = ruleFindings(data, strict);
        assertThat(fired.isEmpty()).as("%s: our rules alone say %s", name, fired).isEqualTo(expected);
        List<String> why = new ArrayList<>(schemaViolations(version, schemaName, data));
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
                        boolean strict = suite.getFileName().toString().startsWith("strict_");
                        tests.add(DynamicTest.dynamicTest(name, () -> check(name, version, schemaName(schemaRef),
                                t.path("data"), expected, strict)));
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
                        // use the older string form of input/output; see NgffSuiteQuirks.upgradeInputOutput
                        schema = (rel.contains("/strict/") && schemas.has(SchemaSet.id(version, "strict_" + kind))
                                ? "strict_" : "") + kind;
                        NgffSuiteQuirks.upgradeInputOutput(data);
                    } else if (schema.isEmpty()) {
                        schema = kind; // dev/tests/attributes/spec/valid/scene/scene.json has no _conformance
                    }
                    check(rel, version, schema, data, expected, rel.contains("/strict/"));
                }));
            }
        }
        assertThat(tests).hasSizeGreaterThan(400);
        return tests.stream();
    }

    static String schemaName(String ref) {
        return ref.substring(ref.lastIndexOf('/') + 1).replace(".schema", "");
    }

    @Test
    void zarrCopiesUpgradeToTheirAttributeTwins() throws IOException {
        // evidence for NgffSuiteQuirks.upgradeInputOutput: each upgraded tests/zarr case equals its tests/attributes twin
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
                NgffSuiteQuirks.upgradeInputOutput(a);
                if (a.equals(b)) {
                    compared++;
                }
            }
        }
        assertThat(compared).isGreaterThan(100);
    }

    /**
     * Our rules agree with the official schemas on every example of the specification that its
     * {@code .config.json} holds to a document schema (in strict mode for the strict schemas; the schemas of
     * every kind of metadata the example holds, not only the one its config names); whole
     * {@code zarr.json} examples are judged by their attributes. Examples their own schema rejects are printed.
     * The coordinate_systems_and_transforms examples are fragments whose schema is not in the fixtures: left
     * out, and counted.
     */
    @Test
    void theSpecificationsExamplesPassOurRules() throws IOException {
        int checked = 0;
        int fragments = 0;
        List<String> wrong = new ArrayList<>();
        List<String> rejectedBySchema = new ArrayList<>();
        for (String dir : List.of("0.4", "0.5", "0.6.dev4", "dev")) {
            List<Path> configs;
            try (Stream<Path> s = Files.walk(ngff.resolve(dir).resolve("examples"))) {
                configs = s.filter(p -> p.getFileName().toString().equals(".config.json")).sorted().toList();
            }
            for (Path config : configs) {
                String schema = schemaName(Json.parse(Files.readString(config), config.toString()).path("schema").asText());
                List<Path> examples;
                try (Stream<Path> s = Files.list(config.getParent())) {
                    examples = s.filter(p -> p.toString().endsWith(".json") && !p.equals(config)).sorted().toList();
                }
                if (schema.equals("coordinate_systems_and_transforms")) {
                    fragments += examples.size();
                    continue;
                }
                for (Path e : examples) {
                    String rel = ngff.relativize(e).toString();
                    JsonNode data = Json.parse(dev.ngff.testing.Jsonc.strip(Files.readString(e)), rel);
                    if (data.has("zarr_format")) {
                        data = data.path("attributes");
                    }
                    Set<String> fired = ruleFindings(data, schema.startsWith("strict_"));
                    // the oracle: the example's own schema, and the schemas of every other kind the document holds
                    // (a label example carries multiscales); the 0.4 bf2raw and ome schemas carry the $id of "latest"
                    String idVersion = schemas.has(SchemaSet.id(versionOf(dir), schema)) ? versionOf(dir) : "latest";
                    List<String> schemaSays = new ArrayList<>(schemaViolations(idVersion, schema, data));
                    if (data.isObject()) {
                        new OmeValidator(new OmeValidator.Options(schema.startsWith("strict_"), schemas))
                                .validateAttributes((ObjectNode) data, "/").stream()
                                .filter(i -> i.rule().equals("schema")).forEach(i -> schemaSays.add(i.pointer() + ": " + i.message()));
                    }
                    if (!schemaSays.isEmpty()) {
                        rejectedBySchema.add(rel + ": " + schemaSays);
                    }
                    if (fired.isEmpty() != schemaSays.isEmpty()) {
                        wrong.add(rel + ": " + new OmeValidator(new OmeValidator.Options(schema.startsWith("strict_"), null))
                                .validateAttributes((ObjectNode) data, "/"));
                    }
                    checked++;
                }
            }
        }
        System.out.printf("specification examples: our rules and the schema agree on %d of %d (%d fragments left out);"
                + " the schema rejects %d:%n  %s%n", checked - wrong.size(), checked, fragments, rejectedBySchema.size(),
                String.join("\n  ", rejectedBySchema));
        assertThat(wrong).as(String.join("\n", wrong)).isEmpty();
        assertThat(checked).isGreaterThan(30);
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
