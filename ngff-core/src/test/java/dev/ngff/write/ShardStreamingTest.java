package dev.ngff.write;

import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.error.StoreException;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.store.Key;
import dev.ngff.store.MemoryStore;
import dev.ngff.store.ObjectUpload;
import dev.ngff.store.Store;
import dev.ngff.testing.ForwardingStore;
import dev.ngff.testing.RecordingStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Shards streamed into a store's uploads ({@link ArrayWriter} with a store whose {@code uploadPartSize} is
 * present): the objects are byte for byte those of the whole-shard path, flushes and overwrites of
 * streamed inner chunks keep today's semantics, a shard stored before is merged rather than streamed, a
 * failed part leaves no object and no open upload, and the buffer holds about a part instead of a shard.
 */
class ShardStreamingTest {
    private final ExecutionContext ctx = ExecutionContext.create();

    @AfterEach
    void close() {
        ctx.close();
    }

    /**
     * A store whose uploads "send" full parts of {@code part} bytes (into a byte stream, as a server would
     * receive them), so they hold less than a part; the object appears on commit. Counts uploads.
     */
    static final class PartStore extends ForwardingStore {
        final long part;
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger open = new AtomicInteger();
        final AtomicInteger committed = new AtomicInteger();
        final AtomicLong partsSent = new AtomicLong();
        final AtomicLong peakHeld = new AtomicLong();
        /** Fail the upload of the part with this number (over all uploads, from 1); 0: never. */
        volatile long failPart;

        PartStore(Store delegate, long part) {
            super(delegate);
            this.part = part;
        }

        @Override
        public OptionalLong uploadPartSize() {
            return OptionalLong.of(part);
        }

        @Override
        public ObjectUpload openUpload(Key key) {
            opened.incrementAndGet();
            open.incrementAndGet();
            return new ObjectUpload() {
                final ByteArrayOutputStream sent = new ByteArrayOutputStream();
                final List<Bytes> current = new ArrayList<>();
                long held;
                long appended;
                boolean ended;

                @Override
                public Key key() {
                    return key;
                }

                @Override
                public void append(Bytes piece) throws IOException {
                    if (ended) {
                        throw new IllegalStateException("ended");
                    }
                    current.add(piece);
                    held += piece.size();
                    appended += piece.size();
                    peakHeld.accumulateAndGet(held, Math::max);
                    while (held >= part) {
                        byte[] all = Bytes.concat(current.toArray(Bytes[]::new)).toArray();
                        if (partsSent.incrementAndGet() == failPart) {
                            abort();
                            throw new StoreException("test store: part " + failPart + " of '" + key + "' failed");
                        }
                        sent.write(all, 0, (int) part);
                        current.clear();
                        current.add(Bytes.wrap(java.util.Arrays.copyOfRange(all, (int) part, all.length)));
                        held -= part;
                    }
                }

                @Override
                public long appendedBytes() {
                    return appended;
                }

                @Override
                public long heldBytes() {
                    return held;
                }

                @Override
                public void commit() throws IOException {
                    for (Bytes b : current) {
                        sent.write(b.toArray(), 0, (int) b.size());
                    }
                    ended = true;
                    open.decrementAndGet();
                    committed.incrementAndGet();
                    delegate.write(key, Bytes.wrap(sent.toByteArray()));
                }

                @Override
                public void abort() {
                    if (!ended) {
                        ended = true;
                        open.decrementAndGet();
                    }
                }

                @Override
                public void close() {
                    abort();
                }
            };
        }
    }

    private static ArrayMetadata sharded(long[] shape, long[] shard, long[] inner, List<CodecSpec> chain) {
        return ArrayMetadata.builder(DataType.UINT16, shape).chunks(shard)
                .codecs(Codecs.sharding(inner, chain, Codecs.defaultShardIndexCodecs(), true)).build();
    }

    /** Seeded values; whole planes of zeros (the fill value) at random so some inner chunks are not stored. */
    private static NdBuffer data(Random r, long... shape) {
        NdBuffer b = NdBuffer.allocate(DataType.UINT16, shape);
        long plane = b.elementCount() / shape[0];
        for (long z = 0; z < shape[0]; z++) {
            boolean zero = r.nextInt(5) == 0;
            for (long i = 0; i < plane; i++) {
                b.setAsLong(z * plane + i, zero ? 0 : r.nextInt(1 << 16));
            }
        }
        return b;
    }

    private static void writeFrames(ZarrArray a, NdBuffer all, long from, long to, ArrayWriter w) throws IOException {
        long[] frame = all.shape();
        frame[0] = 1;
        for (long z = from; z < to; z++) {
            long[] at = new long[frame.length];
            at[0] = z;
            w.write(at, all.copyRegion(at, frame));
        }
    }

    private static void assertSameObjects(Store expected, Store actual) throws IOException {
        List<Key> keys = expected.list(Key.ROOT);
        assertThat(actual.list(Key.ROOT)).containsExactlyInAnyOrderElementsOf(keys);
        for (Key k : keys) {
            assertThat(actual.read(k).orElseThrow().toArray()).as("object " + k).isEqualTo(expected.read(k).orElseThrow().toArray());
        }
    }

    @Test
    void streamedShardsAreByteForByteTheWholeShardWrites() throws Exception {
        long seed = System.nanoTime();
        System.out.println("ShardStreamingTest seed " + seed);
        Random r = new Random(seed);
        for (int trial = 0; trial < 12; trial++) {
            long z = 4 + r.nextInt(30);
            long y = 5 + r.nextInt(40);
            long x = 5 + r.nextInt(40);
            long[] inner = {1 + r.nextInt(2), 4 + r.nextInt(8), 4 + r.nextInt(8)};
            long[] shard = {inner[0] * (2 + r.nextInt(4)), inner[1] * (1 + r.nextInt(3)), inner[2] * (1 + r.nextInt(3))};
            List<CodecSpec> chain = r.nextBoolean() ? List.of(Codecs.bytes("little"))
                    : List.of(Codecs.bytes("little"), Codecs.gzip(1));
            ArrayMetadata meta = sharded(new long[] {z, y, x}, shard, inner, chain);
            NdBuffer all = data(r, z, y, x);
            String what = "trial " + trial + " shape " + z + "x" + y + "x" + x + " shards " + java.util.Arrays.toString(shard)
                    + " inner " + java.util.Arrays.toString(inner) + " " + chain.size() + " codecs";

            MemoryStore plain = new MemoryStore();
            ZarrArray pa = Zarr.createArray(plain, Key.of("a"), meta, ctx);
            try (ArrayWriter w = pa.writer(ArrayWriter.Options.defaults())) {
                writeFrames(pa, all, 0, z, w);
            }
            // parts smaller than a shard, or nothing streams (a shard that fits one part is written whole)
            long shardBytes = shard[0] * shard[1] * shard[2] * 2;
            PartStore streamed = new PartStore(new MemoryStore(), 16 + r.nextInt(Math.toIntExact(shardBytes - 16)));
            ZarrArray sa = Zarr.createArray(streamed, Key.of("a"), meta, ctx);
            long shards;
            try (ArrayWriter w = sa.writer(ArrayWriter.Options.defaults())) {
                writeFrames(sa, all, 0, z, w);
                shards = w.streamedShards();
            }
            assertThat(shards).as(what).isPositive();
            assertThat(streamed.open.get()).as(what + ": no upload left open").isZero();
            assertSameObjects(plain, streamed);
            assertThat(sa.read().contentEquals(all)).as(what).isTrue();
        }
    }

    @Test
    void flushMidShardWritesThePartialShardAndTheRestMergesAsToday() throws Exception {
        Random r = new Random(7);
        ArrayMetadata meta = sharded(new long[] {16, 32, 32}, new long[] {8, 32, 32}, new long[] {1, 16, 16},
                List.of(Codecs.bytes("little")));
        NdBuffer all = data(r, 16, 32, 32);
        MemoryStore plain = new MemoryStore();
        ZarrArray pa = Zarr.createArray(plain, Key.of("a"), meta, ctx);
        PartStore streamed = new PartStore(new MemoryStore(), 3000);
        ZarrArray sa = Zarr.createArray(streamed, Key.of("a"), meta, ctx);
        for (ZarrArray a : List.of(pa, sa)) {
            try (ArrayWriter w = a.writer(ArrayWriter.Options.defaults())) {
                writeFrames(a, all, 0, 5, w);
                for (int i = 0; i < 500 && a == sa && streamed.partsSent.get() == 0; i++) {
                    Thread.sleep(10); // let the first shard start streaming, so that the flush meets an open upload
                }
                w.flush();
                NdBuffer seen = a.read(new long[] {0, 0, 0}, new long[] {5, 32, 32});
                assertThat(seen.contentEquals(all.copyRegion(new long[] {0, 0, 0}, new long[] {5, 32, 32})))
                        .as("flushed frames visible").isTrue();
                writeFrames(a, all, 5, 16, w);
            }
        }
        assertThat(streamed.committed.get()).as("the flushed partial shard, then the second shard streamed").isEqualTo(2);
        assertThat(streamed.open.get()).isZero();
        assertSameObjects(plain, streamed);
        assertThat(sa.read().contentEquals(all)).isTrue();
    }

    @Test
    void rewritingAnInnerChunkAlreadySentFinishesTheUploadAndMergesTheChange() throws Exception {
        Random r = new Random(11);
        ArrayMetadata meta = sharded(new long[] {8, 16, 16}, new long[] {8, 16, 16}, new long[] {1, 16, 16},
                List.of(Codecs.bytes("little")));
        NdBuffer all = data(r, 8, 16, 16);
        NdBuffer other = data(r, 8, 16, 16);
        PartStore streamed = new PartStore(new MemoryStore(), 600);
        ZarrArray sa = Zarr.createArray(streamed, Key.of("a"), meta, ctx);
        try (ArrayWriter w = sa.writer(ArrayWriter.Options.defaults())) {
            writeFrames(sa, all, 0, 4, w);
            // wait until the stream has taken frame 0, so that rewriting it comes too late for the upload
            for (int i = 0; i < 500 && streamed.partsSent.get() == 0; i++) {
                Thread.sleep(10);
            }
            assertThat(streamed.partsSent.get()).as("frames sent as parts").isPositive();
            writeFrames(sa, other, 0, 1, w);
            writeFrames(sa, all, 4, 8, w);
        }
        NdBuffer expected = all.copyRegion(new long[3], new long[] {8, 16, 16});
        NdBuffer.copy(other, new long[3], expected, new long[3], new long[] {1, 16, 16});
        assertThat(sa.read().contentEquals(expected)).isTrue();
        assertThat(streamed.open.get()).isZero();
    }

    @Test
    void aShardStoredBeforeIsMergedNotStreamed() throws Exception {
        Random r = new Random(3);
        ArrayMetadata meta = sharded(new long[] {8, 16, 16}, new long[] {8, 16, 16}, new long[] {1, 16, 16},
                List.of(Codecs.bytes("little")));
        NdBuffer all = data(r, 8, 16, 16);
        PartStore streamed = new PartStore(new MemoryStore(), 600);
        ZarrArray sa = Zarr.createArray(streamed, Key.of("a"), meta, ctx);
        try (ArrayWriter w = sa.writer(ArrayWriter.Options.defaults())) {
            writeFrames(sa, all, 0, 3, w); // a writer that stopped at its flush (close) after 3 frames
        }
        int before = streamed.opened.get();
        try (ArrayWriter w = sa.writer(ArrayWriter.Options.defaults())) { // resumed
            writeFrames(sa, all, 3, 8, w);
            assertThat(w.streamedShards()).isZero();
        }
        assertThat(streamed.opened.get()).as("no upload for the stored shard").isEqualTo(before);
        assertThat(sa.read().contentEquals(all)).as("the frames stored before are kept").isTrue();
    }

    @Test
    void aFailedPartLeavesNoObjectAndNoOpenUploadAndIsReported() throws Exception {
        Random r = new Random(5);
        ArrayMetadata meta = sharded(new long[] {8, 16, 16}, new long[] {8, 16, 16}, new long[] {1, 16, 16},
                List.of(Codecs.bytes("little")));
        NdBuffer all = data(r, 8, 16, 16);
        PartStore streamed = new PartStore(new MemoryStore(), 600);
        streamed.failPart = 2;
        ZarrArray sa = Zarr.createArray(streamed, Key.of("a"), meta, ctx);
        ArrayWriter w = sa.writer(ArrayWriter.Options.defaults());
        assertThatThrownBy(() -> {
            writeFrames(sa, all, 0, 8, w);
            w.flush();
        }).isInstanceOf(StoreException.class).hasMessageContaining("part 2").hasMessageContaining("a/c/0/0/0");
        assertThatThrownBy(w::close).as("and again on close").hasMessageContaining("part 2");
        assertThat(streamed.open.get()).isZero();
        assertThat(streamed.exists(sa.chunkKey(0, 0, 0))).isFalse();
    }

    @Test
    void theBufferHoldsAboutAPartNotAShard() throws Exception {
        // 32 frames of 256x256 uint16 per shard (4 MiB), inner chunks one frame (128 KiB), uncompressed; 512 KiB
        // parts; a buffer of a part and six inner chunks
        ArrayMetadata meta = sharded(new long[] {64, 256, 256}, new long[] {32, 256, 256}, new long[] {1, 256, 256},
                List.of(Codecs.bytes("little")));
        NdBuffer all = data(new Random(1), 64, 256, 256);
        long part = 512 << 10;
        long chunk = 128 << 10;
        long budget = part + 6 * chunk;
        long[] peaks = new long[2];
        long[] shardWrites = new long[2];
        for (int streaming = 0; streaming < 2; streaming++) {
            RecordingStore rec = new RecordingStore(new MemoryStore());
            PartStore parts = new PartStore(rec, part);
            Store store = streaming == 1 ? parts : rec;
            ZarrArray a = Zarr.createArray(store, Key.of("a"), meta, ctx);
            rec.reset();
            try (ArrayWriter w = a.writer(ArrayWriter.Options.defaults().withBufferBytes(budget))) {
                writeFrames(a, all, 0, 64, w);
                w.flush();
                peaks[streaming] = w.peakBufferedBytes();
                if (streaming == 1) {
                    assertThat(w.streamedShards()).isEqualTo(2);
                }
            }
            shardWrites[streaming] = rec.writes();
            assertThat(a.read().contentEquals(all)).isTrue();
        }
        System.out.printf("buffer of %d bytes, shards of 4 MiB: whole-shard path wrote the 2 shards in %d writes (peak %d bytes);"
                + " streamed in %d uploads of %d-byte parts (peak %d bytes)%n", budget, shardWrites[0], peaks[0],
                shardWrites[1], part, peaks[1]);
        assertThat(shardWrites[1]).as("streamed: each shard written once, never evicted in parts").isEqualTo(2);
        assertThat(peaks[1]).as("streamed: within the buffer (one unit over at most)").isLessThanOrEqualTo(budget + chunk);
        assertThat(shardWrites[0]).as("whole shards do not fit: evicted and rewritten in parts").isGreaterThan(2);
    }
}
