package dev.ngff.metadata;

import dev.ngff.testing.Gen;
import dev.ngff.testing.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bfloat16, float8_e4m3 and float8_e5m2 conversions, exhaustively over every bit pattern against references
 * that share no code with {@link MiniFloat}: the JDK's binary32 (bfloat16 is its upper half) and binary16
 * (float8_e5m2 is its upper byte), and for float8_e4m3 a table of values worked out by hand from the format.
 * Rounding from double is checked against a brute-force search for the nearest representable value.
 */
class MiniFloatTest {

    @Test
    void bfloat16DecodesAsTheUpperHalfOfBinary32() {
        for (int bits = 0; bits < 1 << 16; bits++) {
            float ref = Float.intBitsToFloat(bits << 16);
            assertSame(MiniFloat.BFLOAT16.toDouble(bits), ref, bits);
        }
    }

    @Test
    void float8E5m2DecodesAsTheUpperByteOfBinary16() {
        for (int bits = 0; bits < 256; bits++) {
            float ref = Float.float16ToFloat((short) (bits << 8));
            assertSame(MiniFloat.FLOAT8_E5M2.toDouble(bits), ref, bits);
        }
    }

    @Test
    void float8E4m3MatchesItsDefinition() {
        // sign, 4 exponent bits (bias 7), 3 mantissa bits; exponent 1111: infinity (mantissa 0) or NaN
        double[][] table = {
                {0x00, 0.0}, {0x01, 0x1p-9}, {0x07, 7 * 0x1p-9}, {0x08, 0x1p-6}, {0x0f, 1.875 * 0x1p-6},
                {0x30, 0.5}, {0x38, 1.0}, {0x39, 1.125}, {0x3f, 1.875}, {0x40, 2.0}, {0x48, 4.0}, {0x70, 128.0},
                {0x76, 224.0}, {0x77, 240.0}, {0x78, Double.POSITIVE_INFINITY}, {0xb8, -1.0}, {0xf7, -240.0},
                {0xf8, Double.NEGATIVE_INFINITY}};
        for (double[] row : table) {
            assertThat(MiniFloat.FLOAT8_E4M3.toDouble((int) row[0])).as("0x%02x", (int) row[0]).isEqualTo(row[1]);
        }
        assertThat(Double.doubleToRawLongBits(MiniFloat.FLOAT8_E4M3.toDouble(0x80))).isEqualTo(Double.doubleToRawLongBits(-0.0));
        for (int m = 1; m < 8; m++) {
            assertThat(MiniFloat.FLOAT8_E4M3.toDouble(0x78 | m)).isNaN();
            assertThat(MiniFloat.FLOAT8_E4M3.toDouble(0xf8 | m)).isNaN();
        }
        // every finite pattern: the value from the definition, computed with integer powers
        for (int bits = 0; bits < 256; bits++) {
            int e = (bits >> 3) & 0xf;
            int m = bits & 7;
            if (e == 0xf) {
                continue;
            }
            double v = e == 0 ? m / 512.0 : (8 + m) / 8.0 * Math.pow(2, e - 7);
            assertThat(MiniFloat.FLOAT8_E4M3.toDouble(bits)).as("0x%02x", bits).isEqualTo((bits & 0x80) != 0 ? -v : v);
        }
    }

    @ParameterizedTest
    @EnumSource(MiniFloat.class)
    void everyNonNaNPatternRoundTrips(MiniFloat f) {
        for (int bits = 0; bits < 1 << (8 * f.byteSize()); bits++) {
            double v = f.toDouble(bits);
            if (Double.isNaN(v)) {
                assertThat(f.fromDouble(v)).isEqualTo(f.canonicalNaN());
                continue;
            }
            assertThat(f.fromDouble(v)).as("%s 0x%x", f, bits).isEqualTo(bits);
        }
    }

    @ParameterizedTest
    @EnumSource(MiniFloat.class)
    void specialValues(MiniFloat f) {
        assertThat(f.toDouble(f.canonicalNaN())).isNaN();
        assertThat(f.toDouble(f.positiveInfinity())).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(f.toDouble(f.fromDouble(f.maxFinite()))).isEqualTo(f.maxFinite());
        assertThat(f.toDouble(f.fromDouble(f.maxFinite() * 2))).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(f.toDouble(f.fromDouble(-1e300))).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(f.fromDouble(Double.MIN_VALUE)).isZero();
        assertThat(f.fromDouble(-Double.MIN_VALUE)).isEqualTo(1 << (8 * f.byteSize() - 1)); // -0
        assertThat(MiniFloat.fromV3Name(f.v3Name())).isSameAs(f);
    }

    @Test
    void canonicalNaNsAreTheExtensionDefinitions() {
        assertThat(MiniFloat.BFLOAT16.canonicalNaN()).isEqualTo(0x7fc0);
        assertThat(MiniFloat.FLOAT8_E4M3.canonicalNaN()).isEqualTo(0x7c); // zarr-extensions float8_e4m3: "NaN" is 0x7c
        assertThat(MiniFloat.FLOAT8_E5M2.canonicalNaN()).isEqualTo(0x7e);
        assertThat(MiniFloat.FLOAT8_E4M3.maxFinite()).isEqualTo(240.0);
        assertThat(MiniFloat.FLOAT8_E5M2.maxFinite()).isEqualTo(57344.0);
    }

    /** bfloat16 from binary32 by the usual integer trick: add 0x7fff plus the lowest kept bit, keep the upper half. */
    @Test
    void bfloat16RoundsBinary32LikeTheIntegerTrick() {
        Properties.forAll(5000, g -> {
            float x = g.anyFloat();
            if (Float.isNaN(x)) {
                return;
            }
            int b = Float.floatToRawIntBits(x);
            int ref = ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
            assertThat(MiniFloat.BFLOAT16.fromDouble(x)).as("%s (0x%08x)", x, b).isEqualTo(ref);
        });
    }

    record Case(MiniFloat format, double value) {
    }

    static Case cases(Gen g) {
        MiniFloat f = g.oneOf(MiniFloat.values());
        double v = switch (g.weightedIndex(1, 1, 1)) {
            case 0 -> g.doubleIn(-70000, 70000);
            case 1 -> g.doubleIn(-0.05, 0.05);
            default -> g.intIn(-2000, 2000) / 64.0; // many exact midpoints
        };
        return new Case(f, v);
    }

    /** The nearest finite value, ties to the even mantissa, infinity beyond half an ulp past the largest finite value. */
    @Test
    void roundsToNearestEven() {
        Properties.forAll(3000, g -> {
            Case c = cases(g);
            MiniFloat f = c.format();
            double x = c.value();
            int got = f.fromDouble(x);
            int best = -1;
            double bestDist = Double.POSITIVE_INFINITY;
            for (int bits = 0; bits < 1 << (8 * f.byteSize()); bits++) {
                double v = f.toDouble(bits);
                if (Double.isNaN(v) || Double.isInfinite(v) || (v == 0 && (bits != 0 && x >= 0 || bits == 0 && x < 0))) {
                    continue;
                }
                double d = Math.abs(v - x);
                if (d < bestDist || (d == bestDist && (bits & 1) == 0)) {
                    best = bits;
                    bestDist = d;
                }
            }
            double ulpAtMax = f.maxFinite() - f.toDouble(f.fromDouble(f.maxFinite()) - 1);
            if (Math.abs(x) >= f.maxFinite() + ulpAtMax / 2) {
                assertThat(f.toDouble(got)).as("%s of %s", f, x).isInfinite();
            } else {
                assertThat(got).as("%s of %s: got %s, nearest %s", f, x, f.toDouble(got), f.toDouble(best)).isEqualTo(best);
            }
        });
    }

    private static void assertSame(double got, float ref, int bits) {
        if (Float.isNaN(ref)) {
            assertThat(got).as("0x%x", bits).isNaN();
        } else {
            assertThat(Double.doubleToRawLongBits(got)).as("0x%x: %s vs %s", bits, got, ref)
                    .isEqualTo(Double.doubleToRawLongBits(ref));
        }
    }
}
