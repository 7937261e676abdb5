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
 * Two layouts alternate: t with a 3-level pyramid, and t,z=3 whose pyramid also halves z. A second test kills
 * acquisitions whose shards (4 MiB) are larger than the file store's part size, so they stream through temp
 * files: a tenth of the count, at least 10; no temp file is left once {@code --resume} has finished. The seed
 * with {@code -Dngff.crash.seed=N}; it is printed.
 */
class AcquireCrashTest {
    private static final long FRAMES = 240;
    private static final long[] FRAME = {48, 40};
    private static final List<List<String>> LAYOUTS = List.of(
            List.of("--frame-shape", "48,40", "--chunks", "16,16", "--shard-depth", "8", "--levels", "3", "--flush-every", "8"),
            List.of("--frame-shape", "48,40", "--chunks", "16,16", "--shard-depth", "2", "--dims", "t,z=3",
                    "--levels", "3", "--flush-every", "7", "--pixel-size", "1,1,1"));

    /** Frames of 512x512 uint16 (512 KiB), uncompressed, 8 to a shard: 4 MiB level-0 shards, 1 MiB at level 1. */
    private static final long[] STREAMED_FRAME = {512, 512};
    private static final long STREAMED_FRAMES = 96;
    private static final long STREAMED_SHARD_BYTES = 8 * 512 * 512 * 2;
    private static final List<List<String>> STREAMED = List.of(
            List.of("--frame-shape", "512,512", "--chunks", "128,128", "--shard-depth", "8", "--codec", "none",
                    "--levels", "2", "--flush-every", "8"));

    @TempDir
    Path dir;

    private static int kills() {
        String p = System.getProperty("ngff.crash.kills", System.getenv().getOrDefault("NGFF_CRASH_KILLS", "100"));
        return Math.max(2, Integer.parseInt(p.trim()));
    }

    @Test
    void killedAcquisitionsKeepEveryFlushedFrameAndResume() throws Exception {
        crashTrials("acquire crash", kills(), seed(), LAYOUTS, FRAMES, FRAME, 3);
    }

    /**
     * The same with shards larger than the file store's part size, so that each shard goes through
     * {@link FileSystemStore#openUpload}'s temp file in several pieces and kills land mid-shard: the temp files
     * a killed writer leaves are gone after {@code --resume}, which finishes as an uninterrupted run does.
     * A tenth of the crash harness's count, at least 10.
     */
    @Test
    void killedStreamedShardUploadsResumeWithoutTempFiles() throws Exception {
        long partSize;
        try (FileSystemStore store = FileSystemStore.open(dir)) {
            partSize = store.uploadPartSize().orElseThrow();
        }
        assertThat(STREAMED_SHARD_BYTES).as("level-0 shard bytes against the store's part size").isGreaterThan(2 * partSize);
        crashTrials("acquire crash (streamed shards)", Math.max(10, kills() / 10), seed(), STREAMED, STREAMED_FRAMES,
                STREAMED_FRAME, 2);
    }

    private static long seed() {
        String p = System.getProperty("ngff.crash.seed", System.getenv("NGFF_CRASH_SEED"));
        return p != null ? Long.parseLong(p.trim()) : System.nanoTime();
    }

    /**
     * Runs {@code trials} kills of {@code ngff acquire} with the layouts in turn, each at a random moment of a run,
     * and checks what survives each, then that {@code --resume} finishes it as an uninterrupted run of the same
     * layout did, with no temp file, lock or acquisition record left.
     */
    private void crashTrials(String name, int trials, long seed, List<List<String>> layouts, long frames, long[] frame,
                             int levels) throws Exception {
        List<Path> refs = new ArrayList<>();
        long total = 0;
        for (int l = 0; l < layouts.size(); l++) {
            Path ref = dir.resolve(name.replace(' ', '-') + "-ref" + l);
            long t0 = System.nanoTime();
            run(ref, layouts.get(l), "--frames", Long.toString(frames));
            total = Math.max(total, (System.nanoTime() - t0) / 1_000_000);
            refs.add(ref);
        }
        System.out.println(name + ": " + trials + " kills, seed " + seed + ", a run takes up to " + total + " ms");
        Random r = new Random(seed);
        int midStream = 0;
        int tempsLeft = 0;
        for (int i = 0; i < trials; i++) {
            int l = i % layouts.size();
            Path d = dir.resolve("k" + i);
            Path log = dir.resolve("k" + i + ".out");
            long delay = (long) (r.nextDouble() * total * 1.1);
            Process p = start(d, log, layouts.get(l), "--frames", Long.toString(frames));
            p.waitFor(delay, TimeUnit.MILLISECONDS);
            p.destroyForcibly();
            p.waitFor();
            String trial = name + " trial " + i + " (layout " + l + ", kill after " + delay + " ms, seed " + seed + ")";
            long reported = 0;
            boolean finished = false;
            for (String line : Files.exists(log) ? Files.readAllLines(log) : List.<String>of()) {
                if (line.startsWith("flushed ")) {
                    reported = Long.parseLong(line.substring(8).trim());
                }
                finished |= line.startsWith("acquired ");
            }
            tempsLeft += CopyTrees.tempFiles(d).isEmpty() ? 0 : 1;
            Optional<Long> recorded;
            try (FileSystemStore store = FileSystemStore.open(Files.createDirectories(d))) {
                recorded = AcquisitionWriter.flushedFrames(store, Key.ROOT);
            }
            boolean ranAgain = true;
            if (recorded.isEmpty()) {
                // finished (the record is removed last, after the final extents), or killed before it was first
                // written: then nothing was reported flushed and the acquisition starts again
                if (!finished && reported == 0) {
                    run(d, layouts.get(l), "--frames", Long.toString(frames), "--overwrite");
                } else {
                    ranAgain = false;
                }
            } else {
                long recordedFrames = recorded.get();
                assertThat(recordedFrames).as(trial + ": frames recorded against those reported flushed")
                        .isGreaterThanOrEqualTo(reported);
                if (Zarr.isNode(FileSystemStore.open(d), Key.ROOT)) {
                    midStream++;
                    Cli.Result v = Cli.run("validate", d);
                    assertThat(v.code()).as(trial + ": " + v.out() + v.err()).isZero();
                    long perSlab = frameRank(layouts.get(l));
                    long published;
                    try (FileSystemStore store = FileSystemStore.open(d); ExecutionContext ctx = ExecutionContext.create()) {
                        published = Zarr.openArray(store, Key.of("0"), ctx).shape()[0] * perSlab;
                        for (int k = 0; k < levels; k++) {
                            ZarrArray a = Zarr.openArray(store, Key.of(Integer.toString(k)), ctx);
                            assertThat(a.shape()[0] * perSlab).as(trial + ": level " + k + " extent, frames")
                                    .isLessThanOrEqualTo(recordedFrames);
                        }
                    }
                    try {
                        AcquireCommandTest.assertFrames(d, published, frame, 1); // what a reader sees now
                    } catch (AssertionError e) {
                        throw new AssertionError(trial + ": " + e.getMessage(), e);
                    }
                    assertFramesBeyondExtent(d, recordedFrames, perSlab, frame, trial);
                }
                run(d, layouts.get(l), "--frames", Long.toString(frames), "--resume");
            }
            AcquireCommandTest.assertFrames(d, frames, frame, 1);
            assertSameLevels(d, refs.get(l), levels, trial);
            assertThat(CopyTrees.tempFiles(d)).as(trial + ": temp files after the acquisition finished").isEmpty();
            assertThat(d.resolve(AcquisitionWriter.STATE)).as(trial + ": acquisition record").doesNotExist();
            if (ranAgain) {
                assertThat(d.resolve(dev.ngff.write.WriterLock.NAME)).as(trial + ": writer lock").doesNotExist();
            } else {
                // killed between the record's removal and the lock's release: the data is whole, and the lock
                // left is the killed writer's, which the next writer takes over by itself
                try (FileSystemStore store = FileSystemStore.open(d)) {
                    assertThat(dev.ngff.write.WriterLock.holder(store, Key.ROOT).map(h -> h.provablyDead()).orElse(true))
                            .as(trial + ": a lock left after a finished acquisition is the killed writer's").isTrue();
                }
            }
            CopyTrees.delete(d);
        }
        System.out.println(name + ": " + midStream + " of " + trials + " kills left an acquisition in progress, "
                + tempsLeft + " left temp files that the resume removed");
    }

    /** Frames per index of the first axis: the product of the sizes in {@code --dims} after it. */
    private static long frameRank(List<String> layout) {
        int at = layout.indexOf("--dims");
        if (at < 0) {
            return 1;
        }
        long n = 1;
        for (String axis : layout.get(at + 1).split(",")) {
            int eq = axis.indexOf('=');
            if (eq > 0) {
                n *= Long.parseLong(axis.substring(eq + 1));
            }
        }
        return n;
    }

    /** The recorded frames are in level 0 at their indices, also those past the published extent. */
    private static void assertFramesBeyondExtent(Path image, long frames, long perSlab, long[] frame, String trial)
            throws IOException {
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
            AcquireCommandTest.assertFrames(copy, frames, frame, 1);
        } catch (AssertionError e) {
            throw new AssertionError(trial + ": " + e.getMessage(), e);
        } finally {
            CopyTrees.delete(copy);
        }
    }

    static void assertSameLevels(Path got, Path want, int levels, String trial) throws IOException {
        try (FileSystemStore a = FileSystemStore.open(got); FileSystemStore b = FileSystemStore.open(want);
             ExecutionContext ctx = ExecutionContext.create()) {
            for (int k = 0; k < levels; k++) {
                String level = Integer.toString(k);
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
