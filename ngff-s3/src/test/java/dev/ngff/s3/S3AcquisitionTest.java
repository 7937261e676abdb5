package dev.ngff.s3;

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
import dev.ngff.s3.FaultProxy.Fault;
import dev.ngff.store.Key;
import dev.ngff.store.MemoryStore;
import dev.ngff.store.Store;
import dev.ngff.write.WriterLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Streaming acquisition onto a real S3 server (MinIO) through {@link FaultProxy}: transient faults mid-stream
 * are retried and the image comes out exact; an outage mid-stream is reported once, in one line, loses no
 * flushed frame, and once the server answers again the acquisition resumes to the image an uninterrupted run
 * makes.
 */
class S3AcquisitionTest {
    private static final int Y = 48;
    private static final int X = 40;
    private static final int FRAMES = 120;

    private FaultProxy proxy;
    private S3Location location;
    private S3Store direct;
    private ExecutionContext ctx;

    @BeforeEach
    void start() throws Exception {
        proxy = new FaultProxy(MinioTestServer.endpoint());
        location = MinioTestServer.freshLocation();
        direct = S3Store.open(location, MinioTestServer.options().build());
        ctx = ExecutionContext.create();
    }

    @AfterEach
    void stop() throws Exception {
        ctx.close();
        proxy.close();
        direct.close();
    }

    private S3Store viaProxy(int attempts) {
        return S3Store.open(location, MinioTestServer.options().endpoint(proxy.endpoint())
                .retries(attempts, Duration.ofMillis(1), Duration.ofMillis(20)).build());
    }

    /** t unbounded, 48x40 uint16 frames, shards of 8 frames x 48x48, inner chunks 1x16x16 zstd, two lower levels. */
    private static AcquisitionSpec spec() {
        ImageSpec image = new ImageSpec(NgffVersion.V0_5, "s3-acq", List.of(Axis.time("t", null),
                Axis.space("y", "micrometer"), Axis.space("x", "micrometer")), DataType.UINT16, new long[] {0, Y, X},
                new long[] {8, 48, 48}, new double[] {1, 0.5, 0.5}, null, PyramidPlan.uniform(new int[] {1, 2, 2}, 3),
                List.of(Codecs.sharding(new long[] {1, 16, 16}, List.of(Codecs.bytes("little"), Codecs.zstd(1, false)),
                        Codecs.defaultShardIndexCodecs(), true)), null, null, null);
        return new AcquisitionSpec(image, 2, new Downsampling.Mean());
    }

    private static short[] frame(long index) {
        SplittableRandom r = new SplittableRandom(index * 7919 + 17);
        short[] f = new short[Y * X];
        for (int i = 0; i < f.length; i++) {
            f[i] = (short) (100 + r.nextInt(4000));
        }
        return f;
    }

    /** The levels an uninterrupted acquisition of {@code FRAMES} frames writes, in memory. */
    private List<NdBuffer> reference() throws IOException {
        MemoryStore mem = new MemoryStore("reference");
        try (AcquisitionWriter w = AcquisitionWriter.create(mem, Key.ROOT, spec(), AcquisitionWriter.Options.defaults(), ctx)) {
            for (int i = 0; i < FRAMES; i++) {
                w.append(frame(i));
            }
        }
        return levels(mem);
    }

    private List<NdBuffer> levels(Store store) throws IOException {
        List<NdBuffer> out = new ArrayList<>();
        for (String level : List.of("0", "1", "2")) {
            out.add(Zarr.openArray(store, Key.of(level), ctx).read());
        }
        return out;
    }

    private void assertSameLevels(List<NdBuffer> got, List<NdBuffer> want, String what) {
        for (int k = 0; k < want.size(); k++) {
            assertThat(got.get(k).shape()).as("%s: level %d shape", what, k).isEqualTo(want.get(k).shape());
            assertThat(got.get(k).contentEquals(want.get(k))).as("%s: level %d values", what, k).isTrue();
        }
    }

    @Test
    void transientFaultsMidStreamAreRetriedAndTheImageIsExact() throws Exception {
        List<NdBuffer> want = reference();
        long seed = System.nanoTime();
        System.out.println("S3 acquisition under random faults: seed " + seed);
        Random faults = new Random(seed);
        List<Fault> kinds = List.copyOf(EnumSet.complementOf(EnumSet.of(Fault.NONE, Fault.CORRUPT)));
        proxy.policy(r -> {
            synchronized (faults) {
                return faults.nextInt(100) < 15 ? kinds.get(faults.nextInt(kinds.size())) : Fault.NONE;
            }
        });
        try (S3Store s3 = viaProxy(10);
             AcquisitionWriter w = AcquisitionWriter.create(s3, Key.ROOT, spec(), AcquisitionWriter.Options.defaults(), ctx)) {
            for (int i = 0; i < FRAMES; i++) {
                w.append(frame(i));
                if (i % 16 == 15) {
                    assertThat(w.flush()).as("seed %d", seed).isEqualTo(i + 1);
                }
            }
        }
        proxy.policy(r -> Fault.NONE);
        assertThat(proxy.injected()).as("faults injected (seed %d)", seed).hasSizeGreaterThan(5);
        assertSameLevels(levels(direct), want, "after random faults, seed " + seed);
        assertThat(AcquisitionWriter.flushedFrames(direct, Key.ROOT)).as("record removed at close").isEmpty();
        // MinIO ignores If-Match on DELETE: the lock is released as a tombstone there, which holds no holder
        assertThat(WriterLock.holder(direct, Key.ROOT)).as("lock released").isEmpty();
    }

    @Test
    void anOutageMidStreamFailsInOneLineKeepsTheFlushedFramesAndResumes() throws Exception {
        List<NdBuffer> want = reference();
        AtomicInteger reported = new AtomicInteger();
        AtomicReference<Throwable> seen = new AtomicReference<>();
        AcquisitionWriter.Options opts = AcquisitionWriter.Options.defaults().withOnError(t -> {
            reported.incrementAndGet();
            seen.set(t);
        });
        long flushed;
        try (S3Store s3 = viaProxy(3)) {
            AcquisitionWriter w = AcquisitionWriter.create(s3, Key.ROOT, spec(), opts, ctx);
            for (int i = 0; i < 40; i++) {
                w.append(frame(i));
            }
            flushed = w.flush();
            assertThat(flushed).isEqualTo(40);

            Function<FaultProxy.Request, Fault> outage = r -> Fault.INTERNAL_ERROR;
            proxy.policy(outage);
            Throwable thrown = null;
            for (int i = 40; i < FRAMES && thrown == null; i++) {
                try {
                    w.append(frame(i));
                    if (i % 8 == 7) {
                        w.flush();
                    }
                } catch (IOException e) {
                    thrown = e;
                }
            }
            assertThat(thrown).as("the outage reached the caller").isNotNull();
            String msg = thrown.getMessage();
            assertThat(msg).as(msg).doesNotContain("\n").doesNotContain("Exception").contains(location.bucket());
            assertThat(reported.get()).as("the error callback, once").isEqualTo(1);
            assertThat(seen.get()).isNotNull();

            proxy.policy(r -> Fault.NONE); // the server answers again
            assertThatThrownBy(w::close).as("close reports the failure").isInstanceOf(IOException.class);
        }
        assertThat(WriterLock.holder(direct, Key.ROOT)).as("lock released by close").isEmpty();
        long recorded = AcquisitionWriter.flushedFrames(direct, Key.ROOT).orElseThrow();
        assertThat(recorded).as("frames recorded").isGreaterThanOrEqualTo(flushed);
        ZarrArray level0 = Zarr.openArray(direct, Key.of("0"), ctx);
        long published = level0.shape()[0];
        assertThat(published).as("published extent").isLessThanOrEqualTo(recorded).isGreaterThanOrEqualTo(flushed);
        NdBuffer head = level0.read(new long[] {0, 0, 0}, new long[] {published, Y, X});
        assertThat(head.contentEquals(want.get(0).copyRegion(new long[] {0, 0, 0}, new long[] {published, Y, X})))
                .as("the flushed frames after the outage").isTrue();

        try (S3Store s3 = viaProxy(3);
             AcquisitionWriter again = AcquisitionWriter.resume(s3, Key.ROOT, AcquisitionWriter.Options.defaults(), ctx)) {
            long from = again.metrics().framesAppended();
            assertThat(from).isEqualTo(recorded);
            for (long i = from; i < FRAMES; i++) {
                again.append(frame(i));
            }
        }
        assertSameLevels(levels(direct), want, "resumed after the outage");
        assertThat(AcquisitionWriter.flushedFrames(direct, Key.ROOT)).isEmpty();
    }
}
