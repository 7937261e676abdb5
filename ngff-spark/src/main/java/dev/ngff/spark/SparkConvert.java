package dev.ngff.spark;

import dev.ngff.spark.internal.BulkSpec;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Map;

/**
 * {@code ngff convert} on Spark: OME-Zarr of another version, a plain array, a TIFF, an N5 container or a raw
 * file written as OME-Zarr, each task copying blocks
 * of whole target shards (no two tasks write one shard). The output is byte-identical to {@code ngff convert} with
 * the same options (the levels of {@code --levels auto|N} are made one Spark stage per level, each shard
 * reduced from the level above), and the target follows the same protocol and marker ({@code job: convert}), so
 * {@code ngff convert --resume} finishes an interrupted Spark conversion and this job finishes an interrupted
 * {@code ngff convert}. Serializable: locations and option text only (S3 credentials come from each executor's SDK
 * chain).
 *
 * @param source        the source store's location (a store, or a local TIFF, N5 directory or, with {@code --raw}, raw file)
 * @param target        the target's location (a directory or {@code s3://bucket/prefix})
 * @param options       the shaping options of {@code ngff convert} by name: {@code --ngff-version}, {@code --levels},
 *                      {@code --method}, {@code --axes}, {@code --scale}, {@code --units}, {@code --chunks},
 *                      {@code --shards}, {@code --codec}, {@code --block-bytes}, {@code --raw}
 * @param blocksPerTask blocks one task copies, at least 1
 * @param failOnce      test hook: the position of a block in the stage whose first attempt fails mid-shard, or -1
 */
public record SparkConvert(String source, String target, Map<String, String> options, int blocksPerTask, long failOnce) {
    public SparkConvert {
        options = Map.copyOf(options);
        new BulkSpec("convert", source, target, options); // checks the options
        if (blocksPerTask < 1) {
            throw new IllegalArgumentException("blocks per task must be at least 1, got " + blocksPerTask);
        }
    }

    /** A conversion with the default options (OME-NGFF 0.5, the source's layout and levels), one block per task. */
    public static SparkConvert of(String source, String target) {
        return new SparkConvert(source, target, Map.of(), 1, -1);
    }

    public SparkConvert withOptions(Map<String, String> o) {
        return new SparkConvert(source, target, o, blocksPerTask, failOnce);
    }

    public SparkConvert withBlocksPerTask(int n) {
        return new SparkConvert(source, target, options, n, failOnce);
    }

    /** Test hook: the block at position {@code seq} of the first stage leaves a torn shard and fails, once. */
    public SparkConvert withFailOnce(long seq) {
        return new SparkConvert(source, target, options, blocksPerTask, seq);
    }

    /**
     * Runs the conversion on {@code sc}; progress lines go to {@code progress}.
     *
     * @throws IOException a store failure, the target's writer lock held by another writer, or a target holding
     *                     another unfinished job; after a failure the target is left marked incomplete and the same
     *                     job resumes it
     * @throws dev.ngff.convert.ConvertOptionException an option does not fit the source
     */
    public SparkBulkResult run(JavaSparkContext sc, PrintStream progress) throws IOException {
        return BulkJob.run(new BulkSpec("convert", source, target, options), blocksPerTask, failOnce, sc, progress);
    }
}
