package dev.ngff.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Exit codes and messages: 1 with one line naming the resource for failures, 2 for usage errors. */
class ErrorsTest {
    @TempDir
    Path dir;

    @Test
    void missingPathIsAFailureWithOneLine() {
        Path missing = dir.resolve("nothing-here.zarr");
        Cli.Result r = Cli.run("info", missing);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("ngff info: no Zarr array or group at file:").contains("nothing-here.zarr");
        assertThat(r.err().lines()).hasSize(1);
    }

    @Test
    void stacktraceOnRequest() {
        Cli.Result r = Cli.run("export", dir.resolve("nope.zarr"), dir.resolve("x.npy"), "--stacktrace");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("NodeNotFoundException", "\tat ");
    }

    @Test
    void badRegionIsAUsageError() {
        Path s = sample();
        Cli.Result syntax = Cli.run("export", s, dir.resolve("a.npy"), "--region", "1:x");
        assertThat(syntax.code()).isEqualTo(2);
        assertThat(syntax.err()).contains("--region", "'x'");
        Cli.Result bounds = Cli.run("export", s, dir.resolve("b.npy"), "--region", "0:2,0:1000");
        assertThat(bounds.code()).isEqualTo(2);
        assertThat(bounds.err()).contains("dimension 1 of extent 32");
        assertThat(dir.resolve("a.npy")).doesNotExist();
        assertThat(dir.resolve("b.npy")).doesNotExist();
    }

    @Test
    void usageErrors() {
        Path s = sample();
        assertThat(Cli.run("info").code()).isEqualTo(2);
        assertThat(Cli.run().code()).isEqualTo(2);
        assertThat(Cli.run("info", s, "--bogus").code()).isEqualTo(2);
        assertThat(Cli.run("frobnicate").code()).isEqualTo(2);
        assertThat(Cli.run("copy", s, dir.resolve("c.zarr"), "--codec", "lz5").code()).isEqualTo(2);
        assertThat(Cli.run("copy", s, dir.resolve("c.zarr"), "--chunks", "1,0,2").code()).isEqualTo(2);
        Cli.Result v2Shards = Cli.run("copy", s, dir.resolve("c.zarr"), "--zarr-format", "2", "--shards", "4,32,32");
        assertThat(v2Shards.code()).isEqualTo(2);
        assertThat(v2Shards.err()).contains("Zarr v2 has no sharding");
        Cli.Result rank = Cli.run("copy", s, dir.resolve("c.zarr"), "--chunks", "4,4");
        assertThat(rank.code()).isEqualTo(2);
        assertThat(rank.err()).contains("--chunks");
        assertThat(dir.resolve("c.zarr")).doesNotExist();
        assertThat(Cli.run("sample", dir.resolve("d.zarr"), "--plain", "--shape", "1,2,3,4").code()).isEqualTo(2);
        assertThat(Cli.run("sample", dir.resolve("d.zarr"), "--plain", "--shards", "3,32,32", "--shape", "8,32,32",
                "--chunks", "2,32,32").code()).isEqualTo(2);
        assertThat(Cli.run("info", "s3://Not_A_Bucket/x.zarr").code()).isEqualTo(2);
        assertThat(Cli.run("info", "gs://bucket/x.zarr").code()).isEqualTo(2);
    }

    @Test
    void copyOntoItsSourceIsRefused() {
        Path s = sample();
        Cli.Result r = Cli.run("copy", s, s, "--overwrite");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("overlaps the source");
        assertThat(Cli.run("copy", s, s.resolve("inner"), "--overwrite").code()).isEqualTo(2);
        assertThat(s.resolve("zarr.json")).exists();
    }

    @Test
    void existingTargetNeedsOverwrite() {
        Path s = sample();
        Cli.Result again = Cli.run("sample", s, "--plain", "--shape", "4,32,32");
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("is not empty", "--overwrite");
        assertThat(Cli.run("sample", s, "--plain", "--shape", "4,32,32", "--overwrite", "--seed", "9").code()).isZero();
    }

    @Test
    void exportingAGroupFails() throws IOException {
        Path group = Files.createDirectories(dir.resolve("group.zarr"));
        Files.writeString(group.resolve("zarr.json"), "{\"zarr_format\": 3, \"node_type\": \"group\"}");
        Cli.Result e = Cli.run("export", group, dir.resolve("g.npy"));
        assertThat(e.code()).isEqualTo(1);
        assertThat(e.err()).contains("is a group");
    }

    @Test
    void versionAndHelp() {
        Cli.Result v = Cli.run("--version");
        assertThat(v.code()).isZero();
        assertThat(v.out()).startsWith("ngff ").contains("Java ", "codecs: ");
        Cli.Result h = Cli.run("--help");
        assertThat(h.code()).isZero();
        assertThat(h.out()).contains("info", "copy", "sample", "export");
        for (String cmd : new String[] {"info", "copy", "sample", "export"}) {
            Cli.Result sub = Cli.run(cmd, "--help");
            assertThat(sub.code()).isZero();
            assertThat(sub.out()).contains("Usage: ngff " + cmd);
        }
    }

    private Path sample() {
        Path s = dir.resolve("s.zarr");
        Cli.Result r = Cli.run("sample", s, "--plain", "--shape", "4,32,32", "--chunks", "2,16,16");
        assertThat(r.code()).as(r.err()).isZero();
        return s;
    }
}
