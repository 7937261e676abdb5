package dev.ngff.write;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The writer's byte accounting: bytes held (buffered units, and shards being written until their
 * write ends), of which some are already handed to a write. A reservation waits while it would take
 * the total over the limit; when nothing is being written that could free bytes, it asks its
 * {@link Evictor} to start writing a buffered shard. A reservation into an empty budget always
 * succeeds, so one unit larger than the limit still makes progress (alone).
 */
final class Budget {
    /** Starts writing one buffered shard; false when there is none to start. */
    @FunctionalInterface
    interface Evictor {
        boolean evictOne() throws IOException;
    }

    /** Called while waiting, to stop waiting with the writer's failure. */
    @FunctionalInterface
    interface FailureCheck {
        void check() throws IOException;
    }

    private final long limit;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    private long used;
    private long committing;
    private long peak;

    Budget(long limit) {
        this.limit = limit;
    }

    long limit() {
        return limit;
    }

    void reserve(long n, Evictor evictor, FailureCheck failure) throws IOException {
        lock.lock();
        try {
            while (used > 0 && used + n > limit) {
                failure.check();
                if (committing == 0) {
                    lock.unlock();
                    boolean started;
                    try {
                        started = evictor.evictOne();
                    } finally {
                        lock.lock();
                    }
                    if (started) {
                        continue;
                    }
                    // bytes are reserved by writes still being buffered: they settle soon
                }
                try {
                    freed.await(committing == 0 ? 2 : 50, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for the write buffer to drain");
                }
            }
            used += n;
            peak = Math.max(peak, used);
        } finally {
            lock.unlock();
        }
    }

    void release(long n) {
        if (n == 0) {
            return;
        }
        lock.lock();
        try {
            used -= n;
            freed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** {@code n} held bytes are now being written. */
    void committing(long n) {
        lock.lock();
        try {
            committing += n;
        } finally {
            lock.unlock();
        }
    }

    /** A write of {@code n} bytes ended (done or failed): they are free. */
    void committed(long n) {
        lock.lock();
        try {
            committing -= n;
            used -= n;
            freed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@code committingDone} bytes handed to a write are no longer being written, and {@code freedBytes}
     * held bytes are free (a streamed upload sent them); what it still holds stays reserved.
     */
    void settle(long committingDone, long freedBytes) {
        lock.lock();
        try {
            committing -= committingDone;
            used -= freedBytes;
            freed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes waiters, after a failure. */
    void wake() {
        lock.lock();
        try {
            freed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    long used() {
        lock.lock();
        try {
            return used;
        } finally {
            lock.unlock();
        }
    }

    long peak() {
        lock.lock();
        try {
            return peak;
        } finally {
            lock.unlock();
        }
    }
}
