package dev.ngff.spark.internal;

import dev.ngff.exec.ExecutionContext;
import org.apache.spark.TaskContext;

/**
 * The execution limits of code running inside a Spark task: as many codec threads as the task holds CPUs
 * ({@code spark.task.cpus}, 1 by default), not one per core of the machine. An executor already runs one task
 * per core it owns; tasks that each decoded and encoded on every core would oversubscribe the machine as many
 * times as it has cores, and {@code local[1]} would not be one core (measured on the 2-core VM: 1.6 to 1.7 cores).
 * Requests in flight, the cache budget and the metadata bound keep {@link ExecutionContext.Config#defaults()}.
 * Stateless; safe from any thread.
 */
public final class TaskExecution {
    private TaskExecution() {
    }

    /** The limits for the current thread: its task's CPUs inside a task, the machine's defaults outside one. */
    public static ExecutionContext.Config config() {
        ExecutionContext.Config defaults = ExecutionContext.Config.defaults();
        TaskContext task = TaskContext.get();
        if (task == null) {
            return defaults;
        }
        int cpus = Math.max(1, task.cpus());
        return new ExecutionContext.Config(defaults.ioConcurrency(), cpus, 2 * cpus + 16, defaults.cacheBytes(),
                defaults.maxMetadataBytes());
    }

    /** A context with {@link #config()}'s limits; the caller closes it. */
    public static ExecutionContext create() {
        return ExecutionContext.create(config());
    }
}
