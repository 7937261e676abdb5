package dev.ngff.write;

import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.Buffers;
import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.ObjectPool;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.codec.PartialEncoder;
import dev.ngff.codec.PartialEncoder.UnitUpdate;
import dev.ngff.exec.ChunkTasks;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.codec.CodecPipeline;
import dev.ngff.codec.std.ShardingCodec;
import dev.ngff.error.NgffException;
import dev.ngff.error.StoreException;
import dev.ngff.store.Key;
import dev.ngff.store.ObjectUpload;
import dev.ngff.store.WritableStore;
import dev.ngff.write.PendingShard.Coords;
import dev.ngff.write.PendingShard.Done;
import dev.ngff.write.PendingShard.Partial;
import dev.ngff.write.PendingShard.Unit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Buffers writes to one array per shard (per chunk when the array is not sharded) and writes each
 * shard once. Made with {@link ZarrArray#writer(Options)} or {@link #open}.
 *
 * <p><b>What it does with a write.</b> The units of a shard are its inner chunks (for an unsharded
 * array: the chunk). A unit that one write covers wholly is encoded at once from the written data and
 * only its encoded bytes are kept; a unit written in parts is gathered in a decoded buffer, and encoded
 * once, as soon as every element of it has been written. When every unit of a shard is complete the
 * shard is written in the background as one object, without reading anything; {@link #flush()} and
 * {@link #close()} write the incomplete shards too, through the array's partial encoder
 * ({@link ZarrArray#updateChunk}): units never written keep what is stored, units written in parts are
 * merged into the stored ones, element by element.
 *
 * <p><b>Streamed shards.</b> On a store whose uploads send parts early
 * ({@link WritableStore#uploadPartSize()}), a shard larger than a part of an array whose codecs are
 * {@code sharding_indexed} alone (index at the end) is streamed when nothing is stored under it: its
 * inner chunks go into one {@link ObjectUpload} in C order as soon as they and all before them are
 * complete, the index at the end, so the buffer keeps only the inner chunks not yet contiguous. The
 * object is byte for byte the one a whole-shard write makes. Flush, close and eviction finish an open
 * upload as an incomplete shard; a later write to that shard, or to an inner chunk the upload already
 * took, is merged as into any stored shard. A failed upload is aborted (nothing appears) and reported like
 * a failed write. See {@code docs/write-path.md}.
 *
 * <p><b>Where incomplete shards go.</b> By default an incomplete shard is written into the array's store
 * and what later arrives for it is merged with the stored object there. A store that keeps every version of
 * an object (an append-only archive, {@link dev.ngff.store.OzxWriter}) would then keep each such version;
 * {@link Options#partialShardStore()} names another store for them: an incomplete shard is written there
 * under the same key (merged with what is staged there, or with what the array's store holds when nothing
 * is staged); the update that brings its last unit is merged with the staged object straight into the
 * array's store (one object, the staged one is then deleted), and {@link #flush()} moves what is staged as it
 * is. A shard complete in the buffer goes straight to the array's store. The array's store
 * then receives each shard once per completion (once, when every unit is written once).
 *
 * <p><b>Memory.</b> The bytes held (encoded units, decoded partial units with their maps of written
 * elements, shards being written until their write ends, bytes streamed uploads hold) are counted against
 * {@link Options#bufferBytes()}. Backpressure: a write that needs more bytes waits while the buffer
 * is over its budget, until background writes end; when nothing is being written, it first starts
 * writing the incomplete shard that holds most bytes (a partial write: what later arrives for that
 * shard is merged with it then). One exception, bounded by the unit size and not by the
 * dataset: a unit larger than the whole budget is admitted into an empty buffer.
 * Apart from the buffer, a write uses transient memory for at most the context's
 * {@code chunksInFlight} units being encoded.
 *
 * <p><b>What readers see.</b> Nothing of a buffered write until its shard is written; each shard
 * object appears atomically (the store's {@link WritableStore} contract) and holds every write made
 * to it before it was written. After {@link #flush()} returns, every earlier write is in the store.
 * Writes that overlap end with the later one; concurrent overlapping writes end with one of them.
 *
 * <p><b>Threads and errors.</b> Thread-safe: several threads may write at once, also into the same
 * shard. An error of a background encode or write is thrown by the next {@code write}, {@code flush}
 * or {@code close}, and again by every later call: after it the writer does not accept data. Close
 * writes everything still buffered, then reports the first error. Fixed-size data types only.
 */
public final class ArrayWriter implements AutoCloseable {

    /**
     * Writer configuration.
     *
     * @param bufferBytes       the most bytes the buffer holds (a single unit larger than this is admitted
     *                          into an empty buffer); at least one
     * @param partialShardStore where shards written before they are complete are staged, under the array's
     *                          keys; null (the default) for the array's own store. It must not be the array's
     *                          store, and nothing else may write the array's keys there while the writer runs.
     */
    public record Options(long bufferBytes, WritableStore partialShardStore) {
        public Options {
            if (bufferBytes < 1) {
                throw new IllegalArgumentException("bufferBytes must be positive, got " + bufferBytes);
            }
        }

        /** A buffer of {@code bufferBytes}; incomplete shards go to the array's own store. */
        public Options(long bufferBytes) {
            this(bufferBytes, null);
        }

        /** A 256 MiB buffer; incomplete shards go to the array's own store. */
        public static Options defaults() {
            return new Options(256L << 20);
        }

        public Options withBufferBytes(long bytes) {
            return new Options(bytes, partialShardStore);
        }

        /** Stages incomplete shards in {@code store} (null: the array's own store). */
        public Options withPartialShardStore(WritableStore store) {
            return new Options(bufferBytes, store);
        }
    }

    private final ZarrArray array;
    private final ExecutionContext ctx;
    private final long[] shape;
    private final long[] unitShape;
    private final long[] unitGrid;
    private final int rank;
    private final byte[] fill;
    private final int elementSize;
    /** Encodes and decodes single units; null when the array has no elements. */
    private final PartialEncoder unitCodec;
    /** What a partial unit is charged: its decoded bytes and its map of written elements. */
    private final long partialCharge;
    private final Budget budget;
    /** Unit-sized scratch for units that one write covers, encoded straight away. */
    private final ObjectPool<MemorySegment> unitScratch;
    private final ConcurrentHashMap<Coords, PendingShard> pending = new ConcurrentHashMap<>();
    /** The last write started per shard: a shard's writes run one after another, in order. */
    private final ConcurrentHashMap<Coords, CompletableFuture<Void>> commits = new ConcurrentHashMap<>();
    private final ExecutorService committer = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicBoolean failureThrown = new AtomicBoolean();
    /** The sharding codec when shards can be streamed into the store's uploads (see the class doc); else null. */
    private final ShardingCodec streamCodec;
    /** Inner chunks per shard (all of the grid, in bounds or not). */
    private final int unitsPerShard;
    private final AtomicLong streamedShards = new AtomicLong();
    /** The array over {@link Options#partialShardStore()}; null when incomplete shards go to the array's store. */
    private final ZarrArray staging;
    /**
     * Per shard staged now: the units complete in it (bit = linear unit index). Changed only by the shard's
     * commits, which run one after another.
     */
    private final ConcurrentHashMap<Coords, BitSet> staged = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private ArrayWriter(ZarrArray array, Options options) {
        if (!(array.store() instanceof WritableStore)) {
            throw new UnsupportedOperationException(array.store().describe() + " is read-only");
        }
        if (array.dataType().isVariableLength()) {
            throw new IllegalArgumentException("the array writer buffers fixed-size elements; write "
                    + array.dataType() + " through ZarrArray.write");
        }
        this.array = array;
        this.ctx = array.context();
        this.shape = array.shape();
        this.rank = shape.length;
        this.fill = array.metadata().fillValue().bytesUnsafe();
        this.elementSize = array.dataType().byteSize();
        boolean empty = java.util.Arrays.stream(shape).anyMatch(e -> e == 0); // no product: extents may be huge
        this.unitCodec = empty ? null : array.partialEncoder(new long[rank]);
        this.unitShape = empty ? array.chunkShape() : unitCodec.unitShape();
        this.unitGrid = empty ? new long[rank] : unitCodec.unitGrid();
        long unitElements = NdBuffer.elementCount(unitShape);
        if (unitElements > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("units of " + unitElements + " elements are too large to buffer");
        }
        this.partialCharge = unitElements * elementSize + (unitElements + 63) / 64 * 8;
        this.budget = new Budget(options.bufferBytes());
        long unitBytes = unitElements * elementSize;
        this.unitScratch = new ObjectPool<>(ctx.config().cpuConcurrency(), () -> Buffers.allocate(unitBytes));
        WritableStore stage = options.partialShardStore();
        if (stage == array.store()) {
            throw new IllegalArgumentException("the partial shard store of " + array.store().describe()
                    + " is the array's own store; leave it unset for that");
        }
        try {
            this.staging = stage == null ? null : Zarr.newArray(stage, array.path(), array.metadata(), ctx)
                    .withWriteEmptyChunks(array.writesEmptyChunks());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a handle over metadata already read: nothing is read or checked
        }
        this.unitsPerShard = empty ? 1 : Math.toIntExact(NdBuffer.elementCount(unitGrid));
        // an archive keeping every version stages incomplete shards instead; streaming needs neither
        this.streamCodec = empty || stage != null ? null : streamCodec(array, unitElements * elementSize * unitsPerShard);
    }

    /**
     * The sharding codec when shards are worth streaming: the codecs are sharding alone with the index
     * at the end (so a shard is its inner chunks in C order, then the index), fill-value inner chunks
     * are skipped, and the store's uploads send parts early that are smaller than a shard.
     */
    private static ShardingCodec streamCodec(ZarrArray array, long shardBytes) {
        CodecPipeline p = array.codecs();
        OptionalLong part = ((WritableStore) array.store()).uploadPartSize();
        if (p.arrayToArray().isEmpty() && p.bytesToBytes().isEmpty() && p.arrayToBytes() instanceof ShardingCodec sc
                && sc.indexAtEnd() && !array.writesEmptyChunks() && part.isPresent() && shardBytes > part.getAsLong()) {
            return sc;
        }
        return null;
    }

    /** A writer into {@code array} (its handle decides the context, and whether fill-value chunks are stored). */
    public static ArrayWriter open(ZarrArray array, Options options) {
        return new ArrayWriter(array, options);
    }

    /** Bytes the buffer holds now, by its own accounting. */
    public long bufferedBytes() {
        return budget.used();
    }

    /** The most bytes the buffer has held at once. */
    public long peakBufferedBytes() {
        return budget.peak();
    }

    /** The configured budget. */
    public long bufferBytes() {
        return budget.limit();
    }

    /** Shards that went to the store as streamed uploads so far (started streaming, whether finished or not). */
    public long streamedShards() {
        return streamedShards.get();
    }

    /**
     * Buffers the source at {@code offset}; returns when its data is buffered (encoded where complete),
     * waiting first while the buffer is over its budget. Shards it completes are written in the background.
     */
    public void write(long[] offset, NdBuffer src) throws IOException {
        if (closed) {
            throw new IllegalStateException("the writer of " + array.store().describe() + " is closed");
        }
        rethrow();
        checkRegion(offset, src);
        if (src.elementCount() == 0) {
            return;
        }
        long[] lo = new long[rank];
        long[] hi = new long[rank];
        for (int d = 0; d < rank; d++) {
            lo[d] = offset[d] / unitShape[d];
            hi[d] = (offset[d] + src.shape(d) - 1) / unitShape[d];
        }
        try (ChunkTasks tasks = new ChunkTasks(ctx)) {
            long[] u = lo.clone();
            do {
                long[] unit = u.clone();
                if (!tasks.submit(() -> writeUnit(unit, offset, src))) {
                    break;
                }
            } while (next(u, lo, hi));
            tasks.await();
        }
        rethrow();
    }

    /** Writes the whole array from a buffer of its shape. */
    public void write(NdBuffer src) throws IOException {
        write(new long[rank], src);
    }

    /** The part of one write inside the unit at global unit coordinates {@code u}. */
    private void writeUnit(long[] u, long[] offset, NdBuffer src) throws IOException {
        long[] inUnit = new long[rank];
        long[] inSrc = new long[rank];
        long[] box = new long[rank];
        long[] chunk = new long[rank];
        long[] unitInChunk = new long[rank];
        boolean covers = true;
        boolean inside = true;
        long needed = 1;
        for (int d = 0; d < rank; d++) {
            long origin = u[d] * unitShape[d];
            long from = Math.max(origin, offset[d]);
            long to = Math.min(origin + unitShape[d], offset[d] + src.shape(d));
            long inBounds = Math.min(unitShape[d], shape[d] - origin);
            inUnit[d] = from - origin;
            inSrc[d] = from - offset[d];
            box[d] = to - from;
            covers &= inUnit[d] == 0 && box[d] == inBounds;
            inside &= inBounds == unitShape[d];
            needed *= inBounds;
            chunk[d] = u[d] / unitGrid[d];
            unitInChunk[d] = u[d] % unitGrid[d];
        }
        Coords coords = new Coords(chunk);
        long linear = linear(unitInChunk, unitGrid);
        if (covers) {
            // a pooled buffer, handed over to the encoder: where the result is a view of it (bytes passed
            // through, no compression) it now belongs to that result and leaves the pool, which saves
            // copying every byte once more; otherwise it is free again at once
            MemorySegment scratch = unitScratch.acquire();
            Optional<Bytes> enc = Optional.empty();
            try {
                NdBuffer data = NdBuffer.wrap(array.dataType(), unitShape, scratch);
                if (!inside) {
                    data.fill(fill);
                }
                NdBuffer.copy(src, inSrc, data, inUnit, box);
                enc = ctx.cpu(() -> unitCodec.encodeHandedOverUnit(data));
            } finally {
                if (enc.isEmpty() || enc.get().segment().asOverlappingSlice(scratch).isEmpty()) {
                    unitScratch.release(scratch);
                }
            }
            long charge = enc.map(Bytes::size).orElse(0L);
            budget.reserve(charge, this::evictOne, this::rethrow);
            PendingShard s = lockShard(coords, linear);
            try {
                budget.release(s.put(linear, new Done(enc, charge)));
            } finally {
                unlockMaybeCommit(s);
            }
            return;
        }
        budget.reserve(partialCharge, this::evictOne, this::rethrow);
        PendingShard s = lockShard(coords, linear);
        Partial p;
        long version;
        Optional<Bytes> enc;
        try {
            Unit cur = s.units.get(linear);
            if (cur instanceof Partial x) {
                p = x;
                budget.release(partialCharge);
            } else {
                NdBuffer data;
                if (cur instanceof Done d && d.encoded().isPresent()) {
                    data = ctx.cpu(() -> unitCodec.decodeUnit(d.encoded().get()));
                } else {
                    data = NdBuffer.filled(array.dataType(), unitShape, fill);
                }
                p = new Partial(data, needed, partialCharge);
                if (cur instanceof Done) {
                    p.written.set(0, Math.toIntExact(data.elementCount())); // it was complete
                }
                budget.release(s.put(linear, p));
            }
            NdBuffer.copy(src, inSrc, p.data, inUnit, box);
            markWritten(p, inUnit, box);
            version = ++p.version;
            if (!p.complete()) {
                return;
            }
            Partial full = p;
            enc = ctx.cpu(() -> unitCodec.encodeUnit(full.data));
            long charge = enc.map(Bytes::size).orElse(0L);
            if (charge <= partialCharge) {
                s.put(linear, new Done(enc, charge));
                budget.release(partialCharge - charge);
                return;
            }
        } finally {
            unlockMaybeCommit(s);
        }
        // incompressible: the encoding is larger than what the partial unit holds; wait for the difference
        long charge = enc.get().size();
        budget.reserve(charge - partialCharge, this::evictOne, this::rethrow);
        s.lock.lock();
        try {
            if (!s.detached && s.units.get(linear) == p && p.version == version) {
                s.put(linear, new Done(enc, charge));
            } else {
                budget.release(charge - partialCharge); // changed or written meanwhile: the buffered unit stands
            }
        } finally {
            unlockMaybeCommit(s);
        }
    }

    /** Sets the bits of the elements in the box, one run per row of the last dimension. */
    private void markWritten(Partial p, long[] inUnit, long[] box) {
        if (rank == 0) {
            p.written.set(0);
            return;
        }
        long[] row = new long[rank];
        long[] last = new long[rank];
        for (int d = 0; d < rank - 1; d++) {
            last[d] = box[d] - 1;
        }
        do {
            long lin = 0;
            for (int d = 0; d < rank; d++) {
                lin = lin * unitShape[d] + inUnit[d] + row[d];
            }
            p.written.set(Math.toIntExact(lin), Math.toIntExact(lin + box[rank - 1]));
        } while (rank > 1 && next(row, new long[rank], last));
    }

    /**
     * The pending shard at {@code coords}, locked, to change unit {@code linear}; a new one when the
     * previous is already being written. A streamed shard whose upload is past that unit is finished
     * first, as an incomplete shard, so that the change is merged into it like into any stored shard.
     */
    private PendingShard lockShard(Coords coords, long linear) {
        while (true) {
            PendingShard s = pending.computeIfAbsent(coords, c -> new PendingShard(c, unitsNeeded(c.c())));
            s.lock.lock();
            if (!s.detached && !s.streamedPast(linear)) {
                return s;
            }
            boolean finish = !s.detached;
            if (finish) {
                detach(s);
            }
            s.lock.unlock();
            if (finish) {
                submitCommit(s);
            }
        }
    }

    /** Unlocks; hands newly contiguous inner chunks to the shard's upload, and starts writing the shard when the change completed it. */
    private void unlockMaybeCommit(PendingShard s) {
        if (streamCodec != null && !s.detached) {
            if (!s.probed && !s.complete() && s.units.get(0L) instanceof Done) {
                // the C-order prefix has begun: stream the shard if nothing is stored under it (checked
                // after this shard's earlier writes ended, which run first on its chain)
                s.probed = true;
                s.deciding = true;
                onShard(s.coords, () -> startStream(s));
            }
            emitReady(s);
        }
        // a shard complete while its streaming is being decided is committed by the decision (startStream)
        boolean commit = !s.detached && !s.deciding && s.complete();
        if (commit) {
            detach(s);
        }
        s.lock.unlock();
        if (commit) {
            submitCommit(s);
        }
    }

    private long unitsNeeded(long[] chunk) {
        long n = 1;
        long[] chunkShape = array.chunkShape();
        for (int d = 0; d < rank; d++) {
            long inBounds = Math.min(chunkShape[d], shape[d] - chunk[d] * chunkShape[d]);
            n *= (inBounds + unitShape[d] - 1) / unitShape[d];
        }
        return n;
    }

    /** Called with the shard's lock held. */
    private void detach(PendingShard s) {
        s.detached = true;
        pending.remove(s.coords, s);
        budget.committing(s.charged);
    }

    /** Starts writing the incomplete shard that holds most bytes; false when none could be started. */
    private boolean evictOne() {
        // charges change while other threads write: sort a snapshot of them, or the order is inconsistent
        record Charged(PendingShard shard, long charged) {
        }
        List<Charged> all = new ArrayList<>();
        for (PendingShard s : pending.values()) {
            all.add(new Charged(s, s.evictable()));
        }
        all.sort(Comparator.comparingLong(Charged::charged).reversed());
        for (Charged c : all) {
            PendingShard s = c.shard();
            if (c.charged() > 0 && !s.deciding && s.lock.tryLock()) {
                boolean took = !s.detached;
                if (took) {
                    detach(s);
                }
                s.lock.unlock();
                if (took) {
                    submitCommit(s);
                    return true;
                }
            }
        }
        return false;
    }

    private void submitCommit(PendingShard s) {
        if (s.stream != null) {
            Map<Long, Unit> rest = new TreeMap<>(s.units); // never changed again: the shard is detached
            long charged = s.charged;
            ShardStream st = s.stream;
            onShard(s.coords, () -> finishStream(s.coords, st, rest, charged));
            return;
        }
        Map<Long, UnitUpdate> updates = new HashMap<>();
        BitSet done = new BitSet();
        for (Map.Entry<Long, Unit> e : s.units.entrySet()) {
            switch (e.getValue()) {
                case Done d -> {
                    updates.put(e.getKey(), new UnitUpdate.Encoded(d.encoded()));
                    done.set(Math.toIntExact(e.getKey()));
                }
                case Partial p -> updates.put(e.getKey(), new UnitUpdate.Merge(unit -> copyWritten(p, unit)));
            }
        }
        long charged = s.charged;
        long needed = s.unitsNeeded;
        onShard(s.coords, () -> commit(s.coords, updates, done, needed, charged));
    }

    // ---- streamed shards ------------------------------------------------------------------------

    /** Opens the shard's upload when nothing is stored under it (else it is written whole, as every shard is otherwise). */
    private void startStream(PendingShard s) {
        boolean stored;
        ObjectUpload upload = null;
        Key key = array.chunkKey(s.coords.c());
        try {
            stored = ctx.io(() -> array.store().exists(key));
            if (!stored) {
                upload = ((WritableStore) array.store()).openUpload(key);
            }
        } catch (IOException | RuntimeException e) {
            stored = true; // not streamed: the whole-shard write meets the same store and reports what persists
        }
        s.lock.lock();
        try {
            s.deciding = false;
            if (s.detached || stored) {
                return; // flushed or evicted meanwhile (written whole, nothing was handed over), or merged with what is stored
            }
            s.stream = new ShardStream(upload, unitsPerShard);
            upload = null;
            streamedShards.incrementAndGet();
        } finally {
            unlockMaybeCommit(s); // hands over what is ready, or commits the shard when it completed meanwhile
            if (upload != null) {
                try {
                    upload.abort(); // opening sent nothing: this only drops it
                } catch (IOException ignored) {
                    // nothing was sent
                }
            }
        }
    }

    /** Hands the complete inner chunks at the stream's cursor to its upload (in the background, in order). Lock held. */
    private void emitReady(PendingShard s) {
        ShardStream st = s.stream;
        if (st == null || st.failed) {
            return;
        }
        List<Bytes> batch = new ArrayList<>();
        long charge = 0;
        while (st.cursor < unitsPerShard) {
            int i = st.cursor;
            if (inBounds(s.coords, i)) {
                if (!(s.units.get((long) i) instanceof Done)) {
                    break;
                }
                Done d = s.emit(i);
                charge += d.charge();
                if (d.encoded().isPresent()) {
                    Bytes b = d.encoded().get();
                    st.entries[2 * i] = st.offset;
                    st.entries[2 * i + 1] = b.size();
                    st.offset += b.size();
                    batch.add(b);
                }
            }
            st.cursor++;
        }
        if (batch.isEmpty() && charge == 0) {
            return;
        }
        budget.committing(charge);
        long c = charge;
        onShard(s.coords, () -> append(st, batch, c));
    }

    private void append(ShardStream st, List<Bytes> batch, long charge) {
        long freed;
        try {
            if (!st.failed) {
                ctx.io(() -> {
                    for (Bytes b : batch) {
                        st.upload.append(b);
                    }
                    return null;
                });
            }
            long held = st.failed ? 0 : st.upload.heldBytes();
            freed = st.held + charge - held;
            st.held = held;
        } catch (Throwable t) {
            st.failed = true; // the upload aborted itself: nothing of the shard appears
            failure.compareAndSet(null, t);
            freed = st.held + charge;
            st.held = 0;
            budget.wake();
        }
        budget.settle(charge, freed);
    }

    /**
     * Ends a streamed shard: appends the inner chunks still buffered (in C order; partial ones as written
     * over the fill value, for nothing was stored under the shard), then the index, and commits; a shard
     * left with no stored inner chunk is deleted instead, as a whole-shard write would.
     */
    private void finishStream(Coords coords, ShardStream st, Map<Long, Unit> rest, long charged) {
        Key key = array.chunkKey(coords.c());
        try {
            if (st.failed) {
                return; // reported by the append that failed
            }
            long stored = st.offset;
            List<Bytes> tail = new ArrayList<>();
            for (Map.Entry<Long, Unit> e : rest.entrySet()) {
                int i = Math.toIntExact(e.getKey());
                Optional<Bytes> enc = switch (e.getValue()) {
                    case Done d -> d.encoded();
                    case Partial p -> ctx.cpu(() -> unitCodec.encodeUnit(p.data));
                };
                if (enc.isPresent()) {
                    st.entries[2 * i] = stored;
                    st.entries[2 * i + 1] = enc.get().size();
                    stored += enc.get().size();
                    tail.add(enc.get());
                }
            }
            ChunkSpec spec = new ChunkSpec(array.chunkShape(), array.dataType(), array.metadata().fillValue());
            if (stored == 0) {
                ctx.io(() -> {
                    st.upload.abort();
                    ((WritableStore) array.store()).delete(key);
                    return null;
                });
            } else {
                tail.add(streamCodec.encodeIndex(st.entries, spec));
                ctx.io(() -> {
                    for (Bytes b : tail) {
                        st.upload.append(b);
                    }
                    st.upload.commit();
                    return null;
                });
            }
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
            try {
                st.upload.abort();
            } catch (IOException | RuntimeException e) {
                t.addSuppressed(e);
            }
            budget.wake();
        } finally {
            ctx.cache().invalidate(array.store(), key); // a reader may have cached the shard's absence
            long held = st.held;
            st.held = 0;
            budget.settle(0, held);
            budget.committed(charged);
        }
    }

    /** Whether inner chunk {@code linear} of the shard at {@code coords} lies (at least partly) inside the array. */
    private boolean inBounds(Coords coords, int linear) {
        long rem = linear;
        for (int d = rank - 1; d >= 0; d--) {
            long u = rem % unitGrid[d];
            rem /= unitGrid[d];
            long origin = coords.c()[d] * array.chunkShape()[d] + u * unitShape[d];
            if (origin >= shape[d]) {
                return false;
            }
        }
        return true;
    }

    /** Runs {@code task} in the background after the writes of shard {@code coords} started before it. */
    private CompletableFuture<Void> onShard(Coords coords, Runnable task) {
        CompletableFuture<Void> f = commits.compute(coords, (k, prev) ->
                (prev == null ? CompletableFuture.<Void>completedFuture(null) : prev).thenRunAsync(task, committer));
        f.whenComplete((r, t) -> commits.remove(coords, f));
        return f;
    }

    /**
     * Writes one shard's updates: into the array's store, or, with a partial shard store, into that one while
     * the shard is incomplete ({@code done}: its units complete in this update; {@code needed}: in-bounds units).
     */
    private void commit(Coords coords, Map<Long, UnitUpdate> updates, BitSet done, long needed,
                        long charged) {
        try {
            BitSet before = staging == null ? null : staged.get(coords);
            if (staging == null || (before == null && done.cardinality() >= needed)) {
                array.updateChunk(coords.c(), updates); // complete in the buffer: written once, nothing read
            } else {
                BitSet all = new BitSet();
                if (before == null) {
                    stageStored(coords); // the base to merge with: what the array's store holds now
                } else {
                    all.or(before);
                }
                all.or(done);
                if (before != null && all.cardinality() >= needed) {
                    completeStaged(coords, updates); // the last part: merged straight into the array's store
                } else {
                    staging.updateChunk(coords.c(), updates);
                    staged.put(coords, all);
                    if (all.cardinality() >= needed) {
                        promote(coords);
                    }
                }
            }
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
            budget.wake();
        } finally {
            budget.committed(charged);
        }
    }

    /** Puts the array store's object of shard {@code coords} (or its absence) into the partial shard store. */
    private void stageStored(Coords coords) throws IOException {
        Key key = array.chunkKey(coords.c());
        Optional<Bytes> stored = array.store().read(key);
        WritableStore stage = (WritableStore) staging.store();
        if (stored.isPresent()) {
            stage.write(key, stored.get());
        } else {
            stage.delete(key); // left by an earlier writer (a killed run): not what the array holds
        }
    }

    /**
     * Merges the last updates of a staged shard with its staged object and writes the result into the array's
     * store as one object (or deletes it there when only the fill value remains), then drops the staged one:
     * the same bytes as merging in the partial shard store and moving the result, without writing the complete
     * shard there and reading it back. A kill in between leaves the staged object, which a resumed writer
     * replaces before it merges anything ({@link #stageStored}).
     */
    private void completeStaged(Coords coords, Map<Long, UnitUpdate> updates) throws IOException {
        Key key = array.chunkKey(coords.c());
        Optional<List<Bytes>> pieces = staging.partialEncoder(coords.c()).encode(updates);
        WritableStore target = (WritableStore) array.store();
        if (pieces.isEmpty() && array.writesEmptyChunks()) {
            staging.updateChunk(coords.c(), updates); // a fill-value shard that is stored all the same: as before
            promote(coords);
            return;
        }
        ctx.io(() -> {
            if (pieces.isPresent()) {
                target.write(key, pieces.get());
            } else {
                target.delete(key); // only the fill value: not stored
            }
            return null;
        });
        ctx.cache().invalidate(array.store(), key); // a reader may have cached the shard's absence
        staged.remove(coords);
        ((WritableStore) staging.store()).delete(key);
    }

    /** Moves the staged object of shard {@code coords} into the array's store as one write. */
    private void promote(Coords coords) throws IOException {
        Key key = array.chunkKey(coords.c());
        WritableStore stage = (WritableStore) staging.store();
        WritableStore target = (WritableStore) array.store();
        Optional<Bytes> bytes = stage.read(key);
        if (bytes.isPresent()) {
            target.write(key, bytes.get());
        } else {
            target.delete(key); // only the fill value: not stored
        }
        staged.remove(coords);
        stage.delete(key);
    }

    /** Copies the written elements of a partial unit over the stored unit, run by run. */
    private void copyWritten(Partial p, NdBuffer unit) {
        MemorySegment from = p.data.segment();
        MemorySegment to = unit.segment();
        for (int i = p.written.nextSetBit(0); i >= 0; ) {
            int j = p.written.nextClearBit(i);
            MemorySegment.copy(from, (long) i * elementSize, to, (long) i * elementSize, (long) (j - i) * elementSize);
            i = p.written.nextSetBit(j);
        }
    }

    /**
     * Writes every buffered shard (incomplete ones merged with what is stored) and waits until all
     * writes started so far have ended; then throws the first error of any of them.
     */
    public void flush() throws IOException {
        // let open streaming decisions (one store request each) end first: a shard about to stream is then
        // streamed and finished, not written whole
        for (PendingShard s : new ArrayList<>(pending.values())) {
            CompletableFuture<Void> decision = s.deciding ? commits.get(s.coords) : null;
            if (decision != null) {
                decision.join(); // chain tasks catch everything: never fails
            }
        }
        for (PendingShard s : new ArrayList<>(pending.values())) {
            s.lock.lock();
            boolean took = !s.detached;
            if (took) {
                detach(s);
            }
            s.lock.unlock();
            if (took) {
                submitCommit(s);
            }
        }
        for (CompletableFuture<Void> f : new ArrayList<>(commits.values())) {
            f.join(); // commit() catches everything: the future never fails
        }
        rethrow();
        // what is staged now is all that was written to those shards: the array's store gets it, in each
        // shard's order of writes
        List<CompletableFuture<Void>> moves = new ArrayList<>();
        for (Coords c : new ArrayList<>(staged.keySet())) {
            moves.add(onShard(c, () -> {
                try {
                    if (staged.containsKey(c)) {
                        promote(c);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }));
        }
        for (CompletableFuture<Void> f : moves) {
            f.join();
        }
        rethrow();
    }

    /** Flushes and stops accepting writes; throws the first error of any write. Calling it again does nothing. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            flush();
        } finally {
            committer.close();
        }
    }

    /**
     * Throws the first failure: the original exception the first time, then a new exception with the same
     * message and the original as its cause (a {@code StoreException} or {@code NgffException} again when the
     * original is one), so that one failure thrown by a write and again by
     * {@code close()} in a try-with-resources is not suppressed by itself (which the JDK refuses).
     */
    private void rethrow() throws IOException {
        Throwable t = failure.get();
        if (t != null && !failureThrown.compareAndSet(false, true)) {
            switch (t) {
                case Error e -> throw e;
                case UncheckedIOException e -> throw new IOException(e.getCause().getMessage(), e.getCause());
                case RuntimeException e -> throw new IllegalStateException(e.getMessage(), e);
                case StoreException e -> throw new StoreException(e.getMessage(), e);
                case NgffException e -> throw new NgffException(e.getMessage(), e);
                default -> throw new IOException(t.getMessage(), t);
            }
        }
        switch (t) {
            case null -> {
            }
            case IOException e -> throw e;
            case UncheckedIOException e -> throw e.getCause();
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            default -> throw new IOException(t);
        }
    }

    private void checkRegion(long[] offset, NdBuffer src) {
        if (!src.dataType().equals(array.dataType())) {
            throw new IllegalArgumentException("buffer of " + src.dataType() + " for an array of " + array.dataType());
        }
        if (offset.length != rank || src.rank() != rank) {
            throw new IllegalArgumentException("region of rank " + offset.length + "/" + src.rank()
                    + " for an array of rank " + rank);
        }
        for (int d = 0; d < rank; d++) {
            long end = offset[d] + src.shape(d);
            if (offset[d] < 0 || end > shape[d] || end < 0) {
                throw new IndexOutOfBoundsException("region at " + Arrays.toString(offset) + " of shape "
                        + Arrays.toString(src.shape()) + " is outside the array shape " + Arrays.toString(shape));
            }
        }
    }

    private static long linear(long[] c, long[] grid) {
        long lin = 0;
        for (int d = 0; d < c.length; d++) {
            lin = lin * grid[d] + c[d];
        }
        return lin;
    }

    /** Advances an odometer over [lo, hi] (inclusive); false after the last coordinate. */
    private static boolean next(long[] c, long[] lo, long[] hi) {
        for (int d = c.length - 1; d >= 0; d--) {
            if (++c[d] <= hi[d]) {
                return true;
            }
            c[d] = lo[d];
        }
        return false;
    }
}
