package dev.ngff.s3.internal;

import java.util.concurrent.Semaphore;

/**
 * Bounds the requests and the body bytes a store has in flight. A request takes one request permit and
 * its body size in byte permits (counted in KiB, capped at the whole budget so that one request larger
 * than the budget still runs, alone). Fair, so that large requests are not starved by small ones.
 * Thread-safe.
 */
public final class InFlightLimit {
    private final Semaphore requests;
    private final Semaphore kib;
    private final int kibBudget;

    public InFlightLimit(int maxRequests, long maxBytes) {
        this.requests = new Semaphore(maxRequests, true);
        this.kibBudget = (int) Math.min(Integer.MAX_VALUE, Math.max(1, maxBytes >> 10));
        this.kib = new Semaphore(kibBudget, true);
    }

    /** A held share of the limit; closing gives it back. */
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    /** Waits for one request slot and {@code bytes} of body budget. */
    public Permit acquire(long bytes) throws InterruptedException {
        int k = (int) Math.min(kibBudget, Math.max(1, (bytes + 1023) >> 10));
        requests.acquire();
        try {
            kib.acquire(k);
        } catch (InterruptedException e) {
            requests.release();
            throw e;
        }
        return new Permit() {
            private boolean closed;

            @Override
            public synchronized void close() {
                if (!closed) {
                    closed = true;
                    kib.release(k);
                    requests.release();
                }
            }
        };
    }
}
