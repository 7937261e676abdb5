package dev.ngff.codec;

import dev.ngff.exec.ChunkTasks;

import java.io.IOException;
import java.util.List;

/**
 * Runs a codec's independent CPU tasks (the inner chunks of a shard, or one whole-chunk encode or
 * decode) and returns when all have finished. Reached by codecs through {@link CodecOptions#runner()}.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #runAll} may run the tasks in any order and in parallel, each under the runner's CPU limit
 *       (a context's runner takes one CPU permit per task); tasks must therefore be independent, touch
 *       disjoint memory, and be safe to run on any thread;</li>
 *   <li>it returns only after every task it started has finished; after the first failure it starts no
 *       more, and then rethrows that failure ({@link IOException}s as they are, unchecked ones too);</li>
 *   <li>the caller must hold no CPU permit of the runner's limit while it waits (else the tasks could
 *       starve), and a task must not call {@code runAll} of the same runner again: a task already holds
 *       a permit, so codecs nested inside a task (a shard inside a shard) work sequentially
 *       ({@link CodecOptions#sequential()});</li>
 *   <li>store I/O does not belong in tasks: codecs read what they need first and hand the runner CPU
 *       work only, so a task never holds a CPU permit while it waits for a store.</li>
 * </ul>
 * Implementations are thread-safe.
 */
@FunctionalInterface
public interface TaskRunner {

    /** Runs the tasks (see the interface contract) and rethrows the first failure. */
    void runAll(List<ChunkTasks.Task> tasks) throws IOException;

    /** Runs the tasks one after another on the calling thread, under no limit. */
    TaskRunner SEQUENTIAL = tasks -> {
        for (ChunkTasks.Task t : tasks) {
            t.run();
        }
    };
}
