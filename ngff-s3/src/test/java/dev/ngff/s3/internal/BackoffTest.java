package dev.ngff.s3.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {
    @Test
    void ceilingsDoubleUpToTheMaximumAndWaitsStayBelowThem() {
        Backoff b = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(5));
        assertThat(b.ceilingNanos(1)).isEqualTo(Duration.ofMillis(50).toNanos());
        assertThat(b.ceilingNanos(2)).isEqualTo(Duration.ofMillis(100).toNanos());
        assertThat(b.ceilingNanos(4)).isEqualTo(Duration.ofMillis(400).toNanos());
        assertThat(b.ceilingNanos(20)).isEqualTo(Duration.ofSeconds(5).toNanos());
        assertThat(b.ceilingNanos(1000)).isEqualTo(Duration.ofSeconds(5).toNanos());
        long distinct = java.util.stream.IntStream.range(0, 50).mapToLong(i -> b.delay(3).toNanos()).distinct().count();
        assertThat(distinct).as("jittered").isGreaterThan(10);
        for (int i = 0; i < 200; i++) {
            assertThat(b.delay(3).toNanos()).isBetween(0L, b.ceilingNanos(3));
        }
    }
}
