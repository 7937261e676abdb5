package dev.ngff.cli;

import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.DataType;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import dev.ngff.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ngff info} and {@code ngff copy} on zarr-python's v2 {@code |O} string array of 47868 city names. */
class StringArraysCliTest {
    @TempDir
    Path tmp;

    private static Path cities() {
        return Fixtures.root().resolve("zarrs/zarr_python_compat/cities_v2.zarr");
    }

    @Test
    void infoShowsTheTextType() {
        Cli.Result r = Cli.run("info", cities());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("string (|O)").contains("vlen-utf8").contains("unknown (variable-length elements)");
        Cli.Result json = Cli.run("info", cities(), "--json");
        assertThat(json.code()).as(json.err()).isZero();
        assertThat(json.out()).contains("\"uncompressed_bytes\" : null");
    }

    @Test
    void copiesV2ObjectStringsToV3StringsAndShards() throws Exception {
        List<String> expected = Files.readAllLines(Fixtures.root().resolve("zarrs/cities.csv"), StandardCharsets.UTF_8);
        Path v3 = tmp.resolve("v3.zarr");
        Cli.Result c = Cli.run("copy", cities(), v3, "--zarr-format", "3", "--codec", "zstd:3");
        assertThat(c.code()).as(c.err()).isZero();
        Path sharded = tmp.resolve("sharded.zarr");
        Cli.Result s = Cli.run("copy", v3, sharded, "--chunks", "500", "--shards", "5000");
        assertThat(s.code()).as(s.err()).isZero();
        try (ExecutionContext ctx = ExecutionContext.create(); FileSystemStore a = FileSystemStore.open(v3);
             FileSystemStore b = FileSystemStore.open(sharded)) {
            ZarrArray x = Zarr.openArray(a, Key.ROOT, ctx);
            assertThat(x.metadata().zarrFormat()).isEqualTo(3);
            assertThat(x.dataType()).isEqualTo(DataType.STRING);
            assertThat(x.metadata().codecs()).extracting(cs -> cs.name()).containsExactly("vlen-utf8", "zstd");
            assertThat(x.read().toStrings()).containsExactly(expected.toArray(String[]::new));
            ZarrArray y = Zarr.openArray(b, Key.ROOT, ctx);
            assertThat(y.metadata().codecs()).extracting(cs -> cs.name()).containsExactly("sharding_indexed");
            assertThat(y.read().toStrings()).containsExactly(expected.toArray(String[]::new));
        }
        Cli.Result export = Cli.run("export", v3, tmp.resolve("x.npy"));
        assertThat(export.code()).isNotZero();
        assertThat(export.err()).contains("variable-length");
    }
}
