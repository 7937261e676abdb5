package dev.ngff.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ngff info} without picocli ({@link InfoFastPath}) must print and return exactly what the picocli run prints
 * and returns, for the command lines it takes and for those it leaves to picocli (help, usage errors), on real
 * arrays, groups and broken stores.
 */
class InfoFastPathTest {

    @Test
    void takesOnlyPlainInfoCommandLines() {
        assertThat(InfoFastPath.parse("info", "a.zarr")).isEqualTo(new InfoFastPath.Plain("a.zarr", false, false));
        assertThat(InfoFastPath.parse("--stacktrace", "info", "--json", "a.zarr"))
                .isEqualTo(new InfoFastPath.Plain("a.zarr", true, true));
        assertThat(InfoFastPath.parse("info", "a.zarr", "--stacktrace", "--json"))
                .isEqualTo(new InfoFastPath.Plain("a.zarr", true, true));
        for (String[] args : List.of(new String[] {}, new String[] {"info"}, new String[] {"info", "--help"},
                new String[] {"info", "-h", "a"}, new String[] {"info", "a", "b"}, new String[] {"info", "--json", "--json", "a"},
                new String[] {"--stacktrace", "info", "--stacktrace", "a"}, new String[] {"info", "--", "a"},
                new String[] {"info", "@args"}, new String[] {"info", ""}, new String[] {"info", "-"},
                new String[] {"info", "--json=true", "a"}, new String[] {"--version"}, new String[] {"help", "info"},
                new String[] {"validate", "a"}, new String[] {"a", "info"}, new String[] {"info", "--JSON", "a"})) {
            assertThat(InfoFastPath.parse(args)).as(String.join(" ", args)).isNull();
        }
    }

    @Test
    void printsWhatPicocliPrints(@TempDir Path dir) throws IOException {
        String array = dir.resolve("a.zarr").toString();
        String sharded = dir.resolve("s.zarr").toString();
        String ome = dir.resolve("ome.zarr").toString();
        assertThat(Cli.run("sample", "--plain", "--shape=16,16,16", "--chunks=8,8,8", array).code()).isZero();
        assertThat(Cli.run("sample", "--plain", "--shape=16,16,16", "--chunks=4,4,4", "--shards=8,8,8", sharded).code())
                .isZero();
        assertThat(Cli.run("sample", "--shape=4,16,16", ome).code()).isZero();
        Path broken = Files.createDirectories(dir.resolve("broken.zarr"));
        Files.writeString(broken.resolve("zarr.json"), "{\"zarr_format\": 3, \"node_type\": \"array\",", StandardCharsets.UTF_8);
        Path notZarr = Files.createDirectories(dir.resolve("empty"));
        Path file = Files.writeString(dir.resolve("plain.txt"), "not a store");
        String missing = dir.resolve("missing.zarr").toString();
        List<String[]> cases = new ArrayList<>();
        for (String where : List.of(array, sharded, ome, broken.toString(), notZarr.toString(), file.toString(), missing,
                "nosuch://x/y", "http://[bad", "file:" + array)) {
            cases.add(new String[] {"info", where});
            cases.add(new String[] {"info", "--json", where});
            cases.add(new String[] {"info", where, "--json"});
        }
        cases.add(new String[] {"info", "--help"});
        cases.add(new String[] {"info"});
        cases.add(new String[] {"info", array, array});
        cases.add(new String[] {"info", "--json", "--json", array});
        for (String[] args : cases) {
            Run fast = run(true, args);
            Run picocli = run(false, args);
            assertThat(fast).as(String.join(" ", args)).isEqualTo(picocli);
        }
        // with --stacktrace the trace's frames differ (no picocli frames), its first line and all before it do not
        for (String where : List.of(broken.toString(), missing, "nosuch://x/y")) {
            for (String[] args : List.of(new String[] {"--stacktrace", "info", where}, new String[] {"info", where, "--stacktrace"})) {
                Run fast = run(true, args);
                Run picocli = run(false, args);
                assertThat(fast.code()).as(String.join(" ", args)).isEqualTo(picocli.code());
                assertThat(fast.out()).isEqualTo(picocli.out());
                assertThat(headOf(fast.err())).as(String.join(" ", args)).isEqualTo(headOf(picocli.err()));
            }
        }
    }

    private record Run(int code, String out, String err) {
    }

    private static Run run(boolean fastPaths, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code;
        try (PrintWriter o = new PrintWriter(out); PrintWriter e = new PrintWriter(err)) {
            code = Main.execute(o, e, fastPaths, args);
        }
        return new Run(code, out.toString(), err.toString());
    }

    /** The message line and the trace's first line (the exception), without the frames. */
    private static String headOf(String err) {
        String[] lines = err.split("\n");
        return lines.length < 2 ? err : lines[0] + "\n" + lines[1];
    }
}
