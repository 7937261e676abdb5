package dev.ngff.metadata;

import dev.ngff.testing.Gen;
import dev.ngff.testing.Properties;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every fill value survives v3 JSON and v2 JSON (bit for bit, NaN payloads included in v3). */
class FillValuePropertiesTest {
    private static final List<DataType> TYPES = List.of(DataType.BOOL, DataType.INT8, DataType.INT16, DataType.INT32,
            DataType.INT64, DataType.UINT8, DataType.UINT16, DataType.UINT32, DataType.UINT64, DataType.FLOAT16,
            DataType.FLOAT32, DataType.FLOAT64, DataType.COMPLEX64, DataType.COMPLEX128, DataType.rawBits(8), DataType.rawBits(40),
            DataType.BFLOAT16, DataType.FLOAT8_E4M3, DataType.FLOAT8_E5M2, DataType.COMPLEX_FLOAT16, DataType.COMPLEX_BFLOAT16,
            DataType.COMPLEX_FLOAT8_E4M3, DataType.COMPLEX_FLOAT8_E5M2, DataType.INT2, DataType.INT4, DataType.UINT2, DataType.UINT4);

    record Sample(DataType type, byte[] bytes) {
        @Override
        public String toString() {
            return type + " " + java.util.HexFormat.of().formatHex(bytes);
        }
    }

    /** A type and its fill value's bytes; the edge cases are all-zero and all-ones bytes (NaNs, -1, the maxima). */
    static Sample samples(Gen g) {
        DataType t = g.oneOf(TYPES);
        byte[] b = g.bytes(t.byteSize(), t.byteSize());
        switch (g.weightedIndex(1, 14, 1)) {
            case 0 -> java.util.Arrays.fill(b, (byte) 0);
            case 2 -> java.util.Arrays.fill(b, (byte) -1);
            default -> {
            }
        }
        if (t == DataType.BOOL) {
            b[0] &= 1;
        }
        if (t.subByte() != null) { // one byte holding the value, sign-extended when signed
            int shift = 32 - t.subByte().bits();
            b[0] = (byte) (t.kind() == DataType.Kind.INT ? (b[0] << shift) >> shift : (b[0] << shift) >>> shift);
        }
        return new Sample(t, b);
    }

    @Test
    void v3JsonIsExact() {
        Properties.forAll(2000, g -> {
            Sample s = samples(g);
            FillValue f = FillValue.ofBytes(s.bytes());
            var json = Json.parse(Json.write(f.toV3(s.type())), "test");
            assertThat(FillValue.fromV3(json, s.type(), "test")).isEqualTo(f);
        });
    }

    @Test
    void v2JsonIsExactExceptForNaNPayloads() {
        Properties.forAll(2000, g -> {
            Sample s = samples(g);
            FillValue f = FillValue.ofBytes(s.bytes());
            var json = Json.parse(Json.write(f.toV2(s.type())), "test");
            FillValue back = FillValue.fromV2(json, s.type(), "test");
            boolean nanPayload = json.toString().contains("NaN") && !f.equals(back);
            if (!nanPayload) {
                assertThat(back).isEqualTo(f);
            }
        });
    }

    @Test
    void everyV3FloatSpellingParses() throws Exception {
        for (String s : List.of("\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"0x7fc00000\"", "1.5", "-0.0", "3")) {
            FillValue f = FillValue.fromV3(Json.parse(s, "t"), DataType.FLOAT32, "t");
            assertThat(f.bytes()).hasSize(4);
        }
        assertThat(FillValue.fromV3(Json.parse("\"0x7fc00001\"", "t"), DataType.FLOAT32, "t").toV3(DataType.FLOAT32).asText())
                .isEqualTo("0x7fc00001");
        assertThat(FillValue.fromV3(Json.parse("18446744073709551615", "t"), DataType.UINT64, "t").bytes())
                .containsOnly((byte) -1);
    }
}
