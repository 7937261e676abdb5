package dev.ngff.acquire;

import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.error.QueueFullException;
import dev.ngff.error.StoreException;
import dev.ngff.error.WriterLockedException;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.ome.Axis;
import dev.ngff.metadata.ome.NgffVersion;
import dev.ngff.ome.ImageSpec;
import dev.ngff.ome.OmeImage;
import dev.ngff.ome.OmeZarr;
import dev.ngff.pyramid.Downsampling;
import dev.ngff.pyramid.LevelSource;
import dev.ngff.pyramid.PyramidPlan;
import dev.ngff.pyramid.PyramidWriter;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import dev.ngff.store.MemoryStore;
import dev.ngff.store.Store;
import dev.ngff.testing.GatedStore;
import dev.ngff.write.Durability;
import dev.ngff.write.WriterLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The acquisition writer against the image made afterwards: level 0 holds the appended frames in order,
 * every lower level equals what {@link OmeZarr#writeImage} makes from that level 0, extents are
 * published only over written frames, and a writer stopped at any point resumes to the same image.
 */
class AcquisitionWriterTest {
    private static final int CASES = Integer.getInteger("ngff.acquire.cases", 40);
    private final ExecutionContext ctx = ExecutionContext.create();

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        ctx.close();
    }

    /** A random acquisition layout: outer axes, frame axes, sizes, chunking, levels, method, data type. */
    private record Layout(AcquisitionSpec spec, long frames, long[] flushAt) {
    }

    private static Layout layout(Random r) {
        List<Axis> axes = new ArrayList<>();
        List<Long> shape = new ArrayList<>();
        int outerKind = r.nextInt(4); // t | t,z | t,c,z | z (unbounded z)
        if (outerKind <= 2) {
            axes.add(Axis.time("t", null));
            shape.add(0L);
        }
        if (outerKind == 2) {
            axes.add(Axis.channel("c"));
            shape.add(1L + r.nextInt(3));
        }
        if (outerKind >= 1) {
            axes.add(Axis.space("z", "micrometer"));
            shape.add(outerKind == 3 ? 0L : 1L + r.nextInt(5));
        }
        int frameRank = 1 + r.nextInt(2);
        if (frameRank == 2) {
            axes.add(Axis.space("y", "micrometer"));
            shape.add(1L + r.nextInt(40));
        }
        axes.add(Axis.space("x", "micrometer"));
        shape.add(1L + r.nextInt(frameRank == 2 ? 40 : 200));
        int rank = axes.size();
        long[] s = shape.stream().mapToLong(Long::longValue).toArray();
        boolean bounded = r.nextInt(4) == 0;
        if (bounded) {
            s[0] = 1 + r.nextInt(9);
        }
        int levels = 1 + r.nextInt(4);
        List<int[]> factors = new ArrayList<>();
        for (int k = 1; k < levels; k++) {
            int[] f = new int[rank];
            for (int d = 0; d < rank; d++) {
                boolean spatial = axes.get(d).type().equals("space");
                f[d] = !spatial ? 1 : 1 + r.nextInt(3);
            }
            factors.add(f);
        }
        long[] inner = new long[rank];
        long[] shards = new long[rank];
        for (int d = 0; d < rank; d++) {
            inner[d] = 1 + r.nextInt(d < rank - frameRank ? 3 : 9);
            shards[d] = inner[d] * (1 + r.nextInt(3));
        }
        boolean sharded = r.nextBoolean();
        List<CodecSpec> chain = List.of(Codecs.bytes("little"), Codecs.gzip(1));
        List<CodecSpec> codecs = sharded ? List.of(Codecs.sharding(inner, chain, Codecs.defaultShardIndexCodecs(), true)) : chain;
        DataType type = List.of(DataType.UINT8, DataType.UINT16, DataType.INT32, DataType.FLOAT32).get(r.nextInt(4));
        Downsampling method = List.<Downsampling>of(new Downsampling.Mean(), new Downsampling.Mode(), new Downsampling.Min(),
                new Downsampling.Max(), new Downsampling.Nearest()).get(r.nextInt(5));
        double[] px = new double[rank];
        Arrays.fill(px, 1);
        ImageSpec image = new ImageSpec(NgffVersion.V0_5, "acq", axes, type, s, sharded ? shards : inner, px, null,
                new PyramidPlan(factors, rank), codecs, null, null, null);
        AcquisitionSpec spec = new AcquisitionSpec(image, frameRank, method);
        long perSlab = spec.framesPerSlab();
        long max = bounded ? s[0] * perSlab : (1 + r.nextInt(8)) * perSlab + r.nextInt((int) perSlab);
        long frames = bounded ? 1 + r.nextInt((int) max) : Math.max(1, max);
        long[] flushAt = r.longs(r.nextInt(3), 0, frames + 1).sorted().toArray();
        return new Layout(spec, frames, flushAt);
    }

    /** Frame {@code i}: deterministic values of the image's type, different for every frame. */
    private static NdBuffer frame(AcquisitionSpec spec, long i) {
        long[] fs = spec.frameShape();
        NdBuffer b = NdBuffer.allocate(spec.image().dataType(), fs);
        Random r = new Random(i * 7919 + 17);
        for (long e = 0; e < b.elementCount(); e++) {
            if (spec.image().dataType() == DataType.FLOAT32) {
                b.setAsDouble(e, r.nextInt(200) + r.nextDouble());
            } else {
                b.setAsLong(e, r.nextInt(200));
            }
        }
        return b;
    }

    @Test
    void liveLevelsEqualThePyramidMadeAfterwardsOverRandomLayouts() throws IOException {
        long seed = Long.getLong("ngff.seed", new Random().nextLong());
        System.out.println("AcquisitionWriterTest.liveLevelsEqualThePyramidMadeAfterwardsOverRandomLayouts: seed " + seed
                + ", " + CASES + " cases; rerun with -Dngff.seed=" + seed);
        Random r = new Random(seed);
        for (int c = 0; c < CASES; c++) {
            Layout l = layout(r);
            String what = "case " + c + " (seed " + seed + "): " + l.spec().image().axes().stream().map(Axis::name).toList()
                    + " " + Arrays.toString(l.spec().image().shape()) + " frame rank " + l.spec().frameRank() + ", "
                    + l.frames() + " frames, plan " + l.spec().image().plan() + ", " + l.spec().method().name() + ", "
                    + l.spec().image().dataType();
            MemoryStore store = new MemoryStore("acq");
            AcquisitionWriter.Options opts = AcquisitionWriter.Options.defaults().withQueueBytes(1 + r.nextInt(4096))
                    .withWriterThreads(1 + r.nextInt(3)).withBufferBytes(1 + r.nextInt(1 << 16));
            int f = 0;
            try (AcquisitionWriter w = AcquisitionWriter.create(store, Key.ROOT, l.spec(), opts, ctx)) {
                for (long i = 0; i < l.frames(); i++) {
                    while (f < l.flushAt().length && l.flushAt()[f] == i) {
                        assertThat(w.flush()).as(what).isEqualTo(i);
                        checkVisible(store, l, i, what);
                        f++;
                    }
                    assertThat(w.append(frame(l.spec(), i))).as(what).isEqualTo(i);
                }
            }
            checkFinal(store, l, what);
        }
    }

    /** After a flush of {@code frames}: every published extent holds only written frames, and they are right. */
    private void checkVisible(Store store, Layout l, long frames, String what) throws IOException {
        OmeImage image = OmeZarr.openImage(Zarr.openGroup(store, Key.ROOT, ctx));
        long slabs = frames / l.spec().framesPerSlab();
        ZarrArray level0 = image.level(0).array();
        assertThat(level0.shape()[0]).as(what + ": level 0 extent after " + frames + " frames").isEqualTo(slabs);
        checkLevel0(level0, l, what);
        assertThat(AcquisitionWriter.flushedFrames(store, Key.ROOT)).as(what).contains(frames);
    }

    private void checkLevel0(ZarrArray level0, Layout l, String what) throws IOException {
        NdBuffer all = level0.read();
        long perFrame = NdBuffer.elementCount(l.spec().frameShape());
        long frames = level0.shape()[0] * l.spec().framesPerSlab();
        for (long i = 0; i < Math.min(frames, l.frames()); i++) {
            NdBuffer want = frame(l.spec(), i);
            for (long e = 0; e < perFrame; e++) {
                if (all.getAsDouble(i * perFrame + e) != want.getAsDouble(e)) {
                    throw new AssertionError(what + ": level 0 frame " + i + " element " + e + " is "
                            + all.getAsDouble(i * perFrame + e) + ", appended " + want.getAsDouble(e));
                }
            }
        }
    }

    private void checkFinal(Store store, Layout l, String what) throws IOException {
        OmeImage image = OmeZarr.openImage(Zarr.openGroup(store, Key.ROOT, ctx));
        long perSlab = l.spec().framesPerSlab();
        long slabs = (l.frames() + perSlab - 1) / perSlab;
        ZarrArray level0 = image.level(0).array();
        assertThat(level0.shape()[0]).as(what + ": final level 0 extent").isEqualTo(slabs);
        checkLevel0(level0, l, what);
        assertThat(store.read(Key.of(AcquisitionWriter.STATE))).as(what + ": record removed").isEmpty();
        assertThat(store.read(WriterLock.key(Key.ROOT))).as(what + ": lock released").isEmpty();
        // the reference: the same image written afterwards from this level 0 in one pass
        MemoryStore ref = new MemoryStore("ref");
        ImageSpec spec = l.spec().image();
        long[] shape = spec.shape();
        shape[0] = slabs;
        ImageSpec full = new ImageSpec(spec.version(), spec.name(), spec.axes(), spec.dataType(), shape, spec.chunks(),
                spec.pixelSize(), spec.origin(), spec.plan(), spec.codecs(), spec.omero(), null, null);
        OmeImage want = OmeZarr.writeImage(ref, Key.ROOT, full, LevelSource.of(level0), l.spec().method(),
                PyramidWriter.Options.defaults(), Durability.NONE, null, ctx);
        assertThat(image.levels()).as(what).hasSameSizeAs(want.levels());
        for (int k = 0; k < want.levels().size(); k++) {
            ZarrArray got = image.level(k).array();
            ZarrArray exp = want.level(k).array();
            assertThat(got.shape()).as(what + ": level " + k + " shape").isEqualTo(exp.shape());
            assertThat(got.read().asBytes().toArray()).as(what + ": level " + k + " values").isEqualTo(exp.read().asBytes().toArray());
        }
        assertThat(dev.ngff.metadata.Json.parse(store.read(Key.of("zarr.json")).orElseThrow(), "ours"))
                .as(what + ": group metadata").isEqualTo(dev.ngff.metadata.Json.parse(ref.read(Key.of("zarr.json")).orElseThrow(), "ref"));
    }

    @Test
    void aSnapshotTakenMidStreamResumesToTheSameImage() throws Exception {
        long seed = Long.getLong("ngff.seed", new Random().nextLong());
        System.out.println("AcquisitionWriterTest.aSnapshotTakenMidStreamResumesToTheSameImage: seed " + seed
                + "; rerun with -Dngff.seed=" + seed);
        Random r = new Random(seed);
        for (int c = 0; c < 12; c++) {
            Layout l = layout(r);
            String what = "case " + c + " (seed " + seed + "): " + Arrays.toString(l.spec().image().shape()) + ", plan "
                    + l.spec().image().plan() + ", " + l.frames() + " frames";
            Path live = Files.createDirectories(dir.resolve("live" + c));
            Path snap = dir.resolve("snap" + c);
            long cut = r.nextLong(l.frames() + 1);
            long flushedAt = r.nextLong(cut + 1);
            try (FileSystemStore store = FileSystemStore.open(live)) {
                AcquisitionWriter w = AcquisitionWriter.create(store, Key.ROOT, l.spec(), AcquisitionWriter.Options.defaults(), ctx);
                for (long i = 0; i < cut; i++) {
                    if (i == flushedAt) {
                        w.flush();
                    }
                    w.append(frame(l.spec(), i));
                }
                if (cut == flushedAt) {
                    w.flush();
                }
                copyTree(live, snap); // what a kill -9 now would leave (objects appear whole; later ones may be there)
                w.close();
            }
            try (FileSystemStore store = FileSystemStore.open(snap)) {
                assertThatThrownBy(() -> AcquisitionWriter.resume(store, Key.ROOT, AcquisitionWriter.Options.defaults(), ctx))
                        .as(what).isInstanceOf(WriterLockedException.class); // the snapshot's lock names this live process
                WriterLock.breakLock(store, Key.ROOT);
                long recovered = AcquisitionWriter.flushedFrames(store, Key.ROOT).orElseThrow();
                assertThat(recovered).as(what + ": frames recorded").isEqualTo(flushedAt);
                checkLevel0(OmeZarr.openImage(Zarr.openGroup(store, Key.ROOT, ctx)).level(0).array(), l, what);
                try (AcquisitionWriter w = AcquisitionWriter.resume(store, Key.ROOT, AcquisitionWriter.Options.defaults(), ctx)) {
                    for (long i = recovered; i < l.frames(); i++) {
                        assertThat(w.append(frame(l.spec(), i))).isEqualTo(i);
                    }
                }
                checkFinal(store, l, what + ", resumed at " + recovered);
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult preVisitDirectory(Path d, java.nio.file.attribute.BasicFileAttributes a)
                    throws IOException {
                Files.createDirectories(to.resolve(from.relativize(d).toString()));
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFile(Path p, java.nio.file.attribute.BasicFileAttributes a)
                    throws IOException {
                if (!p.getFileName().toString().startsWith(".tmp-")) {
                    try {
                        Files.copy(p, to.resolve(from.relativize(p).toString()));
                    } catch (java.nio.file.NoSuchFileException gone) {
                        // replaced meanwhile: the snapshot has the directory without it, as a crash would
                    }
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path p, IOException e) throws IOException {
                if (e instanceof java.nio.file.NoSuchFileException) {
                    return java.nio.file.FileVisitResult.CONTINUE; // a temp file renamed while the walk listed it
                }
                throw e;
            }
        });
    }

    private static AcquisitionSpec planes(int y, int x, List<CodecSpec> codecs, long[] chunks) {
        ImageSpec image = new ImageSpec(NgffVersion.V0_5, "acq", List.of(Axis.time("t", null), Axis.space("y", "micrometer"),
                Axis.space("x", "micrometer")), DataType.UINT16, new long[] {0, y, x}, chunks, new double[] {1, 1, 1}, null,
                PyramidPlan.single(3), codecs, null, null, null);
        return AcquisitionSpec.of(image);
    }

    @Test
    void aFullQueueFailsFastWhenAskedAndTakesNothing() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        GatedStore store = new GatedStore(new MemoryStore("slow"), release);
        store.gate.set(true);
        AcquisitionSpec spec = planes(8, 8, List.of(Codecs.bytes("little")), new long[] {1, 8, 8});
        AcquisitionWriter.Options opts = AcquisitionWriter.Options.defaults().withQueueBytes(128)
                .withOverflow(AcquisitionWriter.Overflow.FAIL).withWriterThreads(1).withBufferBytes(1);
        try (AcquisitionWriter w = AcquisitionWriter.create(store, Key.ROOT, spec, opts, ctx)) {
            short[] f = new short[64];
            Arrays.fill(f, (short) 1); // not the fill value: its chunks are stored
            assertThat(w.append(f)).isZero(); // taken by the writer thread, whose store write waits
            Thread.sleep(200);
            assertThat(w.append(f)).isEqualTo(1); // queued: the queue holds one frame
            assertThatThrownBy(() -> w.append(f)).isInstanceOf(QueueFullException.class)
                    .hasMessageContaining("slow").hasMessageContaining("frame queue is full");
            assertThat(w.metrics().framesRejected()).isEqualTo(1);
            assertThat(w.metrics().framesAppended()).isEqualTo(2);
            release.countDown();
            assertThat(w.flush()).isEqualTo(2);
            assertThat(w.append(f)).isEqualTo(2); // nothing was taken by the refused append
        }
        assertThat(Zarr.openArray(store, Key.of("0"), ctx).shape()).containsExactly(3, 8, 8);
    }

    @Test
    void aStoreFailureIsReportedOnceAndThrownByLaterCallsKeepingWhatWasFlushed() throws Exception {
        MemoryStore mem = new MemoryStore("mem");
        GatedStore store = new GatedStore(mem, new CountDownLatch(0));
        AtomicBoolean fail = store.fail;
        AcquisitionSpec spec = planes(8, 8, List.of(Codecs.bytes("little")), new long[] {1, 8, 8});
        AtomicInteger reported = new AtomicInteger();
        AtomicReference<Throwable> seen = new AtomicReference<>();
        AcquisitionWriter.Options opts = AcquisitionWriter.Options.defaults().withBufferBytes(1)
                .withOnError(t -> {
                    reported.incrementAndGet();
                    seen.set(t);
                });
        AcquisitionWriter w = AcquisitionWriter.create(store, Key.ROOT, spec, opts, ctx);
        short[] f = new short[64];
        Arrays.fill(f, (short) 1); // not the fill value: its chunks are stored
        for (int i = 0; i < 4; i++) {
            w.append(f);
        }
        assertThat(w.flush()).isEqualTo(4);
        fail.set(true);
        assertThatThrownBy(() -> {
            for (int i = 0; i < 1000; i++) {
                w.append(f);
                Thread.sleep(2);
            }
        }).isInstanceOf(StoreException.class).hasMessageContaining("disk full");
        assertThatThrownBy(w::flush).isInstanceOf(StoreException.class).hasMessageContaining("disk full");
        assertThatThrownBy(w::close).isInstanceOf(StoreException.class).hasMessageContaining("disk full");
        assertThat(reported.get()).isEqualTo(1);
        assertThat(seen.get()).hasMessageContaining("disk full");
        fail.set(false);
        assertThat(Zarr.openArray(mem, Key.of("0"), ctx).shape()).containsExactly(4, 8, 8);
        assertThat(AcquisitionWriter.flushedFrames(mem, Key.ROOT)).contains(4L);
        assertThat(mem.read(WriterLock.key(Key.ROOT))).as("lock released by close").isEmpty();
        try (AcquisitionWriter again = AcquisitionWriter.resume(mem, Key.ROOT, AcquisitionWriter.Options.defaults(), ctx)) {
            assertThat(again.append(f)).isEqualTo(4);
        }
        assertThat(Zarr.openArray(mem, Key.of("0"), ctx).shape()).containsExactly(5, 8, 8);
    }

    @Test
    void appendsCheckTheFrameAndABoundedAcquisitionFills() throws Exception {
        ImageSpec image = new ImageSpec(NgffVersion.V0_5, "acq", List.of(Axis.time("t", null), Axis.space("y", "micrometer"),
                Axis.space("x", "micrometer")), DataType.UINT16, new long[] {2, 4, 4}, new long[] {1, 4, 4},
                new double[] {1, 1, 1}, null, PyramidPlan.single(3), List.of(Codecs.bytes("little")), null, null, null);
        MemoryStore store = new MemoryStore();
        try (AcquisitionWriter w = AcquisitionWriter.create(store, Key.ROOT, AcquisitionSpec.of(image),
                AcquisitionWriter.Options.defaults(), ctx)) {
            assertThatThrownBy(() -> w.append(new short[15])).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("[4, 4]");
            assertThatThrownBy(() -> w.append(new byte[16])).isInstanceOf(IllegalArgumentException.class);
            w.append(new short[16]);
            w.append(java.nio.ByteBuffer.allocate(32));
            assertThatThrownBy(() -> w.append(new short[16])).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("full");
            assertThatThrownBy(() -> AcquisitionWriter.create(store, Key.ROOT, AcquisitionSpec.of(image),
                    AcquisitionWriter.Options.defaults(), ctx)).isInstanceOf(WriterLockedException.class);
        }
        assertThat(Zarr.openArray(store, Key.of("0"), ctx).shape()).containsExactly(2, 4, 4);
        assertThatThrownBy(() -> AcquisitionWriter.resume(store, Key.ROOT, AcquisitionWriter.Options.defaults(), ctx))
                .hasMessageContaining("no acquisition in progress");
    }

    @Test
    void aGaussianLivePyramidIsRefusedWithTheReason() {
        ImageSpec image = new ImageSpec(NgffVersion.V0_5, "acq", List.of(Axis.time("t", null), Axis.space("y", "micrometer"),
                Axis.space("x", "micrometer")), DataType.UINT16, new long[] {0, 4, 4}, new long[] {1, 4, 4},
                new double[] {1, 1, 1}, null, PyramidPlan.uniform(new int[] {1, 2, 2}, 2), List.of(Codecs.bytes("little")),
                null, null, null);
        assertThatThrownBy(() -> new AcquisitionSpec(image, 2, Downsampling.Gaussian.defaults()))
                .hasMessageContaining("gaussian").hasMessageContaining("ngff pyramid");
    }
}
