package dev.ngff.s3;

import dev.ngff.acquire.AcquisitionSpec;
import dev.ngff.acquire.AcquisitionWriter;
import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
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
import dev.ngff.store.ObjectUpload;
import dev.ngff.store.Store;
import dev.ngff.write.ArrayWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Shards streamed to MinIO as one multipart upload each, parts of 5 MiB sent as inner chunks complete
 * ({@link S3Store#openUpload} under {@link ArrayWriter}): byte for byte the objects of the whole-shard path,
 * part failures retried through {@link FaultProxy}, a part that fails for good leaves neither an object nor
 * an open multipart upload, and a streamed acquisition equals one written into memory.
 */
class S3StreamingTest {
    private static final long PART = 5L << 20;
    /** 16 frames of 512x512 uint16 per shard: 8 MiB, so a shard is a 5 MiB part and a last one. */
    private static final long[] SHAPE = {40, 512, 512};
    private static final long[] SHARD = {16, 512, 512};

    private FaultProxy proxy;
    private S3Location location;
    private S3Store direct;
    private ExecutionContext ctx;

    @BeforeEach
    void start() throws Exception {
        proxy = new FaultProxy(MinioTestServer.endpoint());
        location = MinioTestServer.freshLocation();
        direct = S3Store.open(location, MinioTestServer.options().multipart(PART, PART).build());
        ctx = ExecutionContext.create();
    }

    @AfterEach
    void stop() throws Exception {
        ctx.close();
        proxy.close();
        direct.close();
    }

    private S3Store viaProxy(int attempts) {
        return S3Store.open(location, MinioTestServer.options().endpoint(proxy.endpoint()).multipart(PART, PART)
                .retries(attempts, Duration.ofMillis(1), Duration.ofMillis(20)).build());
    }

    private static ArrayMetadata meta() {
        return ArrayMetadata.builder(DataType.UINT16, SHAPE).chunks(SHARD)
                .codecs(Codecs.sharding(new long[] {1, 256, 256}, List.of(Codecs.bytes("little")),
                        Codecs.defaultShardIndexCodecs(), true)).build();
    }

    private static NdBuffer frames() {
        NdBuffer b = NdBuffer.allocate(DataType.UINT16, SHAPE);
        SplittableRandom r = new SplittableRandom(42);
        for (long i = 0; i < b.elementCount(); i++) {
            b.setAsLong(i, r.nextInt(1 << 16));
        }
        long plane = SHAPE[1] * SHAPE[2];
        for (long i = 0; i < plane; i++) {
            b.setAsLong(5 * plane + i, 0); // one frame of fill value: inner chunks not stored
        }
        return b;
    }

    /** Writes the frames one by one (as fast as memory gives them) and returns the shards streamed. */
    private static long write(ZarrArray a, NdBuffer all) throws IOException {
        ArrayWriter w = a.writer(ArrayWriter.Options.defaults().withBufferBytes(64L << 20));
        try {
            for (long z = 0; z < SHAPE[0]; z++) {
                long[] at = {z, 0, 0};
                w.write(at, all.copyRegion(at, new long[] {1, SHAPE[1], SHAPE[2]}));
            }
            w.flush();
        } catch (IOException | RuntimeException e) {
            try {
                w.close();
            } catch (IOException | RuntimeException again) {
                // the same failure, reported again by close
            }
            throw e;
        }
        w.close();
        return w.streamedShards();
    }

    private static void assertSameObjects(Store expected, Store actual) throws IOException {
        List<Key> keys = expected.list(Key.ROOT);
        assertThat(actual.list(Key.ROOT)).containsExactlyInAnyOrderElementsOf(keys);
        for (Key k : keys) {
            Bytes want = expected.read(k).orElseThrow();
            Bytes got = actual.read(k).orElseThrow();
            assertThat(got.size()).as("size of " + k).isEqualTo(want.size());
            assertThat(got.equals(want)).as("bytes of " + k).isTrue();
        }
    }

    private MemoryStore reference(NdBuffer all) throws IOException {
        MemoryStore mem = new MemoryStore("reference");
        write(Zarr.createArray(mem, Key.of("a"), meta(), ctx), all);
        return mem;
    }

    /** Multipart uploads MinIO still holds for the shard objects. */
    private List<String> openUploads(List<Key> keys) {
        List<String> objects = keys.stream().map(location::objectKey).toList();
        return OpenUploads.onMinio(location).stream().filter(objects::contains).toList();
    }

    private static List<Key> shardKeys(ZarrArray a) {
        List<Key> keys = new ArrayList<>();
        for (long z = 0; z < (SHAPE[0] + SHARD[0] - 1) / SHARD[0]; z++) {
            keys.add(a.chunkKey(z, 0, 0));
        }
        return keys;
    }

    @Test
    void streamedShardsAreTheWholeShardObjectsSentInParts() throws Exception {
        NdBuffer all = frames();
        MemoryStore want = reference(all);
        S3Store.RequestCounts before = direct.requestCounts();
        ZarrArray a = Zarr.createArray(direct, Key.of("a"), meta(), ctx);
        long streamed = write(a, all);
        S3Store.RequestCounts used = direct.requestCounts().minus(before);
        System.out.println("streamed shards to MinIO: " + used);
        assertThat(streamed).as("the three shards streamed").isEqualTo(3);
        // shards of 16, 16 and 8 frames (8, 8, 4 MiB less the fill frame): two multipart uploads, the last shard
        // (under one part) one PUT on commit
        assertThat(used.of(S3Store.Op.CREATE_MULTIPART)).isEqualTo(2);
        assertThat(used.of(S3Store.Op.COMPLETE_MULTIPART)).isEqualTo(2);
        assertThat(used.of(S3Store.Op.UPLOAD_PART)).isEqualTo(4);
        assertSameObjects(want, direct);
        assertThat(a.read().contentEquals(all)).isTrue();
        assertThat(openUploads(shardKeys(a))).isEmpty();
    }

    @Test
    void partFailuresAreRetriedAndTheObjectsAreExact() throws Exception {
        NdBuffer all = frames();
        MemoryStore want = reference(all);
        long seed = System.nanoTime();
        System.out.println("S3StreamingTest part faults: seed " + seed);
        Random faults = new Random(seed);
        AtomicBoolean firstFault = new AtomicBoolean(true);
        List<Fault> kinds = List.of(Fault.DROP, Fault.RESET, Fault.SLOW_DOWN, Fault.INTERNAL_ERROR, Fault.LOSE_ANSWER);
        proxy.policy(r -> {
            if (!r.target().contains("partNumber=") && !r.target().contains("uploads") && !r.target().contains("uploadId=")) {
                return Fault.NONE;
            }
            synchronized (faults) {
                // the first upload request always fails, so every seed exercises a retry
                return firstFault.getAndSet(false) || faults.nextInt(100) < 40 ? kinds.get(faults.nextInt(kinds.size())) : Fault.NONE;
            }
        });
        ZarrArray a;
        try (S3Store s3 = viaProxy(12)) {
            a = Zarr.createArray(s3, Key.of("a"), meta(), ctx);
            assertThat(write(a, all)).isEqualTo(3);
            assertThat(s3.requestCounts().retries()).as("retries (seed %d)", seed).isPositive();
        }
        proxy.policy(r -> Fault.NONE);
        assertThat(proxy.injected()).as("faults injected (seed %d)", seed).isNotEmpty();
        assertSameObjects(want, direct);
        assertThat(openUploads(shardKeys(a))).as("seed %d", seed).isEmpty();
    }

    @Test
    void aPartThatFailsForGoodLeavesNoObjectAndNoUpload() throws Exception {
        NdBuffer all = frames();
        proxy.policy(r -> r.target().contains("partNumber=2") ? Fault.INTERNAL_ERROR : Fault.NONE);
        ZarrArray a;
        try (S3Store s3 = viaProxy(3)) {
            a = Zarr.createArray(s3, Key.of("a"), meta(), ctx);
            assertThatThrownBy(() -> write(a, all)).isInstanceOf(IOException.class)
                    .hasMessageContaining("part 2").hasMessageContaining(location.bucket())
                    .hasMessageNotContaining("\n").hasMessageNotContaining("Exception");
            assertThat(s3.requestCounts().of(S3Store.Op.ABORT_MULTIPART)).as("aborted").isPositive();
        }
        proxy.policy(r -> Fault.NONE);
        assertThat(openUploads(shardKeys(a))).as("no multipart upload left on the server").isEmpty();
        assertThat(direct.exists(a.chunkKey(0, 0, 0))).as("no shard object").isFalse();
        assertThat(direct.exists(a.chunkKey(1, 0, 0))).isFalse();
    }

    @Test
    void anAbortedUploadLeavesNothingAndACommittedOneAppearsWhole() throws Exception {
        byte[] data = new byte[(int) (PART * 2 + 12345)];
        new Random(9).nextBytes(data);
        Key key = Key.of("u/obj");
        try (ObjectUpload up = direct.openUpload(key)) {
            up.append(Bytes.wrap(data, 0, (int) PART + 7));
            assertThat(up.heldBytes()).isLessThanOrEqualTo(PART + 7);
            up.append(Bytes.wrap(data, (int) PART + 7, data.length - (int) PART - 7));
            assertThat(direct.exists(key)).as("invisible before commit").isFalse();
            up.abort();
        }
        assertThat(direct.exists(key)).isFalse();
        assertThat(openUploads(List.of(key))).isEmpty();
        try (ObjectUpload up = direct.openUpload(key)) {
            for (int off = 0; off < data.length; off += 1 << 20) {
                up.append(Bytes.wrap(data, off, Math.min(1 << 20, data.length - off)));
            }
            up.commit();
        }
        assertThat(direct.read(key).orElseThrow().toArray()).isEqualTo(data);
        assertThat(openUploads(List.of(key))).isEmpty();
    }

    @Test
    void aStreamedAcquisitionEqualsOneInMemory() throws Exception {
        int y = 512;
        int x = 512;
        ImageSpec image = new ImageSpec(NgffVersion.V0_5, "s3-stream", List.of(Axis.time("t", null),
                Axis.space("y", "micrometer"), Axis.space("x", "micrometer")), DataType.UINT16, new long[] {0, y, x},
                new long[] {16, 512, 512}, new double[] {1, 0.5, 0.5}, null, PyramidPlan.uniform(new int[] {1, 2, 2}, 2),
                List.of(Codecs.sharding(new long[] {1, 256, 256}, List.of(Codecs.bytes("little")),
                        Codecs.defaultShardIndexCodecs(), true)), null, null, null);
        AcquisitionSpec spec = new AcquisitionSpec(image, 2, new Downsampling.Mean());
        MemoryStore mem = new MemoryStore("reference");
        for (Store store : List.of(mem, (Store) direct)) {
            try (AcquisitionWriter w = AcquisitionWriter.create(store, Key.ROOT, spec, AcquisitionWriter.Options.defaults(), ctx)) {
                for (int i = 0; i < 40; i++) {
                    SplittableRandom r = new SplittableRandom(i);
                    short[] f = new short[y * x];
                    for (int j = 0; j < f.length; j++) {
                        f[j] = (short) r.nextInt(1 << 16);
                    }
                    w.append(f);
                    if (i == 23) {
                        assertThat(w.flush()).isEqualTo(24); // mid-shard: the open upload is finished as a partial shard
                    }
                }
            }
        }
        for (String level : List.of("0", "1")) {
            ZarrArray want = Zarr.openArray(mem, Key.of(level), ctx);
            ZarrArray got = Zarr.openArray(direct, Key.of(level), ctx);
            assertThat(got.shape()).isEqualTo(want.shape());
            assertThat(got.read().contentEquals(want.read())).as("level " + level).isTrue();
            for (long t = 0; t < want.metadata().gridShape()[0]; t++) {
                Key k = want.chunkKey(t, 0, 0);
                assertThat(direct.read(k).orElseThrow().equals(mem.read(k).orElseThrow())).as("bytes of " + k).isTrue();
            }
        }
        assertThat(direct.requestCounts().of(S3Store.Op.CREATE_MULTIPART)).as("level 0 shards streamed").isPositive();
    }
}
