package dev.ngff.cli;

import dev.ngff.acquire.AcquisitionWriter;
import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of {@code ngff acquire} at random moments (the crash harness's count, {@code -Dngff.crash.kills},
 * default 100). After each kill: the record holds at least the frames the writer last reported flushed,
 * every one of them is in level 0 at its index, the published extents cover only recorded frames, the
 * image validates; {@code --resume} then completes it, and every level equals an uninterrupted run's.
 * Two layouts alternate: t with a 3-level pyramid, and t,z=3 whose pyramid also halves z.
 */
class AcquireCrashTest {
    private static final long FRAMES = 240;
    private static final long[] FRAME = {48, 40};
    private static final List<List<String>> LAYOUTS = List.of(
            List.of("--frame-shape", "48,40", "--chunks", "16,16", "--shard-depth", "8", "--levels", "3", "--flush-every", "8"),
            List.of("--frame-shape", "48,40", "--chunks", "16,16", "--shard-depth", "2", "--dims", "t,z=3",
                    "--levels", "3", "--flush-every", "7", "--pixel-size", "1,1,1"));

    @TempDir
    Path dir;

    private static int kills() {
        String p = System.getProperty("ngff.crash.kills", System.getenv().getOrDefault("NGFF_CRASH_KILLS", "100"));
        return Math.max(2, Integer.parseInt(p.trim()));
    }

    @Test
    void killedAcquisitionsKeepEveryFlushedFrameAndResume() throws Exception {
        List<Path> refs = new ArrayList<>();
        long total = 0;
        for (int l = 0; l < LAYOUTS.size(); l++) {
            Path ref = dir.resolve("ref" + l);
            long t0 = System.nanoTime();
            run(ref, LAYOUTS.get(l), "--frames", Long.toString(FRAMES));
            total = Math.max(total, (System.nanoTime() - t0) / 1_000_000);
            refs.add(ref);
        }
        long seed = System.nanoTime();
        System.out.println("acquire crash: " + kills() + " kills, seed " + seed + ", a run takes up to " + total + " ms");
        Random r = new Random(seed);
        int midStream = 0;
        for (int i = 0; i < kills(); i++) {
            int l = i % LAYOUTS.size();
            Path d = dir.resolve("k" + i);
            Path log = dir.resolve("k" + i + ".out");
            long delay = (long) (r.nextDouble() * total * 1.1);
            Process p = start(d, log, LAYOUTS.get(l), "--frames", Long.toString(FRAMES));
            p.waitFor(delay, TimeUnit.MILLISECONDS);
            p.destroyForcibly();
            p.waitFor();
            String trial = "trial " + i + " (layout " + l + ", kill after " + delay + " ms, seed " + seed + ")";
            long reported = 0;
            boolean finished = false;
            for (String line : Files.exists(log) ? Files.readAllLines(log) : List.<String>of()) {
                if (line.startsWith("flushed ")) {
                    reported = Long.parseLong(line.substring(8).trim());
                }
                finished |= line.startsWith("acquired ");
            }
            Optional<Long> recorded;
            try (FileSystemStore store = FileSystemStore.open(Files.createDirectories(d))) {
                recorded = AcquisitionWriter.flushedFrames(store, Key.ROOT);
            }
            if (recorded.isEmpty()) {
                // finished (the record is removed last, after the final extents), or killed before it was first
                // written: then nothing was reported flushed and the acquisition starts again
                if (!finished && reported == 0) {
                    run(d, LAYOUTS.get(l), "--frames", Long.toString(FRAMES), "--overwrite");
                }
            } else {
                long frames = recorded.get();
                assertThat(frames).as(trial + ": frames recorded against those reported flushed").isGreaterThanOrEqualTo(reported);
                if (Zarr.isNode(FileSystemStore.open(d), Key.ROOT)) {
                    midStream++;
                    Cli.Result v = Cli.run("validate", d);
                    assertThat(v.code()).as(trial + ": " + v.out() + v.err()).isZero();
                    long perSlab = l == 0 ? 1 : 3;
                    try (FileSystemStore store = FileSystemStore.open(d); ExecutionContext ctx = ExecutionContext.create()) {
                        for (String level : List.of("0", "1", "2")) {
                            ZarrArray a = Zarr.openArray(store, Key.of(level), ctx);
                            assertThat(a.shape()[0] * perSlab).as(trial + ": level " + level + " extent, frames")
                                    .isLessThanOrEqualTo(frames);
                        }
                    }
                    assertFramesBeyondExtent(d, frames, perSlab, trial);
                }
                run(d, LAYOUTS.get(l), "--frames", Long.toString(FRAMES), "--resume");
            }
            AcquireCommandTest.assertFrames(d, FRAMES, FRAME, 1);
            assertSameLevels(d, refs.get(l), trial);
            CopyTrees.delete(d);
        }
        System.out.println("acquire crash: " + midStream + " of " + kills() + " kills left an acquisition in progress");
    }

    /** The recorded frames are in level 0 at their indices, also those past the published extent. */
    private static void assertFramesBeyondExtent(Path image, long frames, long perSlab, String trial) throws IOException {
        if (frames == 0) {
            return;
        }
        Path copy = image.resolveSibling(image.getFileName() + "-view");
        CopyTrees.copy(image, copy);
        try (FileSystemStore store = FileSystemStore.open(copy); ExecutionContext ctx = ExecutionContext.create()) {
            ZarrArray a = Zarr.openArray(store, Key.of("0"), ctx);
            long[] s = a.shape();
            s[0] = (frames + perSlab - 1) / perSlab;
            a.extendTo(s).publish(); // only in the copy: to read what the record says is there
        }
        try {
            AcquireCommandTest.assertFrames(copy, frames, FRAME, 1);
        } catch (AssertionError e) {
            throw new AssertionError(trial + ": " + e.getMessage(), e);
        } finally {
            CopyTrees.delete(copy);
        }
    }

    static void assertSameLevels(Path got, Path want, String trial) throws IOException {
        try (FileSystemStore a = FileSystemStore.open(got); FileSystemStore b = FileSystemStore.open(want);
             ExecutionContext ctx = ExecutionContext.create()) {
            for (String level : List.of("0", "1", "2")) {
                ZarrArray x = Zarr.openArray(a, Key.of(level), ctx);
                ZarrArray y = Zarr.openArray(b, Key.of(level), ctx);
                assertThat(x.shape()).as(trial + ": level " + level + " shape").isEqualTo(y.shape());
                assertThat(x.read().segment().mismatch(y.read().segment())).as(trial + ": level " + level + " values").isEqualTo(-1);
            }
        }
        assertThat(Files.readString(got.resolve("zarr.json"))).as(trial + ": image metadata")
                .isEqualTo(Files.readString(want.resolve("zarr.json")));
    }

    static void run(Path target, List<String> layout, String... more) throws Exception {
        Path log = Files.createTempFile("acquire", ".out");
        Process p = start(target, log, layout, more);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getErrorStream().readAllBytes())).isZero();
        Files.deleteIfExists(log);
    }

    static Process start(Path target, Path log, List<String> layout, String... more) throws IOException {
        List<String> cmd = new ArrayList<>(CrashHarnessTest.javaCommand());
        cmd.add(Main.class.getName());
        cmd.add("acquire");
        cmd.add(target.toString());
        cmd.addAll(layout);
        cmd.addAll(List.of(more));
        return new ProcessBuilder(cmd).redirectOutput(log.toFile()).start();
    }
}
