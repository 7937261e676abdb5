package dev.ngff.s3.internal;

import dev.ngff.testing.Properties;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RangeCoalescerTest {

    @Test
    void nearbyRangesJoinAndDistantOnesDoNot() {
        var groups = RangeCoalescer.coalesce(List.of(
                new RangeCoalescer.Wanted(0, 100, 10),
                new RangeCoalescer.Wanted(1, 0, 50),
                new RangeCoalescer.Wanted(2, 1000, 5)), 50, 1 << 20);
        assertThat(groups).hasSize(2);
        assertThat(groups.get(0).offset()).isZero();
        assertThat(groups.get(0).length()).isEqualTo(110);
        assertThat(groups.get(1).offset()).isEqualTo(1000);
    }

    /** Every range lies inside exactly one group; groups respect the size cap unless one range alone exceeds it. */
    @Test
    void groupsCoverEveryRangeWithinTheLimits() {
        Properties.forAll(300, gen -> {
            long seed = gen.anyLong();
            int n = gen.intIn(1, 60);
            int gap = gen.intIn(0, 5000);
            int maxSize = gen.intIn(1, 20000);
            Random r = new Random(seed);
            List<RangeCoalescer.Wanted> wanted = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                wanted.add(new RangeCoalescer.Wanted(i, r.nextInt(100_000), 1 + r.nextInt(8000)));
            }
            var groups = RangeCoalescer.coalesce(wanted, gap, maxSize);
            Set<Integer> seen = new HashSet<>();
            for (var g : groups) {
                long start = g.members().stream().mapToLong(RangeCoalescer.Wanted::offset).min().orElseThrow();
                long end = g.members().stream().mapToLong(w -> w.offset() + w.length()).max().orElseThrow();
                assertThat(g.offset()).as("group starts at its first range").isEqualTo(start);
                assertThat(g.offset() + g.length()).as("group ends at its last range").isEqualTo(end);
                boolean single = g.members().size() == 1;
                assertThat(single || g.length() <= maxSize).as("group %s within cap", g).isTrue();
                for (var w : g.members()) {
                    assertThat(w.offset()).isGreaterThanOrEqualTo(g.offset());
                    assertThat(w.offset() + w.length()).isLessThanOrEqualTo(g.offset() + g.length());
                    assertThat(seen.add(w.index())).isTrue();
                }
            }
            assertThat(seen).hasSize(n);
        });
    }
}
