package dev.ngff.acquire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.error.QueueFullException;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.Json;
import dev.ngff.ome.OmeImage;
import dev.ngff.ome.OmeZarr;
import dev.ngff.pyramid.Downsampling;
import dev.ngff.pyramid.PyramidPlan;
import dev.ngff.store.Key;
import dev.ngff.store.Store;
import dev.ngff.write.ArrayWriter;
import dev.ngff.write.WriterLock;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Streams frames into a multiscale OME-Zarr image while an instrument acquires them.
 *
 * <p><b>Flow.</b> {@link #append} copies a frame once, into a buffer of a queue bounded in bytes
 * ({@link Options#queueBytes}); when the queue is full it waits, or with {@link Overflow#FAIL} throws
 * {@link QueueFullException} and takes nothing. Writer threads take frames in turn and write them
 * through one shard write buffer ({@link ArrayWriter}) per level: inner chunks are encoded in parallel
 * as frames complete them and each shard is written once, when complete. Lower levels are made from
 * the frames as they arrive ({@link AcquisitionSpec#method()}): in-plane at once, across outer axes
 * once every frame of a block has arrived. Memory: the queue, the write buffers (level 0's
 * {@link Options#bufferBytes}, each lower level half the level above's), and the blocks of lower levels
 * waiting for frames; none grows with the length of the acquisition.
 *
 * <p><b>What readers see.</b> The image exists from {@link #create}: its levels have extent 0 along
 * axis 0. {@link #flush} writes everything appended before it (incomplete shards too), records how
 * many frames the store holds ({@value #STATE}, at the image's root), then publishes each level's
 * extent along axis 0 over the indices whose frames are all written (for axes {@code t, c, z, y, x}:
 * the complete time points). So a reader, at any moment, sees a valid image whose declared extent holds
 * only written frames; frames of an unfinished index become visible when it is complete. Shards are
 * replaced whole and atomically, so a reader never sees part of a frame.
 *
 * <p><b>Crashes.</b> A writer killed at any moment leaves the image as of its last flush (more,
 * where shards completed after it, beyond the declared extent), the record of the flushed frames, and
 * its writer lock, which {@link #resume} takes over from a dead process on the same host. Resume
 * rebuilds the lower levels' unfinished blocks from level 0 and appends from the first frame not
 * flushed. Durability against power loss is the store's: open a directory store with fsync.
 *
 * <p><b>Closing.</b> {@link #close} completes an index of axis 0 that was cut short with frames of the
 * fill value (a time point of which only some z planes were acquired reads as fill for the rest), makes
 * the lower levels' last blocks from the planes present, publishes the final extents, removes the record
 * and releases the lock.
 *
 * <p><b>Threads and errors.</b> Thread-safe: any number of threads may append (each frame gets the next
 * index, in the order appends take the queue), flush and read metrics. A failure in the background
 * (a store error, a full disk) is reported once to {@link Options#onError}, and thrown by every later
 * {@code append}, {@code flush} and {@code close}; frames flushed before it are in the store.
 */
public final class AcquisitionWriter implements AutoCloseable {
    /** The record of an acquisition in progress, at the image's root. */
    public static final String STATE = ".ngff-acquisition.json";

    /** What {@link #append} does when the queue is full. */
    public enum Overflow {
        /** Wait until the writer threads free room (backpressure to the caller). */
        BLOCK,
        /** Throw {@link QueueFullException} at once, taking nothing (the caller drops the frame or retries). */
        FAIL
    }

    /**
     * Writer configuration.
     *
     * @param queueBytes    the most bytes of frames queued and being written (at least one frame is admitted)
     * @param overflow      what an append does when the queue is full
     * @param bufferBytes   the shard write buffer of level 0 (each lower level gets half the one above)
     * @param writerThreads threads that take frames from the queue (each frame's inner chunks are also
     *                      encoded in parallel under the context's CPU limit)
     * @param onError       told the first background failure, from a writer thread; or null
     */
    public record Options(long queueBytes, Overflow overflow, long bufferBytes, int writerThreads,
                          Consumer<Throwable> onError) {
        public Options {
            if (queueBytes < 1 || bufferBytes < 1 || writerThreads < 1) {
                throw new IllegalArgumentException("queueBytes, bufferBytes and writerThreads must be positive");
            }
            Objects.requireNonNull(overflow, "overflow");
        }

        /** A 256 MiB queue that blocks when full, a 256 MiB write buffer, two writer threads. */
        public static Options defaults() {
            return new Options(256L << 20, Overflow.BLOCK, 256L << 20, 2, null);
        }

        public Options withQueueBytes(long bytes) {
            return new Options(bytes, overflow, bufferBytes, writerThreads, onError);
        }

        public Options withOverflow(Overflow o) {
            return new Options(queueBytes, o, bufferBytes, writerThreads, onError);
        }

        public Options withBufferBytes(long bytes) {
            return new Options(queueBytes, overflow, bytes, writerThreads, onError);
        }

        public Options withWriterThreads(int n) {
            return new Options(queueBytes, overflow, bufferBytes, n, onError);
        }

        public Options withOnError(Consumer<Throwable> handler) {
            return new Options(queueBytes, overflow, bufferBytes, writerThreads, handler);
        }
    }

    /**
     * A snapshot of the writer's counters.
     *
     * @param framesAppended      frames taken by {@link #append} (the next frame's index)
     * @param framesWritten       frames written through the level-0 write buffer (and its pyramid)
     * @param framesFlushed       frames the store holds for certain (the last flush's count)
     * @param framesRejected      appends refused with {@link QueueFullException}
     * @param queuedBytes         bytes of frames queued or being written now
     * @param queueHighWaterBytes the most bytes ever queued at once
     * @param elapsedNanos        since the writer was made
     * @param meanLatencyNanos    mean time from append to the frame's write (0 before the first)
     * @param maxLatencyNanos     the longest such time
     */
    public record Metrics(long framesAppended, long framesWritten, long framesFlushed, long framesRejected,
                          long frameBytes, long queuedBytes, long queueHighWaterBytes, long elapsedNanos,
                          long meanLatencyNanos, long maxLatencyNanos) {
        /** Frames written per second since the writer was made, in 10^6 bytes. */
        public double megabytesPerSecond() {
            return elapsedNanos == 0 ? 0 : framesWritten * (double) frameBytes / elapsedNanos * 1e3;
        }
    }

    private record Frame(long index, MemorySegment data, long appendedAt) {
    }

    private static final Frame STOP = new Frame(-1, MemorySegment.NULL, 0);
    /** Extent of axis 0 of the write handles of an unbounded acquisition (never published). */
    private static final long UNBOUNDED_EXTENT = 1L << 40;

    private final Store store;
    private final Key path;
    private final Options options;
    private final WriterLock lock;
    private final DataType type;
    private final int rank;
    private final int outerRank;
    private final long[] outerShape;
    private final long[] frameShape;
    private final long frameBytes;
    private final long framesPerSlab;
    private final long bound;
    private final PyramidPlan plan;
    private final Downsampling method;
    /** Published handles per level (their shapes are what readers see). */
    private final ZarrArray[] published;
    private final List<ZarrArray> writeHandles = new ArrayList<>();
    private final List<ArrayWriter> writers = new ArrayList<>();
    private final LivePyramid pyramid;
    private final Arena arena = Arena.ofShared();
    private final ArrayBlockingQueue<MemorySegment> free;
    private final int poolSize;
    private int allocated;
    private final LinkedBlockingQueue<Frame> work = new LinkedBlockingQueue<>();
    private final ConcurrentSkipListSet<Long> inFlight = new ConcurrentSkipListSet<>();
    private final ReentrantLock progress = new ReentrantLock();
    private final Condition written = progress.newCondition();
    private final Object appendLock = new Object();
    private final ReentrantLock flushLock = new ReentrantLock();
    private final Thread[] threads;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final long startedAt = System.nanoTime();
    private long next;
    private volatile long flushed;
    private final AtomicLong writtenCount = new AtomicLong();
    /** Frames queued or being written (the set's size() walks it: this is read on every append). */
    private final AtomicLong queuedFrames = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong highWater = new AtomicLong();
    private final AtomicLong latencySum = new AtomicLong();
    private final AtomicLong latencyMax = new AtomicLong();
    private volatile boolean closing;
    private boolean closed;

    private AcquisitionWriter(Store store, Key path, OmeImage image, PyramidPlan plan, Downsampling method,
                              int frameRank, long bound, long frames, WriterLock lock, Options options,
                              ExecutionContext ctx) throws IOException {
        this.store = store;
        this.path = path;
        this.options = options;
        this.lock = lock;
        this.plan = plan;
        this.method = method;
        this.bound = bound;
        ZarrArray level0 = image.level(0).array();
        this.type = level0.dataType();
        this.rank = level0.rank();
        this.outerRank = rank - frameRank;
        long[] shape0 = level0.shape();
        this.outerShape = Arrays.copyOf(shape0, outerRank);
        this.frameShape = Arrays.copyOfRange(shape0, outerRank, rank);
        this.frameBytes = Math.multiplyExact(NdBuffer.elementCount(frameShape), (long) type.byteSize());
        long perSlab = 1;
        for (int d = 1; d < outerRank; d++) {
            perSlab = Math.multiplyExact(perSlab, shape0[d]);
        }
        this.framesPerSlab = perSlab;
        if (image.levels().size() != plan.levels()) {
            throw new InvalidMetadataException(where() + ": the image has " + image.levels().size()
                    + " levels, the acquisition's record " + plan.levels());
        }
        this.published = new ZarrArray[plan.levels()];
        List<long[]> shapes = new ArrayList<>();
        long[] full = shape0.clone();
        full[0] = bound == AcquisitionSpec.UNBOUNDED ? UNBOUNDED_EXTENT : bound;
        long budget = options.bufferBytes();
        for (int k = 0; k < plan.levels(); k++) {
            ZarrArray a = image.level(k).array();
            published[k] = a;
            long[] s = plan.levelShape(full, k);
            if (bound == AcquisitionSpec.UNBOUNDED) {
                s[0] = UNBOUNDED_EXTENT;
            }
            shapes.add(s);
            ZarrArray handle = a.extendTo(maxShape(a.shape(), s));
            writeHandles.add(handle);
            writers.add(handle.writer(ArrayWriter.Options.defaults().withBufferBytes(Math.max(1, budget))));
            budget /= 2;
        }
        this.pyramid = plan.levels() > 1 ? new LivePyramid(plan, method, type, outerRank, shapes, writers,
                bound == AcquisitionSpec.UNBOUNDED) : null;
        this.poolSize = (int) Math.max(1, Math.min(Integer.MAX_VALUE - 8, options.queueBytes() / Math.max(1, frameBytes)));
        this.free = new ArrayBlockingQueue<>(poolSize);
        this.next = frames;
        this.flushed = frames;
        if (pyramid != null && frames > 0) {
            refeed(frames);
        }
        this.threads = new Thread[options.writerThreads()];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = Thread.ofPlatform().name("ngff-acquire-" + i).daemon(true).unstarted(this::drain);
            threads[i].start();
        }
    }

    private static long[] maxShape(long[] a, long[] b) {
        long[] out = new long[a.length];
        for (int d = 0; d < a.length; d++) {
            out[d] = Math.max(a[d], b[d]);
        }
        return out;
    }

    /**
     * Starts an acquisition: takes the writer lock of {@code path}, writes the image with every level
     * empty along axis 0 and the record of the acquisition, and starts the writer threads.
     *
     * @throws dev.ngff.error.WriterLockedException when another writer holds the path
     */
    public static AcquisitionWriter create(Store store, Key path, AcquisitionSpec spec, Options options,
                                           ExecutionContext ctx) throws IOException {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(options, "options");
        WriterLock lock = WriterLock.acquire(store, path, "acquire");
        try {
            long[] empty = spec.image().shape();
            long bound = empty[0];
            empty[0] = 0;
            // the record first: a writer killed while the image is being made leaves something to resume
            writeState(store, path, 0, spec.frameRank(), bound, spec.image().plan(), spec.method());
            OmeImage image = OmeZarr.createImage(store, path, withShape(spec, empty), spec.method(), ctx);
            return new AcquisitionWriter(store, path, image, spec.image().plan(), spec.method(), spec.frameRank(),
                    bound, 0, lock, options, ctx);
        } catch (IOException | RuntimeException e) {
            lock.release();
            throw e;
        }
    }

    private static dev.ngff.ome.ImageSpec withShape(AcquisitionSpec spec, long[] shape) {
        dev.ngff.ome.ImageSpec i = spec.image();
        return new dev.ngff.ome.ImageSpec(i.version(), i.name(), i.axes(), i.dataType(), shape, i.chunks(),
                i.pixelSize(), i.origin(), i.plan(), i.codecs(), i.omero(), i.downsamplingType(), i.downsamplingMetadata());
    }

    /**
     * Goes on with an acquisition that a killed or failed writer left: takes its lock (over a provably dead
     * holder), reads the record of the flushed frames, rebuilds the lower levels' unfinished blocks from
     * level 0, and appends from the first frame not flushed.
     *
     * @throws InvalidMetadataException when the image has no acquisition record, or a broken one
     */
    public static AcquisitionWriter resume(Store store, Key path, Options options, ExecutionContext ctx)
            throws IOException {
        Objects.requireNonNull(options, "options");
        WriterLock lock = WriterLock.acquire(store, path, "acquire");
        try {
            Key key = path.resolve(STATE);
            String where = store.describe() + " key '" + key + "'";
            Bytes doc = store.read(key).orElseThrow(() -> new InvalidMetadataException(where
                    + ": no acquisition in progress here (finished, or never started); nothing to resume"));
            JsonNode state = Json.parse(doc, where);
            if (!state.path("ngff_acquisition").isInt() || state.path("ngff_acquisition").asInt() != 1) {
                throw new InvalidMetadataException(where + ": /ngff_acquisition must be 1");
            }
            long frames = nonNegative(state, "frames", where);
            int frameRank = (int) nonNegative(state, "frame_rank", where);
            long bound = nonNegative(state, "bound", where);
            Downsampling method;
            try {
                method = Downsampling.parse(state.path("method").asText());
            } catch (IllegalArgumentException e) {
                throw new InvalidMetadataException(where + ": /method: " + e.getMessage());
            }
            if (frames == 0 && !Zarr.isNode(store, path)) {
                throw new InvalidMetadataException(where + ": the acquisition stopped before its image was written"
                        + " (no frame was flushed); start it again");
            }
            OmeImage image = OmeZarr.openImage(Zarr.openGroup(store, path, ctx));
            int rank = image.level(0).array().rank();
            JsonNode factors = state.path("factors");
            if (!factors.isArray()) {
                throw new InvalidMetadataException(where + ": /factors must be a list of per-level factors");
            }
            List<int[]> list = new ArrayList<>();
            for (int k = 0; k < factors.size(); k++) {
                JsonNode f = factors.get(k);
                if (!f.isArray() || f.size() != rank) {
                    throw new InvalidMetadataException(where + ": /factors/" + k + " must hold " + rank + " integers");
                }
                int[] v = new int[rank];
                for (int d = 0; d < rank; d++) {
                    v[d] = f.get(d).asInt();
                    if (v[d] < 1) {
                        throw new InvalidMetadataException(where + ": /factors/" + k + "/" + d + " must be at least 1");
                    }
                }
                list.add(v);
            }
            if (frameRank < 1 || frameRank >= rank) {
                throw new InvalidMetadataException(where + ": /frame_rank must be 1 to " + (rank - 1));
            }
            return new AcquisitionWriter(store, path, image, new PyramidPlan(list, rank), method, frameRank, bound,
                    frames, lock, options, ctx);
        } catch (IOException | RuntimeException e) {
            lock.release();
            throw e;
        }
    }

    private static long nonNegative(JsonNode state, String field, String where) throws InvalidMetadataException {
        JsonNode n = state.path(field);
        if (!n.canConvertToLong() || !n.isIntegralNumber() || n.asLong() < 0) {
            throw new InvalidMetadataException(where + ": /" + field + " must be a non-negative integer");
        }
        return n.asLong();
    }

    private static void writeState(Store store, Key path, long frames, int frameRank, long bound, PyramidPlan plan,
                                   Downsampling method) throws IOException {
        ObjectNode o = Json.object();
        o.put("ngff_acquisition", 1);
        o.put("frames", frames);
        o.put("frame_rank", frameRank);
        o.put("bound", bound);
        o.put("method", method.name());
        ArrayNode f = o.putArray("factors");
        for (int[] level : plan.factors()) {
            ArrayNode l = f.addArray();
            for (int v : level) {
                l.add(v);
            }
        }
        store.write(path.resolve(STATE), Json.write(o));
    }

    // ---------------------------------------------------------------- appending

    /** The shape of one frame (the image's trailing extents). */
    public long[] frameShape() {
        return frameShape.clone();
    }

    public DataType dataType() {
        return type;
    }

    /**
     * Appends a frame given as its elements in C order, little-endian ({@link NdBuffer}'s layout),
     * exactly {@code frameBytes} long; returns its index. Copies the frame once; waits (or fails, by
     * {@link Options#overflow}) while the queue is full.
     *
     * @throws QueueFullException    with {@link Overflow#FAIL} when the queue is full (nothing was taken)
     * @throws IllegalStateException after {@link #close}, or when a bounded acquisition is full
     */
    public long append(MemorySegment frame) throws IOException {
        if (frame.byteSize() != frameBytes) {
            throw new IllegalArgumentException("a frame of " + Arrays.toString(frameShape) + " " + type + " is "
                    + frameBytes + " bytes, got " + frame.byteSize());
        }
        return enqueue(frame, null);
    }

    /** {@link #append(MemorySegment)} of the buffer's remaining bytes (its position and limit are left as they are). */
    public long append(ByteBuffer frame) throws IOException {
        return append(MemorySegment.ofBuffer(frame));
    }

    /** Appends a frame of an array of this shape and data type (its offset must be zero). */
    public long append(NdBuffer frame) throws IOException {
        if (!frame.dataType().equals(type) || frame.elementCount() != NdBuffer.elementCount(frameShape)) {
            throw new IllegalArgumentException("a frame is " + Arrays.toString(frameShape) + " " + type + ", got "
                    + Arrays.toString(frame.shape()) + " " + frame.dataType());
        }
        return append(frame.segment());
    }

    /** Appends a frame of bytes (int8, uint8 and bool images). */
    public long append(byte[] frame) throws IOException {
        return appendArray(frame, frame.length, 1, ValueLayout.JAVA_BYTE);
    }

    /** Appends a frame of shorts (int16 and uint16 images). */
    public long append(short[] frame) throws IOException {
        return appendArray(frame, frame.length, 2, ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
    }

    /** Appends a frame of ints (int32 and uint32 images). */
    public long append(int[] frame) throws IOException {
        return appendArray(frame, frame.length, 4, ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
    }

    /** Appends a frame of floats (float32 images). */
    public long append(float[] frame) throws IOException {
        return appendArray(frame, frame.length, 4, ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
    }

    /** Appends a frame of doubles (float64 images). */
    public long append(double[] frame) throws IOException {
        return appendArray(frame, frame.length, 8, ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
    }

    private long appendArray(Object array, int length, int elementBytes, ValueLayout layout) throws IOException {
        if (type.byteSize() != elementBytes || (long) length * elementBytes != frameBytes) {
            throw new IllegalArgumentException("a frame of " + Arrays.toString(frameShape) + " " + type + " takes "
                    + NdBuffer.elementCount(frameShape) + " elements of " + type.byteSize() + " bytes, got "
                    + length + " of " + elementBytes);
        }
        return enqueue(null, dst -> MemorySegment.copy(array, 0, dst, layout, 0, length));
    }

    private long enqueue(MemorySegment src, Consumer<MemorySegment> fill) throws IOException {
        rethrow();
        if (closing) {
            throw new IllegalStateException(where() + ": the acquisition writer is closed");
        }
        synchronized (appendLock) {
            if (bound != AcquisitionSpec.UNBOUNDED && next >= Math.multiplyExact(bound, framesPerSlab)) {
                throw new IllegalStateException(where() + ": the acquisition is full (" + next + " frames, axis 0 bounded at "
                        + bound + ")");
            }
        }
        MemorySegment buf = takeBuffer();
        if (src != null) {
            MemorySegment.copy(src, 0, buf, 0, frameBytes);
        } else {
            fill.accept(buf);
        }
        return submit(buf, false);
    }

    private long submit(MemorySegment buf, boolean internal) throws IOException {
        long index;
        synchronized (appendLock) {
            if (closing && !internal) {
                free.offer(buf);
                throw new IllegalStateException(where() + ": the acquisition writer is closed");
            }
            index = next++;
            inFlight.add(index);
            work.add(new Frame(index, buf, System.nanoTime()));
        }
        long queued = queuedFrames.incrementAndGet() * frameBytes;
        highWater.accumulateAndGet(queued, Math::max);
        return index;
    }

    private MemorySegment takeBuffer() throws IOException {
        return takeBuffer(options.overflow() == Overflow.FAIL);
    }

    private MemorySegment takeBuffer(boolean failWhenFull) throws IOException {
        MemorySegment b = free.poll();
        if (b != null) {
            return b;
        }
        synchronized (free) {
            if (allocated < poolSize) {
                allocated++;
                return arena.allocate(frameBytes, 64);
            }
        }
        if (failWhenFull) {
            rejected.incrementAndGet();
            throw new QueueFullException(where() + ": the frame queue is full (" + poolSize + " frames, "
                    + options.queueBytes() + " bytes); the store is slower than the frames arrive");
        }
        try {
            while (true) {
                b = free.poll(100, TimeUnit.MILLISECONDS);
                if (b != null) {
                    return b;
                }
                rethrow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(where() + ": interrupted while waiting for room in the frame queue");
        }
    }

    // ---------------------------------------------------------------- writing

    private void drain() {
        while (true) {
            Frame f;
            try {
                f = work.take();
            } catch (InterruptedException e) {
                return;
            }
            if (f == STOP) {
                return;
            }
            try {
                if (failure.get() == null) {
                    write(f.index(), NdBuffer.wrap(type, planeShape(), f.data()));
                    writtenCount.incrementAndGet();
                    long latency = System.nanoTime() - f.appendedAt();
                    latencySum.addAndGet(latency);
                    latencyMax.accumulateAndGet(latency, Math::max);
                }
            } catch (Throwable t) {
                fail(t);
            } finally {
                if (f.data() != MemorySegment.NULL) {
                    free.offer(f.data());
                }
                progress.lock();
                try {
                    inFlight.remove(f.index());
                    queuedFrames.decrementAndGet();
                    written.signalAll();
                } finally {
                    progress.unlock();
                }
            }
        }
    }

    private long[] planeShape() {
        long[] s = new long[rank];
        Arrays.fill(s, 0, outerRank, 1);
        System.arraycopy(frameShape, 0, s, outerRank, rank - outerRank);
        return s;
    }

    private long[] outerCoords(long index) {
        long[] o = new long[outerRank];
        long rest = index;
        for (int d = outerRank - 1; d >= 1; d--) {
            o[d] = rest % outerShape[d];
            rest /= outerShape[d];
        }
        o[0] = rest;
        return o;
    }

    private long frameIndex(long[] outer) {
        long i = outer[0];
        for (int d = 1; d < outerRank; d++) {
            i = i * outerShape[d] + outer[d];
        }
        return i;
    }

    private void write(long index, NdBuffer plane) throws IOException {
        long[] outer = outerCoords(index);
        long[] offset = Arrays.copyOf(outer, rank);
        writers.get(0).write(offset, plane);
        if (pyramid != null) {
            pyramid.accept(1, outer, plane);
        }
    }

    /**
     * Rebuilds the lower levels' open blocks after a restart at frame {@code frames}: the frames from the
     * start of the coarsest level's block that holds the next frame are read back from level 0 and passed
     * to the pyramid again (their own level-0 data is in the store already).
     */
    private void refeed(long frames) throws IOException {
        long[] span = new long[outerRank];
        Arrays.fill(span, 1);
        for (int k = 1; k < plan.levels(); k++) {
            for (int d = 0; d < outerRank; d++) {
                span[d] *= plan.factor(k)[d];
            }
        }
        int first = -1;
        for (int d = 0; d < outerRank && first < 0; d++) {
            if (span[d] > 1) {
                first = d;
            }
        }
        if (first < 0) {
            return; // no outer axis is reduced: every block was complete with its frame
        }
        long[] o = outerCoords(frames);
        o[first] = o[first] / span[first] * span[first];
        for (int d = first + 1; d < outerRank; d++) {
            o[d] = 0;
        }
        long from = frameIndex(o);
        ZarrArray level0 = writeHandles.get(0);
        for (long i = from; i < frames; i++) {
            long[] outer = outerCoords(i);
            NdBuffer plane = level0.read(Arrays.copyOf(outer, rank), planeShape());
            pyramid.accept(1, outer, plane);
        }
    }

    private void fail(Throwable t) {
        if (failure.compareAndSet(null, t) && options.onError() != null) {
            try {
                options.onError().accept(t);
            } catch (RuntimeException ignored) {
                // the handler's own failure must not hide the writer's
            }
        }
    }

    private void rethrow() throws IOException {
        Throwable t = failure.get();
        if (t == null) {
            return;
        }
        if (t instanceof IOException e) {
            throw new dev.ngff.error.StoreException(where() + ": the acquisition failed: " + e.getMessage(), e);
        }
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }

    /** Waits until every frame with an index below {@code target} is written. */
    private void awaitWritten(long target) throws IOException {
        progress.lock();
        try {
            while (!inFlight.isEmpty() && inFlight.first() < target) {
                if (failure.get() != null) {
                    break;
                }
                written.await(100, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(where() + ": interrupted while waiting for frames to be written");
        } finally {
            progress.unlock();
        }
        rethrow();
    }

    // ---------------------------------------------------------------- flush and close

    /**
     * Makes every frame appended before this call durable (as the store makes writes durable) and visible
     * up to the last complete index of axis 0; returns how many frames the store now holds for certain.
     * Appends may go on meanwhile.
     */
    public long flush() throws IOException {
        flushLock.lock();
        try {
            rethrow();
            long target;
            synchronized (appendLock) {
                target = next;
            }
            try {
                awaitWritten(target);
                for (ArrayWriter w : writers) {
                    w.flush();
                }
                writeState(store, path, target, rank - outerRank, bound, plan, method);
                flushed = target;
                publish(target / framesPerSlab, bound != AcquisitionSpec.UNBOUNDED && target == bound * framesPerSlab);
            } catch (IOException | RuntimeException e) {
                // a store failure here is the writer's failure as much as one on a writer thread: told once to
                // onError, thrown by every later call (the image stays as of the last flush that returned)
                fail(e);
                throw e;
            }
            return target;
        } finally {
            flushLock.unlock();
        }
    }

    /**
     * Publishes each level's extent along axis 0 for {@code slabs} complete indices of level 0: a lower
     * level's index once every level-0 index it is made from is complete, or all of them at the end.
     */
    private void publish(long slabs, boolean end) throws IOException {
        long extent = slabs;
        for (int k = 0; k < plan.levels(); k++) {
            if (k > 0) {
                int f = plan.factor(k)[0];
                extent = end ? (extent + f - 1) / f : extent / f;
            }
            ZarrArray a = published[k];
            if (a.shape()[0] != extent) {
                long[] s = a.shape();
                s[0] = extent;
                published[k] = a.extendTo(s).publish();
            }
        }
    }

    /**
     * Finishes: completes an index of axis 0 cut short with fill-value frames, writes everything, makes the
     * lower levels' last blocks, publishes the final extents, removes the acquisition record and releases
     * the lock. Idempotent. After a background failure it stops the threads, releases the lock and throws
     * the failure; the image then stays as of the last flush and can be resumed.
     */
    @Override
    public void close() throws IOException {
        flushLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            closing = true;
            try {
                finish();
            } catch (IOException | RuntimeException e) {
                fail(e);
                throw e;
            } finally {
                for (int i = 0; i < threads.length; i++) {
                    work.add(STOP);
                }
                for (Thread t : threads) {
                    try {
                        t.join();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                for (ArrayWriter w : writers) {
                    try {
                        w.close();
                    } catch (IOException | RuntimeException e) {
                        fail(e);
                    }
                }
                arena.close();
                lock.release();
            }
            rethrow();
        } finally {
            flushLock.unlock();
        }
    }

    private void finish() throws IOException {
        long frames;
        synchronized (appendLock) {
            frames = next;
        }
        long rem = frames % framesPerSlab;
        if (rem != 0 && failure.get() == null) {
            byte[] fill = published[0].metadata().fillValue().bytesUnsafe();
            for (long i = rem; i < framesPerSlab; i++) {
                MemorySegment buf = takeBuffer(false);
                NdBuffer.wrap(type, frameShape, buf).fill(fill);
                submit(buf, true);
            }
            synchronized (appendLock) {
                frames = next;
            }
        }
        awaitWritten(frames);
        long slabs = frames / framesPerSlab;
        if (pyramid != null) {
            pyramid.finish(slabs);
        }
        for (ArrayWriter w : writers) {
            w.flush();
        }
        publish(slabs, true);
        store.delete(path.resolve(STATE));
        flushed = frames;
    }

    // ---------------------------------------------------------------- metrics

    /** The writer's counters now. */
    public Metrics metrics() {
        long n = writtenCount.get();
        return new Metrics(framesAppendedNow(), n, flushed, rejected.get(), frameBytes,
                queuedFrames.get() * frameBytes, highWater.get(), System.nanoTime() - startedAt,
                n == 0 ? 0 : latencySum.get() / n, latencyMax.get());
    }

    private long framesAppendedNow() {
        synchronized (appendLock) {
            return next;
        }
    }

    private String where() {
        return store.describe() + (path.isRoot() ? "" : " '" + path + "'");
    }

    /** The record of an acquisition in progress at {@code path}, if there is one (for tools that report on it). */
    public static Optional<Long> flushedFrames(Store store, Key path) throws IOException {
        Optional<Bytes> doc = store.read(path.resolve(STATE));
        if (doc.isEmpty()) {
            return Optional.empty();
        }
        String where = store.describe() + " key '" + path.resolve(STATE) + "'";
        return Optional.of(nonNegative(Json.parse(doc.get(), where), "frames", where));
    }
}
