package dev.ngff.acquire;

import dev.ngff.buffer.NdBuffer;
import dev.ngff.metadata.DataType;
import dev.ngff.pyramid.Downsampler;
import dev.ngff.pyramid.Downsampling;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class PlaneMeanTest {

    @Test
    void equalsTheGenericMeanOverRandomPlanesOfTheWholeUint16Range() {
        long seed = Long.getLong("ngff.seed", new Random().nextLong());
        System.out.println("PlaneMeanTest: seed " + seed + "; rerun with -Dngff.seed=" + seed);
        Random r = new Random(seed);
        try (Arena arena = Arena.ofConfined()) {
            for (int c = 0; c < 200; c++) {
                int outer = r.nextInt(3);
                int rank = outer + 2;
                long[] shape = new long[rank];
                Arrays.fill(shape, 1);
                shape[rank - 2] = 2L * (1 + r.nextInt(20));
                shape[rank - 1] = 2L * (1 + r.nextInt(70));
                int[] f = new int[rank];
                Arrays.fill(f, 1);
                f[rank - 2] = 2;
                f[rank - 1] = 2;
                // frames arrive in native memory; lower levels are heap buffers: both must work
                NdBuffer src = r.nextBoolean() ? NdBuffer.allocate(DataType.UINT16, shape)
                        : NdBuffer.wrap(DataType.UINT16, shape, arena.allocate(NdBuffer.elementCount(shape) * 2, 8));
                int bias = r.nextInt(3); // all high values, all low, or mixed: rounding ties at every magnitude
                for (long e = 0; e < src.elementCount(); e++) {
                    long v = switch (bias) {
                        case 0 -> 65535 - r.nextInt(4);
                        case 1 -> r.nextInt(6);
                        default -> r.nextInt(65536);
                    };
                    src.setAsLong(e, v);
                }
                long[] half = shape.clone();
                half[rank - 2] /= 2;
                half[rank - 1] /= 2;
                NdBuffer fast = NdBuffer.allocate(DataType.UINT16, half);
                NdBuffer generic = NdBuffer.allocate(DataType.UINT16, half);
                String what = "case " + c + " (seed " + seed + ") shape " + Arrays.toString(shape);
                assertThat(PlaneMean.applies(new Downsampling.Mean(), DataType.UINT16, f, src)).as(what).isTrue();
                PlaneMean.halveU16(src, fast);
                Downsampler.reduce(new Downsampling.Mean(), f, shape, src, new long[rank], generic, new long[rank]);
                for (long e = 0; e < fast.elementCount(); e++) {
                    assertThat(fast.getAsLong(e)).as(what + " element " + e).isEqualTo(generic.getAsLong(e));
                }
            }
        }
    }

    @Test
    void leavesEveryOtherStepToTheGenericReduction() {
        int[] f = {1, 2, 2};
        NdBuffer even = NdBuffer.allocate(DataType.UINT16, 1, 4, 6);
        assertThat(PlaneMean.applies(new Downsampling.Mean(), DataType.UINT16, f, even)).isTrue();
        assertThat(PlaneMean.applies(new Downsampling.Max(), DataType.UINT16, f, even)).isFalse();
        assertThat(PlaneMean.applies(new Downsampling.Mean(), DataType.UINT8, f, NdBuffer.allocate(DataType.UINT8, 1, 4, 6)))
                .isFalse();
        assertThat(PlaneMean.applies(new Downsampling.Mean(), DataType.UINT16, f, NdBuffer.allocate(DataType.UINT16, 1, 5, 6)))
                .as("odd y").isFalse();
        assertThat(PlaneMean.applies(new Downsampling.Mean(), DataType.UINT16, f, NdBuffer.allocate(DataType.UINT16, 1, 4, 7)))
                .as("odd x").isFalse();
        assertThat(PlaneMean.applies(new Downsampling.Mean(), DataType.UINT16, new int[] {2, 2, 2}, even))
                .as("a factor across planes").isFalse();
        assertThat(PlaneMean.applies(new Downsampling.Mean(), DataType.UINT16, new int[] {1, 1, 2}, even))
                .as("y kept").isFalse();
        assertThat(PlaneMean.applies(new Downsampling.Mean(), DataType.UINT16, f, NdBuffer.allocate(DataType.UINT16, 2, 4, 6)))
                .as("a block of two planes").isFalse();
    }
}
