package dev.ngff.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RegionTest {
    private static final long[] SHAPE = {64, 512, 512};

    @Test
    void rangesAndFullDimensions() {
        Region.Box b = Region.parse("0:16, :, 100:228").resolve(SHAPE);
        assertThat(b.offset()).containsExactly(0, 0, 100);
        assertThat(b.shape()).containsExactly(16, 512, 128);
    }

    @Test
    void singleIndexKeepsTheDimension() {
        Region.Box b = Region.parse("10,5:7,3").resolve(SHAPE);
        assertThat(b.offset()).containsExactly(10, 5, 3);
        assertThat(b.shape()).containsExactly(1, 2, 1);
    }

    @Test
    void openEndsAndNegativeIndices() {
        Region.Box b = Region.parse("-4:,:-12,-1").resolve(SHAPE);
        assertThat(b.offset()).containsExactly(60, 0, 511);
        assertThat(b.shape()).containsExactly(4, 500, 1);
    }

    @Test
    void missingTrailingDimensionsAreWhole() {
        Region.Box b = Region.parse("3").resolve(SHAPE);
        assertThat(b.offset()).containsExactly(3, 0, 0);
        assertThat(b.shape()).containsExactly(1, 512, 512);
        assertThat(Region.all().resolve(SHAPE)).isEqualTo(new Region.Box(new long[3], SHAPE));
    }

    @Test
    void emptyRangeIsAllowed() {
        assertThat(Region.parse("5:5").resolve(SHAPE).shape()).containsExactly(0, 512, 512);
    }

    @Test
    void badSyntaxIsRejected() {
        assertThatThrownBy(() -> Region.parse("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Region.parse("1:2,,3")).hasMessageContaining("empty dimension");
        assertThatThrownBy(() -> Region.parse("a:3")).hasMessageContaining("'a'");
        assertThatThrownBy(() -> Region.parse("0:10:2")).hasMessageContaining("steps");
    }

    @Test
    void outOfBoundsIsRejected() {
        assertThatThrownBy(() -> Region.parse("0:65").resolve(SHAPE)).hasMessageContaining("dimension 0 of extent 64");
        assertThatThrownBy(() -> Region.parse("10:5").resolve(SHAPE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Region.parse("64").resolve(SHAPE)).hasMessageContaining("index 64");
        assertThatThrownBy(() -> Region.parse("-65").resolve(SHAPE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Region.parse("1,2,3,4").resolve(SHAPE)).hasMessageContaining("4 dimensions");
    }
}
