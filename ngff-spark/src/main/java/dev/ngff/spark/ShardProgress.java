package dev.ngff.spark;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.LongAccumulator;

import java.io.PrintStream;

/**
 * Prints a job's progress: shards done of the stage's total and the throughput of uncompressed output, at most
 * once a second and when a stage's last shard is done. Reads the job's named accumulators (which the Spark UI
 * shows too). Told of a new stage by {@link #stage}; thread-safe (the listener bus calls it on its own thread).
 */
public final class ShardProgress extends SparkListener {
    private final LongAccumulator shards;
    private final LongAccumulator bytes;
    private final PrintStream out;
    private String name = "";
    private long total;
    private long startNanos;
    private long lastPrint;
    private long shardsAtStart;
    private long bytesAtStart;

    public ShardProgress(LongAccumulator shards, LongAccumulator bytes, PrintStream out) {
        this.shards = shards;
        this.bytes = bytes;
        this.out = out;
    }

    /** A new stage of {@code total} shards starts (called on the driver before it is submitted). */
    public synchronized void stage(String name, long total) {
        this.name = name;
        this.total = total;
        this.startNanos = System.nanoTime();
        this.lastPrint = 0;
        this.shardsAtStart = shards.value();
        this.bytesAtStart = bytes.value();
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        long now = System.nanoTime();
        long done = shards.value() - shardsAtStart;
        if (now - lastPrint < 1_000_000_000L && done < total) {
            return;
        }
        lastPrint = now;
        double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
        double mb = (bytes.value() - bytesAtStart) / 1e6;
        out.printf("%s: %d/%d shards, %.1f MB in %.1f s (%.1f MB/s)%n", name, Math.min(done, total), total, mb, seconds,
                mb / seconds);
        out.flush();
    }
}
