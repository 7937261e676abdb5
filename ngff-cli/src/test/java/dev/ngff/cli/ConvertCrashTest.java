package dev.ngff.cli;

import dev.ngff.testing.PeerPython;
import dev.ngff.write.IncompleteMarker;
import dev.ngff.write.WriterLock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of {@code ngff convert SRC.ome.tif DST} (a tiled, deflate z-stack that tifffile writes, levels made anew
 * into shards), each run in its own JVM, at random moments; then the same command with {@code --resume} must give
 * every file of an uninterrupted run byte for byte: into a directory, and into a {@code .ozx} (the archive's
 * bytes, no directory or temporary archive left beside it, for the route that packs a directory), and into a
 * {@code .ozx} written in one pass (its entries and their bytes; no state left beside it). The number of kills follows the crash harness
 * ({@code -Dngff.crash.kills} or {@code NGFF_CRASH_KILLS}, default 100: 5 of each of the three here; 1000 gives 50 of each);
 * the master seed {@code -Dngff.crash.seed} or {@code NGFF_CRASH_SEED}, printed.
 */
class ConvertCrashTest {
    private static final String[] OPTIONS = {"--levels", "auto", "--chunks", "1,1,8,64,64", "--shards", "1,1,8,128,128",
            "--block-bytes", "262144"};

    @TempDir
    static Path dir;
    static Path tiff;

    @BeforeAll
    static void writeTiff() throws Exception {
        Path python = PeerPython.require("CONVERT CRASH TEST (tifffile)");
        tiff = dir.resolve("stack.ome.tif");
        String script = "import sys, numpy as np, tifffile\n"
                + "rng = np.random.default_rng(5)\n"
                + "a = (rng.integers(0, 4000, size=(1, 1, 32, 384, 320)) + np.arange(320)).astype(np.uint16)\n"
                + "tifffile.imwrite(sys.argv[1], a, ome=True, tile=(64, 64), compression='zlib',\n"
                + "    metadata={'axes': 'TCZYX', 'PhysicalSizeX': 0.5, 'PhysicalSizeY': 0.5, 'PhysicalSizeZ': 2.0})\n";
        Process p = new ProcessBuilder(python.toString(), "-c", script, tiff.toString()).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(2, TimeUnit.MINUTES) && p.exitValue() == 0).as(text).isTrue();
    }

    static int kills() {
        String p = System.getProperty("ngff.crash.kills", System.getenv().getOrDefault("NGFF_CRASH_KILLS", "100"));
        return Math.max(2, Integer.parseInt(p.trim()) / 20);
    }

    static long masterSeed() {
        String p = System.getProperty("ngff.crash.seed", System.getenv("NGFF_CRASH_SEED"));
        return p != null ? Long.parseLong(p.trim()) : System.nanoTime();
    }

    @Test
    void killedTiffConversionsResumeByteIdentical() throws Exception {
        trials("dir", "out.ome.zarr");
    }

    @Test
    void killedTiffConversionsToOzxByPackingResumeByteIdentical() throws Exception {
        trials("ozx", "out.ozx", "--ozx-pack");
    }

    /**
     * The one-pass archive: shards become entries in the order they complete, so two runs order the data entries
     * differently; the entries (names and bytes, read through the central directory) must equal an uninterrupted
     * run's, and nothing else (writer state, spilled records) may be left beside the archive.
     */
    @Test
    void killedTiffConversionsToOzxInOnePassResumeToEqualEntries() throws Exception {
        trials("ozx1", "out.ozx");
    }

    /** Every file under {@code root}; a .ozx file as its entries ({@code NAME!ENTRY}) in central-directory order. */
    private static TreeMap<String, byte[]> contents(Path root) throws java.io.IOException {
        TreeMap<String, byte[]> out = new TreeMap<>();
        for (var e : CopyTrees.files(root).entrySet()) {
            if (!e.getKey().endsWith(".ozx")) {
                out.put(e.getKey(), e.getValue());
                continue;
            }
            try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(root.resolve(e.getKey()).toFile())) {
                List<String> names = z.stream().map(java.util.zip.ZipEntry::getName).toList();
                out.put(e.getKey() + "!", String.join("\n", names.stream().filter(n -> n.endsWith("zarr.json")).toList())
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)); // the metadata's order is fixed
                for (String n : names) {
                    out.put(e.getKey() + "!" + n, z.getInputStream(z.getEntry(n)).readAllBytes());
                }
            }
        }
        return out;
    }

    private void trials(String name, String file, String... extra) throws Exception {
        Path ref = dir.resolve("ref-" + name).resolve(file);
        Files.createDirectories(ref.getParent());
        boolean onePass = name.equals("ozx1");
        long t0 = System.nanoTime();
        run(with(List.of("convert", tiff.toString(), ref.toString()), extra));
        long total = (System.nanoTime() - t0) / 1_000_000;
        TreeMap<String, byte[]> reference = onePass ? contents(ref.getParent()) : CopyTrees.files(ref.getParent());
        reference.keySet().removeIf(k -> k.contains(".ngff-conditional"));
        assertThat(reference.keySet()).as("the uninterrupted run").isNotEmpty()
                .noneMatch(k -> k.contains(".tmp-") || k.contains(IncompleteMarker.NAME) || k.contains(WriterLock.NAME));
        long seed = masterSeed();
        System.out.println("convert crash (" + name + "): " + kills() + " kills, seed " + seed + ", a run takes " + total + " ms");
        Random r = new Random(seed);
        int marked = 0;
        for (int i = 0; i < kills(); i++) {
            Path d = dir.resolve(name + "-" + i).resolve(file);
            Files.createDirectories(d.getParent());
            long delay = (long) (r.nextDouble() * total * 1.1);
            Process p = start(with(List.of("convert", tiff.toString(), d.toString()), extra));
            p.waitFor(delay, TimeUnit.MILLISECONDS);
            p.destroyForcibly();
            p.waitFor();
            String trial = name + " trial " + i + " (kill after " + delay + " ms, seed " + seed + ")";
            Path markerAt = onePass ? d.resolveSibling(file + ".state")
                    : file.endsWith(".ozx") ? d.resolveSibling(file + ".parts") : d;
            marked += Files.exists(markerAt.resolve(IncompleteMarker.NAME)) ? 1 : 0;
            run(with(List.of("convert", tiff.toString(), d.toString(), "--resume"), extra));
            TreeMap<String, byte[]> after = onePass ? contents(d.getParent()) : CopyTrees.files(d.getParent());
            after.keySet().removeIf(k -> k.contains(".ngff-conditional"));
            assertThat(after.keySet()).as(trial + ": files after --resume").isEqualTo(reference.keySet());
            assertThat(reference.keySet().stream().filter(k -> !java.util.Arrays.equals(after.get(k), reference.get(k))))
                    .as(trial + ": files whose bytes differ after --resume").isEmpty();
            CopyTrees.delete(d.getParent());
        }
        System.out.println("convert crash (" + name + "): " + marked + " of " + kills() + " kills left the target marked incomplete");
    }

    private static List<String> with(List<String> args, String... extra) {
        List<String> out = new ArrayList<>(args);
        out.addAll(List.of(extra));
        return out;
    }

    private static void run(List<String> args) throws Exception {
        Process p = start(args);
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", args) + ": " + new String(p.getErrorStream().readAllBytes())).isZero();
    }

    private static Process start(List<String> args) throws java.io.IOException {
        List<String> cmd = new ArrayList<>(CrashHarnessTest.javaCommand());
        cmd.add(Main.class.getName());
        cmd.addAll(args);
        cmd.addAll(List.of(OPTIONS));
        return new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }
}
