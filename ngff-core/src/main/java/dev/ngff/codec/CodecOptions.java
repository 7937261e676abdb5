package dev.ngff.codec;

import dev.ngff.exec.ChunkTasks;
import dev.ngff.exec.ExecutionContext;

import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * What a codec call may use besides its input: today the {@link TaskRunner} that runs its CPU work
 * under the caller's concurrency limit, possibly in parallel. One value serves every codec stage of a
 * call: a {@link CodecPipeline} hands it to its array-to-bytes codec, and {@code sharding_indexed}
 * gives its inner chunks to the runner as separate tasks, so an array reads and writes through the
 * pipeline alone and never needs to know whether its chunks are shards. An
 * {@link ExecutionContext#codecOptions() execution context} makes the options of its limits.
 *
 * <p>Calls that take options ({@link ArrayToBytesCodec#encodePieces(dev.ngff.buffer.NdBuffer, ChunkSpec, CodecOptions)},
 * {@link ArrayToBytesCodec#decodeInto(ChunkSource, ChunkSpec, long[], long[], dev.ngff.buffer.NdBuffer, long[], CodecOptions)},
 * {@link ArrayToBytesCodec#partialEncoder(ChunkSource, ChunkSpec, CodecOptions)}) are made by a caller
 * that holds no CPU permit: the codec does its CPU work in tasks given to the runner and its store
 * reads outside them. Immutable and thread-safe.
 */
public final class CodecOptions {
    private static final CodecOptions SEQUENTIAL = new CodecOptions(TaskRunner.SEQUENTIAL, 1);

    private final TaskRunner runner;
    private final int parallelism;

    private CodecOptions(TaskRunner runner, int parallelism) {
        this.runner = Objects.requireNonNull(runner, "runner");
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
        }
        this.parallelism = parallelism;
    }

    /** Options that run every task at once on the calling thread, under no limit: the plain codec calls. */
    public static CodecOptions sequential() {
        return SEQUENTIAL;
    }

    /**
     * Options whose CPU work goes to {@code runner} (see {@link TaskRunner} for its contract), which runs
     * at most as many tasks at once as the machine has cores.
     */
    public static CodecOptions withRunner(TaskRunner runner) {
        return withRunner(runner, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Options whose CPU work goes to {@code runner}, which runs at most {@code parallelism} tasks at once
     * (its CPU limit): a codec that splits its work into workers makes no more than that many.
     */
    public static CodecOptions withRunner(TaskRunner runner, int parallelism) {
        return runner == TaskRunner.SEQUENTIAL ? SEQUENTIAL : new CodecOptions(runner, parallelism);
    }

    /** How many of this call's tasks the runner may run at once: 1 for {@link #sequential()}. */
    public int parallelism() {
        return parallelism;
    }

    /** The runner of this call's CPU tasks. */
    public TaskRunner runner() {
        return runner;
    }

    /** Runs one CPU task through the runner and returns its result: the form of a codec that does not split its work. */
    public <T> T call(ExecutionContext.IoCall<T> task) throws IOException {
        Object[] result = new Object[1];
        runner.runAll(List.of(() -> result[0] = task.run()));
        @SuppressWarnings("unchecked")
        T t = (T) result[0];
        return t;
    }

    /** Runs CPU tasks through the runner (see {@link TaskRunner#runAll}). */
    public void runAll(List<ChunkTasks.Task> tasks) throws IOException {
        runner.runAll(tasks);
    }
}
