package dev.ngff.pyramid;

import dev.ngff.buffer.NdBuffer;
import dev.ngff.metadata.DataType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Edges, rounding ties, extremes, refusals and box arithmetic of {@link Downsampler}, value by value. */
class DownsamplerTest {
    private static final Downsampling MEAN = new Downsampling.Mean();
    private static final Downsampling MODE = new Downsampling.Mode();

    /** A 1-D reduction of the whole array by one factor; values as raw longs (bits for 64-bit types). */
    private static long[] reduce1d(Downsampling m, DataType t, int factor, long... values) {
        NdBuffer src = NdBuffer.allocate(t, values.length);
        for (int i = 0; i < values.length; i++) {
            if (t.kind() == DataType.Kind.BOOL) {
                src.segment().set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) values[i]);
            } else {
                src.setAsLong(i, values[i]);
            }
        }
        long n = Math.ceilDiv(values.length, factor);
        NdBuffer dst = NdBuffer.allocate(t, n);
        Downsampler.reduce(m, new int[] {factor}, new long[] {values.length}, src, new long[1], dst, new long[1]);
        long[] out = new long[(int) n];
        for (int i = 0; i < n; i++) {
            out[i] = dst.getAsLong(i);
        }
        return out;
    }

    private static double[] reduce1d(Downsampling m, DataType t, int factor, double... values) {
        NdBuffer src = NdBuffer.allocate(t, values.length);
        for (int i = 0; i < values.length; i++) {
            src.setAsDouble(i, values[i]);
        }
        long n = Math.ceilDiv(values.length, factor);
        NdBuffer dst = NdBuffer.allocate(t, n);
        Downsampler.reduce(m, new int[] {factor}, new long[] {values.length}, src, new long[1], dst, new long[1]);
        double[] out = new double[(int) n];
        for (int i = 0; i < n; i++) {
            out[i] = dst.getAsDouble(i);
        }
        return out;
    }

    @Test
    void integerMeanRoundsHalfToEven() {
        assertThat(reduce1d(MEAN, DataType.UINT8, 2, 1, 2, 2, 3, 3, 4, 0, 1)).containsExactly(2, 2, 4, 0);
        assertThat(reduce1d(MEAN, DataType.UINT16, 2, 1, 2, 2, 3, 65535, 65534, 65535, 65535)).containsExactly(2, 2, 65534, 65535);
        assertThat(reduce1d(MEAN, DataType.INT8, 2, -1, -2, -2, -3, -128, -127, 127, 126)).containsExactly(-2, -2, -128, 126);
        assertThat(reduce1d(MEAN, DataType.INT32, 3, 1, 1, 2, 1, 2, 2)).containsExactly(1, 2); // 4/3, 5/3
        // an edge block of one element out of three keeps it
        assertThat(reduce1d(MEAN, DataType.UINT16, 3, 3, 4, 5, 7)).containsExactly(4, 7);
    }

    @Test
    void uint64MeanIsExactNearTwoToThe64() {
        // 2^64-1 twice, then 2^64-1 and 2^64-2 (mean 2^64 - 1.5, ties to the even 2^64 - 2), then 2^63 and 2^63 + 1
        assertThat(reduce1d(MEAN, DataType.UINT64, 2, -1L, -1L, -1L, -2L, Long.MIN_VALUE, Long.MIN_VALUE + 1))
                .containsExactly(-1L, -2L, Long.MIN_VALUE);
        assertThat(reduce1d(MEAN, DataType.UINT64, 4, -1L, -1L, -1L, -1L, -1L)).containsExactly(-1L, -1L);
    }

    @Test
    void int64MeanIsExactAtTheExtremes() {
        long max = Long.MAX_VALUE;
        long min = Long.MIN_VALUE;
        assertThat(reduce1d(MEAN, DataType.INT64, 2, max, max, min, min, min, max, max, max - 1, min, min + 1))
                .containsExactly(max, min, 0, max - 1, min);
    }

    @Test
    void boolMeanIsMajorityWithTiesToFalse() {
        assertThat(reduce1d(MEAN, DataType.BOOL, 2, 1, 0, 1, 1, 0, 0)).containsExactly(0, 1, 0);
        assertThat(reduce1d(MEAN, DataType.BOOL, 3, 1, 1, 0, 1, 0, 0)).containsExactly(1, 0);
        assertThat(reduce1d(MODE, DataType.BOOL, 2, 1, 0, 1, 1)).containsExactly(0, 1);
        assertThat(reduce1d(new Downsampling.Max(), DataType.BOOL, 3, 0, 1, 0, 0)).containsExactly(1, 0);
    }

    @Test
    void modeTiesGoToTheSmallestValue() {
        assertThat(reduce1d(MODE, DataType.UINT32, 4, 5, 3, 3, 5, 7, 7, 9, 7)).containsExactly(3, 7);
        assertThat(reduce1d(MODE, DataType.INT8, 4, -1, 2, 2, -1)).containsExactly(-1);
        // unsigned order: 2^64-1 is the largest uint64
        assertThat(reduce1d(MODE, DataType.UINT64, 4, -1L, 0, -1L, 0, -1L, -1L, 5)).containsExactly(0, -1L);
        assertThat(reduce1d(MODE, DataType.FLOAT32, 4, 2.5, -1.0, 2.5, -1.0)).containsExactly(-1.0);
        // many distinct values (sorted path)
        long[] many = new long[64];
        for (int i = 0; i < 64; i++) {
            many[i] = 100 - i % 40;
        }
        assertThat(reduce1d(MODE, DataType.UINT32, 64, many)).containsExactly(77); // 100-23: the smallest seen twice
    }

    @Test
    void floatsFollowNumpyForNaN() {
        assertThat(reduce1d(MEAN, DataType.FLOAT32, 2, 1.0, Double.NaN, 1, 3)).containsExactly(Double.NaN, 2);
        assertThat(reduce1d(new Downsampling.Min(), DataType.FLOAT64, 2, 1, Double.NaN, Double.NaN, 1)).containsExactly(Double.NaN, Double.NaN);
        assertThat(reduce1d(new Downsampling.Max(), DataType.FLOAT16, 2, 1.0, 2, -0.5, -1)).containsExactly(2, -0.5);
        assertThat(reduce1d(MEAN, DataType.FLOAT64, 2, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)).containsExactly(Double.NaN);
    }

    @Test
    void float16ResultsRoundOnceFromDouble() {
        // just above the tie between 1 and 1 + 2^-10: through float it would land on the tie and round down
        double v = 1 + 0x1p-11 + 0x1p-40;
        assertThat(ElementFormat.toFloat16(v)).isEqualTo(Float.floatToFloat16(1 + 0x1p-10f));
        assertThat(ElementFormat.toFloat16(1 + 0x1p-11)).isEqualTo(Float.floatToFloat16(1f)); // an exact tie: to even
        assertThat(ElementFormat.toFloat16(1e6)).isEqualTo(Float.floatToFloat16(Float.POSITIVE_INFINITY));
    }

    @Test
    void narrowFloatsAndComplexTakeTheGenericPath() {
        assertThat(reduce1d(MEAN, DataType.FLOAT8_E4M3, 2, 1.0, 2, 4, 4)).containsExactly(1.5, 4);
        assertThat(reduce1d(MEAN, DataType.BFLOAT16, 2, 1.0, 2)).containsExactly(1.5);
        NdBuffer c = NdBuffer.allocate(DataType.COMPLEX64, 3);
        c.setComplex(0, 1, 10);
        c.setComplex(1, 2, 20);
        c.setComplex(2, 5, -1);
        NdBuffer out = NdBuffer.allocate(DataType.COMPLEX64, 2);
        Downsampler.reduce(MEAN, new int[] {2}, new long[] {3}, c, new long[1], out, new long[1]);
        assertThat(out.getAsDouble(0)).isEqualTo(1.5);
        assertThat(out.getImagAsDouble(0)).isEqualTo(15);
        assertThat(out.getAsDouble(1)).isEqualTo(5);
        assertThat(out.getImagAsDouble(1)).isEqualTo(-1);
    }

    @Test
    void stringsReduceByModeAndNearestOnly() {
        NdBuffer s = NdBuffer.ofStrings(new String[] {"b", "a", "b", "c", "x", "y", "y"}, 7);
        NdBuffer out = NdBuffer.allocate(DataType.STRING, 2);
        Downsampler.reduce(MODE, new int[] {4}, new long[] {7}, s, new long[1], out, new long[1]);
        assertThat(out.toStrings()).containsExactly("b", "y");
        Downsampler.reduce(new Downsampling.Nearest(), new int[] {4}, new long[] {7}, s, new long[1], out, new long[1]);
        assertThat(out.toStrings()).containsExactly("b", "x");
        assertThatThrownBy(() -> Downsampler.reduce(MEAN, new int[] {4}, new long[] {7}, s, new long[1], out, new long[1]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mean downsampling needs numbers, string holds text: use mode or nearest");
    }

    @Test
    void minAndMaxRefuseComplexNumbers() {
        NdBuffer c = NdBuffer.allocate(DataType.COMPLEX128, 2);
        NdBuffer out = NdBuffer.allocate(DataType.COMPLEX128, 1);
        assertThatThrownBy(() -> Downsampler.reduce(new Downsampling.Max(), new int[] {2}, new long[] {2}, c, new long[1], out, new long[1]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max downsampling needs ordered numbers, complex128 holds complex numbers: use mean, gaussian, mode or nearest");
        NdBuffer t = NdBuffer.allocate(DataType.datetime64("s", 1), 2);
        NdBuffer tOut = NdBuffer.allocate(DataType.datetime64("s", 1), 1);
        assertThatThrownBy(() -> Downsampler.reduce(MEAN, new int[] {2}, new long[] {2}, t, new long[1], tOut, new long[1]))
                .hasMessageContaining("holds datetimes: use mode or nearest");
    }

    @Test
    void aGaussianNeedsItsHaloAndSaysWhichAxisLacksIt() {
        Downsampling g = Downsampling.Gaussian.defaults(); // factor 2: sigma 2/3, half-size 3, halo 2
        assertThat(g.halo(new int[] {1, 2})).containsExactly(0, 2);
        NdBuffer src = NdBuffer.allocate(DataType.UINT16, 4, 8);
        NdBuffer dst = NdBuffer.allocate(DataType.UINT16, 4, 2);
        // output columns [4, 6) need input columns [8 - 2, 12 + 2) of 20
        assertThatThrownBy(() -> Downsampler.reduce(g, new int[] {1, 2}, new long[] {4, 20}, src, new long[] {0, 8}, dst, new long[] {0, 4}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("axis 1: the output box [4, 6) needs input [6, 14) (factor 2, halo 2) but src covers [8, 16)");
        NdBuffer enough = NdBuffer.allocate(DataType.UINT16, 4, 8);
        Downsampler.reduce(g, new int[] {1, 2}, new long[] {4, 20}, enough, new long[] {0, 6}, dst, new long[] {0, 4});
    }

    @Test
    void badBoxesAreRefusedInOneLine() {
        NdBuffer src = NdBuffer.allocate(DataType.UINT8, 5);
        NdBuffer dst = NdBuffer.allocate(DataType.UINT8, 3);
        assertThatThrownBy(() -> Downsampler.reduce(MEAN, new int[] {2}, new long[] {5}, src, new long[1], dst, new long[] {1}))
                .hasMessage("axis 0: the output box [1, 4) lies outside the level's extent [0, 3) (input extent 5, factor 2)");
        assertThatThrownBy(() -> Downsampler.reduce(MEAN, new int[] {0}, new long[] {5}, src, new long[1], dst, new long[1]))
                .hasMessage("axis 0: factor 0 (factors are integers of at least 1)");
        assertThatThrownBy(() -> Downsampler.reduce(MEAN, new int[] {2}, new long[] {5}, src, new long[1],
                NdBuffer.allocate(DataType.INT8, 3), new long[1]))
                .hasMessage("src holds uint8 but dst holds int8: a level keeps the data type of the level above");
        assertThatThrownBy(() -> Downsampler.reduce(MEAN, new int[] {2, 2}, new long[] {5}, src, new long[1], dst, new long[1]))
                .hasMessageStartingWith("rank mismatch");
        assertThatThrownBy(() -> Downsampler.reduce(MEAN, new int[] {2}, new long[] {4}, src, new long[1], dst, new long[1]))
                .hasMessage("axis 0: the output box [0, 3) lies outside the level's extent [0, 2) (input extent 4, factor 2)");
    }

    /** A 3-D uint16 volume with recognisable values. */
    private static NdBuffer volume(long... shape) {
        NdBuffer b = NdBuffer.allocate(DataType.UINT16, shape);
        for (long i = 0; i < b.elementCount(); i++) {
            b.setAsLong(i, (i * 7919) % 65536);
        }
        return b;
    }

    @Test
    void offsetBoxesFromLargerSourcesMatchTheWhole() {
        long[] shape = {7, 9, 11};
        int[] factors = {2, 1, 3};
        NdBuffer all = volume(shape);
        for (Downsampling m : List.of(MEAN, MODE, new Downsampling.Min(), new Downsampling.Nearest(), Downsampling.Gaussian.defaults())) {
            NdBuffer whole = NdBuffer.allocate(DataType.UINT16, 4, 9, 4);
            Downsampler.reduce(m, factors, shape, all, new long[3], whole, new long[3]);
            // output box [1, 3) x [2, 7) x [3, 4): the last block holds 2 of 3 columns; src is the whole array
            NdBuffer part = NdBuffer.allocate(DataType.UINT16, 2, 5, 1);
            Downsampler.reduce(m, factors, shape, all, new long[3], part, new long[] {1, 2, 3});
            assertThat(part.contentEquals(whole.copyRegion(new long[] {1, 2, 3}, new long[] {2, 5, 1}))).as(m.name()).isTrue();
        }
    }

    @Test
    void factorOneAxesAreKeptAsTheyAre() {
        NdBuffer all = volume(3, 4, 5);
        NdBuffer out = NdBuffer.allocate(DataType.UINT16, 3, 4, 5);
        for (Downsampling m : List.of(MEAN, MODE, new Downsampling.Max(), new Downsampling.Nearest(), Downsampling.Gaussian.defaults())) {
            Downsampler.reduce(m, new int[] {1, 1, 1}, new long[] {3, 4, 5}, all, new long[3], out, new long[3]);
            assertThat(out.contentEquals(all)).as(m.name()).isTrue();
        }
    }

    @Test
    void meanOfAUniformBlockIsItsValueAndEdgesAverageWhatIsThere() {
        NdBuffer src = NdBuffer.allocate(DataType.UINT16, 3, 3);
        long[] v = {1, 2, 10, 3, 4, 20, 100, 200, 1000};
        for (int i = 0; i < v.length; i++) {
            src.setAsLong(i, v[i]);
        }
        NdBuffer dst = NdBuffer.allocate(DataType.UINT16, 2, 2);
        Downsampler.reduce(MEAN, new int[] {2, 2}, new long[] {3, 3}, src, new long[2], dst, new long[2]);
        // (1+2+3+4)/4 = 2.5 -> 2; (10+20)/2 = 15; (100+200)/2 = 150; 1000
        assertThat(new long[] {dst.getAsLong(0), dst.getAsLong(1), dst.getAsLong(2), dst.getAsLong(3)})
                .containsExactly(2, 15, 150, 1000);
    }

    @Test
    void concurrentCallsOnDisjointOutputsAgreeWithOneCall() throws Exception {
        long[] shape = {16, 33, 65};
        int[] factors = {2, 2, 2};
        NdBuffer all = volume(shape);
        NdBuffer whole = NdBuffer.allocate(DataType.UINT16, 8, 17, 33);
        Downsampler.reduce(MEAN, factors, shape, all, new long[3], whole, new long[3]);
        NdBuffer parts = NdBuffer.allocate(DataType.UINT16, 8, 17, 33);
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<?>> done = new ArrayList<>();
            for (int z = 0; z < 8; z++) {
                long zz = z;
                done.add(pool.submit(() -> {
                    NdBuffer slab = NdBuffer.allocate(DataType.UINT16, 1, 17, 33);
                    NdBuffer src = all.copyRegion(new long[] {2 * zz, 0, 0}, new long[] {2, 33, 65});
                    Downsampler.reduce(MEAN, factors, shape, src, new long[] {2 * zz, 0, 0}, slab, new long[] {zz, 0, 0});
                    NdBuffer.copy(slab, new long[3], parts, new long[] {zz, 0, 0}, new long[] {1, 17, 33});
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertThat(parts.contentEquals(whole)).isTrue();
    }

    /** The same values in a narrow type (specialised loops) and a wide one (generic loops) reduce alike. */
    private static void assertFastPathMatchesGeneric(Downsampling m, DataType fast, DataType generic, long range, int[] factors,
                                                     long... shape) {
        java.util.Random r = new java.util.Random(7);
        NdBuffer a = NdBuffer.allocate(fast, shape);
        NdBuffer b = NdBuffer.allocate(generic, shape);
        for (long i = 0; i < a.elementCount(); i++) {
            long v = r.nextInt(4) == 0 ? range - 1 : Math.floorMod(r.nextLong(), range);
            if (fast.kind() == DataType.Kind.FLOAT) {
                a.setAsDouble(i, v / 8.0);
                b.setAsDouble(i, v / 8.0);
            } else {
                a.setAsLong(i, v);
                b.setAsLong(i, v);
            }
        }
        long[] out = new long[shape.length];
        for (int d = 0; d < shape.length; d++) {
            out[d] = Math.ceilDiv(shape[d], factors[d]);
        }
        NdBuffer x = NdBuffer.allocate(fast, out);
        NdBuffer y = NdBuffer.allocate(generic, out);
        Downsampler.reduce(m, factors, shape, a, new long[shape.length], x, new long[shape.length]);
        Downsampler.reduce(m, factors, shape, b, new long[shape.length], y, new long[shape.length]);
        for (long i = 0; i < x.elementCount(); i++) {
            if (fast.kind() == DataType.Kind.FLOAT) {
                assertThat(x.getAsDouble(i)).as("%s element %d", fast, i).isEqualTo((double) (float) y.getAsDouble(i));
            } else {
                assertThat(x.getAsLong(i)).as("%s element %d", fast, i).isEqualTo(y.getAsLong(i));
            }
        }
    }

    @Test
    void specialisedLoopsAgreeWithTheGenericOnes() {
        int[] cube = {2, 2, 2};
        assertFastPathMatchesGeneric(MEAN, DataType.UINT16, DataType.INT32, 65536, cube, 9, 11, 37);
        assertFastPathMatchesGeneric(MEAN, DataType.UINT16, DataType.INT32, 65536, new int[] {2, 2}, 13, 41);
        assertFastPathMatchesGeneric(MEAN, DataType.UINT16, DataType.INT32, 65536, new int[] {3, 2, 2}, 7, 5, 19);
        assertFastPathMatchesGeneric(MEAN, DataType.UINT8, DataType.INT16, 256, cube, 9, 11, 37);
        assertFastPathMatchesGeneric(MEAN, DataType.UINT8, DataType.INT16, 256, new int[] {1, 2}, 3, 45);
        assertFastPathMatchesGeneric(MEAN, DataType.FLOAT32, DataType.FLOAT64, 1 << 20, cube, 9, 11, 37);
        assertFastPathMatchesGeneric(MODE, DataType.UINT32, DataType.INT64, 3, cube, 9, 11, 37);
        assertFastPathMatchesGeneric(MODE, DataType.UINT32, DataType.INT64, 1L << 32, cube, 5, 7, 9);
        assertFastPathMatchesGeneric(MODE, DataType.INT32, DataType.INT64, 3, new int[] {2, 2}, 9, 21);
        // 64-bit labels: their own loop against the 32-bit one, and against the generic one (factor 3 last)
        assertFastPathMatchesGeneric(MODE, DataType.UINT64, DataType.UINT32, 3, cube, 9, 11, 37);
        assertFastPathMatchesGeneric(MODE, DataType.UINT64, DataType.UINT32, 1L << 32, cube, 5, 7, 9);
        assertFastPathMatchesGeneric(MODE, DataType.INT64, DataType.INT32, 3, cube, 9, 11, 37);
    }

    @Test
    void rankZeroKeepsItsElement() {
        NdBuffer src = NdBuffer.allocate(DataType.INT32);
        src.setAsLong(0, -42);
        NdBuffer dst = NdBuffer.allocate(DataType.INT32);
        Downsampler.reduce(MEAN, new int[0], new long[0], src, new long[0], dst, new long[0]);
        assertThat(dst.getAsLong(0)).isEqualTo(-42);
    }
}
