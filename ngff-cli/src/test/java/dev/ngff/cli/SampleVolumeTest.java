package dev.ngff.cli;

import dev.ngff.buffer.NdBuffer;
import dev.ngff.metadata.DataType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SampleVolumeTest {

    @Test
    void blocksRenderTheSameVoxelsAsTheWhole() {
        long[] shape = {8, 96, 80};
        SampleVolume v = SampleVolume.of(shape, 42);
        NdBuffer whole = NdBuffer.allocate(DataType.UINT16, shape);
        v.render(new long[3], whole);
        NdBuffer part = NdBuffer.allocate(DataType.UINT16, 3, 40, 33);
        v.render(new long[] {4, 50, 47}, part);
        assertThat(part.contentEquals(whole.copyRegion(new long[] {4, 50, 47}, new long[] {3, 40, 33}))).isTrue();
    }

    @Test
    void sameSeedSameVolumeOtherSeedOtherVolume() {
        long[] shape = {4, 64, 64};
        NdBuffer a = render(shape, 7);
        assertThat(render(shape, 7).contentEquals(a)).isTrue();
        assertThat(render(shape, 8).contentEquals(a)).isFalse();
    }

    @Test
    void looksLikeAFluorescenceImage() {
        long[] shape = {16, 256, 256};
        NdBuffer b = render(shape, 1);
        long n = b.elementCount();
        int min = Integer.MAX_VALUE;
        int max = 0;
        long bright = 0;
        double sum = 0;
        for (long i = 0; i < n; i++) {
            int v = (int) b.getAsLong(i);
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
            bright += v > 1000 ? 1 : 0;
        }
        assertThat(min).isBetween(40, 120);
        assertThat(sum / n).isBetween(110.0, 400.0);
        assertThat(max).isBetween(1500, 6000);
        assertThat((double) bright / n).isBetween(0.0005, 0.2);
    }

    @Test
    void twoDimensionalVolumes() {
        NdBuffer b = render(new long[] {50, 70}, 3);
        assertThat(b.shape()).containsExactly(50, 70);
    }

    private static NdBuffer render(long[] shape, long seed) {
        NdBuffer b = NdBuffer.allocate(DataType.UINT16, shape);
        SampleVolume.of(shape, seed).render(new long[shape.length], b);
        return b;
    }
}
