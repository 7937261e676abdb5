package dev.ngff.spark;

import dev.ngff.spark.internal.BulkSpec;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Map;

/**
 * {@code ngff copy} on Spark: an array or a whole hierarchy re-encoded into a new store, each task copying blocks
 * of whole target shards (no two tasks write one shard). The output is byte-identical to {@code ngff copy} with
 * the same options, and the target follows the same protocol and marker ({@code job: copy}), so
 * {@code ngff copy --resume} finishes an interrupted Spark copy and this job finishes an interrupted
 * {@code ngff copy}. Serializable: locations and option text only (S3 credentials come from each executor's SDK
 * chain).
 *
 * @param source        the source store's location (a directory, zip, {@code s3://...}, http(s))
 * @param target        the target's location (a directory or {@code s3://bucket/prefix})
 * @param options       the shaping options of {@code ngff copy} by name: {@code --zarr-format}, {@code --chunks},
 *                      {@code --shards}, {@code --codec}, {@code --block-bytes}
 * @param blocksPerTask blocks one task copies, at least 1
 * @param failOnce      test hook: the position of a block in the stage whose first attempt fails mid-shard, or -1
 */
public record SparkCopy(String source, String target, Map<String, String> options, int blocksPerTask, long failOnce) {
    public SparkCopy {
        options = Map.copyOf(options);
        new BulkSpec("copy", source, target, options); // checks the options
        if (blocksPerTask < 1) {
            throw new IllegalArgumentException("blocks per task must be at least 1, got " + blocksPerTask);
        }
    }

    /** A copy with the source's layout, one block per task. */
    public static SparkCopy of(String source, String target) {
        return new SparkCopy(source, target, Map.of(), 1, -1);
    }

    public SparkCopy withOptions(Map<String, String> o) {
        return new SparkCopy(source, target, o, blocksPerTask, failOnce);
    }

    public SparkCopy withBlocksPerTask(int n) {
        return new SparkCopy(source, target, options, n, failOnce);
    }

    /** Test hook: the block at position {@code seq} of the first stage leaves a torn shard and fails, once. */
    public SparkCopy withFailOnce(long seq) {
        return new SparkCopy(source, target, options, blocksPerTask, seq);
    }

    /**
     * Runs the copy on {@code sc}; progress lines go to {@code progress}.
     *
     * @throws IOException a store failure, the target's writer lock held by another writer, or a target holding
     *                     another unfinished job; after a failure the target is left marked incomplete and the same
     *                     job resumes it
     * @throws dev.ngff.convert.ConvertOptionException an option does not fit the source
     */
    public SparkBulkResult run(JavaSparkContext sc, PrintStream progress) throws IOException {
        return BulkJob.run(new BulkSpec("copy", source, target, options), blocksPerTask, failOnce, sc, progress);
    }
}
