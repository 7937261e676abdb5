import dev.ngff.acquire.AcquisitionSpec;
import dev.ngff.acquire.AcquisitionWriter;
import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.ome.Axis;
import dev.ngff.metadata.ome.NgffVersion;
import dev.ngff.ome.ImageSpec;
import dev.ngff.pyramid.Downsampling;
import dev.ngff.pyramid.PyramidPlan;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;

import java.nio.file.Path;
import java.util.List;

/**
 * A full disk during an acquisition, on a real file system (run by scripts/acquire-full-disk.sh on a small tmpfs).
 *
 *   java -cp ngff-bench/target/benchmarks.jar scripts/AcquireFullDisk.java DIR fill|resume FRAMES
 *
 * fill: streams uncompressed 256x256 uint16 frames (frame i holds the value i everywhere) with 2 live
 * levels, flushing every 8 frames, until the disk is full; prints the error, the flushed count and
 * what the store then holds. resume: resumes the acquisition and goes on to FRAMES frames, then checks
 * every frame of level 0.
 */
public class AcquireFullDisk {
    static final int EDGE = 256;

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String op = args[1];
        long total = Long.parseLong(args[2]);
        try (ExecutionContext ctx = ExecutionContext.create(); FileSystemStore store = FileSystemStore.open(dir)) {
            if (op.equals("fill")) {
                ImageSpec image = new ImageSpec(NgffVersion.V0_5, "disk", List.of(Axis.time("t", null),
                        Axis.space("y", "micrometer"), Axis.space("x", "micrometer")), DataType.UINT16,
                        new long[] {0, EDGE, EDGE}, new long[] {8, EDGE, EDGE}, new double[] {1, 1, 1}, null,
                        PyramidPlan.uniform(new int[] {1, 2, 2}, 2),
                        List.of(Codecs.sharding(new long[] {1, 128, 128}, List.of(Codecs.bytes("little")),
                                Codecs.defaultShardIndexCodecs(), true)), null, null, null);
                AcquisitionWriter.Options opts = AcquisitionWriter.Options.defaults().withQueueBytes(4L << 20)
                        .withBufferBytes(8L << 20)
                        .withOnError(t -> System.out.println("onError: " + t.getMessage()));
                AcquisitionWriter w = AcquisitionWriter.create(store, Key.ROOT,
                        new AcquisitionSpec(image, 2, new Downsampling.Mean()), opts, ctx);
                long flushed = 0;
                try {
                    for (long i = 0; i < total; i++) {
                        w.append(frame(i));
                        if ((i + 1) % 8 == 0) {
                            flushed = w.flush();
                        }
                    }
                    System.out.println("FAIL: the disk did not fill");
                    System.exit(1);
                } catch (java.io.IOException e) {
                    System.out.println("append/flush threw: " + e.getMessage());
                }
                try {
                    w.close();
                } catch (java.io.IOException e) {
                    System.out.println("close threw: " + e.getMessage());
                }
                long recorded = AcquisitionWriter.flushedFrames(store, Key.ROOT).orElseThrow();
                ZarrArray level0 = Zarr.openArray(store, Key.of("0"), ctx);
                System.out.println("flushed before the error " + flushed + ", recorded " + recorded + ", level 0 extent "
                        + level0.shape()[0]);
                check(level0, recorded);
                if (recorded != flushed || level0.shape()[0] != flushed) {
                    System.out.println("FAIL: lost flushed frames");
                    System.exit(1);
                }
            } else {
                try (AcquisitionWriter w = AcquisitionWriter.resume(store, Key.ROOT,
                        AcquisitionWriter.Options.defaults().withQueueBytes(4L << 20).withBufferBytes(8L << 20), ctx)) {
                    long next = w.metrics().framesAppended();
                    System.out.println("resumed at frame " + next);
                    for (long i = next; i < total; i++) {
                        w.append(frame(i));
                    }
                }
                ZarrArray level0 = Zarr.openArray(store, Key.of("0"), ctx);
                check(level0, total);
                ZarrArray level1 = Zarr.openArray(store, Key.of("1"), ctx);
                System.out.println("closed: level 0 extent " + level0.shape()[0] + ", level 1 extent " + level1.shape()[0]);
            }
        }
    }

    static short[] frame(long i) {
        short[] f = new short[EDGE * EDGE];
        java.util.Arrays.fill(f, (short) (i + 1));
        return f;
    }

    static void check(ZarrArray level0, long frames) throws Exception {
        for (long i = 0; i < frames; i++) {
            NdBuffer b = level0.read(new long[] {i, 0, 0}, new long[] {1, EDGE, EDGE});
            for (long e = 0; e < b.elementCount(); e += 997) {
                if (b.getAsLong(e) != i + 1) {
                    System.out.println("FAIL: frame " + i + " element " + e + " holds " + b.getAsLong(e));
                    System.exit(1);
                }
            }
        }
        System.out.println("level 0: frames 0.." + (frames - 1) + " read back intact");
    }
}
