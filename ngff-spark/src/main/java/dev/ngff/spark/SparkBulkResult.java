package dev.ngff.spark;

/**
 * What a {@link SparkCopy} or {@link SparkConvert} run did.
 *
 * @param written       array blocks and pyramid shards written
 * @param skipped       blocks and shards an earlier run had finished (verified by the journal)
 * @param bytes         uncompressed bytes written
 * @param nanos         wall time of the run
 * @param alreadyComplete the target held a finished run: nothing was done
 */
public record SparkBulkResult(long written, long skipped, long bytes, long nanos, boolean alreadyComplete) {
}
