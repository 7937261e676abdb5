package dev.ngff.spark;

import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.convert.ArrayCopier;
import dev.ngff.convert.ArrayStep;
import dev.ngff.convert.GroupStep;
import dev.ngff.convert.ObjectStep;
import dev.ngff.convert.PyramidStep;
import dev.ngff.convert.Step;
import dev.ngff.error.NodeNotFoundException;
import dev.ngff.error.StoreException;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.spark.internal.BulkSpec;
import dev.ngff.spark.internal.BulkTask;
import dev.ngff.spark.internal.ShardGrid;
import dev.ngff.spark.internal.ShardOutcome;
import dev.ngff.spark.internal.Work;
import dev.ngff.store.Key;
import dev.ngff.store.ReadableStore;
import dev.ngff.store.Store;
import dev.ngff.store.Stores;
import dev.ngff.write.BlockJournal;
import dev.ngff.write.Durability;
import dev.ngff.write.IncompleteMarker;
import dev.ngff.write.LocalFiles;
import dev.ngff.write.LockHolder;
import dev.ngff.write.WriterLock;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.LongAccumulator;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The driver of {@link SparkCopy} and {@link SparkConvert}: the protocol of {@code ngff copy} / {@code ngff
 * convert} with the blocks and shards spread over Spark tasks. It plans on the driver, takes the target's writer
 * lock, marks the target incomplete with the same job, source and options as ngff would (so either tool finishes
 * the other's run), then runs one stage for every array block and level-0 shard, publishes each array after that
 * stage succeeded, one stage per lower pyramid level, publishes the levels and journals each finished pass as ngff
 * does, copies plain objects, writes the groups children first and the root last, and finally removes the
 * journal, the marker and the lock. A failure leaves the target marked incomplete; the same job (or
 * {@code ngff JOB --resume}) resumes it, keeping what the journal verifies.
 */
final class BulkJob {
    private BulkJob() {
    }

    static SparkBulkResult run(BulkSpec spec, int itemsPerTask, long failOnce, JavaSparkContext sc, PrintStream progress)
            throws IOException {
        if (itemsPerTask < 1) {
            throw new IllegalArgumentException("items per task must be at least 1, got " + itemsPerTask);
        }
        long start = System.nanoTime();
        try (ReadableStore src = spec.openSource();
             ExecutionContext ctx = ExecutionContext.create();
             Store dst = Stores.openWritable(spec.target())) {
            List<Step> steps = spec.plan(src, ctx);
            String command = spec.ngffCommand();
            LockHolder me = LockHolder.currentProcess("ngff-spark " + spec.job() + " " + spec.source() + " " + spec.target());
            WriterLock lock = WriterLock.acquire(dst, Key.ROOT, me, WriterLock.Mode.TAKE_OVER_DEAD);
            try {
                Optional<IncompleteMarker> marker = IncompleteMarker.read(dst, Key.ROOT);
                if (marker.isPresent()) {
                    IncompleteMarker m = marker.get();
                    if (!m.job().equals(spec.job()) || !m.source().equals(src.describe())
                            || !m.options().equals(spec.options())) {
                        throw new StoreException(dst.describe() + " holds an unfinished " + m.job() + " from "
                                + m.source() + " with options " + m.options() + "; resume it with the same source and "
                                + "options: " + m.resume());
                    }
                } else if (!dev.ngff.convert.BulkTarget.ownKeysRemoved(dst.list(Key.ROOT)).isEmpty()) {
                    if (Zarr.readMetadata(dst, Key.ROOT).isPresent()) {
                        progress.println(dst.describe() + " is complete; nothing to do");
                        return new SparkBulkResult(0, 0, 0, System.nanoTime() - start, true);
                    }
                    throw new StoreException(dst.describe() + " is not empty and holds no unfinished " + spec.job()
                            + " (no " + IncompleteMarker.NAME + "); give an empty target");
                }
                new IncompleteMarker(spec.job(), src.describe(), spec.options(),
                        marker.map(IncompleteMarker::startedAt).orElse(Instant.now()), me, command).write(dst, Key.ROOT);
                LocalFiles.removeTempFiles(dst, Key.ROOT); // left by a killed run; nothing else writes here now
                BlockJournal journal = BlockJournal.open(dst, Key.ROOT);
                LongAccumulator shards = sc.sc().longAccumulator("ngff shards written");
                LongAccumulator bytes = sc.sc().longAccumulator("ngff bytes written");
                ShardProgress listener = new ShardProgress(shards, bytes, progress);
                sc.sc().addSparkListener(listener);
                BulkTask task = new BulkTask(spec, failOnce, shards, bytes);
                long[] totals = new long[2];
                try {
                    // stage 0: every array block and every level-0 shard of a pyramid not finished before
                    List<Work> items = new ArrayList<>();
                    List<PyramidStep> pending = new ArrayList<>();
                    List<Integer> pendingIndex = new ArrayList<>();
                    List<ZarrArray> arrays = new ArrayList<>();
                    for (int i = 0; i < steps.size(); i++) {
                        Step s = steps.get(i);
                        if (s instanceof ArrayStep a) {
                            ZarrArray out = Zarr.newArray(dst, a.path(), a.meta(), ctx);
                            arrays.add(out);
                            long n = ArrayCopier.blocks(a.source(), out, spec.blockBytes()).count();
                            for (long b = 0; b < n; b++) {
                                items.add(new Work(i, 0, b, items.size()));
                            }
                        } else if (s instanceof PyramidStep p && !journal.verified(BulkTask.unit(steps, i), 0)) {
                            pending.add(p);
                            pendingIndex.add(i);
                            addShards(items, i, 0, p);
                        }
                    }
                    runStage(sc, task, items, itemsPerTask, listener, spec.job() + ": arrays and level 0", totals);
                    lock.requireHeld();
                    for (ZarrArray out : arrays) { // every block of every array is written
                        out.publish(Durability.NONE);
                    }
                    int maxLevels = pending.stream().mapToInt(p -> p.levels().size()).max().orElse(1);
                    for (int k = 1; k < maxLevels; k++) {
                        List<Work> level = new ArrayList<>();
                        for (int j = 0; j < pending.size(); j++) {
                            if (pending.get(j).levels().size() > k) {
                                addShards(level, pendingIndex.get(j), k, pending.get(j));
                            }
                        }
                        runStage(sc, task, level, itemsPerTask, listener, spec.job() + ": pyramid level " + k, totals);
                    }
                } finally {
                    sc.sc().removeSparkListener(listener);
                }
                for (int i = 0; i < steps.size(); i++) {
                    if (steps.get(i) instanceof PyramidStep p && !journal.verified(BulkTask.unit(steps, i), 0)) {
                        lock.requireHeld();
                        List<Key> written = new ArrayList<>();
                        for (int k = 0; k < p.levels().size(); k++) {
                            ZarrArray level = Zarr.newArray(dst, p.levelPaths().get(k), p.levels().get(k), ctx);
                            level.publish(Durability.NONE);
                            written.addAll(dst.list(level.path()));
                        }
                        journal.record(BulkTask.unit(steps, i), 0, written); // as ngff journals a finished pass
                    }
                }
                for (Step s : steps) {
                    if (s instanceof ObjectStep o) {
                        lock.requireHeld();
                        dst.write(o.path(), src.read(o.sourceKey()).orElseThrow(() -> new NodeNotFoundException(
                                src.describe() + " '" + o.sourceKey().path() + "': the object disappeared while it was being converted")));
                    }
                }
                for (Step s : steps.reversed()) { // children before parents, the root last
                    if (s instanceof GroupStep g) {
                        lock.requireHeld();
                        Zarr.writeMetadata(dst, g.path(), g.meta());
                    }
                }
                journal.clear();
                IncompleteMarker.remove(dst, Key.ROOT);
                return new SparkBulkResult(totals[0], totals[1], bytes.value(),
                        System.nanoTime() - start, false);
            } finally {
                lock.release();
            }
        }
    }

    private static void addShards(List<Work> items, int step, int level, PyramidStep p) {
        long n = ShardGrid.count(p.levels().get(level).shape(), p.levels().get(level).chunkShape());
        for (long s = 0; s < n; s++) {
            items.add(new Work(step, level, s, items.size()));
        }
    }

    private static void runStage(JavaSparkContext sc, BulkTask task, List<Work> items, int perTask,
                                 ShardProgress listener, String name, long[] totals) {
        if (items.isEmpty()) {
            return;
        }
        int slices = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (items.size() + (long) perTask - 1) / perTask));
        listener.stage(name, items.size());
        sc.setJobDescription("ngff " + name + " (" + items.size() + " items)");
        for (ShardOutcome o : sc.parallelize(items, slices).mapPartitions(task).collect()) {
            totals[0] += o.written();
            totals[1] += o.skipped();
        }
    }

}
