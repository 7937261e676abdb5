package dev.ngff.metadata;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
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
    }

    @Provide
    Arbitrary<Sample> samples() {
        return Arbitraries.of(TYPES).flatMap(t -> Arbitraries.bytes().array(byte[].class).ofSize(t.byteSize())
                .map(b -> {
                    if (t == DataType.BOOL) {
                        b[0] &= 1;
                    }
                    if (t.subByte() != null) { // one byte holding the value, sign-extended when signed
                        int shift = 32 - t.subByte().bits();
                        b[0] = (byte) (t.kind() == DataType.Kind.INT ? (b[0] << shift) >> shift : (b[0] << shift) >>> shift);
                    }
                    return new Sample(t, b);
                }));
    }

    @Property(tries = 2000)
    void v3JsonIsExact(@ForAll("samples") Sample s) throws Exception {
        FillValue f = FillValue.ofBytes(s.bytes());
        var json = Json.parse(Json.write(f.toV3(s.type())), "test");
        assertThat(FillValue.fromV3(json, s.type(), "test")).isEqualTo(f);
    }

    @Property(tries = 2000)
    void v2JsonIsExactExceptForNaNPayloads(@ForAll("samples") Sample s) throws Exception {
        FillValue f = FillValue.ofBytes(s.bytes());
        var json = Json.parse(Json.write(f.toV2(s.type())), "test");
        FillValue back = FillValue.fromV2(json, s.type(), "test");
        boolean nanPayload = json.toString().contains("NaN") && !f.equals(back);
        if (!nanPayload) {
            assertThat(back).isEqualTo(f);
        }
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
