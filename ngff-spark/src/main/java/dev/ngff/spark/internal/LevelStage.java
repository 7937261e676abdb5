package dev.ngff.spark.internal;

import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.error.StoreException;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.pyramid.Downsampler;
import dev.ngff.pyramid.Downsampling;
import dev.ngff.pyramid.LevelLayout;
import dev.ngff.pyramid.PyramidWriter;
import dev.ngff.store.Key;
import dev.ngff.store.Store;
import dev.ngff.store.Stores;
import dev.ngff.write.BlockJournal;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.util.LongAccumulator;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * One stage of a pyramid: the tasks that make level {@code level} from the level above, each writing a run of
 * whole output shards. A task reads the input box its shard needs (the shard's box times the factors, plus the
 * method's halo) from the published level above, reduces it with {@link Downsampler} (as the single-machine
 * {@link PyramidWriter} does, so the bytes are the same), writes the shard as one object and records it in the
 * destination's {@link BlockJournal} under unit {@code pyramid-<level>}, block = the shard's index. A shard the
 * journal verifies is skipped (a resumed run). The store is opened on the executor from its location: S3
 * credentials come from the SDK's default chain there, never from this object.
 *
 * @param location    the store, as {@link Stores#openWritable} takes it
 * @param level0      level 0's array path (its metadata is the template of every level)
 * @param source      the level above's array path (published)
 * @param target      this level's array path
 * @param level       this level's index (at least 1)
 * @param shape       this level's shape
 * @param factors     the factors from the level above
 * @param method      the downsampling method's name ({@link Downsampling#parse})
 * @param rangeAxis   collect level 0's value ranges per index of this axis (-1: one range), or -2 not at all;
 *                    only level 1 reads level 0
 * @param channels    the number of ranges (1 when the axis is -1)
 * @param failOnce    test hook: the index of a shard whose first attempt writes a torn object and fails, or -1
 */
public record LevelStage(String location, String level0, String source, String target, int level, long[] shape,
                         int[] factors, String method, int rangeAxis, int channels, long failOnce,
                         LongAccumulator shardsDone, LongAccumulator bytesDone)
        implements FlatMapFunction<Iterator<Long>, ShardOutcome>, Serializable {
    private static final long serialVersionUID = 1L;

    /** The journal unit of a level's shards. */
    public static String unit(int level) {
        return "pyramid-" + level;
    }

    @Override
    public Iterator<ShardOutcome> call(Iterator<Long> shards) throws IOException {
        Downsampling m = Downsampling.parse(method);
        double[] min = new double[Math.max(0, channels)];
        double[] max = new double[Math.max(0, channels)];
        Arrays.fill(min, Double.NaN);
        Arrays.fill(max, Double.NaN);
        long written = 0;
        long skipped = 0;
        long bytes = 0;
        try (Store store = Stores.openWritable(location);
             ExecutionContext ctx = TaskExecution.create()) {
            ZarrArray l0 = (ZarrArray) Zarr.openToResume(store, Key.of(level0), ctx);
            ZarrArray in = (ZarrArray) Zarr.openToResume(store, Key.of(source), ctx);
            ArrayMetadata meta = LevelLayout.of(l0.metadata(), shape);
            ZarrArray out = Zarr.newArray(store, Key.of(target), meta, ctx);
            BlockJournal journal = BlockJournal.openUnlisted(store, Key.ROOT); // one GET per shard, no LIST
            long[] shard = out.chunkShape();
            long[] inShape = in.shape();
            int[] halo = m.halo(factors);
            int rank = shape.length;
            boolean ranges = rangeAxis >= -1 && level == 1;
            while (shards.hasNext()) {
                long index = shards.next();
                long[] coords = ShardGrid.coords(shape, shard, index);
                long[] lo = new long[rank];
                long[] extent = new long[rank];
                long[] inLo = new long[rank];
                long[] inExtent = new long[rank];
                for (int d = 0; d < rank; d++) {
                    lo[d] = coords[d] * shard[d];
                    extent[d] = Math.min(shape[d], lo[d] + shard[d]) - lo[d];
                    inLo[d] = Math.max(0, lo[d] * factors[d] - halo[d]);
                    long inHi = Math.min(inShape[d], (lo[d] + extent[d]) * factors[d] + halo[d]);
                    inExtent[d] = inHi - inLo[d];
                }
                boolean done = journal.verified(unit(level), index);
                if (done && !ranges) {
                    skipped++;
                    shardsDone.add(1);
                    continue;
                }
                NdBuffer input = in.read(inLo, inExtent);
                if (ranges) {
                    List<PyramidWriter.ValueRange> r = PyramidWriter.valueRanges(input, rangeAxis);
                    int first = rangeAxis < 0 ? 0 : (int) inLo[rangeAxis];
                    for (int c = 0; c < r.size(); c++) {
                        PyramidWriter.ValueRange u = new PyramidWriter.ValueRange(min[first + c], max[first + c])
                                .union(r.get(c));
                        min[first + c] = u.min();
                        max[first + c] = u.max();
                    }
                }
                if (done) {
                    skipped++;
                    shardsDone.add(1);
                    continue;
                }
                NdBuffer reduced = NdBuffer.allocate(meta.dataType(), extent);
                Downsampler.reduce(m, factors, inShape, input, inLo, reduced, lo);
                Key key = out.chunkKey(coords);
                if (index == failOnce && TaskContext.get() != null && TaskContext.get().attemptNumber() == 0) {
                    // what a store without atomic writes would leave: half an object; the retry must replace it
                    store.write(key, Bytes.wrap(new byte[] {1, 2, 3, 4}));
                    throw new StoreException(store.describe() + " '" + key.path() + "': injected failure in the "
                            + "middle of the shard (first attempt of the task)");
                }
                out.write(lo, reduced);
                journal.record(unit(level), index, List.of(key));
                long b = reduced.segment().byteSize();
                bytes += b;
                written++;
                shardsDone.add(1);
                bytesDone.add(b);
            }
        }
        List<ShardOutcome> one = new ArrayList<>(1);
        one.add(new ShardOutcome(written, skipped, bytes, min, max));
        return one.iterator();
    }
}
