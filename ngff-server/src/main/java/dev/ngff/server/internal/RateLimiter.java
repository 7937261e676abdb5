package dev.ngff.server.internal;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per client address: {@code perSecond} tokens a second, bursts up to twice that.
 * Thread-safe. Buckets of clients idle for a minute are dropped when the table grows past
 * {@link #SWEEP_SIZE}, so memory stays bounded by the number of recent clients.
 */
final class RateLimiter {
    private static final int SWEEP_SIZE = 10_000;
    private static final long IDLE_NANOS = 60_000_000_000L;

    private final double perSecond;
    private final double burst;
    private final ConcurrentHashMap<InetAddress, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
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

    /** True if the client may make one more request now. */
    boolean tryAcquire(InetAddress client, long nowNanos) {
        if (perSecond <= 0) {
            return true;
        }
        if (buckets.size() > SWEEP_SIZE) {
            buckets.values().removeIf(b -> {
                synchronized (b) {
                    return nowNanos - b.last > IDLE_NANOS;
                }
            });
        }
        Bucket b = buckets.computeIfAbsent(client, c -> new Bucket(burst, nowNanos));
        synchronized (b) {
            b.tokens = Math.min(burst, b.tokens + (nowNanos - b.last) * perSecond / 1e9);
            b.last = nowNanos;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return true;
            }
            return false;
        }
    }
}
