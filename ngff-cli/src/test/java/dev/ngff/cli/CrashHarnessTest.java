package dev.ngff.cli;

import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import dev.ngff.write.IncompleteMarker;
import dev.ngff.write.WriterLock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The crash harness: {@code ngff copy} and a plane-by-plane sharded writer ({@link PlaneWriterMain}),
 * each in its own JVM, killed with {@code kill -9} at random moments; {@code ngff copy} also stopped
 * with Ctrl-C ({@code kill -INT}). After each kill the destination either opens with all the data its
 * metadata claims (checked against the source or the writer's formula) or reports itself incomplete,
 * and {@code ngff copy --resume} finishes it byte for byte like an uninterrupted copy.
 *
 * <p>100 kills by default (60 of the copy, 40 of the writer) and 4 Ctrl-Cs. The longer run:
 * {@code -Dngff.crash.kills=1000} (or the environment variable {@code NGFF_CRASH_KILLS=1000}); the
 * master seed with {@code -Dngff.crash.seed=N} (or {@code NGFF_CRASH_SEED=N}). Every trial prints its seed.
 */
class CrashHarnessTest {
    private static final int PLANES = 96;
    private static final int PLANE_SIZE = 64;
    private static final int SHARD_DEPTH = 8;

    @TempDir
    static Path dir;
    private static Path source;
    private static TreeMap<String, byte[]> reference;

    @BeforeAll
    static void sourceAndReference() throws IOException {
        source = dir.resolve("src.zarr");
        CopySources.hierarchy(source, 7, 32, 128);
        Path ref = dir.resolve("ref.zarr");
        Cli.Result r = Cli.run(args("copy", source.toString(), ref.toString()));
        assertThat(r.code()).as(r.err()).isZero();
        reference = CopyTrees.files(ref);
        assertThat(reference.keySet()).contains("zarr.json", "raw/zarr.json", "labels/zarr.json", "labels/mask/zarr.json")
                .doesNotContain(WriterLock.NAME, IncompleteMarker.NAME)
                .noneMatch(k -> k.startsWith(dev.ngff.write.BlockJournal.PREFIX) || k.contains(".tmp-"));
    }

    private static int totalKills() {
        String p = System.getProperty("ngff.crash.kills", System.getenv().getOrDefault("NGFF_CRASH_KILLS", "100"));
        return Integer.parseInt(p.trim());
    }

    private static long masterSeed() {
        String p = System.getProperty("ngff.crash.seed", System.getenv("NGFF_CRASH_SEED"));
        return p != null ? Long.parseLong(p.trim()) : System.nanoTime();
    }

    @Test
    void killedCopiesResumeByteIdentical() throws Exception {
        int kills = totalKills() * 6 / 10;
        long master = masterSeed();
        System.out.println("crash harness (copy): " + kills + " kills, master seed " + master);
        Timing t = calibrateCopy();
        Random seeds = new Random(master);
        int incomplete = 0;
        int complete = 0;
        int untouched = 0;
        long started = System.nanoTime();
        for (int i = 0; i < kills; i++) {
            long seed = seeds.nextLong();
            Random r = new Random(seed);
            Path dst = dir.resolve("copy-" + i + ".zarr");
            Process p = start(args("copy", source.toString(), dst.toString()));
            long delay = t.lockSeen + (long) (r.nextDouble() * (t.total * 1.1 - t.lockSeen));
            p.waitFor(Math.max(0, delay), TimeUnit.MILLISECONDS);
            p.destroyForcibly();
            p.waitFor();
            String trial = "copy trial " + i + " seed " + seed + " (kill after " + delay + " ms)";
            System.out.println(trial);
            switch (checkAfterKill(dst, trial)) {
                case INCOMPLETE -> incomplete++;
                case COMPLETE -> complete++;
                case UNTOUCHED -> untouched++;
            }
            Cli.Result resumed = Cli.run(args("copy", "--resume", source.toString(), dst.toString()));
            assertThat(resumed.code()).as(trial + ": " + resumed.err()).isZero();
            CopyTrees.assertIdentical(dst, reference, trial + " after --resume");
            CopyTrees.delete(dst);
        }
        System.out.printf("crash harness (copy): %d kills in %.1f s: %d left incomplete, %d complete, %d before the "
                + "marker; every one resumed byte-identical%n", kills, (System.nanoTime() - started) / 1e9, incomplete,
                complete, untouched);
        assertThat(incomplete).as("kills that landed mid-copy").isPositive();
    }

    @Test
    void ctrlCLeavesNoTempFilesAndSaysHowToResume() throws Exception {
        long master = masterSeed();
        Random seeds = new Random(master);
        int interrupted = 0;
        for (int i = 0; i < 4; i++) {
            long seed = seeds.nextLong();
            Random r = new Random(seed);
            Path dst = dir.resolve("int-" + i + ".zarr");
            Process p = start(args("copy", source.toString(), dst.toString()));
            waitForFirstBlock(p, dst); // mid-copy: one block journaled, over a hundred to go
            long delay = r.nextInt(20);
            Thread.sleep(delay);
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start().waitFor();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String err = new String(p.getErrorStream().readAllBytes());
            String trial = "ctrl-c trial " + i + " seed " + seed + " (after " + delay + " ms; exit " + p.exitValue() + ")";
            System.out.println(trial + ": " + err.strip());
            assertThat(CopyTrees.tempFiles(dst)).as(trial).isEmpty();
            assertThat(dst.resolve(WriterLock.NAME)).as(trial + ": lock released").doesNotExist();
            if (p.exitValue() == 130 && Files.exists(dst.resolve(IncompleteMarker.NAME))) {
                interrupted++;
                assertThat(err).as(trial).contains("interrupted", "is left incomplete", "ngff copy --resume");
                Cli.Result info = Cli.run("info", dst);
                assertThat(info.code()).isEqualTo(1);
                assertThat(info.err()).contains("is incomplete", "ngff copy --resume");
            }
            Cli.Result resumed = Cli.run(args("copy", "--resume", source.toString(), dst.toString()));
            assertThat(resumed.code()).as(trial + ": " + resumed.err()).isZero();
            CopyTrees.assertIdentical(dst, reference, trial + " after --resume");
            CopyTrees.delete(dst);
        }
        assertThat(interrupted).as("Ctrl-Cs that stopped a copy midway").isPositive();
    }

    @Test
    void killedPlaneWritersPublishOnlyWrittenPlanes() throws Exception {
        int kills = totalKills() - totalKills() * 6 / 10;
        long master = masterSeed();
        System.out.println("crash harness (plane writer): " + kills + " kills, master seed " + master);
        Path calibration = dir.resolve("planes-calibration");
        long t0 = System.nanoTime();
        Process c = startWriter(calibration);
        while (c.isAlive() && !Files.exists(calibration.resolve("zarr.json"))) {
            Thread.sleep(1);
        }
        long firstPublish = (System.nanoTime() - t0) / 1_000_000;
        assertThat(c.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(c.exitValue()).as(new String(c.getErrorStream().readAllBytes())).isZero();
        long total = Math.max(firstPublish + 1, (System.nanoTime() - t0) / 1_000_000);
        assertThat(checkPlanes(calibration, "calibration")).isEqualTo(PLANES);
        System.out.println("plane writer in a fresh JVM: empty array published after " + firstPublish + " ms, done after "
                + total + " ms");
        Random seeds = new Random(master ^ 0x9E3779B97F4A7C15L);
        int[] extents = new int[PLANES + 1];
        long started = System.nanoTime();
        for (int i = 0; i < kills; i++) {
            long seed = seeds.nextLong();
            Random r = new Random(seed);
            Path d = dir.resolve("planes-" + i);
            Process p = startWriter(d);
            long delay = (long) (firstPublish * 0.9 + r.nextDouble() * (total * 1.05 - firstPublish * 0.9));
            p.waitFor(delay, TimeUnit.MILLISECONDS);
            p.destroyForcibly();
            p.waitFor();
            String trial = "plane-writer trial " + i + " seed " + seed + " (kill after " + delay + " ms)";
            int published = checkPlanes(d, trial);
            System.out.println(trial + ": " + (published < 0 ? "nothing published" : published + " planes published"));
            extents[Math.max(0, published)]++;
            CopyTrees.delete(d);
        }
        System.out.printf("crash harness (plane writer): %d kills in %.1f s; published extents (planes: trials) %s%n", kills,
                (System.nanoTime() - started) / 1e9, histogram(extents));
    }

    private static String histogram(int[] extents) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < extents.length; i++) {
            if (extents[i] > 0) {
                sb.append(sb.isEmpty() ? "" : ", ").append(i).append(": ").append(extents[i]);
            }
        }
        return sb.toString();
    }

    /** Opens what a killed writer published and checks every element; the number of planes published, -1 for none. */
    private static int checkPlanes(Path d, String trial) throws IOException {
        if (!Files.exists(d.resolve("zarr.json"))) {
            return -1;
        }
        try (ExecutionContext ctx = ExecutionContext.create(); FileSystemStore s = FileSystemStore.open(d)) {
            ZarrArray a = Zarr.openArray(s, Key.ROOT, ctx);
            long z = a.shape()[0];
            assertThat(z % SHARD_DEPTH == 0 || z == PLANES).as(trial + ": extent " + z).isTrue();
            var data = a.read();
            for (long k = 0; k < z; k++) {
                for (int y = 0; y < PLANE_SIZE; y++) {
                    for (int x = 0; x < PLANE_SIZE; x++) {
                        long at = (k * PLANE_SIZE + y) * PLANE_SIZE + x;
                        short got = data.segment().getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), at);
                        if (got != PlaneWriterMain.value(k, y, x)) {
                            throw new AssertionError(trial + ": element (" + k + "," + y + "," + x + ") of a published plane is "
                                    + got + ", written " + PlaneWriterMain.value(k, y, x));
                        }
                    }
                }
            }
            return (int) z;
        }
    }

    private enum After { INCOMPLETE, COMPLETE, UNTOUCHED }

    /**
     * What a kill left: with the marker, every reader says incomplete, and each array already published
     * holds all its data; without it, either nothing was marked yet or the copy had finished.
     */
    private static After checkAfterKill(Path dst, String trial) throws IOException {
        boolean marked = Files.exists(dst.resolve(IncompleteMarker.NAME));
        for (String array : List.of("raw", "labels/mask")) {
            if (Files.exists(dst.resolve(array).resolve("zarr.json"))) {
                assertSameData(dst.resolve(array), source.resolve(array), trial + " '" + array + "'");
            }
        }
        if (marked) {
            Cli.Result info = Cli.run("info", dst);
            assertThat(info.code()).as(trial).isEqualTo(1);
            assertThat(info.err()).as(trial).contains("is incomplete", "ngff copy --resume").doesNotContain("\n\n");
            if (Files.exists(dst.resolve("raw/zarr.json"))) {
                Cli.Result export = Cli.run("export", dst.resolve("raw"), dir.resolve("x.npy"));
                assertThat(export.code()).as(trial).isEqualTo(1);
                assertThat(export.err()).as(trial).contains("is incomplete");
            }
            return After.INCOMPLETE;
        }
        if (Files.exists(dst.resolve("zarr.json"))) {
            TreeMap<String, byte[]> files = CopyTrees.files(dst);
            files.remove(WriterLock.NAME); // killed between the marker's removal and the lock's release
            files.keySet().removeIf(k -> k.contains(".tmp-"));
            assertThat(CopyTrees.differences(files, reference)).as(trial + ": a finished copy").isEmpty();
            return After.COMPLETE;
        }
        List<String> left = new ArrayList<>(CopyTrees.files(dst).keySet());
        left.removeIf(k -> k.startsWith(".ngff-") || k.contains(".tmp-")); // the lock, the store's conditional-write lock file
        assertThat(left).as(trial + ": objects before the marker").isEmpty();
        return After.UNTOUCHED;
    }

    private static void assertSameData(Path copied, Path original, String what) throws IOException {
        try (ExecutionContext ctx = ExecutionContext.create();
             FileSystemStore a = FileSystemStore.open(copied);
             FileSystemStore b = FileSystemStore.open(original)) {
            ZarrArray x = Zarr.openArray(a, Key.ROOT, ctx);
            ZarrArray y = Zarr.openArray(b, Key.ROOT, ctx);
            assertThat(x.shape()).as(what).containsExactly(y.shape());
            assertThat(x.read().contentEquals(y.read())).as(what + ": published array holds all its data").isTrue();
        }
    }

    /** How long an uninterrupted copy takes in its own JVM, and when its lock appears (ms from the start). */
    private record Timing(long lockSeen, long total) {
    }

    private static Timing calibrateCopy() throws Exception {
        Path dst = dir.resolve("calibration-" + System.nanoTime() + ".zarr");
        long t0 = System.nanoTime();
        Process p = start(args("copy", source.toString(), dst.toString()));
        waitForLock(p, dst);
        long lock = (System.nanoTime() - t0) / 1_000_000;
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        long total = (System.nanoTime() - t0) / 1_000_000;
        assertThat(p.exitValue()).as(new String(p.getErrorStream().readAllBytes())).isZero();
        CopyTrees.assertIdentical(dst, reference, "calibration copy");
        CopyTrees.delete(dst);
        System.out.println("copy in a fresh JVM: lock after " + lock + " ms, done after " + total + " ms");
        return new Timing(lock, Math.max(total, lock + 1));
    }

    private static void waitForFirstBlock(Process p, Path dst) throws InterruptedException, IOException {
        Path journal = dst.resolve(dev.ngff.write.BlockJournal.PREFIX).resolve("0");
        while (p.isAlive()) {
            if (Files.isDirectory(journal)) {
                try (var entries = Files.list(journal)) {
                    if (entries.findAny().isPresent()) {
                        return;
                    }
                } catch (java.nio.file.NoSuchFileException e) {
                    // removed at the end of a copy that finished meanwhile
                }
            }
            Thread.sleep(1);
        }
    }

    private static void waitForLock(Process p, Path dst) throws InterruptedException {
        while (p.isAlive() && !Files.exists(dst.resolve(WriterLock.NAME))) {
            Thread.sleep(1);
        }
    }

    private static String[] args(String... head) {
        List<String> all = new ArrayList<>(List.of(head));
        all.addAll(List.of(CopySources.OPTIONS));
        return all.toArray(String[]::new);
    }

    private static Process start(String... cliArgs) throws IOException {
        List<String> cmd = new ArrayList<>(javaCommand());
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(cliArgs));
        return new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static Process startWriter(Path d) throws IOException {
        List<String> cmd = new ArrayList<>(javaCommand());
        cmd.addAll(List.of(PlaneWriterMain.class.getName(), d.toString(), Integer.toString(PLANES),
                Integer.toString(PLANE_SIZE), Integer.toString(SHARD_DEPTH)));
        return new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /**
     * A shell that starts Maven in the background (nohup, {@code &} without job control) passes on an
     * ignored SIGINT, and a JVM that starts with SIGINT ignored never runs its shutdown hooks on
     * Ctrl-C. GNU env (coreutils 8.31+) restores the default disposition for the child.
     */
    private static final List<String> DEFAULT_SIGINT = defaultSigint();

    private static List<String> defaultSigint() {
        try {
            Process p = new ProcessBuilder("env", "--default-signal=INT", "true").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor() == 0) {
                return List.of("env", "--default-signal=INT");
            }
        } catch (IOException e) {
            // no env: start the JVM directly
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.out.println("crash harness: env --default-signal is unavailable; children inherit this JVM's SIGINT disposition");
        return List.of();
    }

    static List<String> javaCommand() {
        List<String> cmd = new ArrayList<>(DEFAULT_SIGINT);
        cmd.addAll(javaOnly());
        return cmd;
    }

    private static List<String> javaOnly() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"));
    }
}
