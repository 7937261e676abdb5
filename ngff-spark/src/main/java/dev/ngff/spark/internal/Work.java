package dev.ngff.spark.internal;

import java.io.Serial;
import java.io.Serializable;

/**
 * One unit of a bulk write's stage: block {@code index} of the array of plan step {@code step} (level 0), or
 * output shard {@code index} of level {@code level} of the pyramid of that step. {@code seq} is the item's
 * position in its stage (for the failure hook of tests).
 */
public record Work(int step, int level, long index, long seq) implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
}
