package dev.ngff.cli;

import dev.ngff.exec.ExecutionContext;
import dev.ngff.ome.OmeImage;
import dev.ngff.ome.OmeZarr;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import dev.ngff.write.IncompleteMarker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ngff pyramid}: levels regenerated in place, old levels dropped after the metadata, plain arrays refused. */
class PyramidCommandTest {
    @TempDir
    Path dir;

    @Test
    void regeneratesLevelsInPlace() throws Exception {
        Path s = dir.resolve("img.ome.zarr");
        assertThat(Cli.run("sample", s, "--shape", "8,90,70", "--chunks", "4,16,16", "--levels", "1", "--labels").code()).isZero();
        Cli.Result r = Cli.run("pyramid", s);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("by mean: [8, 90, 70] [8, 45, 35]");
        Cli.Result fewer = Cli.run("pyramid", s, "--levels", "2", "--method", "max");
        assertThat(fewer.code()).as(fewer.err()).isZero();
        assertThat(Files.exists(s.resolve("2"))).as("a level no longer listed is deleted").isFalse();
        assertThat(Files.exists(s.resolve(IncompleteMarker.NAME))).isFalse();
        try (FileSystemStore store = FileSystemStore.open(s); ExecutionContext ctx = ExecutionContext.create()) {
            OmeImage img = (OmeImage) OmeZarr.open(store, Key.ROOT, ctx);
            assertThat(img.levels()).hasSize(2);
            assertThat(img.multiscale().type()).isEqualTo("max");
            assertThat(img.level(1).translation()).containsExactly(0, 0.25, 0.25);
        }
        assertThat(Cli.run("validate", s).code()).isZero();

        Cli.Result labels = Cli.run("pyramid", s.resolve("labels/cells"));
        assertThat(labels.code()).as(labels.err()).isZero();
        assertThat(labels.out()).contains("by mode");
    }

    @Test
    void refusesPlainArrays() {
        Path a = dir.resolve("a.zarr");
        assertThat(Cli.run("sample", a, "--plain", "--shape", "8,32,32").code()).isZero();
        Cli.Result r = Cli.run("pyramid", a);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("not an OME-Zarr image", "ngff convert");
    }
}
