package dev.ngff.s3.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter: before retry {@code n} (1-based) wait a uniformly random time in
 * {@code [0, min(max, base * 2^(n-1))]}. Full jitter spreads the retries of many clients that failed
 * together (a 503 SlowDown burst) instead of sending them back in lock-step.
 */
public record Backoff(Duration base, Duration max) {

    /** The ceiling of the wait before retry {@code n}, in nanoseconds. */
    public long ceilingNanos(int retry) {
        long b = base.toNanos();
        int shift = Math.min(Math.max(retry - 1, 0), 30);
        long ceiling = b > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : b << shift;
        return Math.min(ceiling, max.toNanos());
    }

    /** A random wait before retry {@code n}. */
    public Duration delay(int retry) {
        long c = ceilingNanos(retry);
        return Duration.ofNanos(c == 0 ? 0 : ThreadLocalRandom.current().nextLong(c + 1));
    }
}
