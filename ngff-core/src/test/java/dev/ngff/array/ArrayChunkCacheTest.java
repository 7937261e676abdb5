package dev.ngff.array;

import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.cache.CacheStats;
import dev.ngff.error.VersionChangedException;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.store.ByteRange;
import dev.ngff.store.Key;
import dev.ngff.store.MemoryStore;
import dev.ngff.store.Versioned;
import dev.ngff.testing.RecordingStore;
import dev.ngff.testing.TestArrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The context's chunk cache as array handles use it: revisits, invalidation by writes, sharing, disabling. */
class ArrayChunkCacheTest {
    private static final Key PATH = Key.of("a");

    /** The read paths of ZarrArray: sharded, decoded into place (compressed and not), and the generic one. */
    enum Layout {
        SHARDED(List.of(Codecs.sharding(new long[] {4, 4}, List.of(Codecs.bytes("little"), Codecs.gzip(1)),
                Codecs.defaultShardIndexCodecs(), true))),
        GZIP(List.of(Codecs.bytes("little"), Codecs.gzip(1))),
        UNCOMPRESSED(List.of(Codecs.bytes("little"))),
        TRANSPOSED(List.of(Codecs.transpose(1, 0), Codecs.bytes("little"), Codecs.gzip(1)));

        final List<CodecSpec> codecs;

        Layout(List<CodecSpec> codecs) {
            this.codecs = codecs;
        }
    }

    private final MemoryStore mem = new MemoryStore();
    private final RecordingStore store = new RecordingStore(mem);
    private final ExecutionContext ctx = ExecutionContext.create();

    private static ArrayMetadata meta(Layout layout) {
        return ArrayMetadata.builder(DataType.INT32, 16, 16).chunks(8, 8).codecs(layout.codecs).build();
    }

    private ZarrArray create(Layout layout, NdBuffer data) throws IOException {
        ZarrArray a = Zarr.createArray(store, PATH, meta(layout), ctx);
        a.write(data);
        return a;
    }

    private static NdBuffer constant(int v) {
        NdBuffer b = NdBuffer.allocate(DataType.INT32, 16, 16);
        for (long i = 0; i < 256; i++) {
            b.setAsLong(i, v);
        }
        return b;
    }

    private static void assertRegion(NdBuffer got, NdBuffer all, long[] at) {
        assertThat(got.contentEquals(all.copyRegion(at, got.shape()))).as("region at " + at[0] + "," + at[1]).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void aRevisitMakesNoStoreRequestAndNoDecode(Layout layout) throws Exception {
        NdBuffer data = TestArrays.arangeInt32(16, 16);
        create(layout, data);
        ZarrArray h = Zarr.openArray(store, PATH, ctx).withChunkCaching(true);
        assertThat(h.cachesChunks()).isTrue();
        long[] at = {3, 5};
        long[] shape = {9, 7};
        store.reset();
        assertRegion(h.read(at, shape), data, at);
        assertThat(store.chunkReads()).isNotEmpty();
        CacheStats first = ctx.cache().stats();
        store.reset();
        assertRegion(h.read(at, shape), data, at);
        assertRegion(h.read(new long[] {4, 6}, new long[] {2, 2}), data, new long[] {4, 6}); // inside what was read
        assertThat(store.chunkReads()).isEmpty();
        CacheStats second = ctx.cache().stats();
        assertThat(second.misses()).as("every chunk came from the cache, none was decoded").isEqualTo(first.misses());
        assertThat(second.hits()).isGreaterThan(first.hits());
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void aReadOfMoreThanAQuarterOfTheBudgetBypassesDecodedChunks(Layout layout) throws Exception {
        ExecutionContext small = ExecutionContext.create(ExecutionContext.Config.defaults().withCacheBytes(4000));
        NdBuffer data = TestArrays.arangeInt32(16, 16);
        create(layout, data);
        ZarrArray h = Zarr.openArray(store, PATH, small).withChunkCaching(true);
        h.read(); // 1024 bytes: a bulk read for a 4000-byte cache
        store.reset();
        assertThat(h.read().contentEquals(data)).isTrue();
        assertThat(store.chunkReads()).as("nothing was kept by the bulk read").isNotEmpty();
        long[] at = {8, 8};
        long[] box = {8, 8}; // 256 bytes: kept
        h.read(at, box);
        store.reset();
        assertRegion(h.read(at, box), data, at);
        assertThat(store.chunkReads()).isEmpty();
        assertThat(small.cache().weightedBytes()).isLessThanOrEqualTo(4000);
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void aMissingChunkIsRememberedToo(Layout layout) throws Exception {
        ZarrArray h = Zarr.createArray(store, PATH, meta(layout), ctx).withChunkCaching(true);
        h.read();
        store.reset();
        NdBuffer again = h.read();
        assertThat(again.contentEquals(NdBuffer.allocate(DataType.INT32, 16, 16))).isTrue();
        assertThat(store.chunkReads()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void writesThroughAnyHandleOfTheContextAreSeenByTheNextRead(Layout layout) throws Exception {
        create(layout, TestArrays.arangeInt32(16, 16));
        ZarrArray h = Zarr.openArray(store, PATH, ctx).withChunkCaching(true);
        ZarrArray writer = Zarr.openArray(store, PATH, ctx);
        h.read(); // everything cached

        NdBuffer ones = constant(1);
        h.write(new long[] {2, 2}, ones.copyRegion(new long[2], new long[] {4, 4})); // a partial chunk, same handle
        NdBuffer expect = TestArrays.arangeInt32(16, 16);
        NdBuffer.copy(ones, new long[2], expect, new long[] {2, 2}, new long[] {4, 4});
        assertThat(h.read().contentEquals(expect)).isTrue();

        writer.write(constant(7)); // another handle of the same context, whole chunks
        assertThat(h.read().contentEquals(constant(7))).isTrue();

        writer.write(constant(0)); // all fill value: the chunks are deleted
        assertThat(mem.list(PATH).stream().filter(k -> !k.name().equals("zarr.json")).toList()).isEmpty();
        assertThat(h.read().contentEquals(constant(0))).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void chunksDeletedByAResizeAreForgotten(Layout layout) throws Exception {
        create(layout, constant(5));
        ZarrArray h = Zarr.openArray(store, PATH, ctx).withChunkCaching(true);
        h.read(); // every chunk cached
        ZarrArray grown = h.resize(8, 8).resize(16, 16); // deletes the three chunks outside 8x8
        NdBuffer expect = NdBuffer.allocate(DataType.INT32, 16, 16);
        NdBuffer.copy(constant(5), new long[2], expect, new long[2], new long[] {8, 8});
        assertThat(grown.read().contentEquals(expect)).isTrue();
        assertThat(h.read(new long[] {8, 8}, new long[] {8, 8}).contentEquals(NdBuffer.allocate(DataType.INT32, 8, 8))).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void handlesOfOneContextShareTheCache(Layout layout) throws Exception {
        NdBuffer data = TestArrays.arangeInt32(16, 16);
        create(layout, data);
        ZarrArray first = Zarr.openArray(store, PATH, ctx).withChunkCaching(true);
        ZarrArray second = Zarr.openArray(store, PATH, ctx).withChunkCaching(true);
        first.read(new long[] {0, 0}, new long[] {10, 10});
        store.reset();
        assertRegion(second.read(new long[] {1, 1}, new long[] {9, 9}), data, new long[] {1, 1});
        assertThat(store.chunkReads()).isEmpty();
    }

    @Test
    void shardIndexesAreSharedByHandlesThatDoNotCacheChunks() throws Exception {
        NdBuffer data = TestArrays.arangeInt32(16, 16);
        create(Layout.SHARDED, data);
        ZarrArray first = Zarr.openArray(store, PATH, ctx);
        ZarrArray second = Zarr.openArray(store, PATH, ctx);
        assertThat(first.cachesChunks()).isFalse();
        first.read(new long[] {0, 0}, new long[] {2, 2});
        store.reset();
        assertRegion(second.read(new long[] {0, 0}, new long[] {2, 2}), data, new long[2]);
        // the index came from the cache; the inner chunk's bytes are read (and decoded) again
        assertThat(store.chunkReads()).hasSize(1);
        assertThat(store.chunkReads().getFirst().range()).isNotEqualTo(ByteRange.suffix(4 * 16 + 4));
        assertThat(store.chunkReads().getFirst().range().start(1000)).isZero();
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void aReopenedHandleSeesWhatAnotherProcessWrote(Layout layout) throws Exception {
        create(layout, TestArrays.arangeInt32(16, 16));
        ZarrArray h = Zarr.openArray(store, PATH, ctx).withChunkCaching(true);
        h.read();
        // another process: its own context, so this context's cache hears nothing of it
        Zarr.openArray(store, PATH, ExecutionContext.create()).write(constant(3));
        assertThat(h.read().contentEquals(TestArrays.arangeInt32(16, 16))).as("documented: kept chunks are not rechecked").isTrue();
        ZarrArray reopened = Zarr.openArray(store, PATH, ctx).withChunkCaching(true);
        assertThat(reopened.read().contentEquals(constant(3))).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void aZeroBudgetBehavesExactlyLikeNoCache(Layout layout) throws Exception {
        ExecutionContext off = ExecutionContext.create(ExecutionContext.Config.defaults().withCacheBytes(0));
        NdBuffer data = TestArrays.arangeInt32(16, 16);
        create(layout, data);
        ZarrArray h = Zarr.openArray(store, PATH, off).withChunkCaching(true);
        assertThat(h.cachesChunks()).isFalse();
        long[] at = {3, 5};
        long[] shape = {9, 7};
        store.reset();
        assertRegion(h.read(at, shape), data, at);
        List<RecordingStore.Request> first = store.chunkReads();
        store.reset();
        assertRegion(h.read(at, shape), data, at);
        assertThat(store.chunkReads()).as("every read goes to the store, shard indexes included")
                .containsExactlyInAnyOrderElementsOf(first);
        if (layout == Layout.SHARDED) {
            assertThat(first.stream().filter(r -> r.range().equals(ByteRange.suffix(4 * 16 + 4)))).hasSize(4);
        }
        h.write(new long[] {0, 0}, constant(9).copyRegion(new long[2], new long[] {3, 3}));
        NdBuffer expect = TestArrays.arangeInt32(16, 16);
        NdBuffer.copy(constant(9), new long[2], expect, new long[2], new long[] {3, 3});
        assertThat(h.read().contentEquals(expect)).isTrue();
        assertThat(off.cache().stats()).isEqualTo(new CacheStats(0, 0, 0, 0, 0, 0, 0, 0, 0));
    }

    /**
     * Readers keep reading through a caching handle while a writer rewrites every chunk with 1, 2, 3...:
     * a read that begins after write v returned must see nothing older than v, whatever the
     * interleaving (a read that raced a write must not put the old bytes back into the cache).
     */
    @ParameterizedTest
    @EnumSource(value = Layout.class, names = {"SHARDED", "GZIP"})
    void noReadSeesDataOlderThanTheLastCompletedWrite(Layout layout) throws Exception {
        long seed = System.nanoTime();
        System.out.println("noReadSeesDataOlderThanTheLastCompletedWrite: " + layout + " seed " + seed);
        create(layout, constant(0));
        ZarrArray h = Zarr.openArray(store, PATH, ctx).withChunkCaching(true);
        ZarrArray writer = Zarr.openArray(store, PATH, ctx);
        AtomicInteger completed = new AtomicInteger();
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            Random r = new Random(seed + t);
            readers.add(Thread.ofPlatform().start(() -> {
                try {
                    while (!done.get()) {
                        int lowest = completed.get();
                        long y = r.nextInt(16);
                        long x = r.nextInt(16);
                        NdBuffer got = h.read(new long[] {y, x},
                                new long[] {1 + r.nextInt((int) (16 - y)), 1 + r.nextInt((int) (16 - x))});
                        for (long i = 0; i < got.elementCount(); i++) {
                            if (got.getAsLong(i) < lowest) {
                                throw new AssertionError("read " + got.getAsLong(i) + " after write " + lowest + " completed");
                            }
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (int v = 1; v <= 300 && failure.get() == null; v++) {
            writer.write(constant(v));
            completed.set(v);
        }
        done.set(true);
        for (Thread t : readers) {
            t.join();
        }
        assertThat(failure.get()).as("seed " + seed).isNull();
        assertThat(h.read().contentEquals(constant(completed.get()))).as("seed " + seed).isTrue();
    }

    @Test
    void aCachedShardIndexIsCheckedAgainstTheStoresVersion() throws Exception {
        VersionedStore versioned = new VersionedStore(store);
        ZarrArray w = Zarr.createArray(versioned, PATH, meta(Layout.SHARDED), ctx);
        w.write(TestArrays.arangeInt32(16, 16));
        ZarrArray h = Zarr.openArray(versioned, PATH, ctx); // caches the index only
        h.read(new long[] {0, 0}, new long[] {2, 2});
        // another process rewrites the shard, so this context's cache keeps the old index
        Zarr.openArray(versioned, PATH, ExecutionContext.create()).write(constant(4));
        store.reset();
        assertThat(h.read(new long[] {0, 0}, new long[] {2, 2}).getInt(1, 1)).isEqualTo(4);
        // the range read asked for the old version and was refused; then the index and the data again
        assertThat(versioned.refused).isEqualTo(1);
        assertThat(store.chunkReads()).hasSize(2);
    }

    /** A store with versions like S3's ETags, from MemoryStore's conditional-write versions. */
    private static final class VersionedStore extends dev.ngff.testing.ForwardingStore {
        int refused;

        VersionedStore(dev.ngff.store.Store delegate) {
            super(delegate);
        }

        @Override
        public Optional<Versioned> readVersioned(Key key, ByteRange range) throws IOException {
            Optional<String> v = delegate.version(key);
            return delegate.read(key, range).map(b -> new Versioned(b, v));
        }

        @Override
        public Optional<List<Bytes>> readRanges(Key key, List<ByteRange> ranges, Optional<String> ifVersion) throws IOException {
            if (ifVersion.isPresent() && !ifVersion.equals(delegate.version(key))) {
                refused++;
                throw new VersionChangedException(describe() + " key '" + key + "' changed");
            }
            return delegate.readRanges(key, ranges);
        }

        @Override
        public String describe() {
            return "versioned(" + delegate.describe() + ")";
        }
    }
}
