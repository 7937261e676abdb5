package dev.ngff.convert.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --memory}: sizes as users write them, and how a budget is shared by a pyramid pass. */
class MemoryBudgetTest {
    @Test
    void sizes() {
        assertThat(MemoryBudget.parse("512m")).isEqualTo(512L << 20);
        assertThat(MemoryBudget.parse("2G")).isEqualTo(2L << 30);
        assertThat(MemoryBudget.parse("2GiB")).isEqualTo(2L << 30);
        assertThat(MemoryBudget.parse("1.5g")).isEqualTo(3L << 29);
        assertThat(MemoryBudget.parse("64MB")).isEqualTo(64L << 20);
        assertThat(MemoryBudget.parse("33554432")).isEqualTo(32L << 20);
        assertThatThrownBy(() -> MemoryBudget.parse("lots")).hasMessage("'lots' is not a size (512m, 2g, 1073741824)");
        assertThatThrownBy(() -> MemoryBudget.parse("-1g")).hasMessageContaining("is not a size");
        assertThatThrownBy(() -> MemoryBudget.parse("16m")).hasMessage("16.0 MiB is below the minimum of 32.0 MiB");
    }

    @Test
    void aPassKeepsItsBlocksAndBuffersWithinTheBudget() {
        long block = 8L << 20;
        for (long budget : new long[] {32L << 20, 48L << 20, 100L << 20, 1L << 30, 16L << 30}) {
            for (int requested : new int[] {1, 2, 4, 16}) {
                MemoryBudget.PassShare s = MemoryBudget.pass(budget, requested, block);
                assertThat(s.blocksInFlight()).isBetween(1, requested);
                long blocks = s.blocksInFlight() * MemoryBudget.COPIES_PER_BLOCK * block;
                assertThat(blocks + s.writerBytes()).as("budget %d, %d wanted", budget, requested).isEqualTo(budget);
                assertThat(s.writerBytes()).as("the writers keep a block at least").isGreaterThanOrEqualTo(block);
                if (s.blocksInFlight() > 1) {
                    assertThat(s.writerBytes()).as("a second block only within half").isGreaterThanOrEqualTo(budget / 2);
                }
            }
        }
        assertThat(MemoryBudget.pass(1L << 30, 16, block).blocksInFlight()).isEqualTo(16); // 21 would fit
        assertThat(MemoryBudget.pass(100L << 20, 4, block).blocksInFlight()).isEqualTo(2);
        assertThatThrownBy(() -> MemoryBudget.pass(32L << 20, 1, 16L << 20))
                .hasMessage("32.0 MiB does not hold one level-0 block of 16.0 MiB in flight (3 copies) and a write buffer "
                        + "of as much: give at least 64.0 MiB or smaller --chunks/--shards");
    }
}
