package dev.ngff.spark.internal;

import java.io.Serializable;

/**
 * What a task did with its run of shards: how many it wrote, how many the journal verified from an earlier
 * run (skipped), the uncompressed bytes it produced, and, when asked, level 0's value ranges it saw per channel
 * (NaN where it saw none).
 */
public record ShardOutcome(long written, long skipped, long bytes, double[] min, double[] max) implements Serializable {
    private static final long serialVersionUID = 1L;
}
