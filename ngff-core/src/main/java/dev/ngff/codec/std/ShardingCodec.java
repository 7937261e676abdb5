package dev.ngff.codec.std;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.buffer.Buffers;
import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.Layouts;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.buffer.ObjectPool;
import dev.ngff.codec.ArrayToBytesCodec;
import dev.ngff.codec.BytesToBytesCodec;
import dev.ngff.codec.ChunkSource;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.codec.CodecOptions;
import dev.ngff.codec.CodecPipeline;
import dev.ngff.codec.PartialDecoder;
import dev.ngff.codec.PartialEncoder;
import dev.ngff.codec.PartialEncoder.UnitUpdate;
import dev.ngff.codec.TaskRunner;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.error.VersionChangedException;
import dev.ngff.exec.ChunkTasks;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import dev.ngff.metadata.Json;
import dev.ngff.store.ByteRange;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code sharding_indexed} codec: a shard holds a grid of inner chunks, each encoded with the inner
 * codec chain, plus an index of (offset, length) pairs as uint64 at the start or the end. Inner chunks
 * whose every element is the fill value are not stored; their index entry is (2^64-1, 2^64-1).
 *
 * <p>Partial reads fetch the index once with a single prefix or suffix request (then from the caller's
 * cache), and read only the inner chunks that overlap the requested box, coalescing nearby ranges.
 *
 * <p>The calls that take {@link CodecOptions} give each inner chunk's decoding or encoding to the
 * options' runner as a task of its own, so a shard is decoded and encoded in parallel; inside a task
 * the inner codec chain runs sequentially (a shard nested in a shard is parallel at the outer level).
 * Store reads happen on the calling thread, outside the tasks.
 */
public final class ShardingCodec implements ArrayToBytesCodec {
    private static final long MISSING = -1L;
    private static final ValueLayout.OfLong U64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Gaps up to this many bytes between wanted inner chunks are read rather than split into two requests. */
    static final long COALESCE_GAP = 256 * 1024;

    private final long[] innerShape;
    private final CodecPipeline inner;
    private final CodecPipeline index;
    private final boolean indexAtEnd;
    /** Scratch memory for gathering inner chunks to encode; grown on demand. */
    private final ObjectPool<MemorySegment> scratch = new ObjectPool<>(ObjectPool.defaultCapacity(),
            () -> MemorySegment.NULL);

    public ShardingCodec(long[] innerShape, CodecPipeline inner, CodecPipeline index, boolean indexAtEnd)
            throws InvalidMetadataException {
        for (long s : innerShape) {
            if (s <= 0) {
                throw new InvalidMetadataException("sharding_indexed: chunk_shape " + Arrays.toString(innerShape)
                        + " must be positive");
            }
        }
        if (!index.arrayToArray().isEmpty() || !(index.arrayToBytes() instanceof BytesCodec)) {
            throw new InvalidMetadataException("sharding_indexed: index_codecs must be 'bytes' followed by fixed-size codecs such as 'crc32c'");
        }
        for (BytesToBytesCodec c : index.bytesToBytes()) {
            if (c.fixedSizeOverhead().isEmpty()) {
                throw new InvalidMetadataException("sharding_indexed: index codec '" + c.spec().name()
                        + "' does not have a fixed encoded size");
            }
        }
        this.innerShape = innerShape.clone();
        this.inner = inner;
        this.index = index;
        this.indexAtEnd = indexAtEnd;
    }

    public long[] innerShape() {
        return innerShape.clone();
    }

    public CodecPipeline innerPipeline() {
        return inner;
    }

    public boolean indexAtEnd() {
        return indexAtEnd;
    }

    @Override
    public CodecSpec spec() {
        ObjectNode c = Json.object();
        ArrayNode s = c.putArray("chunk_shape");
        for (long x : innerShape) {
            s.add(x);
        }
        ArrayNode ic = c.putArray("codecs");
        inner.specs().forEach(x -> ic.add(x.toJson()));
        ArrayNode xc = c.putArray("index_codecs");
        index.specs().forEach(x -> xc.add(x.toJson()));
        c.put("index_location", indexAtEnd ? "end" : "start");
        return new CodecSpec("sharding_indexed", c);
    }

    /** Inner chunks per dimension for a shard of this spec. */
    long[] grid(ChunkSpec shard) {
        long[] shape = shard.shape();
        if (shape.length != innerShape.length) {
            throw new IllegalArgumentException("sharding_indexed: inner chunk_shape " + Arrays.toString(innerShape)
                    + " has rank " + innerShape.length + ", the shard has rank " + shape.length);
        }
        long[] g = new long[shape.length];
        for (int d = 0; d < g.length; d++) {
            if (shape[d] % innerShape[d] != 0) {
                throw new IllegalArgumentException("sharding_indexed: shard shape " + Arrays.toString(shape)
                        + " is not a multiple of the inner chunk shape " + Arrays.toString(innerShape));
            }
            g[d] = shape[d] / innerShape[d];
        }
        return g;
    }

    private static ChunkSpec indexSpec(long[] grid) {
        long[] s = Arrays.copyOf(grid, grid.length + 1);
        s[grid.length] = 2;
        return new ChunkSpec(s, DataType.UINT64, FillValue.ofBytes(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1}));
    }

    /** Encoded size of the index of a shard with this grid. */
    long indexSize(long[] grid) {
        return index.encodedSizeBound(indexSpec(grid));
    }

    /** Inner chunks go through the inner chain, so it decides (vlen-utf8 inner chunks serve text arrays). */
    @Override
    public void checkDataType(DataType type, String where) throws dev.ngff.error.InvalidMetadataException {
        inner.checkDataType(type, where + " (sharding_indexed inner codecs)");
    }

    @Override
    public long encodedSizeBound(ChunkSpec spec) {
        long[] g = grid(spec);
        long n = NdBuffer.elementCount(g);
        long each = inner.encodedSizeBound(spec.withShape(innerShape));
        if (each < 0) {
            return -1;
        }
        try {
            return Math.addExact(Math.multiplyExact(n, each), indexSize(g));
        } catch (ArithmeticException e) {
            return -1;
        }
    }

    @Override
    public Bytes encode(NdBuffer shard, ChunkSpec spec) throws IOException {
        return Bytes.concat(encodePieces(shard, spec, CodecOptions.sequential()).toArray(Bytes[]::new));
    }

    /** The encoded inner chunks in order, with the index first or last: the shard without one copy of it. */
    @Override
    public List<Bytes> encodePieces(NdBuffer shard, ChunkSpec spec) throws IOException {
        return encodePieces(shard, spec, CodecOptions.sequential());
    }

    /**
     * Encodes a shard into its pieces (see {@link #encodePieces(NdBuffer, ChunkSpec)}), handing the encoding
     * of its inner chunks to the options' runner as independent tasks that may run in parallel.
     */
    @Override
    public List<Bytes> encodePieces(NdBuffer shard, ChunkSpec spec, CodecOptions options) throws IOException {
        long[] g = grid(spec);
        int n = Math.toIntExact(NdBuffer.elementCount(g));
        ChunkSpec innerSpec = spec.withShape(innerShape);
        byte[] fill = spec.fillValue().bytesUnsafe();
        Bytes[] encoded = new Bytes[n]; // null: every element is the fill value, not stored
        boolean single = n == 1;
        List<ChunkTasks.Task> tasks = new ArrayList<>(n);
        long[] coord = new long[g.length];
        for (int i = 0; i < n; i++) {
            int slot = i;
            long[] origin = new long[g.length];
            for (int d = 0; d < g.length; d++) {
                origin[d] = coord[d] * innerShape[d];
            }
            tasks.add(() -> encoded[slot] = encodeInner(shard, single, origin, innerSpec, fill));
            increment(coord, g);
        }
        options.runAll(tasks);
        return assemble(encoded, g);
    }

    /**
     * The pieces of a shard whose inner chunks are {@code encoded} (C order; null: not stored): the
     * stored inner chunks packed in order, and the index (through the index codecs) first or last.
     */
    private List<Bytes> assemble(Bytes[] encoded, long[] g) throws IOException {
        int n = encoded.length;
        long[] entries = new long[2 * n];
        Arrays.fill(entries, MISSING);
        List<Bytes> parts = new ArrayList<>();
        long offset = 0;
        for (int i = 0; i < n; i++) {
            Bytes enc = encoded[i];
            if (enc != null) {
                entries[2 * i] = offset;
                entries[2 * i + 1] = enc.size();
                offset += enc.size();
                parts.add(enc);
            }
        }
        long idxSize = indexSize(g);
        if (!indexAtEnd) {
            for (int i = 0; i < n; i++) {
                if (entries[2 * i] != MISSING) {
                    entries[2 * i] += idxSize;
                }
            }
        }
        Bytes idxBytes = encodeIndex(entries, g);
        List<Bytes> all = new ArrayList<>(parts.size() + 1);
        if (!indexAtEnd) {
            all.add(idxBytes);
        }
        all.addAll(parts);
        if (indexAtEnd) {
            all.add(idxBytes);
        }
        return all;
    }

    /**
     * The encoded index of a shard of {@code shard}'s shape: {@code entries} holds, per inner chunk in C
     * order, its byte offset in the shard and its length, or -1 and -1 when it is not stored. With the index
     * at the end, a shard is its stored inner chunks packed in C order followed by this, which lets a
     * writer send the inner chunks as they complete and the index last (byte for byte what
     * {@link #encodePieces} makes).
     */
    public Bytes encodeIndex(long[] entries, ChunkSpec shard) throws IOException {
        return encodeIndex(entries, grid(shard));
    }

    private Bytes encodeIndex(long[] entries, long[] g) throws IOException {
        int n = Math.toIntExact(NdBuffer.elementCount(g));
        if (entries.length != 2 * n) {
            throw new IllegalArgumentException("sharding_indexed: " + entries.length + " index entries for " + n + " inner chunks");
        }
        MemorySegment idxSeg = Buffers.allocate(16L * n);
        for (int i = 0; i < 2 * n; i++) {
            idxSeg.set(U64_LE, 8L * i, entries[i]);
        }
        ChunkSpec is = indexSpec(g);
        Bytes idxBytes = index.encode(NdBuffer.wrap(DataType.UINT64, is.shape(), idxSeg), is);
        long idxSize = indexSize(g);
        if (idxBytes.size() != idxSize) {
            throw new IllegalStateException("index encoded to " + idxBytes.size() + " bytes, expected " + idxSize);
        }
        return idxBytes;
    }

    /**
     * Encodes one inner chunk, or returns null when every element is the fill value. The inner chunk is
     * gathered into pooled scratch memory when a compressor follows (its output never aliases the input,
     * checked below); without one the encoding is a view of the input, so it gets its own copy.
     */
    private Bytes encodeInner(NdBuffer shard, boolean single, long[] origin, ChunkSpec innerSpec, byte[] fill)
            throws IOException {
        if (single) {
            return shard.allEqual(fill) ? null : inner.encode(shard, innerSpec);
        }
        // variable-length elements have no memory layout to gather into scratch
        if (inner.bytesToBytes().isEmpty() || !inner.arrayToArray().isEmpty() || innerSpec.dataType().isVariableLength()) {
            NdBuffer sub = shard.copyRegion(origin, innerShape);
            return sub.allEqual(fill) ? null : inner.encode(sub, innerSpec);
        }
        long size = innerSpec.byteSize();
        MemorySegment tmp = scratch.acquire();
        if (tmp.byteSize() < size) {
            tmp = Buffers.allocate(size);
        }
        try {
            NdBuffer sub = NdBuffer.wrap(innerSpec.dataType(), innerShape, tmp.asSlice(0, size));
            NdBuffer.copy(shard, origin, sub, new long[origin.length], innerShape);
            if (sub.allEqual(fill)) {
                return null;
            }
            return inner.encode(sub, innerSpec).detachedFrom(tmp); // the scratch memory is reused
        } finally {
            scratch.release(tmp);
        }
    }

    private static void increment(long[] coord, long[] g) {
        for (int d = g.length - 1; d >= 0; d--) {
            if (++coord[d] < g[d]) {
                return;
            }
            coord[d] = 0;
        }
    }

    /** Decodes and validates the index bytes into (offset, length) pairs; {@code shardSize} is -1 if unknown. */
    private long[] decodeIndex(Bytes idxBytes, long[] g, long shardSize, String where) throws IOException {
        ChunkSpec is = indexSpec(g);
        NdBuffer idx;
        try {
            idx = index.decode(idxBytes, is);
        } catch (CorruptDataException e) {
            throw new CorruptDataException(where + ": corrupt shard index: " + e.getMessage(), e);
        }
        int n = Math.toIntExact(NdBuffer.elementCount(g));
        long[] entries = new long[2 * n];
        MemorySegment seg = idx.segment();
        long idxSize = idxBytes.size();
        long dataStart = indexAtEnd ? 0 : idxSize;
        for (int i = 0; i < n; i++) {
            long off = seg.get(U64_LE, 16L * i);
            long len = seg.get(U64_LE, 16L * i + 8);
            if (off == MISSING && len == MISSING) {
                entries[2 * i] = MISSING;
                entries[2 * i + 1] = MISSING;
                continue;
            }
            if (off < 0 || len < 0 || len > dev.ngff.metadata.ArrayMetadata.MAX_CHUNK_BYTES || off + len < 0) {
                throw new CorruptDataException(where + ": shard index entry " + i + " has offset "
                        + Long.toUnsignedString(off) + " length " + Long.toUnsignedString(len) + ", which no shard can hold");
            }
            if (off < dataStart || (shardSize >= 0 && off + len > (indexAtEnd ? shardSize - idxSize : shardSize))) {
                throw new CorruptDataException(where + ": shard index entry " + i + " points at bytes=" + off + "-"
                        + (off + len - 1) + ", outside the shard's data"
                        + (shardSize >= 0 ? " (shard is " + shardSize + " bytes)" : ""));
            }
            entries[2 * i] = off;
            entries[2 * i + 1] = len;
        }
        return entries;
    }

    @Override
    public NdBuffer decode(Bytes encoded, ChunkSpec spec) throws IOException {
        long[] g = grid(spec);
        long idxSize = indexSize(g);
        if (encoded.size() < idxSize) {
            throw new CorruptDataException("shard of " + encoded.size() + " bytes is shorter than its " + idxSize + "-byte index");
        }
        Bytes idxBytes = indexAtEnd ? encoded.slice(encoded.size() - idxSize, idxSize) : encoded.slice(0, idxSize);
        long[] entries = decodeIndex(idxBytes, g, encoded.size(), "shard");
        NdBuffer out = NdBuffer.filled(spec.dataType(), spec.shape(), spec.fillValue().bytesUnsafe());
        ChunkSpec innerSpec = spec.withShape(innerShape);
        long[] coord = new long[g.length];
        long[] origin = new long[g.length];
        long[] zero = new long[g.length];
        int n = entries.length / 2;
        boolean into = inner.decodesIntoLayout(innerSpec.dataType());
        InnerScratch scratch = new InnerScratch();
        for (int i = 0; i < n; i++) {
            if (entries[2 * i] != MISSING) {
                for (int d = 0; d < g.length; d++) {
                    origin[d] = coord[d] * innerShape[d];
                }
                Bytes stored = encoded.slice(entries[2 * i], entries[2 * i + 1]);
                if (!into) {
                    NdBuffer.copy(decodeInner(stored, innerSpec, i, "shard"), zero, out, origin, innerShape);
                } else {
                    MemorySegment direct = Layouts.contiguousRegion(innerShape, innerShape, out, origin);
                    MemorySegment target = direct != null ? direct : scratch.get(innerSpec.byteSize());
                    InnerPart p = new InnerPart(coord.clone(), i, stored, null);
                    decodeInnerInto(p, innerSpec, target, "shard");
                    if (direct == null) {
                        NdBuffer.copy(NdBuffer.wrap(innerSpec.dataType(), innerShape, target), zero, out, origin,
                                innerShape);
                    }
                }
            }
            increment(coord, g);
        }
        return out;
    }

    private NdBuffer decodeInner(Bytes b, ChunkSpec innerSpec, int i, String where) throws IOException {
        try {
            return inner.decode(b, innerSpec);
        } catch (CorruptDataException e) {
            throw new CorruptDataException(where + ": inner chunk " + i + ": " + e.getMessage(), e);
        }
    }

    /** A cached index together with the grid it was decoded for; null entries: the shard is not stored. */
    private record CachedIndex(long[] grid, long[] entries) {
        long byteSize() {
            return 48 + 8L * grid.length + (entries == null ? 0 : 16 + 8L * entries.length);
        }
    }

    @Override
    public PartialDecoder partialDecoder(ChunkSource source, ChunkSpec spec) {
        return (offset, shape) -> {
            try {
                return decodePart(source, spec, offset, shape);
            } catch (VersionChangedException e) {
                // the shard was rewritten since its index was read (or cached): read the new index once
                source.invalidateIndex();
                return decodePart(source, spec, offset, shape);
            }
        };
    }

    private Optional<long[]> index(ChunkSource source, long[] g) throws IOException {
        Optional<Object> cached = source.cachedIndex();
        if (cached.isPresent() && cached.get() instanceof CachedIndex ci && Arrays.equals(ci.grid, g)) {
            return Optional.ofNullable(ci.entries);
        }
        long idxSize = indexSize(g);
        ByteRange r = indexAtEnd ? ByteRange.suffix(idxSize) : ByteRange.of(0, idxSize);
        Optional<Bytes> b = source.read(r);
        if (b.isEmpty()) {
            if (source.cachesInnerChunks()) { // a reader that keeps decoded data keeps the absence too
                CachedIndex none = new CachedIndex(g, null);
                source.cacheIndex(none, none.byteSize());
            }
            return Optional.empty();
        }
        if (b.get().size() != idxSize) {
            throw new CorruptDataException(source.describe() + ": shard of " + b.get().size()
                    + " bytes is shorter than its " + idxSize + "-byte index (" + r + ")");
        }
        long[] entries = decodeIndex(b.get(), g, -1, source.describe());
        CachedIndex ci = new CachedIndex(g, entries);
        source.cacheIndex(ci, ci.byteSize());
        return Optional.of(entries);
    }

    /**
     * One stored inner chunk that a read needs: its grid coordinates, linear index, and either its stored
     * bytes or, when the reader's cache had it, its decoded elements ({@code bytes} null then).
     */
    private record InnerPart(long[] coord, int linear, Bytes bytes, NdBuffer decoded) {
    }

    /** The stored inner chunks a box touches, fetched with coalesced range reads; plus whether any touched one is missing. */
    private record Fetched(List<InnerPart> parts, boolean anyMissing) {
    }

    /**
     * Reads the stored inner chunks that the box {@code [offset, offset + shape)} of a shard touches:
     * the index (cached), then nearby byte ranges coalesced into few requests. Empty when the shard is
     * not stored. {@code shape} must have no zero extent.
     */
    private Optional<Fetched> fetch(ChunkSource source, long[] g, long[] entries, long[] offset, long[] shape)
            throws IOException {
        int rank = g.length;
        long[] lo = new long[rank];
        long[] hi = new long[rank];
        for (int d = 0; d < rank; d++) {
            lo[d] = offset[d] / innerShape[d];
            hi[d] = (offset[d] + shape[d] - 1) / innerShape[d];
        }
        // the inner chunks the box touches, by linear index
        List<long[]> wanted = new ArrayList<>(); // {linear, coord...}
        List<InnerPart> cachedParts = new ArrayList<>();
        boolean caching = source.cachesInnerChunks();
        boolean anyMissing = false;
        long[] c = lo.clone();
        while (true) {
            long lin = 0;
            for (int d = 0; d < rank; d++) {
                lin = lin * g[d] + c[d];
            }
            Optional<NdBuffer> kept = Optional.empty();
            if (entries[(int) (2 * lin)] != MISSING && caching) {
                kept = source.cachedInnerChunk(lin);
            }
            if (kept.isPresent()) {
                cachedParts.add(new InnerPart(c.clone(), (int) lin, null, kept.get()));
            } else if (entries[(int) (2 * lin)] != MISSING) {
                long[] w = new long[rank + 1];
                w[0] = lin;
                System.arraycopy(c, 0, w, 1, rank);
                wanted.add(w);
            } else {
                anyMissing = true;
            }
            int d = rank - 1;
            while (d >= 0 && ++c[d] > hi[d]) {
                c[d] = lo[d];
                d--;
            }
            if (d < 0) {
                break;
            }
        }
        if (wanted.isEmpty()) {
            return Optional.of(new Fetched(cachedParts, anyMissing || cachedParts.isEmpty()));
        }
        boolean missing = anyMissing;
        return readParts(source, entries, wanted, COALESCE_GAP).map(read -> {
            List<InnerPart> parts = new ArrayList<>(cachedParts.size() + read.size());
            parts.addAll(cachedParts);
            parts.addAll(read);
            return new Fetched(parts, missing);
        });
    }

    /**
     * Reads the stored bytes of the {@code wanted} inner chunks ({linear, coord...}; each stored), in
     * ranges that join chunks at most {@code gap} bytes apart. Empty when the shard is gone. Callers
     * that pass only {linear} get zero coordinates back.
     */
    private Optional<List<InnerPart>> readParts(ChunkSource source, long[] entries, List<long[]> wanted, long gap)
            throws IOException {
        int rank = innerShape.length;
        wanted.sort(Comparator.comparingLong(w -> entries[(int) (2 * w[0])]));
        // coalesce nearby byte ranges into fewer requests
        List<long[]> groups = new ArrayList<>(); // {start, end, firstWanted, lastWanted}
        for (int i = 0; i < wanted.size(); i++) {
            long s = entries[(int) (2 * wanted.get(i)[0])];
            long e = s + entries[(int) (2 * wanted.get(i)[0] + 1)];
            long[] last = groups.isEmpty() ? null : groups.getLast();
            if (last != null && s >= last[1] && s - last[1] <= gap || last != null && s < last[1]) {
                last[1] = Math.max(last[1], e);
                last[3] = i;
            } else {
                groups.add(new long[] {s, e, i, i});
            }
        }
        List<ByteRange> ranges = new ArrayList<>(groups.size());
        for (long[] gr : groups) {
            ranges.add(ByteRange.of(gr[0], gr[1] - gr[0]));
        }
        Optional<List<Bytes>> got = source.readRanges(ranges);
        if (got.isEmpty()) {
            return Optional.empty(); // deleted between index read and data read
        }
        List<InnerPart> parts = new ArrayList<>(wanted.size());
        for (int gi = 0; gi < groups.size(); gi++) {
            long[] gr = groups.get(gi);
            Bytes block = got.get().get(gi);
            if (block.size() != gr[1] - gr[0]) {
                throw new CorruptDataException(source.describe() + ": shard index points outside the shard: "
                        + ranges.get(gi) + " returned only " + block.size() + " bytes");
            }
            for (int i = (int) gr[2]; i <= gr[3]; i++) {
                long[] w = wanted.get(i);
                long s = entries[(int) (2 * w[0])];
                long len = entries[(int) (2 * w[0] + 1)];
                parts.add(new InnerPart(Arrays.copyOfRange(w, 1, rank + 1), (int) w[0], block.slice(s - gr[0], len), null));
            }
        }
        return Optional.of(parts);
    }

    /**
     * Decodes one inner chunk and puts the part of it inside the box into {@code dest} at
     * {@code destOffset}: straight into place when the inner chunk lies there whole and contiguously,
     * else into a buffer of its own and one strided copy. An inner chunk from the reader's cache is
     * copied; one the reader wants kept is decoded into a buffer of its own, offered to the cache, then
     * copied.
     */
    private void decodePartInto(ChunkSource source, InnerPart p, ChunkSpec innerSpec, long[] offset, long[] shape,
                                NdBuffer dest, long[] destOffset, String where, InnerScratch scratch)
            throws IOException {
        int rank = p.coord().length;
        long[] srcOff = new long[rank];
        long[] dstOff = new long[rank];
        long[] box = new long[rank];
        for (int d = 0; d < rank; d++) {
            long origin = p.coord()[d] * innerShape[d];
            long from = Math.max(origin, offset[d]);
            long to = Math.min(origin + innerShape[d], offset[d] + shape[d]);
            srcOff[d] = from - origin;
            dstOff[d] = destOffset[d] + from - offset[d];
            box[d] = to - from;
        }
        if (p.decoded() != null) {
            NdBuffer.copy(p.decoded(), srcOff, dest, dstOff, box);
            return;
        }
        if (source.cachesInnerChunks()) {
            NdBuffer chunk;
            if (inner.decodesIntoLayout(innerSpec.dataType())) {
                MemorySegment target = Buffers.allocate(innerSpec.byteSize());
                decodeInnerInto(p, innerSpec, target, where);
                chunk = NdBuffer.wrap(innerSpec.dataType(), innerShape, target);
            } else {
                chunk = decodeInner(p.bytes(), innerSpec, p.linear(), where);
            }
            source.cacheInnerChunk(p.linear(), chunk);
            NdBuffer.copy(chunk, srcOff, dest, dstOff, box);
            return;
        }
        if (!inner.decodesIntoLayout(innerSpec.dataType())) {
            NdBuffer chunk = decodeInner(p.bytes(), innerSpec, p.linear(), where);
            NdBuffer.copy(chunk, srcOff, dest, dstOff, box);
            return;
        }
        MemorySegment direct = Layouts.contiguousRegion(innerShape, box, dest, dstOff);
        if (direct != null) {
            decodeInnerInto(p, innerSpec, direct, where);
            return;
        }
        // the worker's own scratch, not a pool shared by all workers: measured (512^3 sharded read-all, 64^3 inner
        // chunks, 2 cores), a pooled 512 KiB buffer last written on the other core made warm reads 1.4x slower
        // than fresh memory, and fresh memory costs an allocation, a zeroing and a cold cache per inner chunk
        MemorySegment target = scratch.get(innerSpec.byteSize());
        decodeInnerInto(p, innerSpec, target, where);
        NdBuffer.copy(NdBuffer.wrap(innerSpec.dataType(), innerShape, target), srcOff, dest, dstOff, box);
    }

    /**
     * Memory for one inner chunk, owned by one worker (one task that decodes inner chunks one after another)
     * and never shared: it stays in that worker's caches from one inner chunk to the next. Grows to the
     * largest inner chunk it served, so it is bounded by the inner chunk shape, not by the data.
     */
    private static final class InnerScratch {
        private MemorySegment memory = MemorySegment.NULL;

        MemorySegment get(long byteSize) {
            if (memory.byteSize() < byteSize) {
                memory = Buffers.allocate(byteSize);
            }
            return memory.asSlice(0, byteSize);
        }
    }

    private void decodeInnerInto(InnerPart p, ChunkSpec innerSpec, MemorySegment target, String where) throws IOException {
        try {
            inner.decodeInto(p.bytes(), innerSpec, target);
        } catch (CorruptDataException e) {
            throw new CorruptDataException(where + ": inner chunk " + p.linear() + ": " + e.getMessage(), e);
        }
    }

    private Optional<NdBuffer> decodePart(ChunkSource source, ChunkSpec spec, long[] offset, long[] shape) throws IOException {
        long[] g = grid(spec);
        Optional<long[]> maybe = index(source, g);
        if (maybe.isEmpty()) {
            return Optional.empty();
        }
        for (long s : shape) {
            if (s == 0) {
                return Optional.of(NdBuffer.allocate(spec.dataType(), shape));
            }
        }
        Optional<Fetched> fetched = fetch(source, g, maybe.get(), offset, shape);
        if (fetched.isEmpty() || fetched.get().parts().isEmpty()) {
            return Optional.empty();
        }
        NdBuffer out = NdBuffer.filled(spec.dataType(), shape, spec.fillValue().bytesUnsafe());
        ChunkSpec innerSpec = spec.withShape(innerShape);
        long[] zero = new long[g.length];
        InnerScratch scratch = new InnerScratch();
        for (InnerPart p : fetched.get().parts()) {
            decodePartInto(source, p, innerSpec, offset, shape, out, zero, source.describe(), scratch);
        }
        return Optional.of(out);
    }

    /** Its chunks are made of inner chunks, read, decoded and encoded one by one. */
    @Override
    public boolean encodesInParts() {
        return true;
    }

    /**
     * A {@link PartialEncoder} whose units are the inner chunks: replaced inner chunks are encoded
     * from new data, merged ones are read (coalescing only adjacent ranges: a write reads nothing it
     * does not keep), decoded, changed and encoded, the others' stored bytes are copied as they are,
     * and the index is rebuilt. Encodings run as tasks handed to the options' runner, possibly in
     * parallel. Nothing is read when every inner chunk is replaced.
     */
    @Override
    public PartialEncoder partialEncoder(ChunkSource source, ChunkSpec spec, CodecOptions options) {
        return new ShardEncoder(source, spec, grid(spec), options.runner());
    }

    private final class ShardEncoder implements PartialEncoder {
        private final ChunkSource source;
        private final ChunkSpec innerSpec;
        private final long[] grid;
        private final int units;
        private final TaskRunner runner;
        private final byte[] fill;

        ShardEncoder(ChunkSource source, ChunkSpec spec, long[] grid, TaskRunner runner) {
            this.source = source;
            this.innerSpec = spec.withShape(innerShape);
            this.grid = grid;
            this.units = Math.toIntExact(NdBuffer.elementCount(grid));
            this.runner = runner;
            this.fill = spec.fillValue().bytesUnsafe();
        }

        @Override
        public long[] unitShape() {
            return innerShape.clone();
        }

        @Override
        public long[] unitGrid() {
            return grid.clone();
        }

        @Override
        public Optional<Bytes> encodeUnit(NdBuffer unit) throws IOException {
            // the unit's owner may reuse its memory
            return encodeHandedOverUnit(unit).map(enc -> unit.isVariableLength() ? enc : enc.detachedFrom(unit.segment()));
        }

        @Override
        public Optional<Bytes> encodeHandedOverUnit(NdBuffer unit) throws IOException {
            if (!Arrays.equals(unit.shape(), innerShape)) {
                throw new IllegalArgumentException("unit of shape " + Arrays.toString(unit.shape())
                        + " for inner chunks of " + Arrays.toString(innerShape));
            }
            if (unit.allEqual(fill)) {
                return Optional.empty();
            }
            return Optional.of(inner.encode(unit, innerSpec));
        }

        @Override
        public NdBuffer decodeUnit(Bytes encoded) throws IOException {
            return inner.decode(encoded, innerSpec).writable();
        }

        @Override
        public Optional<List<Bytes>> encode(Map<Long, UnitUpdate> updates) throws IOException {
            for (long k : updates.keySet()) {
                if (k < 0 || k >= units) {
                    throw new IllegalArgumentException("inner chunk " + k + " of a shard of " + units);
                }
            }
            try {
                return encodeOnce(updates);
            } catch (VersionChangedException e) {
                source.invalidateIndex(); // rewritten between the index read and the data read
                return encodeOnce(updates);
            }
        }

        private Optional<List<Bytes>> encodeOnce(Map<Long, UnitUpdate> updates) throws IOException {
            Bytes[] out = new Bytes[units];
            Map<Integer, Bytes> stored = readStored(updates);
            List<ChunkTasks.Task> tasks = new ArrayList<>();
            for (int i = 0; i < units; i++) {
                UnitUpdate u = updates.get((long) i);
                int slot = i;
                switch (u) {
                    case null -> out[i] = stored.get(i); // kept as stored, never decoded
                    case UnitUpdate.Encoded e -> out[i] = e.bytes().orElse(null);
                    case UnitUpdate.Replace r -> tasks.add(() -> {
                        NdBuffer unit = NdBuffer.filled(innerSpec.dataType(), innerShape, fill);
                        r.change().apply(unit);
                        out[slot] = encodeUnit(unit).orElse(null);
                    });
                    case UnitUpdate.Merge m -> tasks.add(() -> {
                        Bytes old = stored.get(slot);
                        NdBuffer unit = old == null ? NdBuffer.filled(innerSpec.dataType(), innerShape, fill)
                                : decodeInner(old, innerSpec, slot, source.describe()).writable();
                        m.change().apply(unit);
                        out[slot] = encodeUnit(unit).orElse(null);
                    });
                }
            }
            runner.runAll(tasks);
            for (Bytes b : out) {
                if (b != null) {
                    return Optional.of(assemble(out, grid));
                }
            }
            return Optional.empty();
        }

        /** The stored bytes of the inner chunks kept or merged, by linear index; nothing is read when all are replaced. */
        private Map<Integer, Bytes> readStored(Map<Long, UnitUpdate> updates) throws IOException {
            boolean needed = false;
            for (int i = 0; i < units && !needed; i++) {
                UnitUpdate u = updates.get((long) i);
                needed = u == null || u instanceof UnitUpdate.Merge;
            }
            Map<Integer, Bytes> stored = new java.util.HashMap<>();
            if (!needed) {
                return stored;
            }
            Optional<long[]> maybe = index(source, grid);
            if (maybe.isEmpty()) {
                return stored; // no shard yet
            }
            long[] entries = maybe.get();
            List<long[]> wanted = new ArrayList<>();
            for (int i = 0; i < units; i++) {
                UnitUpdate u = updates.get((long) i);
                if ((u == null || u instanceof UnitUpdate.Merge) && entries[2 * i] != MISSING) {
                    wanted.add(new long[] {i});
                }
            }
            if (wanted.isEmpty()) {
                return stored;
            }
            Optional<List<InnerPart>> parts = readParts(source, entries, wanted, 0);
            if (parts.isEmpty()) {
                return stored; // deleted since the index was read: nothing to keep
            }
            for (InnerPart p : parts.get()) {
                stored.put(p.linear(), p.bytes());
            }
            return stored;
        }
    }

    /**
     * Decodes the box {@code [offset, offset + shape)} of a stored shard straight into {@code dest} at
     * {@code destOffset}: the index (from the source's cache when it has it), coalesced range reads of
     * the inner chunks the box touches, then a few worker tasks handed to the options' runner, which may run them
     * in parallel: each takes inner chunks in turn (decode, copy into place) into disjoint parts of
     * {@code dest}, with scratch memory of one inner chunk that only it uses.
     * Touched inner chunks that are not stored become the fill value. Returns false, leaving
     * {@code dest} untouched, when the shard itself is not stored or holds none of the box.
     */
    @Override
    public boolean decodeInto(ChunkSource source, ChunkSpec spec, long[] offset, long[] shape, NdBuffer dest,
                              long[] destOffset, CodecOptions options) throws IOException {
        try {
            return decodeIntoOnce(source, spec, offset, shape, dest, destOffset, options);
        } catch (VersionChangedException e) {
            // the shard was rewritten since its index was cached; dest is untouched until the fetch succeeds
            source.invalidateIndex();
            return decodeIntoOnce(source, spec, offset, shape, dest, destOffset, options);
        }
    }

    private boolean decodeIntoOnce(ChunkSource source, ChunkSpec spec, long[] offset, long[] shape, NdBuffer dest,
                                   long[] destOffset, CodecOptions options) throws IOException {
        long[] g = grid(spec);
        Optional<long[]> maybe = index(source, g);
        if (maybe.isEmpty()) {
            return false;
        }
        for (long s : shape) {
            if (s == 0) {
                return true;
            }
        }
        Optional<Fetched> fetched = fetch(source, g, maybe.get(), offset, shape);
        if (fetched.isEmpty() || fetched.get().parts().isEmpty()) {
            return false;
        }
        if (fetched.get().anyMissing()) {
            NdBuffer filled = NdBuffer.filled(spec.dataType(), shape, spec.fillValue().bytesUnsafe());
            NdBuffer.copy(filled, new long[shape.length], dest, destOffset, shape);
        }
        ChunkSpec innerSpec = spec.withShape(innerShape);
        String where = source.describe();
        List<InnerPart> parts = fetched.get().parts();
        // a few workers that take inner chunks in turn, each with its own scratch, rather than a task per inner
        // chunk: scratch memory then stays with one thread (and its core's caches), and is one inner chunk per worker
        int workers = Math.min(parts.size(), options.parallelism());
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean failed = new AtomicBoolean();
        List<ChunkTasks.Task> tasks = new ArrayList<>(workers);
        for (int w = 0; w < workers; w++) {
            tasks.add(() -> {
                InnerScratch scratch = new InnerScratch();
                try {
                    for (int i = next.getAndIncrement(); i < parts.size() && !failed.get(); i = next.getAndIncrement()) {
                        decodePartInto(source, parts.get(i), innerSpec, offset, shape, dest, destOffset, where, scratch);
                    }
                } catch (IOException | RuntimeException | Error e) {
                    failed.set(true); // the other workers stop too; the runner rethrows the first failure
                    throw e;
                }
            });
        }
        options.runAll(tasks);
        return true;
    }
}
