package dev.ngff.server.internal;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per client address: {@code perSecond} tokens a second, bursts up to twice that. A request
 * that finds the bucket empty is not refused at once: it reserves a future token and waits for it, so a
 * client that asks faster than the rate is slowed to the rate; only a request that would wait longer than
 * {@link #MAX_WAIT_NANOS} is refused. Thread-safe. Buckets of clients idle for a minute are dropped when
 * the table grows past {@link #SWEEP_SIZE}, so memory stays bounded by the number of recent clients.
 */
final class RateLimiter {
    /** The longest a request waits for its turn before it is refused instead. */
    static final long MAX_WAIT_NANOS = 2_000_000_000L;
    private static final int SWEEP_SIZE = 10_000;
    private static final long IDLE_NANOS = 60_000_000_000L;

    private final double perSecond;
    private final double burst;
    private final ConcurrentHashMap<InetAddress, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        /** Negative while requests wait for tokens not yet earned. */
        double tokens;
        long last;

        Bucket(double tokens, long last) {
            this.tokens = tokens;
            this.last = last;
        }
    }

    RateLimiter(int perSecond) {
        this.perSecond = perSecond;
        this.burst = 2.0 * perSecond;
    }

    /**
     * Takes a turn for one request of {@code client}: 0 if it may go now, a positive number of nanoseconds
     * if it may go after that wait (its token is taken), or a negative number {@code -n} if it is refused
     * (nothing is taken), where {@code n} nanoseconds is how long until a request would be let through now.
     */
    long reserve(InetAddress client, long nowNanos) {
        if (perSecond <= 0) {
            return 0;
        }
        if (buckets.size() > SWEEP_SIZE) {
            buckets.values().removeIf(b -> {
                synchronized (b) {
                    return nowNanos - b.last > IDLE_NANOS && b.tokens >= 0;
                }
            });
        }
        Bucket b = buckets.computeIfAbsent(client, c -> new Bucket(burst, nowNanos));
        synchronized (b) {
            b.tokens = Math.min(burst, b.tokens + Math.max(0, nowNanos - b.last) * perSecond / 1e9);
            b.last = Math.max(b.last, nowNanos);
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return 0;
            }
            long wait = (long) Math.ceil((1 - b.tokens) / perSecond * 1e9);
            if (wait > MAX_WAIT_NANOS) {
                return -(wait - MAX_WAIT_NANOS);
            }
            b.tokens -= 1;
            return wait;
        }
    }
}
