package dev.ngff.spark;

import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrGroup;
import dev.ngff.error.IncompleteNodeException;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.ome.Level;
import dev.ngff.ome.OmeImage;
import dev.ngff.ome.OmeNode;
import dev.ngff.ome.OmeZarr;
import dev.ngff.pyramid.Downsampling;
import dev.ngff.pyramid.LevelLayout;
import dev.ngff.pyramid.PyramidPlan;
import dev.ngff.pyramid.PyramidWriter;
import dev.ngff.spark.internal.LevelStage;
import dev.ngff.spark.internal.ShardGrid;
import dev.ngff.spark.internal.ShardOutcome;
import dev.ngff.store.Key;
import dev.ngff.store.Store;
import dev.ngff.store.Stores;
import dev.ngff.write.BlockJournal;
import dev.ngff.write.Durability;
import dev.ngff.write.IncompleteMarker;
import dev.ngff.write.LockHolder;
import dev.ngff.write.WriterLock;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.LongAccumulator;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ngff pyramid} on Spark: regenerates the lower levels of an OME-Zarr image in place from its level 0,
 * one Spark stage per level, each stage's tasks writing whole output shards of that level from the published
 * level above (no shuffle of pixel data). The result is byte-identical to {@code ngff pyramid} with the same
 * options, and the destination follows the same protocol: the driver takes the image's writer lock, marks it
 * incomplete ({@code job: pyramid}, so either tool finishes the other's interrupted run), publishes each level
 * after every task of its stage succeeded, writes the multiscales last, then removes the shard journal, the
 * marker and the lock. A rerun after a failure or a killed driver skips the shards the journal verifies.
 *
 * @param location     the image's store (a directory, or {@code s3://bucket/prefix} with ngff-s3)
 * @param levels       {@code auto} or a count of levels, level 0 included
 * @param method       the downsampling method's name, or null for the default (mode for labels, mean otherwise)
 * @param shardsPerTask output shards one task writes (a run of consecutive shards), at least 1
 * @param failOnceShard test hook: a level-1 shard index whose task fails once mid-shard, or -1
 */
public record SparkPyramid(String location, String levels, String method, int shardsPerTask, long failOnceShard) {
    public SparkPyramid {
        if (shardsPerTask < 1) {
            throw new IllegalArgumentException("shards per task must be at least 1, got " + shardsPerTask);
        }
    }

    /** The defaults: {@code auto} levels, the image's default method, 1 shard per task. */
    public static SparkPyramid of(String location) {
        return new SparkPyramid(location, "auto", null, 1, -1);
    }

    public SparkPyramid withLevels(String n) {
        return new SparkPyramid(location, n, method, shardsPerTask, failOnceShard);
    }

    public SparkPyramid withMethod(String m) {
        return new SparkPyramid(location, levels, m, shardsPerTask, failOnceShard);
    }

    public SparkPyramid withShardsPerTask(int n) {
        return new SparkPyramid(location, levels, method, n, failOnceShard);
    }

    /** Test hook: the task writing level-1 shard {@code index} leaves a torn object and fails on its first attempt. */
    public SparkPyramid withFailOnce(long index) {
        return new SparkPyramid(location, levels, method, shardsPerTask, index);
    }

    /** What a run did. */
    public record Result(int levels, long shardsWritten, long shardsSkipped, long bytes, long nanos) {
    }

    /**
     * Runs the job on {@code sc}; progress lines go to {@code progress}.
     *
     * @throws IOException a store failure, the image's writer lock held by another writer, or an image marked
     *                     incomplete by another job; the image is left marked incomplete and a rerun resumes
     */
    public Result run(JavaSparkContext sc, PrintStream progress) throws IOException {
        long start = System.nanoTime();
        try (Store store = Stores.openWritable(location);
             ExecutionContext ctx = ExecutionContext.create()) {
            Optional<IncompleteMarker> marker = IncompleteMarker.read(store, Key.ROOT);
            if (marker.isPresent() && !marker.get().job().equals("pyramid")) {
                throw new IncompleteNodeException(marker.get().describe(store, Key.ROOT));
            }
            OmeNode node = marker.isPresent()
                    ? OmeZarr.open((ZarrGroup) Zarr.openToResume(store, Key.ROOT, ctx))
                    : OmeZarr.open(store, Key.ROOT, ctx);
            if (!(node instanceof OmeImage image)) {
                throw new IllegalArgumentException(store.describe() + " is not an OME-Zarr image (no multiscales)");
            }
            Level l0 = image.level(0);
            Downsampling m = method == null
                    ? (image.imageLabel().isPresent() ? new Downsampling.Mode() : new Downsampling.Mean())
                    : Downsampling.parse(method);
            PyramidPlan plan = PyramidPlan.auto(image.axes(), l0.shape(), l0.scale(),
                    LevelLayout.innerChunks(l0.metadata()), PyramidPlan.parseMaxLevels(levels));
            OmeZarr.Regeneration r = OmeZarr.planRegeneration(image, plan, m);
            String command = "ngff pyramid --levels " + levels + " --method " + m.name() + " " + location;
            LockHolder me = LockHolder.currentProcess("spark " + command);
            WriterLock lock = WriterLock.acquire(store, Key.ROOT, me, WriterLock.Mode.TAKE_OVER_DEAD);
            try {
                // the same marker as ngff pyramid's: either tool finishes the other's interrupted run
                new IncompleteMarker("pyramid", store.describe(), Map.of("levels", levels, "method", m.name()),
                        marker.map(IncompleteMarker::startedAt).orElse(Instant.now()), me, command).write(store, Key.ROOT);
                LongAccumulator shards = sc.sc().longAccumulator("ngff shards written");
                LongAccumulator bytes = sc.sc().longAccumulator("ngff bytes written");
                ShardProgress listener = new ShardProgress(shards, bytes, progress);
                sc.sc().addSparkListener(listener);
                int channels = r.rangeAxis().isEmpty() ? 0 : r.rangeAxis().getAsInt() < 0 ? 1
                        : (int) l0.shape()[r.rangeAxis().getAsInt()];
                List<PyramidWriter.ValueRange> ranges = new ArrayList<>();
                for (int c = 0; c < channels; c++) {
                    ranges.add(new PyramidWriter.ValueRange(Double.NaN, Double.NaN));
                }
                long written = 0;
                long skipped = 0;
                long total = 0;
                try {
                    for (int k = 1; k < plan.levels(); k++) {
                        ArrayMetadata meta = r.levels().get(k);
                        long count = ShardGrid.count(meta.shape(), meta.chunkShape());
                        List<Long> indices = new ArrayList<>();
                        for (long i = 0; i < count; i++) {
                            indices.add(i);
                        }
                        int slices = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (count + shardsPerTask - 1) / shardsPerTask));
                        LevelStage stage = new LevelStage(location, r.levelPaths().getFirst().path(),
                                r.levelPaths().get(k - 1).path(), r.levelPaths().get(k).path(), k, meta.shape(),
                                plan.factor(k), m.name(), r.rangeAxis().orElse(-2), channels,
                                k == 1 ? failOnceShard : -1, shards, bytes);
                        listener.stage("pyramid level " + k + " of " + (plan.levels() - 1), count);
                        sc.setJobDescription("ngff pyramid: level " + k + " (" + count + " shards)");
                        List<ShardOutcome> outcomes = sc.parallelize(indices, slices).mapPartitions(stage).collect();
                        for (ShardOutcome o : outcomes) {
                            written += o.written();
                            skipped += o.skipped();
                            total += o.bytes();
                            for (int c = 0; c < channels && k == 1; c++) {
                                ranges.set(c, ranges.get(c).union(new PyramidWriter.ValueRange(o.min()[c], o.max()[c])));
                            }
                        }
                        // every task of the level succeeded: publish it, so the next stage reads it
                        lock.requireHeld();
                        Zarr.newArray(store, r.levelPaths().get(k), meta, ctx).publish(Durability.NONE);
                    }
                } finally {
                    sc.sc().removeSparkListener(listener);
                }
                lock.requireHeld();
                OmeZarr.finishRegeneration(store, image, r, ranges, Durability.NONE);
                BlockJournal.open(store, Key.ROOT).clear();
                IncompleteMarker.remove(store, Key.ROOT);
                return new Result(plan.levels(), written, skipped, total, System.nanoTime() - start);
            } finally {
                lock.release();
            }
        }
    }
}
