package dev.ngff.pyramid;

import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ChunkTasks;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.DataType;
import dev.ngff.store.WritableStore;
import dev.ngff.write.ArrayWriter;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * The streaming pyramid pass: reads level 0 once, block by block, and writes every level in the same
 * pass through one {@link ArrayWriter} per level, so each shard is encoded and written once.
 *
 * <p><b>How.</b> The coarsest level is visited chunk by chunk (a chunk being a shard when sharded). A
 * level-{@code k} box is made from the level above in cells whose input is one chunk of level
 * {@code k-1}; each cell's input is made the same way, down to level 0, which is read from the source.
 * Every level's box is written as soon as it is complete. Cells of level 1 (the heavy part: reading
 * level 0 and the first reduction) run in parallel, {@link Options#blocksInFlight} at a time. Methods with a
 * halo (gaussian) compute the thin neighbouring strips they need again from level 0 rather than keeping
 * neighbours: memory stays a few chunks per level, whatever the size of the dataset.
 *
 * <p><b>Memory.</b> About one chunk of each level, plus {@code blocksInFlight} level-0 blocks and their
 * inputs, plus the writers' buffers (bounded together by {@link Options#bufferBytes}).
 *
 * <p><b>Commit.</b> The pass writes data only: the caller publishes each level (and then the
 * multiscales metadata that lists them) after {@link #write} returns, as {@code docs/write-path.md}
 * requires. A failed pass leaves the unpublished level data behind and throws the first error.
 */
public final class PyramidWriter {

    /**
     * @param bufferBytes    budget of the level writers' buffers together (at least 1)
     * @param blocksInFlight level-0 blocks read and reduced at once (at least 1)
     * @param channelAxis    the axis whose per-index value range to collect (omero windows); -1 for one
     *                       range over all values (an image without a channel axis), when {@code ranges}
     * @param ranges         whether to collect value ranges at all
     * @param partialShardStore where the level writers put shards written before they are complete
     *                       ({@link ArrayWriter.Options#partialShardStore()}); null: each level's own store
     */
    public record Options(long bufferBytes, int blocksInFlight, int channelAxis, boolean ranges,
                          WritableStore partialShardStore) {
        public Options {
            if (bufferBytes < 1 || blocksInFlight < 1 || channelAxis < -1) {
                throw new IllegalArgumentException("buffer bytes and blocks in flight must be positive, got "
                        + bufferBytes + " and " + blocksInFlight);
            }
        }

        /** 256 MiB of writer buffers, two blocks in flight, no value ranges. */
        public static Options defaults() {
            return new Options(256L << 20, 2, -1, false, null);
        }

        /** Collects value ranges per index of {@code axis}, or one over all values when it is -1. */
        public Options withRanges(int axis) {
            return new Options(bufferBytes, blocksInFlight, axis, true, partialShardStore);
        }

        public Options withoutRanges() {
            return new Options(bufferBytes, blocksInFlight, -1, false, partialShardStore);
        }

        public Options withBlocksInFlight(int n) {
            return new Options(bufferBytes, n, channelAxis, ranges, partialShardStore);
        }

        public Options withBufferBytes(long bytes) {
            return new Options(bytes, blocksInFlight, channelAxis, ranges, partialShardStore);
        }

        /** Shards written before they are complete go to {@code store} (null: each level's own store). */
        public Options withPartialShardStore(WritableStore store) {
            return new Options(bufferBytes, blocksInFlight, channelAxis, ranges, store);
        }
    }

    /**
     * What a pass did.
     *
     * @param ranges per index of the channel axis (or one for all values), the smallest and largest level-0
     *               value (NaN ignored); empty when not asked for
     * @param levelZeroBytes level-0 bytes read (each element counted once)
     */
    public record Result(List<ValueRange> ranges, long levelZeroBytes) {
        public Result {
            ranges = List.copyOf(ranges);
        }
    }

    /** The smallest and largest value seen; NaN when none. */
    public record ValueRange(double min, double max) {
        /** The range of both (NaN ignored): how ranges of parts of a level combine, in any order. */
        public ValueRange union(ValueRange o) {
            return new ValueRange(minIgnoringNaN(min, o.min), maxIgnoringNaN(max, o.max));
        }
    }

    /**
     * The value ranges of a block of level 0 as {@link Options#withRanges} collects them: one per index of
     * {@code channelAxis} within the block (the block's first index first), or one over all values when it is
     * -1. Writers that read level 0 in parts (ngff-spark) combine the parts with {@link ValueRange#union}.
     */
    public static List<ValueRange> valueRanges(NdBuffer block, int channelAxis) {
        int rank = block.shape().length;
        if (channelAxis < -1 || channelAxis >= rank) {
            throw new IllegalArgumentException("channel axis " + channelAxis + " of a block of rank " + rank);
        }
        long[] shape = block.shape();
        long outer = 1;
        for (int d = 0; d < channelAxis; d++) {
            outer *= shape[d];
        }
        long inner = 1;
        for (int d = channelAxis + 1; d < rank; d++) {
            inner *= shape[d];
        }
        int n = channelAxis < 0 ? 1 : (int) shape[channelAxis];
        List<ValueRange> out = new ArrayList<>(n);
        for (int c = 0; c < n; c++) {
            ValueRange r = new ValueRange(Double.NaN, Double.NaN);
            for (long o = 0; o < outer; o++) {
                double[] v = ValueRanges.of(block, (o * n + c) * inner, inner);
                r = r.union(new ValueRange(v[0], v[1]));
            }
            out.add(r);
        }
        return out;
    }

    /** The size to grow blocks to: large enough to amortise a read and a task, small enough to keep several. */
    static final long BLOCK_BYTES = 8L << 20;

    private PyramidWriter() {
    }

    /**
     * Writes the levels of {@code plan} from {@code source}.
     *
     * @param source  level-0 data (read once, in blocks aligned to its block shape)
     * @param targets one array per level of {@code plan}, each of the plan's level shape and the source's
     *                data type; element 0 may be null when the source is itself level 0 (it is then not
     *                rewritten). Typically unpublished handles from {@code Zarr.newArray}.
     * @param progress told the level-0 bytes of each finished block (from several threads), or null
     * @throws IOException the first error of any read, reduction or write
     */
    public static Result write(LevelSource source, List<ZarrArray> targets, PyramidPlan plan, Downsampling method,
                               Options options, LongConsumer progress) throws IOException {
        Objects.requireNonNull(method, "method");
        if (targets.size() != plan.levels()) {
            throw new IllegalArgumentException(targets.size() + " target arrays for a plan of " + plan.levels() + " levels");
        }
        if (plan.rank() != source.shape().length) {
            throw new IllegalArgumentException("a plan of rank " + plan.rank() + " for a source of rank "
                    + source.shape().length);
        }
        for (int k = 0; k < targets.size(); k++) {
            ZarrArray t = targets.get(k);
            if (t == null) {
                if (k > 0) {
                    throw new IllegalArgumentException("level " + k + " has no target array");
                }
                continue;
            }
            if (!Arrays.equals(t.shape(), plan.levelShape(source.shape(), k)) || !t.dataType().equals(source.dataType())) {
                throw new IllegalArgumentException("level " + k + " target " + t.path() + " is " + t.dataType() + " "
                        + Arrays.toString(t.shape()) + "; the plan needs " + source.dataType() + " "
                        + Arrays.toString(plan.levelShape(source.shape(), k)));
            }
        }
        if (options.channelAxis() >= source.shape().length) {
            throw new IllegalArgumentException("channel axis " + options.channelAxis() + " of a source of rank "
                    + source.shape().length);
        }
        Pass pass = new Pass(source, targets, plan, method, options, progress == null ? b -> { } : progress);
        return pass.run();
    }

    /**
     * The box shape level 0 is read, reduced and written in when its target has {@code level0}'s layout: inner
     * chunks grown (last axis first) to about {@link #BLOCK_BYTES}, within one shard, and at least the source's
     * block. A block in flight holds about this many elements (times the data type's size) of level-0 data;
     * callers that budget memory ({@code ngff convert --memory}) size their share from it.
     */
    public static long[] levelZeroBlockShape(LevelSource source, ArrayMetadata level0) {
        return blockShape(source.shape(), level0, source.blockShape(), source.dataType().byteSize());
    }

    /** The block of a level of {@code levelShape} and layout {@code level}; at least {@code sourceBlock} when not null. */
    private static long[] blockShape(long[] levelShape, ArrayMetadata level, long[] sourceBlock, int byteSize) {
        int rank = levelShape.length;
        long[] unit = LevelLayout.innerChunks(level);
        long[] outer = level.chunkShape();
        long[] shape = levelShape;
        long[] b = new long[rank];
        long[] cap = new long[rank];
        for (int d = 0; d < rank; d++) {
            unit[d] = Math.max(1, Math.min(unit[d], shape[d]));
            cap[d] = PyramidPlan.ceilDiv(Math.min(outer[d], shape[d]), unit[d]) * unit[d];
            b[d] = unit[d];
        }
        boolean grew = true;
        while (grew && NdBuffer.elementCount(b) * byteSize < BLOCK_BYTES) {
            grew = false;
            for (int d = rank - 1; d >= 0 && NdBuffer.elementCount(b) * byteSize < BLOCK_BYTES; d--) {
                if (b[d] < cap[d]) {
                    b[d] = Math.min(cap[d], b[d] * 2);
                    grew = true;
                }
            }
        }
        if (sourceBlock != null) {
            long[] src = sourceBlock;
            for (int d = 0; d < rank; d++) {
                if (src[d] > b[d]) {
                    b[d] = Math.min(PyramidPlan.ceilDiv(src[d], unit[d]), PyramidPlan.ceilDiv(shape[d], unit[d])) * unit[d];
                }
            }
        }
        return b;
    }

    private static final class Pass {
        private final LevelSource source;
        private final DataType type;
        private final int rank;
        private final int levels;
        private final Downsampling method;
        private final Options options;
        private final LongConsumer progress;
        private final long[][] shapes;
        private final int[][] factors;
        private final int[][] halos;
        /** cells[k]: the size of the level-k cells whose input is one block of level k-1. */
        private final long[][] cells;
        private final ZarrArray[] targets;
        /** blocks[k]: the boxes level k is made and written in. */
        private final long[][] blocks;
        private final ArrayWriter[] writers;
        private final double[] min;
        private final double[] max;
        private long levelZeroBytes;

        Pass(LevelSource source, List<ZarrArray> targets, PyramidPlan plan, Downsampling method, Options options,
             LongConsumer progress) {
            this.source = source;
            this.type = source.dataType();
            this.rank = source.shape().length;
            this.levels = plan.levels();
            this.method = method;
            this.options = options;
            this.progress = progress;
            this.shapes = new long[levels][];
            this.factors = new int[levels][];
            this.halos = new int[levels][];
            this.cells = new long[levels][];
            this.writers = new ArrayWriter[levels];
            this.targets = targets.toArray(new ZarrArray[0]);
            this.blocks = new long[levels][];
            long perWriter = Math.max(1, options.bufferBytes() / levels);
            for (int k = 0; k < levels; k++) {
                shapes[k] = plan.levelShape(source.shape(), k);
                ZarrArray t = targets.get(k);
                writers[k] = t == null ? null : t.writer(ArrayWriter.Options.defaults().withBufferBytes(perWriter)
                        .withPartialShardStore(options.partialShardStore()));
            }
            for (int k = 0; k < levels; k++) {
                blocks[k] = blockShape(k);
                if (k > 0) {
                    factors[k] = plan.factor(k);
                    halos[k] = method.halo(factors[k]);
                    long[] block = blocks[k - 1];
                    cells[k] = new long[rank];
                    for (int d = 0; d < rank; d++) {
                        cells[k][d] = Math.max(1, PyramidPlan.ceilDiv(block[d], factors[k][d]));
                    }
                }
            }
            int channels = !options.ranges() ? 0 : options.channelAxis() < 0 ? 1
                    : (int) Math.min(Integer.MAX_VALUE, source.shape()[options.channelAxis()]);
            this.min = new double[channels];
            this.max = new double[channels];
            Arrays.fill(min, Double.NaN);
            Arrays.fill(max, Double.NaN);
        }

        Result run() throws IOException {
            IOException failure = null;
            try {
                int top = levels - 1;
                long[] topCell = blocks[top];
                boolean parallel = top == 0;
                try (ChunkTasks tasks = new ChunkTasks(parallel ? options.blocksInFlight() : 1)) {
                    forEachCell(shapes[top], new long[rank], shapes[top], topCell, (lo, hi) -> {
                        if (parallel) {
                            tasks.submit(() -> produce(top, lo, hi, lo, hi));
                        } else {
                            produce(top, lo, hi, lo, hi);
                        }
                    });
                    tasks.await();
                }
            } catch (IOException e) {
                failure = e;
            } finally {
                for (ArrayWriter w : writers) {
                    if (w == null) {
                        continue;
                    }
                    try {
                        w.close();
                    } catch (IOException e) {
                        if (failure == null) {
                            failure = e;
                        }
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
            List<ValueRange> ranges = new ArrayList<>();
            for (int c = 0; c < min.length; c++) {
                ranges.add(new ValueRange(min[c], max[c]));
            }
            return new Result(ranges, levelZeroBytes);
        }

        /**
         * The box level k is made in: whole write units (inner chunks) of its target, doubled axis by axis
         * from the last up to {@link #BLOCK_BYTES} or the shard, and at least the source's block where level
         * 0 is copied (so a source chunk is decoded once); the source's block when level 0 is not written.
         */
        private long[] blockShape(int k) {
            if (targets[k] == null) {
                return source.blockShape();
            }
            return PyramidWriter.blockShape(shapes[k], targets[k].metadata(), k == 0 ? source.blockShape() : null,
                    type.byteSize());
        }

        /** Level-{@code k} data of box [lo, hi); the part inside [wlo, whi) is written to level k. */
        private NdBuffer produce(int k, long[] lo, long[] hi, long[] wlo, long[] whi) throws IOException {
            long[] extent = minus(hi, lo);
            boolean writes = !isEmpty(wlo, whi);
            if (k == 0) {
                NdBuffer in = source.read(lo, extent);
                if (writes) {
                    NdBuffer core = Arrays.equals(lo, wlo) && Arrays.equals(hi, whi) ? in
                            : in.copyRegion(minus(wlo, lo), minus(whi, wlo));
                    if (writers[0] != null) {
                        writers[0].write(wlo, core);
                    }
                    if (min.length > 0) {
                        collectRange(core, options.channelAxis() < 0 ? 0 : wlo[options.channelAxis()]);
                    }
                    long bytes = core.elementCount() * type.byteSize();
                    synchronized (this) {
                        levelZeroBytes += bytes;
                    }
                    progress.accept(bytes);
                }
                return in;
            }
            NdBuffer out = NdBuffer.allocate(type, extent);
            int[] f = factors[k];
            int[] halo = halos[k];
            long[] inShape = shapes[k - 1];
            boolean parallel = k == 1;
            try (ChunkTasks tasks = new ChunkTasks(parallel ? options.blocksInFlight() : 1)) {
                forEachCell(shapes[k], lo, hi, cells[k], (olo, ohi) -> {
                    ChunkTasks.Task cell = () -> {
                        long[] inLo = new long[rank];
                        long[] inHi = new long[rank];
                        long[] needLo = new long[rank];
                        long[] needHi = new long[rank];
                        long[] cwlo = new long[rank];
                        long[] cwhi = new long[rank];
                        for (int d = 0; d < rank; d++) {
                            inLo[d] = olo[d] * f[d];
                            inHi[d] = Math.min(ohi[d] * f[d], inShape[d]);
                            needLo[d] = Math.max(0, inLo[d] - halo[d]);
                            needHi[d] = Math.min(inShape[d], inHi[d] + halo[d]);
                            cwlo[d] = Math.max(olo[d], wlo[d]) * f[d];
                            cwhi[d] = Math.min(Math.min(ohi[d], whi[d]) * f[d], inShape[d]);
                        }
                        NdBuffer in = produce(k - 1, needLo, needHi, cwlo, cwhi);
                        if (Arrays.equals(olo, lo) && Arrays.equals(ohi, hi)) {
                            Downsampler.reduce(method, f, inShape, in, needLo, out, lo);
                        } else {
                            NdBuffer part = NdBuffer.allocate(type, minus(ohi, olo));
                            Downsampler.reduce(method, f, inShape, in, needLo, part, olo);
                            NdBuffer.copy(part, new long[rank], out, minus(olo, lo), part.shape());
                        }
                    };
                    if (parallel) {
                        tasks.submit(cell);
                    } else {
                        cell.run();
                    }
                });
                tasks.await();
            }
            if (writes) {
                NdBuffer core = Arrays.equals(lo, wlo) && Arrays.equals(hi, whi) ? out
                        : out.copyRegion(minus(wlo, lo), minus(whi, wlo));
                writers[k].write(wlo, core);
            }
            return out;
        }

        /** Folds a level-0 block's values into the per-channel ranges; {@code first} is its first channel. */
        private void collectRange(NdBuffer block, long first) {
            List<ValueRange> r = valueRanges(block, options.channelAxis());
            int n = r.size();
            synchronized (this) {
                for (int c = 0; c < n; c++) {
                    int g = (int) (first + c);
                    min[g] = minIgnoringNaN(min[g], r.get(c).min());
                    max[g] = maxIgnoringNaN(max[g], r.get(c).max());
                }
            }
        }

        private interface CellVisitor {
            void visit(long[] lo, long[] hi) throws IOException;
        }

        /** Visits the cells of a grid of {@code cell}-sized cells over {@code shape} that meet [lo, hi), clipped to it. */
        private void forEachCell(long[] shape, long[] lo, long[] hi, long[] cell, CellVisitor visitor) throws IOException {
            if (isEmpty(lo, hi)) {
                return;
            }
            long[] first = new long[rank];
            long[] last = new long[rank];
            for (int d = 0; d < rank; d++) {
                first[d] = lo[d] / cell[d];
                last[d] = (hi[d] - 1) / cell[d];
            }
            long[] at = first.clone();
            while (true) {
                long[] clo = new long[rank];
                long[] chi = new long[rank];
                for (int d = 0; d < rank; d++) {
                    clo[d] = Math.max(lo[d], at[d] * cell[d]);
                    chi[d] = Math.min(Math.min(hi[d], (at[d] + 1) * cell[d]), shape[d]);
                }
                visitor.visit(clo, chi);
                int d = rank - 1;
                while (d >= 0 && at[d] == last[d]) {
                    at[d] = first[d];
                    d--;
                }
                if (d < 0) {
                    return;
                }
                at[d]++;
            }
        }
    }

    static double minIgnoringNaN(double a, double b) {
        return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.min(a, b);
    }

    static double maxIgnoringNaN(double a, double b) {
        return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.max(a, b);
    }

    private static long[] minus(long[] a, long[] b) {
        long[] r = new long[a.length];
        for (int d = 0; d < r.length; d++) {
            r[d] = a[d] - b[d];
        }
        return r;
    }

    private static boolean isEmpty(long[] lo, long[] hi) {
        for (int d = 0; d < lo.length; d++) {
            if (lo[d] >= hi[d]) {
                return true;
            }
        }
        return false;
    }
}
