package dev.ngff.cli;

import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.ome.OmeImage;
import dev.ngff.ome.OmeZarr;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ngff convert} of an N5-viewer multiscale group (gzip blocks with N5's header, written here as n5-java
 * lays them out; tensorstore's N5 is checked in ngff-tiff's N5PeerTest): levels, axes and scales, and a valid
 * OME-Zarr.
 */
class ConvertN5Test {
    @TempDir
    Path dir;

    /** Writes dataset {@code ds} of N5 size x, y, z in one gzip block; value at (x, y, z) = x + 10 y + 100 z + base. */
    static void dataset(Path ds, int x, int y, int z, int base) throws Exception {
        Files.createDirectories(ds.resolve("0/0"));
        Files.writeString(ds.resolve("attributes.json"), "{\"dimensions\":[" + x + "," + y + "," + z + "],\"blockSize\":["
                + x + "," + y + "," + z + "],\"dataType\":\"uint16\",\"compression\":{\"type\":\"gzip\",\"level\":6}}");
        ByteBuffer h = ByteBuffer.allocate(16).putShort((short) 0).putShort((short) 3).putInt(x).putInt(y).putInt(z);
        ByteBuffer v = ByteBuffer.allocate(2 * x * y * z); // big-endian, x fastest
        for (int k = 0; k < z; k++) {
            for (int j = 0; j < y; j++) {
                for (int i = 0; i < x; i++) {
                    v.putShort((short) (i + 10 * j + 100 * k + base));
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(h.array());
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(v.array());
        }
        Files.write(ds.resolve("0/0/0"), out.toByteArray());
    }

    @Test
    void anN5ViewerGroupBecomesAnImageWithItsLevels() throws Exception {
        Path group = dir.resolve("data.n5");
        dataset(group.resolve("s0"), 8, 6, 4, 0);
        dataset(group.resolve("s1"), 4, 3, 2, 5000);
        Files.writeString(group.resolve("attributes.json"), "{\"n5\":\"2.5.1\",\"scales\":[[1,1,1],[2,2,2]],"
                + "\"pixelResolution\":{\"dimensions\":[0.5,0.5,3.0],\"unit\":\"um\"}}");
        Path out = dir.resolve("n5.ome.zarr");
        ConvertCommandTest.convert(group, out);
        try (FileSystemStore store = FileSystemStore.open(out); ExecutionContext ctx = ExecutionContext.create()) {
            ZarrArray a = Zarr.openArray(store, Key.of("0"), ctx);
            assertThat(a.shape()).containsExactly(4, 6, 8);
            assertThat(a.read().getShort(3, 5, 7)).isEqualTo((short) (7 + 50 + 300));
            ZarrArray b = Zarr.openArray(store, Key.of("1"), ctx);
            assertThat(b.read().getShort(1, 2, 3)).isEqualTo((short) (3 + 20 + 100 + 5000));
            OmeImage img = (OmeImage) OmeZarr.open(store, Key.ROOT, ctx);
            assertThat(img.axisNames()).containsExactly("z", "y", "x");
            assertThat(img.multiscale().levelTransform(0).orElseThrow().scale()).containsExactly(3.0, 0.5, 0.5);
            assertThat(img.multiscale().levelTransform(1).orElseThrow().scale()).containsExactly(6.0, 1.0, 1.0);
            assertThat(img.axes().getLast().unit()).isEqualTo("micrometer");
        }
        Cli.Result v = Cli.run("validate", out);
        assertThat(v.code()).as(v.out() + v.err()).isZero();
    }
}
