package dev.ngff.cache;

import dev.ngff.buffer.NdBuffer;
import dev.ngff.metadata.DataType;
import dev.ngff.store.Key;
import dev.ngff.store.MemoryStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChunkCacheTest {
    private static final long O = ChunkCache.ENTRY_OVERHEAD;
    private final MemoryStore store = new MemoryStore("a");
    private final MemoryStore other = new MemoryStore("b");

    private CacheKey chunk(String key) {
        return CacheKey.chunk(store, Key.of(key));
    }

    @Test
    void evictsTheLeastRecentlyUsedEntryFirst() {
        ChunkCache c = ChunkCache.create(3 * (100 + O)); // room for three entries of 100 bytes, one segment
        assertThat(c.segmentCount()).isEqualTo(1);
        long t = c.readStamp();
        c.put(chunk("a"), "A", 100, t);
        c.put(chunk("b"), "B", 100, t);
        c.put(chunk("c"), "C", 100, t);
        assertThat(c.get(chunk("a"), String.class, 0)).contains("A"); // a is now the most recent
        c.put(chunk("d"), "D", 100, t);
        assertThat(c.get(chunk("b"), String.class, 0)).isEmpty();
        assertThat(c.keysEldestFirst().getFirst()).containsExactly(chunk("c"), chunk("a"), chunk("d"));
        c.put(chunk("e"), "E", 150, t); // needs the room of two
        assertThat(c.keysEldestFirst().getFirst()).containsExactly(chunk("d"), chunk("e"));
        CacheStats s = c.stats();
        assertThat(s.evictions()).isEqualTo(3);
        assertThat(s.puts()).isEqualTo(5);
        assertThat(s.hits()).isEqualTo(1);
        assertThat(s.misses()).isEqualTo(1);
        assertThat(s.entries()).isEqualTo(2);
        assertThat(s.bytes()).isEqualTo(100 + 150 + 2 * O).isLessThanOrEqualTo(c.maxBytes());
    }

    @Test
    void replacingAnEntryReweighsIt() {
        ChunkCache c = ChunkCache.create(1000 + O);
        long t = c.readStamp();
        c.put(chunk("a"), "A", 800, t);
        c.put(chunk("a"), "A2", 10, t);
        assertThat(c.weightedBytes()).isEqualTo(10 + O);
        assertThat(c.get(chunk("a"), String.class, 0)).contains("A2");
    }

    @Test
    void refusesAnEntryHeavierThanASegmentsShare() {
        ChunkCache c = ChunkCache.create(64L << 20);
        assertThat(c.segmentCount()).isEqualTo(8); // 8 MiB each
        assertThat(c.put(chunk("big"), "x", 8L << 20, c.readStamp())).isFalse();
        assertThat(c.put(chunk("fits"), "x", (8L << 20) - O, c.readStamp())).isTrue();
        assertThat(c.stats().rejected()).isEqualTo(1);
        assertThat(c.weightedBytes()).isEqualTo(8L << 20);
    }

    @Test
    void segmentsOfAtLeastEightMebibytesUpToSixteen() {
        assertThat(ChunkCache.create(15L << 20).segmentCount()).isEqualTo(1);
        assertThat(ChunkCache.create(16L << 20).segmentCount()).isEqualTo(2);
        assertThat(ChunkCache.create(64L << 20).segmentCount()).isEqualTo(8);
        assertThat(ChunkCache.create(256L << 20).segmentCount()).isEqualTo(16);
        assertThat(ChunkCache.create(1L << 40).segmentCount()).isEqualTo(16);
    }

    @Test
    void typeMismatchIsAMiss() {
        ChunkCache c = ChunkCache.create(1 << 20);
        c.put(chunk("a"), "A", 1, c.readStamp());
        assertThat(c.get(chunk("a"), Integer.class, 0)).isEmpty();
    }

    @Test
    void invalidationDropsEveryEntryOfTheObjectAndNothingElse() {
        ChunkCache c = ChunkCache.create(64L << 20);
        long t = c.readStamp();
        Key k = Key.of("arr/c/0/0");
        Key l = Key.of("arr/c/0/1");
        c.put(CacheKey.chunk(store, k), "chunk", 10, t);
        c.put(CacheKey.shardIndex(store, k), "index", 10, t);
        for (int i = 0; i < 50; i++) { // inner chunks of two versions, spread over the segments
            c.put(CacheKey.innerChunk(store, k, Optional.of("v1"), i), "inner", 10, t);
            c.put(CacheKey.innerChunk(store, k, Optional.of("v2"), i), "inner", 10, t);
        }
        c.put(CacheKey.chunk(store, l), "other key", 10, t);
        c.put(CacheKey.chunk(other, k), "other store", 10, t);
        assertThat(c.stats().entries()).isEqualTo(104);
        c.invalidate(store, k);
        CacheStats s = c.stats();
        assertThat(s.entries()).isEqualTo(2);
        assertThat(s.invalidations()).isEqualTo(102);
        assertThat(s.bytes()).isEqualTo(2 * (10 + O));
        assertThat(c.get(CacheKey.chunk(store, l), String.class, 0)).contains("other key");
        assertThat(c.get(CacheKey.chunk(other, k), String.class, 0)).contains("other store");
        assertThat(c.get(CacheKey.innerChunk(store, k, Optional.of("v2"), 7), String.class, 0)).isEmpty();
    }

    @Test
    void aPutOfBytesReadBeforeAnInvalidationIsRefused() {
        ChunkCache c = ChunkCache.create(1 << 20);
        long before = c.readStamp(); // a reader starts reading the old chunk
        c.invalidate(store, Key.of("a")); // a writer replaced it meanwhile
        assertThat(c.put(chunk("a"), "old bytes", 10, before)).isFalse();
        assertThat(c.get(chunk("a"), String.class, 0)).isEmpty();
        assertThat(c.put(chunk("a"), "new bytes", 10, c.readStamp())).isTrue();
        assertThat(c.put(chunk("b"), "another object", 10, before)).isTrue(); // other objects are not affected
        assertThat(c.stats().rejected()).isEqualTo(1);
    }

    @Test
    void aHandleIsServedOnlyWhatWasReadAfterItOpened() {
        ChunkCache c = ChunkCache.create(1 << 20);
        long early = c.openStamp();
        c.put(chunk("a"), "read by the early handle", 10, c.readStamp());
        long late = c.openStamp(); // a handle reopened to see other processes' writes
        assertThat(c.get(chunk("a"), String.class, early)).isPresent();
        assertThat(c.get(chunk("a"), String.class, late)).isEmpty();
        c.put(chunk("a"), "read again", 10, c.readStamp());
        assertThat(c.get(chunk("a"), String.class, late)).contains("read again");
        assertThat(c.get(chunk("a"), String.class, early)).contains("read again");
    }

    @Test
    void aZeroBudgetDisablesEverything() {
        ChunkCache c = ChunkCache.create(0);
        assertThat(c.isEnabled()).isFalse();
        assertThat(c.put(chunk("a"), "A", 0, c.readStamp())).isFalse();
        assertThat(c.get(chunk("a"), Object.class, 0)).isEmpty();
        c.invalidate(store, Key.of("a"));
        assertThat(c.stats()).isEqualTo(new CacheStats(0, 0, 0, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void rejectsNegativeSizes() {
        assertThatThrownBy(() -> ChunkCache.create(-1)).isInstanceOf(IllegalArgumentException.class);
        ChunkCache c = ChunkCache.create(1 << 20);
        assertThatThrownBy(() -> c.put(chunk("a"), "A", -1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CacheKey.innerChunk(store, Key.of("a"), Optional.empty(), -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void weighsBuffersByTheirMemory() {
        assertThat(ChunkCache.weightOf(NdBuffer.allocate(DataType.UINT16, 4, 8))).isEqualTo(64);
        NdBuffer text = NdBuffer.ofStrings(new String[] {"ab", ""}, 2);
        assertThat(ChunkCache.weightOf(text)).isEqualTo(16 + 2 * 8 + 16 + 2 + 16);
    }

    /**
     * Many threads put, get and invalidate at random while a watcher samples the cache's byte count: it
     * never exceeds the budget, and at the end the counters agree with what is held.
     */
    @ParameterizedTest
    @ValueSource(longs = {100_000, 64L << 20})
    void neverHoldsMoreThanItsBudgetUnderConcurrentPuts(long budget) throws Exception {
        long seed = System.nanoTime();
        System.out.println("neverHoldsMoreThanItsBudgetUnderConcurrentPuts: budget " + budget + " seed " + seed);
        ChunkCache c = ChunkCache.create(budget);
        int threads = 8;
        int opsEach = 20_000;
        long maxWeight = budget / c.segmentCount() / 3;
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong maxSeen = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread watcher = Thread.ofPlatform().start(() -> {
            while (!done.get()) {
                maxSeen.accumulateAndGet(c.weightedBytes(), Math::max);
            }
        });
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Random r = new Random(seed + t);
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    for (int i = 0; i < opsEach; i++) {
                        CacheKey k = r.nextBoolean() ? chunk("k" + r.nextInt(500))
                                : CacheKey.innerChunk(store, Key.of("s" + r.nextInt(20)), Optional.empty(), r.nextInt(64));
                        int op = r.nextInt(10);
                        if (op < 6) {
                            c.put(k, "v", 1 + (long) (r.nextDouble() * maxWeight), c.readStamp());
                        } else if (op < 9) {
                            c.get(k, String.class, 0);
                        } else {
                            c.invalidate(store, k.key());
                        }
                        if (c.weightedBytes() > budget) {
                            throw new AssertionError("holds " + c.weightedBytes() + " bytes, budget " + budget);
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        done.set(true);
        watcher.join();
        assertThat(failure.get()).as("seed " + seed).isNull();
        assertThat(maxSeen.get()).as("seed " + seed).isLessThanOrEqualTo(budget).isPositive();
        CacheStats s = c.stats();
        assertThat(s.bytes()).isLessThanOrEqualTo(budget);
        assertThat(s.evictions()).as("the budget was exercised").isPositive();
        long count = 0;
        for (List<CacheKey> seg : c.keysEldestFirst()) {
            count += seg.size();
        }
        assertThat(s.entries()).isEqualTo(count);
        assertThat(s.puts() - s.evictions() - s.invalidations()).as("admitted minus dropped (replacements drop silently)")
                .isGreaterThanOrEqualTo(count);
    }
}
