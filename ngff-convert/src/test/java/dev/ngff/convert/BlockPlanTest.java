package dev.ngff.convert;

import dev.ngff.convert.internal.MemoryBudget;
import dev.ngff.testing.Properties;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BlockPlanTest {

    @Test
    void growsInnermostDimensionsFirst() {
        BlockPlan p = BlockPlan.of(new long[] {64, 512, 512}, new long[] {1, 64, 64}, 2, 1 << 20);
        // one 512x512 plane of uint16 is 512 KiB, so two planes make a 1 MiB slab
        assertThat(p.blockShape()).containsExactly(2, 512, 512);
        assertThat(p.count()).isEqualTo(32);
    }

    @Test
    void aUnitLargerThanTheTargetIsOneBlock() {
        BlockPlan p = BlockPlan.of(new long[] {100, 100}, new long[] {64, 64}, 8, 1024);
        assertThat(p.blockShape()).containsExactly(64, 64);
        assertThat(p.count()).isEqualTo(4);
        assertThat(p.extent(p.offset(3))).containsExactly(36, 36);
    }

    @Test
    void alignedUnitIsTheLeastCommonMultipleWhenSmall() {
        long[] u = BlockPlan.alignedUnit(new long[] {64, 512, 512}, new long[] {1, 256, 256},
                new long[] {32, 128, 384}, 2, 64 << 20);
        assertThat(u).containsExactly(32, 256, 512);
        long[] big = BlockPlan.alignedUnit(new long[] {64, 512, 512}, new long[] {1, 256, 256},
                new long[] {32, 128, 384}, 2, 1024);
        assertThat(big).containsExactly(1, 256, 256);
    }

    @Test
    void workersAreCappedByTheHeap() {
        assertThat(MemoryBudget.workers(4, 128L << 20, 700L << 20)).isEqualTo(1);
        assertThat(MemoryBudget.workers(4, 64L << 20, 6L << 30)).isEqualTo(4);
        assertThat(MemoryBudget.workers(8, 64L << 20, 1L << 30)).isEqualTo(2);
        assertThat(BlockPlan.of(new long[] {10, 10}, new long[] {4, 4}, 2, 1).blockBytes(2)).isEqualTo(32);
    }

    @Test
    void blocksTileTheArrayExactlyOnceAlignedToTheUnit() {
        Properties.forAll(200, g -> {
            int a = g.intIn(0, 40);
            int b = g.intIn(1, 40);
            int ua = g.intIn(1, 7);
            int ub = g.intIn(1, 7);
            int target = g.intIn(1, 4000);
            long[] shape = {a, b};
            long[] unit = {ua, ub};
            BlockPlan p = BlockPlan.of(shape, unit, 4, target);
            int[][] seen = new int[a][b];
            for (long i = 0; i < p.count(); i++) {
                long[] off = p.offset(i);
                long[] ext = p.extent(off);
                assertThat(off[0] % ua).isZero();
                assertThat(off[1] % ub).isZero();
                for (long y = off[0]; y < off[0] + ext[0]; y++) {
                    for (long x = off[1]; x < off[1] + ext[1]; x++) {
                        seen[(int) y][(int) x]++;
                    }
                }
            }
            for (int[] row : seen) {
                for (int c : row) {
                    assertThat(c).isEqualTo(1);
                }
            }
        });
    }
}
