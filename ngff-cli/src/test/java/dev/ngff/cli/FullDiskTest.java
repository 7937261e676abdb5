package dev.ngff.cli;

import dev.ngff.acquire.AcquisitionWriter;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import dev.ngff.write.IncompleteMarker;
import dev.ngff.write.WriterLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real full disk (a small tmpfs) under {@code ngff copy} and {@code ngff acquire}: the writer stops with a
 * one-line error, keeps what it had finished (the copy marked incomplete, the acquisition's flushed frames),
 * and once the file system has grown, {@code --resume} finishes with the bytes of an uninterrupted run.
 */
class FullDiskTest {
    @TempDir
    Path dir;

    @Test
    void aCopyThatFillsTheDiskFailsInOneLineAndResumesIdentically() throws Exception {
        Path src = dir.resolve("src.zarr");
        CopySources.hierarchy(src, 11, 32, 256);
        Path ref = dir.resolve("ref.zarr");
        Cli.Result whole = copy(src, ref);
        assertThat(whole.code()).as(whole.err()).isZero();
        TreeMap<String, byte[]> reference = CopyTrees.files(ref);
        long bytes = reference.values().stream().mapToLong(b -> b.length).sum();

        try (SmallDisk disk = SmallDisk.mount(dir.resolve("disk"), bytes / 3)) {
            Path dst = disk.path().resolve("dst.zarr");
            Cli.Result full = copy(src, dst);
            assertThat(full.code()).as(full.out() + full.err()).isEqualTo(1);
            String err = full.err().strip();
            assertThat(err).as(err).doesNotContain("\n").doesNotContain("Exception")
                    .containsIgnoringCase("no space left").contains("dst.zarr", "is left incomplete", "ngff copy --resume");
            assertThat(dst.resolve(IncompleteMarker.NAME)).exists();
            assertThat(dst.resolve(WriterLock.NAME)).doesNotExist();
            assertThat(dst.resolve("zarr.json")).doesNotExist();
            assertThat(CopyTrees.tempFiles(dst)).as("temp files left on the full disk").isEmpty();
            Cli.Result info = Cli.run("info", dst);
            assertThat(info.code()).isEqualTo(1);
            assertThat(info.err()).contains("is incomplete");

            // a resume that finds the disk still full fails the same way and loses nothing already kept
            Cli.Result stillFull = copy("--resume", src, dst);
            assertThat(stillFull.code()).as(stillFull.out() + stillFull.err()).isEqualTo(1);
            assertThat(stillFull.err().strip()).doesNotContain("\n").containsIgnoringCase("no space left");

            disk.resize(bytes * 4);
            Cli.Result resumed = copy("--resume", src, dst);
            assertThat(resumed.code()).as(resumed.err()).isZero();
            assertThat(resumed.out()).contains("blocks verified and kept from the interrupted run");
            CopyTrees.assertIdentical(dst, reference, "copy resumed after the disk grew");
        }
    }

    @Test
    void anAcquisitionThatFillsTheDiskKeepsItsFlushedFramesAndResumesIdentically() throws Exception {
        long frames = 240;
        List<String> layout = List.of("--frame-shape", "48,40", "--chunks", "16,16", "--shard-depth", "8",
                "--levels", "3", "--flush-every", "8", "--codec", "none");
        Path ref = dir.resolve("ref");
        AcquireCrashTest.run(ref, layout, "--frames", Long.toString(frames));
        long bytes = CopyTrees.files(ref).values().stream().mapToLong(b -> b.length).sum();

        try (SmallDisk disk = SmallDisk.mount(dir.resolve("disk"), bytes / 2)) {
            Path dst = disk.path().resolve("acq.ome.zarr");
            Path log = dir.resolve("full.out");
            Process p = AcquireCrashTest.start(dst, log, layout, "--frames", Long.toString(frames));
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String err = new String(p.getErrorStream().readAllBytes()).strip();
            assertThat(p.exitValue()).as(err).isEqualTo(1);
            assertThat(err).as(err).doesNotContain("\n").doesNotContain("Exception").containsIgnoringCase("no space left");

            long reported = 0;
            for (String line : Files.readAllLines(log)) {
                if (line.startsWith("flushed ")) {
                    reported = Long.parseLong(line.substring(8).trim());
                }
            }
            Optional<Long> recorded;
            try (FileSystemStore store = FileSystemStore.open(dst)) {
                recorded = AcquisitionWriter.flushedFrames(store, Key.ROOT);
            }
            assertThat(recorded).as("the acquisition record on the full disk").isPresent();
            assertThat(recorded.get()).as("frames recorded against those reported flushed")
                    .isGreaterThanOrEqualTo(reported).isLessThan(frames);
            System.out.println("full disk: the acquisition stopped with " + recorded.get() + " of " + frames
                    + " frames flushed (" + reported + " reported)");

            disk.resize(bytes * 4);
            List<String> resume = new ArrayList<>(layout);
            resume.addAll(List.of("--frames", Long.toString(frames), "--resume"));
            AcquireCrashTest.run(dst, resume);
            AcquireCommandTest.assertFrames(dst, frames, new long[]{48, 40}, 1);
            AcquireCrashTest.assertSameLevels(dst, ref, 3, "acquisition resumed after the disk grew");
        }
    }

    /** {@code ngff copy ARGS} with the crash tests' options (many small blocks). */
    private static Cli.Result copy(Object... args) {
        List<Object> all = new ArrayList<>(List.of(args));
        all.add(0, "copy");
        all.addAll(List.of((Object[]) CopySources.OPTIONS));
        return Cli.run(all.toArray());
    }
}
