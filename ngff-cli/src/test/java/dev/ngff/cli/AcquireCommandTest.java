package dev.ngff.cli;

import dev.ngff.acquire.AcquisitionWriter;
import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.DataType;
import dev.ngff.ome.OmeImage;
import dev.ngff.ome.OmeZarr;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ngff acquire}: the simulated camera writes a valid image whose every frame sits at its index. */
class AcquireCommandTest {
    @TempDir
    Path dir;

    /** Checks that the first {@code frames} frames of level 0 are the camera's frames 0.. in order. */
    static void assertFrames(Path image, long frames, long[] frameShape, long seed) throws IOException {
        try (FileSystemStore store = FileSystemStore.open(image); ExecutionContext ctx = ExecutionContext.create()) {
            OmeImage img = OmeZarr.openImage(Zarr.openGroup(store, Key.ROOT, ctx));
            ZarrArray level0 = img.level(0).array();
            NdBuffer[] pool = AcquireCommand.framePool(frameShape, level0.dataType(), seed);
            long perFrame = NdBuffer.elementCount(frameShape);
            NdBuffer all = level0.read();
            MemorySegment want = Arena.ofAuto().allocate(perFrame * level0.dataType().byteSize());
            assertThat(all.elementCount()).as("elements of level 0").isGreaterThanOrEqualTo(frames * perFrame);
            for (long i = 0; i < frames; i++) {
                AcquireCommand.stamp(pool[(int) (i % pool.length)], i, want);
                MemorySegment got = all.segment().asSlice(i * want.byteSize(), want.byteSize());
                if (got.mismatch(want) != -1) {
                    throw new AssertionError(image + ": frame " + i + " differs from the camera's at byte " + got.mismatch(want));
                }
            }
        }
    }

    @Test
    void acquiresAValidPyramidWithEveryFrameInPlace() throws IOException {
        Path out = dir.resolve("a.ome.zarr");
        Cli.Result r = Cli.run("acquire", out, "--frames", 40, "--frame-shape", "64,48", "--chunks", "16,16",
                "--shard-depth", 8, "--levels", 3, "--flush-every", 16);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("flushed 16", "flushed 32", "acquired 40 frames of [64, 48] uint16", "dropped 0");
        Cli.Result info = Cli.run("info", out);
        assertThat(info.out()).contains("level 0", "40x64x48", "level 2", "40x16x12", "8x64x48");
        Cli.Result v = Cli.run("validate", out);
        assertThat(v.code()).as(v.out() + v.err()).isZero();
        assertFrames(out, 40, new long[] {64, 48}, 1);
        assertThat(dir.resolve("a.ome.zarr").resolve(AcquisitionWriter.STATE)).doesNotExist();
    }

    @Test
    void aTimePointCutShortIsCompletedWithFillFrames() throws IOException {
        Path out = dir.resolve("tcz.ome.zarr");
        Cli.Result r = Cli.run("acquire", out, "--frames", 14, "--dims", "t,c=2,z=3", "--frame-shape", "32,32",
                "--levels", 2, "--dtype", "uint8", "--pixel-size", "2,0.5,0.5");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Cli.run("info", out).out()).contains("3x2x3x32x32", "camera 1");
        assertFrames(out, 14, new long[] {32, 32}, 1);
        try (FileSystemStore store = FileSystemStore.open(out); ExecutionContext ctx = ExecutionContext.create()) {
            NdBuffer rest = Zarr.openArray(store, Key.of("0"), ctx).read(new long[] {2, 0, 2, 0, 0}, new long[] {1, 2, 1, 32, 32});
            assertThat(rest.allEqual(new byte[] {0})).as("frames 14..17, never acquired, read as fill").isTrue();
            assertThat(Zarr.openArray(store, Key.of("0"), ctx).dataType()).isEqualTo(DataType.UINT8);
        }
        assertThat(Cli.run("validate", out).code()).isZero();
    }

    @Test
    void usageErrorsAreOneLine() {
        Path out = dir.resolve("x");
        Cli.Result order = Cli.run("acquire", out, "--frames", 1, "--dims", "z,t=2");
        assertThat(order.code()).isEqualTo(2);
        assertThat(order.err()).contains("subset of t,c,z in that order");
        Cli.Result none = Cli.run("acquire", out);
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("--frames N or --duration");
        Cli.Result gauss = Cli.run("acquire", out, "--frames", 1, "--levels", 2, "--method", "gaussian");
        assertThat(gauss.code()).isEqualTo(2);
        assertThat(gauss.err()).contains("gaussian", "ngff pyramid");
        Cli.Result finished = Cli.run("acquire", dir.resolve("done"), "--frames", 2, "--frame-shape", "8,8");
        assertThat(finished.code()).isZero();
        Cli.Result resume = Cli.run("acquire", dir.resolve("done"), "--frames", 4, "--resume");
        assertThat(resume.code()).isEqualTo(1);
        assertThat(resume.err()).contains("no acquisition in progress").doesNotContain("Exception");
    }
}
