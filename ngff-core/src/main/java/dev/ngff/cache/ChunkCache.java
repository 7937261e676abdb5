package dev.ngff.cache;

import dev.ngff.buffer.NdBuffer;
import dev.ngff.cache.internal.LruSegment;
import dev.ngff.store.Key;
import dev.ngff.store.ReadableStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A byte-bounded cache of what readers derive from stored objects (decoded chunks, decoded inner chunks,
 * shard indexes), shared by every array handle of one {@link dev.ngff.exec.ExecutionContext}: one budget
 * for all of them, as in tensorstore's cache pool.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Keys</b> name a stored object by store identity and key, what was derived from it, and the
 *   object version where there is one ({@link CacheKey}).</li>
 *   <li><b>Bound.</b> Every entry weighs its payload in bytes (as the caller states it; see
 *   {@link #weightOf(NdBuffer)}) plus {@link #ENTRY_OVERHEAD}. The sum of the weights held never exceeds
 *   {@link #maxBytes()}, at any instant and under any concurrency: the cache is split into segments, each
 *   with an equal share of the budget and its own lock, and an entry is admitted to its segment only
 *   after older ones have been evicted to make room. An entry heavier than one segment's share is not
 *   admitted. There are as many segments as keep each share at least {@value #MIN_SEGMENT_BYTES} bytes,
 *   up to {@value #MAX_SEGMENTS}; below twice that budget there is one segment, and eviction is exactly
 *   least-recently-used.</li>
 *   <li><b>Eviction</b> is least-recently-used within a segment; a hit makes an entry the most recent.</li>
 *   <li><b>Values</b> are shared by every reader and must never be changed after {@link #put}: decoded
 *   buffers are put as read-only views, and readers copy out of them.</li>
 *   <li><b>Staleness.</b> A value may be served without asking the store, so the cache relies on three
 *   rules. (1) Writes through this engine's array handles call {@link #invalidate} after the store
 *   write or delete returned; a put whose store read began before that invalidation is refused (the
 *   caller passes the {@link #readStamp()} it took before reading), so a reader racing a writer cannot
 *   put back old bytes. (2) A handle takes an {@link #openStamp()} when it is opened and is served only
 *   entries whose reads began after it: reopening a handle sees what other processes wrote meanwhile.
 *   (3) Shard indexes remember the version they were read at, and the range reads that use them ask for
 *   that version, so on a store with versions (S3 ETags) a shard rewritten by another process is
 *   noticed at its next range read. Changes made by other processes to whole chunks, or to inner chunks
 *   that are all served from the cache, are seen only after reopening.</li>
 *   <li>A cache of 0 bytes is disabled: lookups find nothing, puts are refused, and no counter moves.</li>
 *   <li>Thread-safe; no lock is held across segments, and lookups of different segments do not
 *   contend.</li>
 * </ul>
 */
public final class ChunkCache {
    /** Bytes added to every entry's weight for its key, bookkeeping and value object. */
    public static final long ENTRY_OVERHEAD = 192;
    /** The smallest share of the budget a segment gets when there are several. */
    public static final long MIN_SEGMENT_BYTES = 8L << 20;
    /** The most segments. */
    public static final int MAX_SEGMENTS = 16;
    private static final int INVALIDATION_STRIPES = 1024;

    private final long maxBytes;
    private final LruSegment<CacheKey>[] segments;
    /** Advances on every handle open and every invalidation; reads take its current value. */
    private final AtomicLong clock = new AtomicLong(1);
    /** Per stripe of objects, the clock of the latest invalidation: puts read before it are refused. */
    private final AtomicLongArray invalidatedAt = new AtomicLongArray(INVALIDATION_STRIPES);
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder puts = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder invalidations = new LongAdder();

    @SuppressWarnings("unchecked")
    private ChunkCache(long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("cache budget must not be negative, got " + maxBytes);
        }
        this.maxBytes = maxBytes;
        int n = 1;
        while (n < MAX_SEGMENTS && maxBytes / (2L * n) >= MIN_SEGMENT_BYTES) {
            n *= 2;
        }
        this.segments = new LruSegment[n];
        long share = maxBytes / n;
        for (int i = 0; i < n; i++) {
            segments[i] = new LruSegment<>(share, CacheKey::object);
        }
    }

    /** A cache holding at most {@code maxBytes}; 0 disables it. */
    public static ChunkCache create(long maxBytes) {
        return new ChunkCache(maxBytes);
    }

    public long maxBytes() {
        return maxBytes;
    }

    public boolean isEnabled() {
        return maxBytes > 0;
    }

    /** How many segments the budget is split into. */
    public int segmentCount() {
        return segments.length;
    }

    /**
     * The stamp of a handle opened now: pass it as {@code notBefore} to {@link #get} so that the handle
     * is served only entries whose reads began after it was opened.
     */
    public long openStamp() {
        return clock.incrementAndGet();
    }

    /** The stamp to take before a store read whose result will be {@link #put}. */
    public long readStamp() {
        return clock.get();
    }

    /**
     * The value under {@code key} if it is of type {@code type} and was read at or after {@code notBefore}
     * (a handle's {@link #openStamp()}; 0 accepts any). Counts a hit or a miss.
     */
    public <T> Optional<T> get(CacheKey key, Class<T> type, long notBefore) {
        if (maxBytes == 0) {
            return Optional.empty();
        }
        LruSegment<CacheKey> s = segmentOf(key);
        LruSegment.Node n = s.get(key);
        if (n == null || n.stamp() < notBefore || !type.isInstance(n.value())) {
            misses.increment();
            return Optional.empty();
        }
        hits.increment();
        return Optional.of(type.cast(n.value()));
    }

    /**
     * Offers an entry: {@code value} must not change afterwards; {@code byteSize} is its payload's weight
     * (the cache adds {@link #ENTRY_OVERHEAD}); {@code readStamp} is the {@link #readStamp()} taken before
     * the store read it derives from. Returns whether it was admitted: not when the cache is disabled,
     * the entry is heavier than a segment's share, or its object was invalidated after {@code readStamp}.
     */
    public boolean put(CacheKey key, Object value, long byteSize, long readStamp) {
        if (maxBytes == 0) {
            return false;
        }
        java.util.Objects.requireNonNull(value, "value");
        if (byteSize < 0) {
            throw new IllegalArgumentException("byteSize must not be negative, got " + byteSize);
        }
        int stripe = stripeOf(key.object());
        long weight = byteSize > Long.MAX_VALUE - ENTRY_OVERHEAD ? Long.MAX_VALUE : byteSize + ENTRY_OVERHEAD;
        LruSegment.PutResult r = segmentOf(key).put(key, value, weight, readStamp,
                () -> readStamp >= invalidatedAt.get(stripe));
        if (!r.admitted()) {
            rejected.increment();
            return false;
        }
        puts.increment();
        if (r.evicted() > 0) {
            evictions.add(r.evicted());
        }
        return true;
    }

    /**
     * Forgets every entry derived from {@code key} in {@code store} (whole chunk, inner chunks of every
     * version, shard index), and refuses later puts of reads that began before this call. Writers call
     * it after the store write or delete of {@code key} returned.
     */
    public void invalidate(ReadableStore store, Key key) {
        if (maxBytes == 0) {
            return;
        }
        CacheKey.ObjectId object = new CacheKey.ObjectId(store, key);
        long now = clock.incrementAndGet();
        invalidatedAt.accumulateAndGet(stripeOf(object), now, Math::max);
        long n = 0;
        for (LruSegment<CacheKey> s : segments) { // entries of one object spread over segments
            n += s.removeGroup(object);
        }
        if (n > 0) {
            invalidations.add(n);
        }
    }

    /** Forgets everything (counters stay). */
    public void clear() {
        long n = 0;
        for (LruSegment<CacheKey> s : segments) {
            n += s.clear();
        }
        invalidations.add(n);
    }

    /** Bytes held now, by the cache's weighing: never more than {@link #maxBytes()}. */
    public long weightedBytes() {
        long b = 0;
        for (LruSegment<CacheKey> s : segments) {
            b += s.bytes();
        }
        return b;
    }

    public CacheStats stats() {
        long entries = 0;
        for (LruSegment<CacheKey> s : segments) {
            entries += s.entries();
        }
        return new CacheStats(hits.sum(), misses.sum(), puts.sum(), rejected.sum(), evictions.sum(),
                invalidations.sum(), entries, weightedBytes(), maxBytes);
    }

    /** The keys held, per segment from least to most recently used (diagnostics and tests). */
    public List<List<CacheKey>> keysEldestFirst() {
        List<List<CacheKey>> out = new ArrayList<>(segments.length);
        for (LruSegment<CacheKey> s : segments) {
            out.add(s.keysEldestFirst());
        }
        return out;
    }

    /**
     * The payload weight of a decoded buffer: its memory, or for variable-length elements their bytes
     * plus an array header each.
     */
    public static long weightOf(NdBuffer buffer) {
        if (!buffer.isVariableLength()) {
            return buffer.segment().byteSize();
        }
        long w = 16L + 8L * buffer.elementCount();
        for (long i = 0; i < buffer.elementCount(); i++) {
            byte[] e = buffer.elementBytesUnsafe(i);
            w += e == null ? 0 : 16L + e.length;
        }
        return w;
    }

    private LruSegment<CacheKey> segmentOf(CacheKey key) {
        int h = key.hashCode();
        h ^= h >>> 16;
        return segments[h & (segments.length - 1)];
    }

    private static int stripeOf(CacheKey.ObjectId object) {
        int h = object.hashCode();
        h ^= h >>> 16;
        return h & (INVALIDATION_STRIPES - 1);
    }
}
