package dev.ngff.testing;

import org.junit.jupiter.api.Assertions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Json;
import dev.ngff.metadata.V2Details;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where the shared fixtures (data that other implementations wrote, {@code ../shared/fixtures}) are.
 *
 * <p>The root is env {@code NGFF_FIXTURES}, else env {@code NGFF_FIXTURES_DEFAULT} (the parent POM's
 * surefire configuration sets it to {@code ${maven.multiModuleProjectDirectory}/../shared/fixtures}), else
 * {@code shared/fixtures} found by walking up from the working directory. When the fixtures are absent a
 * test fails if env {@code CI} is {@code true}, and is skipped with a loud message on stderr otherwise.
 * Fixture files are only ever read.
 */
public final class Fixtures {
    private Fixtures() {
    }

    /** The fixture root; aborts the calling test (or fails it when {@code CI=true}) when it is missing. */
    public static Path root() {
        List<String> tried = new ArrayList<>();
        for (String var : List.of("NGFF_FIXTURES", "NGFF_FIXTURES_DEFAULT")) {
            String v = System.getenv(var);
            if (v != null && !v.isBlank()) {
                Path p = Path.of(v).toAbsolutePath().normalize();
                if (Files.isDirectory(p)) {
                    return p;
                }
                tried.add(p + " (env " + var + ")");
                if (var.equals("NGFF_FIXTURES")) {
                    break; // an explicit setting that is wrong must not be papered over by a guess
                }
            }
        }
        if (tried.isEmpty()) {
            for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
                Path p = dir.resolve("shared").resolve("fixtures");
                if (Files.isDirectory(p)) {
                    return p;
                }
            }
            tried.add("shared/fixtures in " + Path.of("").toAbsolutePath() + " or a parent");
        }
        return missing("fixtures not found at " + String.join(", ", tried)
                + "; set NGFF_FIXTURES to the shared/fixtures directory");
    }

    /** A path below the root that must exist; aborts (or fails when {@code CI=true}) when it does not. */
    public static Path path(String relative) {
        Path p = root().resolve(relative);
        if (!Files.exists(p)) {
            return missing("fixture " + p + " is missing");
        }
        return p;
    }

    /**
     * One numcodecs backwards-compatibility case ({@code numcodecs/fixture/<codec>/codec.JJ/encoded.NN.dat}):
     * decoding {@code encoded} with {@code spec} must give exactly the data bytes of {@code array}.
     *
     * @param spec    the codec as Zarr v2 metadata would name it (the v3 name for the numcodecs id, the
     *                configuration without {@code id})
     * @param encoded the encoded bytes
     * @param array   the {@code .npy} file of the original array
     */
    public record NumcodecsCase(CodecSpec spec, Path encoded, Path array) {
        @Override
        public String toString() {
            return encoded.getParent().getFileName() + "/" + encoded.getFileName() + " " + spec;
        }
    }

    private static final Pattern ENCODED = Pattern.compile("encoded\\.(\\d+)\\.dat");

    /**
     * Every case of one numcodecs fixture folder, e.g. {@code "zstd"}, in name order; aborts (or fails when
     * {@code CI=true}) when the folder is missing, and fails when it holds no case.
     */
    public static List<NumcodecsCase> numcodecs(String codec) throws IOException {
        Path dir = path("numcodecs/fixture/" + codec);
        List<NumcodecsCase> out = new ArrayList<>();
        try (Stream<Path> codecs = Files.list(dir)) {
            for (Path c : codecs.filter(p -> p.getFileName().toString().startsWith("codec.")).sorted().toList()) {
                JsonNode conf = Json.parse(Files.readString(c.resolve("config.json")), c + "/config.json");
                ObjectNode cfg = ((ObjectNode) conf).deepCopy();
                String id = cfg.remove("id").textValue();
                CodecSpec spec = new CodecSpec(V2Details.v3Name(id), cfg);
                try (Stream<Path> files = Files.list(c)) {
                    for (Path e : files.sorted().toList()) {
                        Matcher m = ENCODED.matcher(e.getFileName().toString());
                        if (m.matches()) {
                            out.add(new NumcodecsCase(spec, e, dir.resolve("array." + m.group(1) + ".npy")));
                        }
                    }
                }
            }
        }
        if (out.isEmpty()) {
            Assertions.fail("no encoded.NN.dat cases under " + dir);
        }
        return out;
    }

    private static Path missing(String message) {
        Requirements.require("fixture test", message);
        throw new AssertionError("unreachable");
    }
}
