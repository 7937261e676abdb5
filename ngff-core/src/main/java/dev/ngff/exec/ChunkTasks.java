package dev.ngff.exec;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one call's chunk tasks on virtual threads with at most {@code chunksInFlight} at once, stops
 * starting new ones after the first failure, waits for all, and rethrows the first failure. Use once.
 */
public final class ChunkTasks implements AutoCloseable {
    private final ExecutorService exec = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore inFlight;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /** A runner with the context's {@code chunksInFlight} limit. */
    public ChunkTasks(ExecutionContext ctx) {
        this(ctx.config().chunksInFlight());
    }

    /** A runner with its own limit of tasks in flight (for callers whose tasks hold larger blocks). */
    public ChunkTasks(int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be positive, got " + maxInFlight);
        }
        this.inFlight = new Semaphore(maxInFlight);
    }

    /** A chunk task. */
    @FunctionalInterface
    public interface Task {
        void run() throws IOException;
    }

    /** Starts a task, waiting while too many are in flight; false once an earlier task failed. */
    public boolean submit(Task task) throws IOException {
        if (failure.get() != null) {
            return false;
        }
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to start a chunk task");
        }
        if (failure.get() != null) {
            inFlight.release();
            return false;
        }
        exec.execute(() -> {
            try {
                if (failure.get() == null) {
                    task.run();
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                inFlight.release();
            }
        });
        return true;
    }

    /** Waits for every task and rethrows the first failure. */
    public void await() throws IOException {
        exec.close();
        Throwable t = failure.get();
        if (t == null) {
            return;
        }
        switch (t) {
            case IOException e -> throw e;
            case UncheckedIOException e -> throw e.getCause();
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            default -> throw new IOException(t);
        }
    }

    @Override
    public void close() {
        exec.close();
    }
}
