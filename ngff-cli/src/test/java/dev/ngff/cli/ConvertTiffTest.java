package dev.ngff.cli;

import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ome.Axis;
import dev.ngff.metadata.ome.Omero;
import dev.ngff.ome.OmeImage;
import dev.ngff.ome.OmeZarr;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import dev.ngff.testing.PeerPython;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ngff convert} from OME-TIFFs that tifffile writes (a SubIFD pyramid with physical sizes and channel
 * names; a file of two images) and from a raw file: the written levels hold exactly what tifffile reads, the
 * metadata carries the axes, scales, units and channels, and {@code ngff validate} accepts every output.
 */
class ConvertTiffTest {
    @TempDir
    static Path dir;
    static Path data;
    static final ExecutionContext ctx = ExecutionContext.create();

    @BeforeAll
    static void writeTiffs() throws Exception {
        Path python = PeerPython.require("CONVERT TIFF TEST (tifffile)");
        Path script = dir.resolve("convert_tiff.py");
        try (InputStream in = ConvertTiffTest.class.getResourceAsStream("convert_tiff.py")) {
            Files.write(script, in.readAllBytes());
        }
        data = dir.resolve("tiffs");
        Process p = new ProcessBuilder(python.toString(), script.toString(), data.toString()).redirectErrorStream(true)
                .start();
        String text = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(5, TimeUnit.MINUTES) && p.exitValue() == 0).as(text).isTrue();
    }

    @AfterAll
    static void close() {
        ctx.close();
    }

    static void assertLevel(Path root, String path, String bin) throws Exception {
        try (FileSystemStore store = FileSystemStore.open(root)) {
            ZarrArray a = Zarr.openArray(store, Key.of(path), ctx);
            byte[] got = a.read().segment().toArray(ValueLayout.JAVA_BYTE);
            assertThat(got).as("%s %s", root, path).isEqualTo(Files.readAllBytes(data.resolve(bin)));
        }
    }

    static void assertValid(Path root) {
        Cli.Result r = Cli.run("validate", root);
        assertThat(r.code()).as("ngff validate %s: %s%s", root, r.out(), r.err()).isZero();
    }

    @Test
    void anOmeTiffPyramidKeepsItsLevelsAxesScalesAndChannels() throws Exception {
        Path out = dir.resolve("one.ome.zarr");
        ConvertCommandTest.convert(data.resolve("one.ome.tif"), out);
        assertLevel(out, "0", "one.0.0.bin");
        assertLevel(out, "1", "one.0.1.bin");
        try (FileSystemStore store = FileSystemStore.open(out)) {
            OmeImage img = (OmeImage) OmeZarr.open(store, Key.ROOT, ctx);
            assertThat(img.axisNames()).containsExactly("t", "c", "z", "y", "x");
            assertThat(img.axes().stream().map(Axis::unit).toList())
                    .containsExactly("second", null, "micrometer", "micrometer", "micrometer");
            assertThat(img.multiscale().levelTransform(0).orElseThrow().scale()).containsExactly(1, 1, 1.2, 0.3, 0.3);
            assertThat(img.multiscale().levelTransform(1).orElseThrow().scale()).containsExactly(1, 1, 1.2, 0.6, 0.6);
            assertThat(img.channels().stream().map(Omero.Channel::label).toList()).containsExactly("A", "B");
            assertThat(img.multiscale().name()).isEqualTo("one");
        }
        assertValid(out);
    }

    @Test
    void levelsMadeAnewShardedAnd04() throws Exception {
        Path auto = dir.resolve("one-auto.ome.zarr");
        ConvertCommandTest.convert(data.resolve("one.ome.tif"), auto, "--levels", "auto", "--chunks", "1,1,1,16,16",
                "--shards", "1,1,1,32,32");
        assertLevel(auto, "0", "one.0.0.bin");
        assertValid(auto);
        Path v04 = dir.resolve("one-0.4.ome.zarr");
        ConvertCommandTest.convert(data.resolve("one.ome.tif"), v04, "--ngff-version", "0.4");
        assertLevel(v04, "0", "one.0.0.bin");
        assertValid(v04);
    }

    @Test
    void severalImagesBecomeABioformats2rawCollection() throws Exception {
        Path out = dir.resolve("two.ome.zarr");
        ConvertCommandTest.convert(data.resolve("two.ome.tif"), out);
        assertLevel(out, "0/0", "two.0.0.bin");
        assertLevel(out, "1/0", "two.1.0.bin");
        assertThat(Files.readString(out.resolve("OME/METADATA.ome.xml"))).contains("floats");
        assertValid(out);
    }

    @Test
    void aRawFileWithAxesAndScale() throws Exception {
        short[] values = new short[3 * 20 * 30];
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.BIG_ENDIAN);
        ByteBuffer want = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values.length; i++) {
            short v = (short) (i * 7919);
            b.putShort(v);
            want.putShort(v);
        }
        Path raw = dir.resolve("stack.raw");
        Files.write(raw, b.array());
        Path out = dir.resolve("raw.ome.zarr");
        ConvertCommandTest.convert(raw, out, "--raw", "3x20x30,uint16,big", "--axes", "zyx", "--scale", "2,0.5,0.5",
                "--units", "micrometer");
        try (FileSystemStore store = FileSystemStore.open(out)) {
            ZarrArray a = Zarr.openArray(store, Key.of("0"), ctx);
            assertThat(a.read().segment().toArray(ValueLayout.JAVA_BYTE)).isEqualTo(want.array());
            OmeImage img = (OmeImage) OmeZarr.open(store, Key.ROOT, ctx);
            assertThat(img.multiscale().levelTransform(0).orElseThrow().scale()).containsExactly(2, 0.5, 0.5);
        }
        assertValid(out);
        Cli.Result bad = Cli.run("convert", raw, dir.resolve("bad.ome.zarr"), "--raw", "3x20x31,uint16");
        assertThat(bad.code()).isNotZero();
        assertThat(bad.err()).contains(raw.toString()).contains("holds 3600 bytes");
    }

    @Test
    void aDamagedTiffFailsWithOneLineNamingTheFile() throws Exception {
        byte[] whole = Files.readAllBytes(data.resolve("one.ome.tif"));
        Path cut = dir.resolve("cut.ome.tif");
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 2)); // tiles and SubIFDs point past the end
        Cli.Result r = Cli.run("convert", cut, dir.resolve("cut.ome.zarr"));
        assertThat(r.code()).isNotZero();
        assertThat(r.err().strip()).startsWith("ngff convert: " + cut).contains("outside the file").doesNotContain("\n")
                .doesNotContain("Exception");
        Path loop = dir.resolve("loop.tif"); // a classic header whose first IFD names itself as the next one
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + 2 + 4 * 12 + 4 + 1).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8).putShort((short) 4);
        b.putShort((short) 256).putShort((short) 3).putInt(1).putInt(1); // 1 x 1 pixels
        b.putShort((short) 257).putShort((short) 3).putInt(1).putInt(1);
        b.putShort((short) 273).putShort((short) 4).putInt(1).putInt(62); // one strip of one byte at offset 62
        b.putShort((short) 279).putShort((short) 4).putInt(1).putInt(1);
        b.putInt(8); // the next IFD: this one again
        Files.write(loop, b.array());
        r = Cli.run("convert", loop, dir.resolve("loop.ome.zarr"));
        assertThat(r.code()).isNotZero();
        assertThat(r.err().strip()).isEqualTo("ngff convert: " + loop + ": IFD chain loops back to offset 8");
    }

    @Test
    void toASingleFileOmeZarr() throws Exception {
        Path ozx = dir.resolve("one.ozx");
        ConvertCommandTest.convert(data.resolve("one.ome.tif"), ozx, "--shards", "1,1,3,32,32", "--chunks", "1,1,1,16,16");
        assertThat(dir.resolve("one.ozx.parts")).doesNotExist();
        assertThat(dir.resolve("one.ozx.state")).doesNotExist();
        assertThat(dir.resolve("one.ozx.cdir-tmp")).doesNotExist();
        // one pass: every object of a directory conversion with the same options, byte for byte, and nothing else;
        // the zarr.json entries first (breadth-first) in the local headers as in the central directory
        Path asDir = dir.resolve("one-dir.ome.zarr");
        ConvertCommandTest.convert(data.resolve("one.ome.tif"), asDir, "--shards", "1,1,3,32,32", "--chunks", "1,1,1,16,16");
        java.util.TreeMap<String, byte[]> expected = CopyTrees.files(asDir);
        expected.keySet().removeIf(k -> k.startsWith(".ngff-"));
        java.util.TreeMap<String, byte[]> entries = new java.util.TreeMap<>();
        List<String> localOrder = new java.util.ArrayList<>();
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(Files.newInputStream(ozx))) {
            for (java.util.zip.ZipEntry e; (e = in.getNextEntry()) != null; ) {
                localOrder.add(e.getName());
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        assertThat(localOrder.subList(0, 3)).containsExactly("zarr.json", "0/zarr.json", "1/zarr.json");
        assertThat(entries.keySet()).isEqualTo(expected.keySet());
        assertThat(expected.keySet().stream().filter(k -> !java.util.Arrays.equals(entries.get(k), expected.get(k))))
                .as("entries whose bytes differ from the directory conversion's").isEmpty();
        byte[] zip = Files.readAllBytes(ozx);
        // the root zarr.json is the first entry (its name right after the 30-byte local header)
        assertThat(new String(zip, 30, 9, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("zarr.json");
        String tail = new String(zip, zip.length - 40, 40, java.nio.charset.StandardCharsets.UTF_8);
        assertThat(tail).endsWith("{\"ome\":{\"version\":\"0.5\"}}\u0000");
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(ozx.toFile())) {
            List<String> names = z.stream().map(java.util.zip.ZipEntry::getName).toList();
            assertThat(names.subList(0, 3)).containsExactly("zarr.json", "0/zarr.json", "1/zarr.json");
            assertThat(z.stream().allMatch(e -> e.getMethod() == java.util.zip.ZipEntry.STORED)).isTrue();
        }
        try (dev.ngff.store.ReadableStore store = dev.ngff.store.Stores.open(ozx.toString())) {
            ZarrArray a = Zarr.openArray(store, Key.of("0"), ctx);
            assertThat(a.read().segment().toArray(ValueLayout.JAVA_BYTE))
                    .isEqualTo(Files.readAllBytes(data.resolve("one.0.0.bin")));
        }
        assertValid(ozx);
        // zarr-python's ZipStore reads it too
        Path python = PeerPython.require("CONVERT TIFF TEST (zarr-python)");
        Process p = new ProcessBuilder(python.toString(), "-c", "import sys, hashlib, zarr; "
                + "g = zarr.open_group(zarr.storage.ZipStore(sys.argv[1], mode='r'), mode='r'); "
                + "print(hashlib.sha256(g['1'][...].tobytes()).hexdigest())", ozx.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor(2, TimeUnit.MINUTES) && p.exitValue() == 0).as(out).isTrue();
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
        assertThat(out).isEqualTo(java.util.HexFormat.of().formatHex(md.digest(Files.readAllBytes(
                data.resolve("one.0.1.bin")))));

        Path plain = dir.resolve("plain.ozx"); // unsharded: a zip, but not RFC-9's recommended variant
        Cli.Result r = ConvertCommandTest.convert(data.resolve("one.ome.tif"), plain);
        assertThat(r.out()).contains("no RFC-9 archive comment");
        byte[] pz = Files.readAllBytes(plain);
        assertThat(pz[pz.length - 1]).isZero(); // comment length 0 ends the file
        assertThat(pz[pz.length - 2]).isZero();
        Cli.Result v4 = Cli.run("convert", data.resolve("one.ome.tif"), dir.resolve("v4.ozx"), "--ngff-version", "0.4");
        assertThat(v4.code()).isEqualTo(2);
        assertThat(v4.err()).contains("a .ozx target holds Zarr v3 OME-Zarr");
    }
}
