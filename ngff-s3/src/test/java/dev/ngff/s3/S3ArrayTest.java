package dev.ngff.s3;

import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.store.Key;
import dev.ngff.store.MemoryStore;
import dev.ngff.testing.TestArrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Arrays, sharded and not, written to and read from a real S3 server, and the requests they take. */
class S3ArrayTest {
    private final ExecutionContext ctx = ExecutionContext.create();
    private final S3Store s3 = S3Store.open(S3TestServer.freshLocation(), S3TestServer.options().build());

    @AfterEach
    void close() {
        s3.close();
        ctx.close();
    }

    private static ArrayMetadata sharded(boolean indexAtEnd, List<CodecSpec> inner) {
        return ArrayMetadata.builder(DataType.UINT16, 32, 64, 64).chunks(16, 64, 64)
                .codecs(Codecs.sharding(new long[] {8, 16, 16}, inner, Codecs.defaultShardIndexCodecs(), indexAtEnd))
                .build();
    }

    @Test
    void shardedArraysRoundTripAndMatchTheSameArrayInMemory() throws Exception {
        NdBuffer data = TestArrays.random(DataType.UINT16, new long[] {32, 64, 64}, 11);
        for (boolean atEnd : new boolean[] {true, false}) {
            ArrayMetadata meta = sharded(atEnd, List.of(Codecs.bytes("little"), Codecs.gzip(1)));
            Key path = Key.of("sharded-" + atEnd);
            ZarrArray a = Zarr.createArray(s3, path, meta, ctx);
            a.write(data);
            MemoryStore mem = new MemoryStore();
            Zarr.createArray(mem, path, meta, ctx).write(data);
            assertThat(s3.list(path)).isEqualTo(mem.list(path));
            for (Key k : mem.list(path)) {
                assertThat(s3.read(k).orElseThrow()).as(k.path()).isEqualTo(mem.read(k).orElseThrow());
            }
            ZarrArray r = Zarr.openArray(s3, path, ctx);
            assertThat(r.read().contentEquals(data)).isTrue();
            long[] off = {5, 10, 3};
            long[] shape = {20, 40, 57};
            assertThat(r.read(off, shape).contentEquals(data.copyRegion(off, shape))).isTrue();
        }
    }

    @Test
    void theCrtClientCarriesTheSameWorkload() throws Exception {
        NdBuffer data = TestArrays.random(DataType.UINT16, new long[] {32, 64, 64}, 15);
        try (S3Store crt = S3Store.open(S3TestServer.freshLocation(),
                S3TestServer.options().httpClient(S3Options.HttpClientKind.CRT).multipart(5L << 20, 5L << 20).build())) {
            Zarr.createArray(crt, Key.of("a"), sharded(true, List.of(Codecs.bytes("little"))), ctx).write(data);
            assertThat(Zarr.openArray(crt, Key.of("a"), ctx).read().contentEquals(data)).isTrue();
            byte[] big = new byte[(6 << 20) + 3];
            new java.util.Random(5).nextBytes(big);
            crt.write(Key.of("big"), dev.ngff.buffer.Bytes.wrap(big));
            assertThat(crt.requestCounts().of(S3Store.Op.UPLOAD_PART)).isEqualTo(2);
            assertThat(crt.read(Key.of("big"), dev.ngff.store.ByteRange.suffix(10)).orElseThrow().toArray())
                    .isEqualTo(java.util.Arrays.copyOfRange(big, big.length - 10, big.length));
            assertThat(crt.read(Key.of("missing"))).isEmpty();
        }
    }

    @Test
    void oneInnerChunkTakesTwoGetsThenOne() throws Exception {
        NdBuffer data = TestArrays.random(DataType.UINT16, new long[] {32, 64, 64}, 12);
        Zarr.createArray(s3, Key.of("a"), sharded(true, List.of(Codecs.bytes("little"))), ctx).write(data);
        ZarrArray r = Zarr.openArray(s3, Key.of("a"), ctx);
        S3Store.RequestCounts before = s3.requestCounts();
        NdBuffer one = r.read(new long[] {0, 0, 0}, new long[] {8, 16, 16});
        S3Store.RequestCounts first = s3.requestCounts().minus(before);
        assertThat(one.contentEquals(data.copyRegion(new long[3], new long[] {8, 16, 16}))).isTrue();
        // the index (one suffix GET) and the inner chunk (one ranged GET)
        assertThat(first.of(S3Store.Op.GET)).isEqualTo(2);
        assertThat(first.of(S3Store.Op.HEAD)).isZero();

        S3Store.RequestCounts before2 = s3.requestCounts();
        r.read(new long[] {8, 16, 16}, new long[] {8, 16, 16});
        assertThat(s3.requestCounts().minus(before2).of(S3Store.Op.GET)).as("index cached").isEqualTo(1);

        S3Store.RequestCounts before3 = s3.requestCounts();
        NdBuffer shard = r.read(new long[] {16, 0, 0}, new long[] {16, 64, 64});
        assertThat(shard.contentEquals(data.copyRegion(new long[] {16, 0, 0}, new long[] {16, 64, 64}))).isTrue();
        assertThat(s3.requestCounts().minus(before3).of(S3Store.Op.GET)).as("a whole shard").isLessThanOrEqualTo(2);
    }

    @Test
    void aCachedShardIndexFollowsOverwritesByOtherWriters() throws Exception {
        ArrayMetadata meta = sharded(true, List.of(Codecs.bytes("little"), Codecs.gzip(1)));
        NdBuffer first = TestArrays.random(DataType.UINT16, new long[] {32, 64, 64}, 21);
        Zarr.createArray(s3, Key.of("v"), meta, ctx).write(first);
        ZarrArray reader = Zarr.openArray(s3, Key.of("v"), ctx);
        long[] off = {8, 16, 32};
        long[] box = {8, 16, 16};
        assertThat(reader.read(off, box).contentEquals(first.copyRegion(off, box))).isTrue();

        // another writer (its own handle, so the reader's cache hears nothing) rewrites the shard with
        // data that compresses differently, so every inner chunk moves within it
        NdBuffer second = NdBuffer.filled(DataType.UINT16, new long[] {32, 64, 64}, new byte[] {7, 0});
        try (S3Store other = S3Store.open(s3.location(), S3TestServer.options().build())) {
            Zarr.openArray(other, Key.of("v"), ctx).write(second);
        }
        S3Store.RequestCounts before = s3.requestCounts();
        assertThat(reader.read(off, box).contentEquals(second.copyRegion(off, box)))
                .as("the stale cached index is detected by its ETag, not used").isTrue();
        // a ranged GET with If-Match answered 412, the index read again, the inner chunk read again
        assertThat(s3.requestCounts().minus(before).of(S3Store.Op.GET)).isEqualTo(3);
        S3Store.RequestCounts after = s3.requestCounts();
        assertThat(reader.read(off, box).contentEquals(second.copyRegion(off, box))).isTrue();
        assertThat(s3.requestCounts().minus(after).of(S3Store.Op.GET)).as("the new index is cached").isEqualTo(1);
    }

    @Test
    void piecesGoUpAsPartsCutAcrossThem() throws Exception {
        try (S3Store small = S3Store.open(S3TestServer.freshLocation(),
                S3TestServer.options().multipart(5L << 20, 5L << 20).build())) {
            byte[] all = new byte[(13 << 20) + 5];
            new java.util.Random(3).nextBytes(all);
            dev.ngff.buffer.Bytes b = dev.ngff.buffer.Bytes.wrap(all);
            // pieces of awkward sizes, so parts begin and end inside them
            List<dev.ngff.buffer.Bytes> pieces = List.of(b.slice(0, 3 << 20), b.slice(3 << 20, 1), b.slice((3 << 20) + 1, 7 << 20),
                    b.slice((10 << 20) + 1, (3 << 20) + 4));
            small.write(Key.of("p"), pieces);
            assertThat(small.requestCounts().of(S3Store.Op.UPLOAD_PART)).isEqualTo(3);
            assertThat(small.read(Key.of("p")).orElseThrow().toArray()).isEqualTo(all);
        }
    }

    @Test
    void zarrV2ArraysRoundTrip() throws Exception {
        NdBuffer data = TestArrays.random(DataType.INT32, new long[] {50, 70}, 13);
        ArrayMetadata meta = ArrayMetadata.builder(DataType.INT32, 50, 70).chunks(16, 16).zarrFormat(2)
                .codecs(List.of(Codecs.bytes("little"), Codecs.zstd(3, false))).build();
        Zarr.createArray(s3, Key.of("v2"), meta, ctx).write(data);
        assertThat(s3.exists(Key.of("v2/.zarray"))).isTrue();
        assertThat(Zarr.openArray(s3, Key.of("v2"), ctx).read().contentEquals(data)).isTrue();
    }

    @Test
    void shardsAboveTheMultipartThresholdGoUpInParts() throws Exception {
        try (S3Store small = S3Store.open(S3TestServer.freshLocation(),
                S3TestServer.options().multipart(5L << 20, 5L << 20).build())) {
            NdBuffer data = TestArrays.random(DataType.UINT16, new long[] {4, 1024, 1024}, 14);
            ArrayMetadata meta = ArrayMetadata.builder(DataType.UINT16, 4, 1024, 1024).chunks(4, 1024, 1024)
                    .codecs(Codecs.sharding(new long[] {1, 512, 512}, List.of(Codecs.bytes("little")),
                            Codecs.defaultShardIndexCodecs(), true)).build();
            Zarr.createArray(small, Key.ROOT, meta, ctx).write(data);
            S3Store.RequestCounts c = small.requestCounts();
            assertThat(c.of(S3Store.Op.CREATE_MULTIPART)).isEqualTo(1);
            assertThat(c.of(S3Store.Op.UPLOAD_PART)).isEqualTo(2); // 8 MiB + index in 5 MiB parts
            assertThat(c.of(S3Store.Op.COMPLETE_MULTIPART)).isEqualTo(1);
            assertThat(Zarr.openArray(small, Key.ROOT, ctx).read().contentEquals(data)).isTrue();
        }
    }
}
