package dev.ngff.pyramid;

import dev.ngff.metadata.ome.Axis;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PyramidPlanTest {
    private static final List<Axis> TCZYX = List.of(Axis.time("t", null), Axis.channel("c"),
            Axis.space("z", null), Axis.space("y", null), Axis.space("x", null));

    @Test
    void isotropicHalvesEverySpatialAxisUntilOneChunk() {
        PyramidPlan p = PyramidPlan.auto(TCZYX, new long[] {5, 3, 1024, 1024, 1024}, new double[] {1, 1, 1, 1, 1},
                new long[] {1, 1, 64, 64, 64}, 0);
        assertEquals(5, p.levels());
        for (int k = 1; k < p.levels(); k++) {
            assertArrayEquals(new int[] {1, 1, 2, 2, 2}, p.factor(k));
        }
        assertArrayEquals(new long[] {5, 3, 64, 64, 64}, p.levelShape(new long[] {5, 3, 1024, 1024, 1024}, 4));
    }

    @Test
    void anisotropicZWaitsUntilXyCatchUp() {
        // z 2 um, y/x 0.5 um: x and y are halved twice before z joins
        PyramidPlan p = PyramidPlan.auto(TCZYX.subList(2, 5), new long[] {64, 2048, 2048}, new double[] {2, 0.5, 0.5},
                new long[] {16, 256, 256}, 0);
        assertArrayEquals(new int[] {1, 2, 2}, p.factor(1));
        assertArrayEquals(new int[] {1, 2, 2}, p.factor(2));
        assertArrayEquals(new int[] {2, 2, 2}, p.factor(3));
        assertArrayEquals(new double[] {4, 4, 4}, p.levelScale(new double[] {2, 0.5, 0.5}, 3));
        // z (32 planes) does not fit its 16-plane chunk yet: one more level
        assertEquals(5, p.levels());
        assertArrayEquals(new long[] {16, 128, 128}, p.levelShape(new long[] {64, 2048, 2048}, 4));
    }

    @Test
    void maxLevelsAndAxesOfExtentOne() {
        PyramidPlan p = PyramidPlan.auto(TCZYX.subList(2, 5), new long[] {1, 40, 40}, new double[] {1, 1, 1},
                new long[] {1, 8, 8}, 10);
        // z is never halved (extent 1); stops when nothing can shrink: 40 20 10 5 3 2 1
        assertEquals(7, p.levels());
        assertArrayEquals(new long[] {1, 1, 1}, p.levelShape(new long[] {1, 40, 40}, 6));
        assertEquals(2, PyramidPlan.auto(TCZYX.subList(2, 5), new long[] {1, 40, 40}, new double[] {1, 1, 1},
                new long[] {1, 8, 8}, 2).levels());
    }

    @Test
    void translationsPutBlockMethodsAtTheBlockCentre() {
        PyramidPlan p = PyramidPlan.uniform(new int[] {2, 3}, 3);
        double[] t = p.levelTranslation(new double[] {10, 0}, new double[] {0.5, 1}, new Downsampling.Mean(), 2);
        // level 1: +0.5 * 0.5 and +1 * 1; level 2: +0.5 * 1 and +1 * 3
        assertArrayEquals(new double[] {10.75, 4}, t, 1e-12);
        assertArrayEquals(new double[] {10, 0},
                p.levelTranslation(new double[] {10, 0}, new double[] {0.5, 1}, new Downsampling.Nearest(), 2), 0);
    }

    @Test
    void levelCountsAreAutoOrOneToSixtyFour() {
        assertEquals(0, PyramidPlan.parseMaxLevels(" Auto "));
        assertEquals(1, PyramidPlan.parseMaxLevels("1"));
        assertEquals(64, PyramidPlan.parseMaxLevels("64"));
        for (String bad : List.of("0", "65", "-3", "many", "")) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> PyramidPlan.parseMaxLevels(bad));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("level count"), e.getMessage());
        }
    }
}
