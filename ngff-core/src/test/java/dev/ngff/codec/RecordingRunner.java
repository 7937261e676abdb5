package dev.ngff.codec;

import dev.ngff.exec.ChunkTasks;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A sequential {@link TaskRunner} that records each {@code runAll} call's task count, and counts calls made
 * from inside one of its own tasks (which the runner contract forbids).
 */
final class RecordingRunner implements TaskRunner {
    final List<Integer> calls = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger nested = new AtomicInteger();
    private final ThreadLocal<Boolean> inTask = ThreadLocal.withInitial(() -> false);

    @Override
    public void runAll(List<ChunkTasks.Task> tasks) throws IOException {
        if (inTask.get()) {
            nested.incrementAndGet();
        }
        calls.add(tasks.size());
        for (ChunkTasks.Task t : tasks) {
            inTask.set(true);
            try {
                t.run();
            } finally {
                inTask.set(false);
            }
        }
    }

    int tasks() {
        return calls.stream().mapToInt(Integer::intValue).sum();
    }
}
