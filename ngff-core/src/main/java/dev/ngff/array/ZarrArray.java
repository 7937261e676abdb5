package dev.ngff.array;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.buffer.Buffers;
import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.Layouts;
import dev.ngff.buffer.ObjectPool;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.codec.CodecPipeline;
import dev.ngff.codec.PartialEncoder;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.NgffException;
import dev.ngff.exec.ChunkTasks;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.DataType;
import dev.ngff.store.ByteRange;
import dev.ngff.store.Key;
import dev.ngff.store.ReadableStore;
import dev.ngff.store.WritableStore;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A Zarr v2 or v3 array in a store: read and write any box of elements (long indices, any rank, not
 * aligned to chunks) in parallel, with memory bounded by the {@link ExecutionContext}.
 *
 * <p>A handle is immutable and thread-safe. Concurrent writes
 * through one handle are safe, also to the same chunk (read-modify-write is locked per chunk); writers
 * in other handles or processes must not write the same chunk at the same time. A handle sees the
 * metadata as it was when opened; {@link #resize} and {@link #withAttributes} return new handles.
 *
 * <p>Reads of chains without array-to-array codecs and with little-endian {@code bytes} decode whole
 * chunks straight into the destination where they lie there contiguously; the others go through
 * chunk-sized scratch buffers that the handle keeps for reuse (at most {@code cpuConcurrency} of them).
 * The stored bytes of those whole-chunk reads, and of a shard's inner chunks when decoded chunks are not
 * kept, are read into off-heap buffers that the handle also keeps for reuse (together at most the
 * context's {@code readBytesInFlight}; a larger chunk is read into fresh memory); they are decoded before the
 * buffer goes back, and never reach the caller or the cache.
 * Everything else goes through the codec pipeline with the context's
 * {@link ExecutionContext#codecOptions() codec options}: the codecs read what they need and run their
 * work as tasks under the CPU limit, a shard's inner chunks in parallel wherever the shard sits in the
 * chain; the handle does not know whether its chunks are shards.
 *
 * <p>Caching: shard indexes are kept in the context's {@link dev.ngff.cache.ChunkCache}, shared with the
 * context's other handles. A handle made with {@link #withChunkCaching} keeps decoded chunks (for
 * sharded arrays, decoded inner chunks) there too, and that a chunk is not stored, so that reading a
 * region again makes no store request and no decode; each first read then costs one more copy of the
 * chunk. A read of a region larger than a quarter of the cache's budget (a bulk scan) bypasses the
 * decoded chunks, as a handle without caching does: it would evict them and pay a copy per chunk.
 * A handle is served only what was read after it was opened; writes through any handle of the context
 * drop what is kept of the chunks they write or delete. What other processes write is seen after
 * reopening the array, and for shard indexes on stores with versions (S3) at the next range read of a
 * shard they rewrote (see docs/cache.md).
 */
public final class ZarrArray implements ZarrNode {
    private static final int LOCK_STRIPES = 256;

    private final ReadableStore store;
    private final Key path;
    private final ArrayMetadata meta;
    private final CodecPipeline pipeline;
    private final ExecutionContext ctx;
    private final boolean writeEmptyChunks;
    /** This handle's view of the context's chunk cache. */
    private final ArrayCache cache;
    private final ReentrantLock[] locks;
    /** Whether whole chunks decode straight into an array's memory ({@link CodecPipeline#decodesIntoLayout}). */
    private final boolean decodesIntoLayout;
    /** Whether chunks are read and written in parts (shards): then the pipeline reads what it needs itself. */
    private final boolean encodesInParts;
    /** Chunk-sized scratch memory for chunks that do not lie contiguously in the destination. */
    private final ObjectPool<MemorySegment> scratch;
    /** Memory for the stored bytes of chunk reads, lent to the store and reused (see {@link #readBuffers}). */
    private final ObjectPool<ReadBuffer> readBuffers;

    private ZarrArray(ReadableStore store, Key path, ArrayMetadata meta, CodecPipeline pipeline, ExecutionContext ctx,
                      boolean writeEmptyChunks, ArrayCache cache) {
        this.store = store;
        this.path = path;
        this.meta = meta;
        this.pipeline = pipeline;
        this.ctx = ctx;
        this.writeEmptyChunks = writeEmptyChunks;
        this.cache = cache;
        this.locks = new ReentrantLock[LOCK_STRIPES];
        for (int i = 0; i < LOCK_STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
        this.decodesIntoLayout = pipeline.decodesIntoLayout(meta.dataType());
        this.encodesInParts = pipeline.encodesInParts();
        long chunkBytes = decodesIntoLayout
                ? Math.multiplyExact(NdBuffer.elementCount(meta.chunkShape()), (long) meta.dataType().byteSize()) : 0;
        this.scratch = new ObjectPool<>(ctx.config().cpuConcurrency(), () -> Buffers.allocate(chunkBytes));
        this.readBuffers = readBuffers(ctx.config());
    }

    /**
     * The pool of read buffers of a handle: as many as a few concurrent readers' chunk tasks use (the
     * context's CPU permits plus one read ahead, at least {@value #MIN_READ_BUFFERS}), each bounded so that
     * all of them together hold at most the context's {@code readBytesInFlight}; reads larger than that
     * bound are read into fresh memory as before.
     */
    static ObjectPool<ReadBuffer> readBuffers(ExecutionContext.Config config) {
        int count = Math.max(MIN_READ_BUFFERS, config.cpuConcurrency() + 1);
        long each = Math.max(1, config.readBytesInFlight() / count);
        return new ObjectPool<>(count, () -> new ReadBuffer(each));
    }

    private static final int MIN_READ_BUFFERS = 8;

    /** A handle on an array whose metadata is already known (see {@link Zarr#openArray}). */
    static ZarrArray of(ReadableStore store, Key path, ArrayMetadata meta, ExecutionContext ctx) throws NgffException {
        CodecPipeline p = CodecPipeline.build(meta.codecs(), ctx.codecs(), describe(store, path), codecPointers(meta));
        validateCodecsFor(meta, p, describe(store, path));
        return new ZarrArray(store, path, meta, p, ctx, false, ArrayCache.open(ctx.cache(), store));
    }

    private static void validateCodecsFor(ArrayMetadata meta, CodecPipeline p, String where) throws NgffException {
        p.checkDataType(meta.dataType(), where);
        try {
            ChunkSpec spec = new ChunkSpec(meta.chunkShape(), meta.dataType(), meta.fillValue());
            for (var a2a : p.arrayToArray()) {
                spec = a2a.encodedSpec(spec);
            }
            p.arrayToBytes().encodedSizeBound(spec); // sharding checks its grid here
        } catch (IllegalArgumentException e) {
            throw new dev.ngff.error.InvalidMetadataException(where + ": " + e.getMessage());
        }
    }

    /**
     * The document and JSON pointer each codec of {@code meta} came from, for error messages. In v2 the chain is
     * the filters, a {@code bytes} codec made from the dtype's byte order, then the compressor.
     */
    static List<String> codecPointers(ArrayMetadata meta) {
        List<CodecSpec> codecs = meta.codecs();
        List<String> out = new ArrayList<>(codecs.size());
        if (meta.zarrFormat() == 3 || meta.v2() == null) {
            for (int i = 0; i < codecs.size(); i++) {
                out.add("zarr.json /codecs/" + i);
            }
            return out;
        }
        int filters = meta.v2().filters().isArray() ? meta.v2().filters().size() : 0;
        boolean compressor = !meta.v2().compressor().isNull();
        int f = 0;
        for (int i = 0; i < codecs.size(); i++) {
            if (f < filters && !codecs.get(i).name().equals("bytes")) {
                out.add(".zarray /filters/" + f++);
            } else if (compressor && i == codecs.size() - 1) {
                out.add(".zarray /compressor");
            } else {
                out.add(".zarray /dtype");
            }
        }
        return out;
    }

    static String describe(ReadableStore store, Key path) {
        return store.describe() + " array '" + (path.isRoot() ? "/" : path.path()) + "'";
    }

    @Override
    public ReadableStore store() {
        return store;
    }

    @Override
    public Key path() {
        return path;
    }

    @Override
    public ArrayMetadata metadata() {
        return meta;
    }

    public long[] shape() {
        return meta.shape();
    }

    public long[] chunkShape() {
        return meta.chunkShape();
    }

    public DataType dataType() {
        return meta.dataType();
    }

    public int rank() {
        return meta.rank();
    }

    public CodecPipeline codecs() {
        return pipeline;
    }

    /** A handle that stores chunks even when every element equals the fill value (default: they are not stored). */
    public ZarrArray withWriteEmptyChunks(boolean write) {
        return new ZarrArray(store, path, meta, pipeline, ctx, write, cache);
    }

    /**
     * A handle that keeps the chunks it decodes in the context's cache (or not), for readers that
     * revisit regions: viewers, pyramid builders. It sees what this handle saw (same opening stamp).
     * Off by default: reads that touch each chunk once are faster without it (no copy into the cache),
     * and even with it a single read larger than a quarter of the budget bypasses decoded chunks.
     */
    public ZarrArray withChunkCaching(boolean keep) {
        return new ZarrArray(store, path, meta, pipeline, ctx, writeEmptyChunks, cache.withChunks(keep));
    }

    /** Whether this handle keeps decoded chunks in the context's cache ({@link #withChunkCaching}) and the cache is enabled. */
    public boolean cachesChunks() {
        return cache.cachesChunks();
    }

    /** The store key of the chunk at grid coordinates {@code coords}. */
    public Key chunkKey(long... coords) {
        return path.resolve(meta.chunkKeyEncoding().encode(coords));
    }

    // ---- reading -------------------------------------------------------------------------------

    /** Reads the whole array. */
    public NdBuffer read() throws IOException {
        return read(new long[rank()], shape());
    }

    /** Reads the box {@code [offset, offset + shape)} into a new buffer. */
    public NdBuffer read(long[] offset, long[] regionShape) throws IOException {
        NdBuffer out = NdBuffer.allocate(meta.dataType(), regionShape);
        read(offset, out);
        return out;
    }

    /** Reads the box at {@code offset} with the destination's shape into the destination. */
    public void read(long[] offset, NdBuffer dest) throws IOException {
        long[] regionShape = dest.shape();
        checkRegion(offset, regionShape, dest.dataType());
        if (NdBuffer.elementCount(regionShape) == 0) {
            return;
        }
        long[] chunk = meta.chunkShape();
        long[] lo = new long[rank()];
        long[] hi = new long[rank()];
        for (int d = 0; d < rank(); d++) {
            lo[d] = offset[d] / chunk[d];
            hi[d] = (offset[d] + regionShape[d] - 1) / chunk[d];
        }
        ChunkSpec spec = new ChunkSpec(chunk, meta.dataType(), meta.fillValue());
        byte[] fill = meta.fillValue().bytesUnsafe();
        ArrayCache view = cache.forRead(NdBuffer.elementCount(regionShape), meta.dataType().byteSize());
        try (ChunkTasks tasks = new ChunkTasks(readTasksInFlight())) {
            long[] c = lo.clone();
            do {
                long[] coord = c.clone();
                if (!tasks.submit(() -> readChunkInto(view, coord, spec, offset, regionShape, dest, fill))) {
                    break;
                }
            } while (next(c, lo, hi));
            tasks.await();
        }
    }

    /**
     * Chunk tasks of one read in flight: the context's {@code chunksInFlight}, but for large chunks (shards)
     * no more than one per CPU permit plus one being read ahead, or the context's {@code readBytesInFlight}
     * worth of decoded chunk size. Every task holds its chunk's stored bytes until its decode ends, and tasks waiting
     * for a CPU permit only hold memory: with 32 MiB chunks on 2 cores, 20 tasks held every chunk's
     * compressed bytes at once (most of the peak RSS above the result's size).
     */
    private int readTasksInFlight() {
        return readTasksInFlight(NdBuffer.elementCount(meta.chunkShape()) * (long) meta.dataType().byteSize(),
                ctx.config().cpuConcurrency(), ctx.config().chunksInFlight(), ctx.config().readBytesInFlight());
    }

    static int readTasksInFlight(long chunkBytes, int cpuConcurrency, int chunksInFlight, long readBytesInFlight) {
        long byBytes = Math.max(cpuConcurrency + 1L, readBytesInFlight / Math.max(1, chunkBytes));
        return (int) Math.min(chunksInFlight, byBytes);
    }

    private void readChunkInto(ArrayCache view, long[] coord, ChunkSpec spec, long[] offset, long[] regionShape,
                               NdBuffer dest, byte[] fill) throws IOException {
        int rank = coord.length;
        long[] chunk = spec.shape();
        long[] inChunk = new long[rank];
        long[] inDest = new long[rank];
        long[] box = new long[rank];
        for (int d = 0; d < rank; d++) {
            long origin = coord[d] * chunk[d];
            long from = Math.max(origin, offset[d]);
            long to = Math.min(origin + chunk[d], offset[d] + regionShape[d]);
            inChunk[d] = from - origin;
            inDest[d] = from - offset[d];
            box[d] = to - from;
        }
        Key key = chunkKey(coord);
        try {
            if (!encodesInParts && view.cachesChunks()) { // whole chunks kept whole in the cache
                readCachedChunkInto(view, key, spec, inChunk, box, dest, inDest, fill);
            } else if (!encodesInParts && decodesIntoLayout) {
                readWholeChunkInto(key, spec, inChunk, box, dest, inDest, fill);
            } else {
                // the codecs read what they need and decode under the CPU limit (a shard's inner chunks in parallel);
                // the inner chunks' stored bytes go into a reused buffer, decoded before decodeInto returns
                ReadBuffer buffer = view.cachesChunks() ? null : readBuffers.acquire();
                try {
                    StoreChunkSource source = new StoreChunkSource(store, key, ctx, view, buffer);
                    if (!pipeline.decodeInto(source, spec, inChunk, box, dest, inDest, ctx.codecOptions())) {
                        fillBox(dest, inDest, box, fill);
                    }
                } finally {
                    if (buffer != null) {
                        readBuffers.release(buffer);
                    }
                }
            }
        } catch (CorruptDataException e) {
            throw new CorruptDataException(describe(store, path) + " chunk '" + key + "': " + e.getMessage(), e);
        }
    }

    /**
     * Reads a chunk whose decoded bytes are its elements in {@link NdBuffer}'s layout: straight into the
     * destination when the chunk lies there contiguously (it is whole inside the region and spans the
     * destination's trailing extents), else into pooled scratch memory followed by one strided copy.
     * Uncompressed chunks are read by the store itself into that memory.
     */
    private void readWholeChunkInto(Key key, ChunkSpec spec, long[] inChunk, long[] box, NdBuffer dest, long[] inDest,
                                    byte[] fill) throws IOException {
        long size = spec.byteSize();
        MemorySegment direct = Layouts.contiguousRegion(spec.shape(), box, dest, inDest);
        if (pipeline.bytesToBytes().isEmpty()) {
            MemorySegment target = direct != null ? direct : scratch.acquire();
            try {
                long got = ctx.io(() -> store.readInto(key, target));
                if (got >= 0 && got != size) {
                    throw new CorruptDataException("bytes codec: got " + got + " bytes, expected " + size
                            + " for a chunk of " + spec.dataType() + " " + Arrays.toString(spec.shape()));
                }
                if (got < 0) {
                    fillBox(dest, inDest, box, fill);
                } else if (direct == null) {
                    NdBuffer.copy(NdBuffer.wrap(spec.dataType(), spec.shape(), target), inChunk, dest, inDest, box);
                }
            } finally {
                if (direct == null) {
                    scratch.release(target);
                }
            }
            return;
        }
        // the stored bytes go into a reused buffer: decodeInto consumes them before the buffer goes back
        ReadBuffer buffer = readBuffers.acquire();
        try {
            Optional<Bytes> encoded = ctx.io(() -> store.read(key, ByteRange.WHOLE, buffer));
            if (encoded.isEmpty()) {
                fillBox(dest, inDest, box, fill);
                return;
            }
            // scratch is taken only under the CPU permit: chunks waiting with their bytes read hold none of it,
            // so at most one chunk of scratch per CPU permit exists, however many chunks are in flight
            ctx.cpu(() -> {
                MemorySegment target = direct != null ? direct : scratch.acquire();
                try {
                    pipeline.decodeInto(encoded.get(), spec, target);
                    if (direct == null) {
                        NdBuffer.copy(NdBuffer.wrap(spec.dataType(), spec.shape(), target), inChunk, dest, inDest, box);
                    }
                } finally {
                    if (direct == null) {
                        scratch.release(target);
                    }
                }
                return null;
            });
        } finally {
            readBuffers.release(buffer);
        }
    }

    /**
     * Reads a chunk through the cache: copies the box out of the kept decoded chunk, or reads and decodes
     * the whole chunk into memory of its own, keeps it (or that it is not stored), and copies the box.
     */
    private void readCachedChunkInto(ArrayCache cache, Key key, ChunkSpec spec, long[] inChunk, long[] box,
                                     NdBuffer dest, long[] inDest, byte[] fill) throws IOException {
        Optional<Object> kept = cache.chunk(key, spec);
        if (kept.isPresent()) {
            if (kept.get() instanceof NdBuffer b) {
                NdBuffer.copy(b, inChunk, dest, inDest, box);
            } else {
                fillBox(dest, inDest, box, fill);
            }
            return;
        }
        long stamp = cache.readStamp();
        Optional<Bytes> encoded = ctx.io(() -> store.read(key, ByteRange.WHOLE));
        Optional<NdBuffer> decoded = Optional.empty();
        if (encoded.isPresent()) {
            decoded = Optional.of(ctx.cpu(() -> {
                if (!decodesIntoLayout) {
                    return pipeline.decode(encoded.get(), spec);
                }
                MemorySegment target = Buffers.allocate(spec.byteSize());
                pipeline.decodeInto(encoded.get(), spec, target);
                return NdBuffer.wrap(spec.dataType(), spec.shape(), target);
            }));
        }
        cache.putChunk(key, decoded, stamp);
        if (decoded.isEmpty()) {
            fillBox(dest, inDest, box, fill);
        } else {
            NdBuffer.copy(decoded.get(), inChunk, dest, inDest, box);
        }
    }

    private static void fillBox(NdBuffer dest, long[] at, long[] box, byte[] fill) {
        if (Arrays.equals(box, dest.shape())) {
            dest.fill(fill);
            return;
        }
        NdBuffer filled = NdBuffer.filled(dest.dataType(), box, fill);
        NdBuffer.copy(filled, new long[box.length], dest, at, box);
    }

    /** Reads and decodes one whole chunk; empty when it is not stored. */
    public Optional<NdBuffer> readChunk(long... coords) throws IOException {
        Key key = chunkKey(coords);
        Optional<Bytes> bytes = ctx.io(() -> store.read(key, ByteRange.WHOLE));
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        ChunkSpec spec = new ChunkSpec(meta.chunkShape(), meta.dataType(), meta.fillValue());
        try {
            return Optional.of(ctx.cpu(() -> pipeline.decode(bytes.get(), spec)));
        } catch (CorruptDataException e) {
            throw new CorruptDataException(describe(store, path) + " chunk '" + key + "': " + e.getMessage(), e);
        }
    }

    // ---- writing -------------------------------------------------------------------------------

    private WritableStore writable() {
        if (store instanceof WritableStore w) {
            return w;
        }
        throw new UnsupportedOperationException(store.describe() + " is read-only");
    }

    /**
     * Writes the source buffer at {@code offset}. Chunks the box covers are encoded from the source
     * without reading anything; a chunk it cuts is rewritten through its {@link PartialEncoder}: for a
     * shard only the inner chunks the box cuts are read, decoded, merged and re-encoded, the inner
     * chunks it covers are encoded from the source, and all others are copied as stored (never
     * decoded); the shard is written as one object. For many small writes into the same shards
     * (frames, planes), {@link #writer} writes each shard once.
     */
    public void write(long[] offset, NdBuffer src) throws IOException {
        WritableStore w = writable();
        long[] regionShape = src.shape();
        checkRegion(offset, regionShape, src.dataType());
        if (NdBuffer.elementCount(regionShape) == 0) {
            return;
        }
        long[] chunk = meta.chunkShape();
        long[] lo = new long[rank()];
        long[] hi = new long[rank()];
        for (int d = 0; d < rank(); d++) {
            lo[d] = offset[d] / chunk[d];
            hi[d] = (offset[d] + regionShape[d] - 1) / chunk[d];
        }
        ChunkSpec spec = new ChunkSpec(chunk, meta.dataType(), meta.fillValue());
        try (ChunkTasks tasks = new ChunkTasks(ctx)) {
            long[] c = lo.clone();
            do {
                long[] coord = c.clone();
                if (!tasks.submit(() -> writeChunkFrom(w, coord, spec, offset, src))) {
                    break;
                }
            } while (next(c, lo, hi));
            tasks.await();
        }
    }

    /** Writes the whole array from a buffer of the array's shape. */
    public void write(NdBuffer src) throws IOException {
        write(new long[rank()], src);
    }

    private void writeChunkFrom(WritableStore w, long[] coord, ChunkSpec spec, long[] offset, NdBuffer src) throws IOException {
        int rank = coord.length;
        long[] chunk = spec.shape();
        long[] shape = meta.shape();
        long[] inChunk = new long[rank];
        long[] inSrc = new long[rank];
        long[] box = new long[rank];
        boolean covers = true; // the box covers every in-bounds element of the chunk
        boolean exact = true; // the box is the whole chunk
        for (int d = 0; d < rank; d++) {
            long origin = coord[d] * chunk[d];
            long from = Math.max(origin, offset[d]);
            long to = Math.min(origin + chunk[d], offset[d] + src.shape(d));
            inChunk[d] = from - origin;
            inSrc[d] = from - offset[d];
            box[d] = to - from;
            covers &= from == origin && to == Math.min(origin + chunk[d], shape[d]);
            exact &= box[d] == chunk[d];
        }
        Key key = chunkKey(coord);
        byte[] fill = meta.fillValue().bytesUnsafe();
        if (covers) {
            NdBuffer data;
            if (exact && Arrays.equals(src.shape(), chunk)) {
                data = src;
            } else {
                data = exact ? NdBuffer.allocate(meta.dataType(), chunk) : NdBuffer.filled(meta.dataType(), chunk, fill);
                NdBuffer.copy(src, inSrc, data, inChunk, box);
            }
            storeChunk(w, key, data, spec, fill);
            return;
        }
        // a cut chunk: only the units (inner chunks) the box cuts are read and re-encoded
        updateStoredChunk(w, key, spec, enc -> enc.write(inChunk, src, inSrc, box));
    }

    /** One read-modify-write through a chunk's partial encoder. */
    @FunctionalInterface
    private interface EncoderCall {
        Optional<java.util.List<Bytes>> run(PartialEncoder encoder) throws IOException;
    }

    /**
     * Runs a partial encode of a stored chunk under the chunk's lock and writes the result as one object
     * (or deletes the chunk when nothing but the fill value remains). The stored shard index is read
     * afresh, never from the read cache, so a concurrent reader's stale entry cannot select old bytes.
     */
    private void updateStoredChunk(WritableStore w, Key key, ChunkSpec spec, EncoderCall call)
            throws IOException {
        ReentrantLock lock = locks[Math.floorMod(key.hashCode(), LOCK_STRIPES)];
        lock.lock();
        try {
            Optional<java.util.List<Bytes>> pieces;
            try {
                pieces = call.run(encoderFor(key, spec)); // reads here, codec work under the CPU limit
            } catch (CorruptDataException e) {
                throw new CorruptDataException(describe(store, path) + " chunk '" + key + "': " + e.getMessage(), e);
            }
            cache.invalidate(key);
            if (pieces.isEmpty() && writeEmptyChunks) {
                storeChunk(w, key, NdBuffer.filled(meta.dataType(), spec.shape(), meta.fillValue().bytesUnsafe()), spec,
                        meta.fillValue().bytesUnsafe());
            } else if (pieces.isEmpty()) {
                ctx.io(() -> {
                    w.delete(key);
                    return null;
                });
            } else {
                ctx.io(() -> {
                    w.write(key, pieces.get());
                    return null;
                });
            }
            cache.invalidate(key); // a reader may have cached the old index meanwhile
        } finally {
            lock.unlock();
        }
    }

    private PartialEncoder encoderFor(Key key, ChunkSpec spec) {
        StoreChunkSource source = new StoreChunkSource(store, key, ctx, ArrayCache.none(store));
        return pipeline.partialEncoder(source, spec, ctx.codecOptions());
    }

    /**
     * A partial encoder of the chunk at {@code coords} over what is stored now (see {@link PartialEncoder}):
     * for encoding units ({@link PartialEncoder#encodeUnit}) ahead of {@link #updateChunk}. Its units are
     * the inner chunks of a shard, else the whole chunk. Encoding tasks of a shard run under the
     * context's CPU limit; {@code encodeUnit} runs on the calling thread.
     */
    public PartialEncoder partialEncoder(long... coords) {
        checkChunkCoords(coords);
        ChunkSpec spec = new ChunkSpec(meta.chunkShape(), meta.dataType(), meta.fillValue());
        return encoderFor(chunkKey(coords), spec);
    }

    /**
     * Changes the stored chunk at {@code coords} unit by unit ({@link PartialEncoder#encode}): units
     * without an update keep their stored bytes, the chunk is written as one object, or deleted when
     * only the fill value remains (unless this handle writes empty chunks). Locked against the other
     * writes of this handle to the same chunk.
     */
    public void updateChunk(long[] coords, java.util.Map<Long, PartialEncoder.UnitUpdate> updates) throws IOException {
        checkChunkCoords(coords);
        ChunkSpec spec = new ChunkSpec(meta.chunkShape(), meta.dataType(), meta.fillValue());
        updateStoredChunk(writable(), chunkKey(coords), spec, enc -> enc.encode(updates));
    }

    private void checkChunkCoords(long[] coords) {
        long[] grid = meta.gridShape();
        if (coords.length != grid.length) {
            throw new IllegalArgumentException("chunk coordinates of rank " + coords.length + " for an array of rank " + grid.length);
        }
        for (int d = 0; d < grid.length; d++) {
            if (coords[d] < 0 || coords[d] >= grid[d]) {
                throw new IndexOutOfBoundsException("chunk " + Arrays.toString(coords) + " is outside the chunk grid "
                        + Arrays.toString(grid) + " of " + describe(store, path));
            }
        }
    }

    /**
     * A buffered writer into this array: collects writes per shard and writes each shard once
     * (see {@link dev.ngff.write.ArrayWriter}). Close it to write what it still holds.
     */
    public dev.ngff.write.ArrayWriter writer(dev.ngff.write.ArrayWriter.Options options) {
        return dev.ngff.write.ArrayWriter.open(this, options);
    }

    /** The execution context whose limits this handle's reads and writes run under. */
    public ExecutionContext context() {
        return ctx;
    }

    /** Whether this handle stores chunks whose every element is the fill value ({@link #withWriteEmptyChunks}). */
    public boolean writesEmptyChunks() {
        return writeEmptyChunks;
    }

    private void storeChunk(WritableStore w, Key key, NdBuffer data, ChunkSpec spec, byte[] fill) throws IOException {
        try {
            if (!writeEmptyChunks && pipeline.skipsFillChunks() && ctx.cpu(() -> data.allEqual(fill))) {
                ctx.io(() -> {
                    w.delete(key);
                    return null;
                });
                return;
            }
            // under the CPU limit; a shard's inner chunks in parallel
            java.util.List<Bytes> encoded = pipeline.encodePieces(data, spec, ctx.codecOptions());
            ctx.io(() -> {
                w.write(key, encoded);
                return null;
            });
        } finally {
            // after the store call (also a failed one, which may have changed the object): reads that
            // began before it cannot put old bytes back
            cache.invalidate(key);
        }
    }

    // ---- metadata changes ------------------------------------------------------------------------

    /**
     * Writes this handle's metadata: the array becomes visible to readers with this handle's shape.
     * The commit step of {@link Zarr#newArray} and {@link #extendTo}: call it after the data under the
     * shape is written (and, under an fsync policy, forced; see {@code docs/write-path.md}). Idempotent.
     */
    public ZarrArray publish() throws IOException {
        return publish(dev.ngff.write.Durability.NONE);
    }

    /**
     * {@link #publish()} under a durability policy: with {@link dev.ngff.write.Durability#COMMIT} the
     * objects under the array are forced to stable storage before the metadata is written, and the
     * metadata after ({@link dev.ngff.write.LocalFiles#force}), so a power cut never leaves a published
     * extent without its data. {@code ALWAYS} is the store's own per-object fsync; {@code NONE} forces nothing.
     */
    public ZarrArray publish(dev.ngff.write.Durability durability) throws IOException {
        WritableStore w = writable();
        boolean force = durability == dev.ngff.write.Durability.COMMIT && w instanceof dev.ngff.store.Store;
        if (force) {
            dev.ngff.write.LocalFiles.force((dev.ngff.store.Store) w, path);
        }
        Zarr.writeMetadata(w, path, meta);
        if (force) {
            dev.ngff.write.LocalFiles.force((dev.ngff.store.Store) w, path);
        }
        return this;
    }

    /**
     * A handle with a larger shape whose metadata is not written yet: the way to append. Write the
     * data under the new extent through it, then {@link #publish()} it; readers keep seeing the old
     * shape (whose data is unchanged) until then, also after a crash. Every extent must be at least the
     * current one; shrinking goes through {@link #resize}.
     */
    public ZarrArray extendTo(long... newShape) {
        if (newShape.length != rank()) {
            throw new IllegalArgumentException("extend to rank " + newShape.length + " for an array of rank " + rank());
        }
        for (int d = 0; d < rank(); d++) {
            if (newShape[d] < meta.shape()[d]) {
                throw new IllegalArgumentException("extendTo " + Arrays.toString(newShape) + " shrinks dimension " + d
                        + " of " + Arrays.toString(meta.shape()) + "; use resize");
            }
        }
        return new ZarrArray(store, path, meta.withShape(newShape), pipeline, ctx, writeEmptyChunks, cache);
    }

    /**
     * Changes the shape and publishes it. Chunks that lie wholly outside the new shape are deleted
     * first; the metadata is written last, so readers never see a shape whose chunks are missing.
     * Growing this way publishes an extent whose new part reads as fill values; to append data, write
     * it through {@link #extendTo} and {@link #publish()} it. When the old grid is far larger than what
     * is stored, the stored chunks are listed instead of visiting the grid.
     */
    public ZarrArray resize(long... newShape) throws IOException {
        WritableStore w = writable();
        if (newShape.length != rank()) {
            throw new IllegalArgumentException("resize to rank " + newShape.length + " for an array of rank " + rank());
        }
        ArrayMetadata next = meta.withShape(newShape);
        long[] oldGrid = meta.gridShape();
        long[] newGrid = next.gridShape();
        boolean shrinks = false;
        for (int d = 0; d < rank(); d++) {
            shrinks |= newGrid[d] < oldGrid[d];
        }
        if (shrinks) {
            deleteOutside(w, oldGrid, newGrid);
        }
        Zarr.writeMetadata(w, path, next);
        return new ZarrArray(store, path, next, pipeline, ctx, writeEmptyChunks, cache);
    }

    /** Grids up to this many chunks are visited chunk by chunk when shrinking; larger ones are listed. */
    private static final long MAX_VISITED_GRID = 1L << 20;

    private void deleteOutside(WritableStore w, long[] oldGrid, long[] newGrid) throws IOException {
        long cells = 1;
        for (long g : oldGrid) {
            cells = g == 0 ? 0 : (Math.multiplyHigh(cells, g) != 0 || cells * g < 0 ? Long.MAX_VALUE : cells * g);
        }
        if (cells == 0 || rank() == 0) {
            return;
        }
        try (ChunkTasks tasks = new ChunkTasks(ctx)) {
            if (cells > MAX_VISITED_GRID && store instanceof dev.ngff.store.ListableStore ls) {
                for (Key key : ls.list(path)) {
                    Optional<long[]> c = meta.chunkKeyEncoding().decode(key.relativeTo(path).path(), rank());
                    if (c.isPresent() && outside(c.get(), newGrid)) {
                        tasks.submit(() -> ctx.io(() -> {
                            w.delete(key);
                            return null;
                        }));
                    }
                }
            } else {
                long[] zero = new long[rank()];
                long[] last = new long[rank()];
                for (int d = 0; d < rank(); d++) {
                    last[d] = oldGrid[d] - 1;
                }
                long[] c = zero.clone();
                do {
                    if (outside(c, newGrid)) {
                        Key key = chunkKey(c);
                        tasks.submit(() -> {
                            try {
                                ctx.io(() -> {
                                    w.delete(key);
                                    return null;
                                });
                            } finally {
                                cache.invalidate(key);
                            }
                        });
                    }
                } while (next(c, zero, last));
            }
            tasks.await();
        }
    }

    private static boolean outside(long[] c, long[] grid) {
        for (int d = 0; d < c.length; d++) {
            if (c[d] >= grid[d]) {
                return true;
            }
        }
        return false;
    }

    /** Replaces the user attributes and writes the metadata. */
    public ZarrArray withAttributes(ObjectNode attributes) throws IOException {
        ArrayMetadata next = meta.withAttributes(attributes);
        Zarr.writeMetadata(writable(), path, next);
        return new ZarrArray(store, path, next, pipeline, ctx, writeEmptyChunks, cache);
    }

    // ---- helpers -------------------------------------------------------------------------------

    private void checkRegion(long[] offset, long[] regionShape, DataType type) {
        if (!type.equals(meta.dataType())) {
            throw new IllegalArgumentException("buffer of " + type + " for an array of " + meta.dataType());
        }
        if (offset.length != rank() || regionShape.length != rank()) {
            throw new IllegalArgumentException("region of rank " + offset.length + "/" + regionShape.length
                    + " for an array of rank " + rank());
        }
        long[] shape = meta.shape();
        for (int d = 0; d < rank(); d++) {
            if (offset[d] < 0 || regionShape[d] < 0 || offset[d] + regionShape[d] > shape[d] || offset[d] + regionShape[d] < 0) {
                throw new IndexOutOfBoundsException("region at " + Arrays.toString(offset) + " of shape "
                        + Arrays.toString(regionShape) + " is outside the array shape " + Arrays.toString(shape)
                        + " of " + describe(store, path));
            }
        }
    }

    /** Advances an odometer over [lo, hi] (inclusive); false after the last coordinate. */
    static boolean next(long[] c, long[] lo, long[] hi) {
        for (int d = c.length - 1; d >= 0; d--) {
            if (++c[d] <= hi[d]) {
                return true;
            }
            c[d] = lo[d];
        }
        return false;
    }

    @Override
    public String toString() {
        return "ZarrArray[" + describe(store, path) + " " + meta + "]";
    }
}
