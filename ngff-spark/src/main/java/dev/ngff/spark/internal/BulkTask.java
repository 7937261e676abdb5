package dev.ngff.spark.internal;

import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.convert.ArrayCopier;
import dev.ngff.convert.ArrayStep;
import dev.ngff.convert.PyramidStep;
import dev.ngff.convert.Step;
import dev.ngff.error.StoreException;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.pyramid.Downsampler;
import dev.ngff.store.Key;
import dev.ngff.store.ReadableStore;
import dev.ngff.store.Store;
import dev.ngff.store.Stores;
import dev.ngff.write.BlockJournal;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.util.LongAccumulator;

import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The tasks of a copy or conversion: each opens the source and the target from {@link BulkSpec} (credentials
 * from the executor's own SDK chain), plans the job again (the plan is deterministic, so every task sees the
 * driver's steps) and writes its {@link Work} items: a block of whole target shards of an array
 * ({@link ArrayCopier#copyBlock}, journaled as {@code ngff copy} journals it, so either tool resumes the other),
 * a level-0 shard of a pyramid read from its source, or a shard of a lower level reduced from the level above
 * (as {@link LevelStage} does). Every shard is written whole, as one object, with bytes that depend only on the
 * source: a retried or speculative task writes the same bytes, and shards the journal verifies are skipped.
 *
 * @param failOnce test hook: the {@link Work#seq} of a level-0 item whose first attempt writes a torn object and
 *                 fails, or -1
 */
public record BulkTask(BulkSpec spec, long failOnce, LongAccumulator shardsDone, LongAccumulator bytesDone)
        implements FlatMapFunction<Iterator<Work>, ShardOutcome>, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The journal unit of an array or pyramid step: its ordinal among them, as ngff copy/convert numbers them. */
    public static String unit(List<Step> steps, int step) {
        int ordinal = 0;
        for (int i = 0; i < step; i++) {
            if (steps.get(i) instanceof ArrayStep || steps.get(i) instanceof PyramidStep) {
                ordinal++;
            }
        }
        return Integer.toString(ordinal);
    }

    /** The journal unit of the shards of one level of a pyramid step (ngff journals the whole pass as block 0 of {@link #unit}). */
    public static String levelUnit(String unit, int level) {
        return unit + "-level" + level;
    }

    @Override
    public Iterator<ShardOutcome> call(Iterator<Work> items) throws IOException {
        long written = 0;
        long skipped = 0;
        long bytes = 0;
        try (ReadableStore src = spec.openSource();
             Store dst = Stores.openWritable(spec.target());
             ExecutionContext ctx = TaskExecution.create()) {
            List<Step> steps = spec.planData(src, ctx); // no pixels read for group metadata
            BlockJournal journal = BlockJournal.openUnlisted(dst, Key.ROOT); // one GET per item, no LIST
            Map<Integer, ArrayCopier.Blocks> blocks = new HashMap<>();
            while (items.hasNext()) {
                Work w = items.next();
                Step step = steps.get(w.step());
                String unit = unit(steps, w.step());
                long b;
                if (step instanceof ArrayStep a) {
                    ZarrArray out = Zarr.newArray(dst, a.path(), a.meta(), ctx);
                    ArrayCopier.Blocks bl = blocks.get(w.step());
                    if (bl == null) {
                        bl = ArrayCopier.blocks(a.source(), out, spec.blockBytes());
                        blocks.put(w.step(), bl);
                    }
                    if (isFailing(w)) {
                        long[] offset = bl.offset(w.index());
                        failMidShard(dst, ArrayCopier.chunkKeys(out, offset, bl.extent(offset)).getFirst());
                    }
                    b = ArrayCopier.copyBlock(a.source(), out, bl, w.index(), journal, unit);
                } else if (step instanceof PyramidStep p) {
                    b = pyramidShard(p, w, dst, journal, levelUnit(unit, w.level()), ctx);
                } else {
                    throw new IllegalStateException("step " + w.step() + " is no array or pyramid");
                }
                if (b < 0) {
                    skipped++;
                } else {
                    written++;
                    bytes += b;
                    bytesDone.add(b);
                }
                shardsDone.add(1);
            }
        }
        List<ShardOutcome> one = new ArrayList<>(1);
        one.add(new ShardOutcome(written, skipped, bytes, new double[0], new double[0]));
        return one.iterator();
    }

    /** Writes one shard of a pyramid level; -1 when the journal verifies it. */
    private long pyramidShard(PyramidStep p, Work w, Store dst, BlockJournal journal, String unit, ExecutionContext ctx)
            throws IOException {
        if (journal.verified(unit, w.index())) {
            return -1;
        }
        int k = w.level();
        ZarrArray out = Zarr.newArray(dst, p.levelPaths().get(k), p.levels().get(k), ctx);
        long[] shape = out.shape();
        long[] shard = out.chunkShape();
        long[] coords = ShardGrid.coords(shape, shard, w.index());
        int rank = shape.length;
        long[] lo = new long[rank];
        long[] extent = new long[rank];
        for (int d = 0; d < rank; d++) {
            lo[d] = coords[d] * shard[d];
            extent[d] = Math.min(shape[d], lo[d] + shard[d]) - lo[d];
        }
        Key key = out.chunkKey(coords);
        if (isFailing(w)) {
            failMidShard(dst, key);
        }
        NdBuffer data;
        if (k == 0) {
            data = p.source().read(lo, extent);
        } else {
            // the level above as written by the previous stage (not published yet: read through a new handle)
            ZarrArray in = Zarr.newArray(dst, p.levelPaths().get(k - 1), p.levels().get(k - 1), ctx);
            int[] factors = p.plan().factor(k);
            int[] halo = p.method().halo(factors);
            long[] inShape = in.shape();
            long[] inLo = new long[rank];
            long[] inExtent = new long[rank];
            for (int d = 0; d < rank; d++) {
                inLo[d] = Math.max(0, lo[d] * factors[d] - halo[d]);
                inExtent[d] = Math.min(inShape[d], (lo[d] + extent[d]) * factors[d] + halo[d]) - inLo[d];
            }
            NdBuffer input = in.read(inLo, inExtent);
            data = NdBuffer.allocate(out.dataType(), extent);
            Downsampler.reduce(p.method(), factors, inShape, input, inLo, data, lo);
        }
        out.write(lo, data);
        journal.record(unit, w.index(), List.of(key));
        return data.segment().byteSize();
    }

    private boolean isFailing(Work w) {
        return w.level() == 0 && w.seq() == failOnce && TaskContext.get() != null
                && TaskContext.get().attemptNumber() == 0;
    }

    /** What a store without atomic writes would leave: half an object, which the retry must replace. */
    private static void failMidShard(Store dst, Key key) throws IOException {
        dst.write(key, Bytes.wrap(new byte[] {1, 2, 3, 4}));
        throw new StoreException(dst.describe() + " '" + key.path() + "': injected failure in the middle of the "
                + "shard (first attempt of the task)");
    }
}
