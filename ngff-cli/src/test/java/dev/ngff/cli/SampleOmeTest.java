package dev.ngff.cli;

import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.DataType;
import dev.ngff.ome.Level;
import dev.ngff.ome.OmeImage;
import dev.ngff.ome.OmeZarr;
import dev.ngff.pyramid.Downsampler;
import dev.ngff.pyramid.Downsampling;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ngff sample} as the README's first command: a multiscale OME-Zarr image that validates and lists its levels. */
class SampleOmeTest {
    @TempDir
    Path dir;

    @Test
    void writesAValidMultiscaleImageWithChannelsAndLabels() throws Exception {
        Path s = dir.resolve("s.ome.zarr");
        Cli.Result r = Cli.run("sample", s, "--shape", "9,70,53", "--chunks", "4,16,16", "--channels", "2",
                "--timepoints", "2", "--labels", "--seed", "3");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("wrote an OME-Zarr 0.5 image of ").contains("by mean", "labels 'cells'");

        Cli.Result v = Cli.run("validate", s);
        assertThat(v.code()).as(v.out() + v.err()).isZero();
        assertThat(v.out()).startsWith("VALID");
        Cli.Result info = Cli.run("info", s);
        assertThat(info.code()).as(info.err()).isZero();
        assertThat(info.out()).contains("OME-Zarr image (OME-NGFF 0.5)", "level 0       0  2x2x9x70x53  uint16",
                "level 1       1  2x2x9x35x27", "downsampling  mean", "labels        cells", "window");

        try (FileSystemStore store = FileSystemStore.open(s); ExecutionContext ctx = ExecutionContext.create()) {
            OmeImage img = (OmeImage) OmeZarr.open(store, Key.ROOT, ctx);
            assertThat(img.levels().size()).isGreaterThanOrEqualTo(3);
            checkLevels(img, new Downsampling.Mean());
            OmeImage cells = img.labels().orElseThrow().open("cells");
            assertThat(cells.level(0).shape()).containsExactly(2, 1, 9, 70, 53);
            assertThat(cells.level(0).metadata().dataType()).isEqualTo(DataType.UINT32);
            assertThat(cells.multiscale().type()).isEqualTo("mode");
            checkLevels(cells, new Downsampling.Mode());
            NdBuffer labels = cells.level(0).array().read();
            long labelled = 0;
            for (long i = 0; i < labels.elementCount(); i++) {
                labelled += labels.getAsLong(i) != 0 ? 1 : 0;
            }
            assertThat(labelled).as("voxels inside cells").isPositive().isLessThan(labels.elementCount());
        }
    }

    /** Each level is the method applied to the level above, over the whole array. */
    private static void checkLevels(OmeImage img, Downsampling method) throws Exception {
        for (int k = 1; k < img.levels().size(); k++) {
            Level above = img.level(k - 1);
            Level level = img.level(k);
            int[] f = new int[above.rank()];
            for (int d = 0; d < f.length; d++) {
                f[d] = (int) Math.round((double) above.shape()[d] / level.shape()[d]);
            }
            NdBuffer in = above.array().read();
            NdBuffer expected = NdBuffer.allocate(in.dataType(), level.shape());
            Downsampler.reduce(method, f, in.shape(), in, new long[f.length], expected, new long[f.length]);
            assertThat(level.array().read().contentEquals(expected)).as("level %d", k).isTrue();
        }
    }

    @Test
    void plainAndVersionOptions() throws Exception {
        Path v4 = dir.resolve("v4.ome.zarr");
        Cli.Result r = Cli.run("sample", v4, "--shape", "40,30", "--ngff-version", "0.4", "--levels", "2");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.exists(v4.resolve(".zattrs"))).isTrue();
        assertThat(Files.exists(v4.resolve("1/.zarray"))).isTrue();
        assertThat(Files.exists(v4.resolve("2"))).isFalse();
        assertThat(Cli.run("validate", v4).code()).isZero();

        Cli.Result bad = Cli.run("sample", dir.resolve("x"), "--plain", "--labels");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--plain writes one array");
        Cli.Result mismatch = Cli.run("sample", dir.resolve("y"), "--ngff-version", "0.5", "--zarr-format", "2");
        assertThat(mismatch.code()).isEqualTo(2);
        assertThat(mismatch.err()).contains("OME-Zarr 0.5 is Zarr v3");
    }
}
