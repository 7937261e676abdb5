package dev.ngff.metadata;

import dev.ngff.error.InvalidMetadataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The zarr-extensions types bfloat16, float8_e4m3/e5m2, their complex forms, complex_float16 and int2/int4/uint2/uint4. */
class ExtensionDataTypesTest {

    @ParameterizedTest
    @ValueSource(strings = {"bfloat16", "float8_e4m3", "float8_e5m2", "complex_float16", "complex_bfloat16",
            "complex_float8_e4m3", "complex_float8_e5m2", "int2", "int4", "uint2", "uint4"})
    void namesRoundTrip(String name) throws Exception {
        DataType t = DataType.fromName(name);
        assertThat(t.name()).isEqualTo(name);
        assertThat(t.toString()).isEqualTo(name);
        assertThat(DataType.fromName(t.name())).isEqualTo(t);
        assertThatThrownBy(() -> new NumpyDtype(t, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no NumPy dtype");
    }

    @Test
    void sizes() throws Exception {
        assertThat(DataType.BFLOAT16.byteSize()).isEqualTo(2);
        assertThat(DataType.FLOAT8_E4M3.byteSize()).isEqualTo(1);
        assertThat(DataType.COMPLEX_BFLOAT16.byteSize()).isEqualTo(4);
        assertThat(DataType.COMPLEX_BFLOAT16.componentSize()).isEqualTo(2);
        assertThat(DataType.COMPLEX_FLOAT8_E5M2.byteSize()).isEqualTo(2);
        assertThat(DataType.COMPLEX_FLOAT8_E5M2.componentSize()).isEqualTo(1);
        assertThat(DataType.COMPLEX_FLOAT16.componentSize()).isEqualTo(2);
        assertThat(DataType.INT4.byteSize()).isEqualTo(1);
        assertThat(DataType.BFLOAT16).isNotEqualTo(DataType.FLOAT16);
        assertThat(DataType.INT4).isNotEqualTo(DataType.INT8);
        assertThatThrownBy(() -> new DataType(DataType.Kind.FLOAT, 2, MiniFloat.FLOAT8_E4M3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DataType(DataType.Kind.INT, 2, new DataType.SubByte(4))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DataType.SubByte(3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DataType(DataType.Kind.COMPLEX, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    private static String hex(FillValue f) {
        return HexFormat.of().formatHex(f.bytes());
    }

    private static FillValue v3(String json, DataType t) throws Exception {
        return FillValue.fromV3(Json.parse(json, "t"), t, "/fill_value");
    }

    @Test
    void floatFillValueSpellings() throws Exception {
        assertThat(hex(v3("\"NaN\"", DataType.FLOAT8_E4M3))).isEqualTo("7c");
        assertThat(hex(v3("\"NaN\"", DataType.FLOAT8_E5M2))).isEqualTo("7e");
        assertThat(hex(v3("\"NaN\"", DataType.BFLOAT16))).isEqualTo("c07f"); // little-endian 0x7fc0
        assertThat(hex(v3("\"Infinity\"", DataType.FLOAT8_E4M3))).isEqualTo("78");
        assertThat(hex(v3("\"-Infinity\"", DataType.FLOAT8_E5M2))).isEqualTo("fc");
        assertThat(hex(v3("\"0x7d\"", DataType.FLOAT8_E4M3))).isEqualTo("7d");
        assertThat(hex(v3("\"0x3f80\"", DataType.BFLOAT16))).isEqualTo("803f");
        assertThat(hex(v3("1.0", DataType.BFLOAT16))).isEqualTo("803f");
        assertThat(hex(v3("1.0", DataType.FLOAT8_E4M3))).isEqualTo("38");
        assertThat(hex(v3("-2.5", DataType.FLOAT8_E5M2))).isEqualTo("c1");
        assertThat(hex(v3("[1.0, \"NaN\"]", DataType.COMPLEX_FLOAT8_E4M3))).isEqualTo("387c");
        assertThat(hex(v3("[0.5, -1]", DataType.COMPLEX_FLOAT16))).isEqualTo("0038" + "00bc");
        assertThat(hex(v3("[1.0, 2.0]", DataType.COMPLEX_BFLOAT16))).isEqualTo("803f" + "0040");
        // printing: canonical NaN by name, other NaNs as hex, exact numbers
        assertThat(v3("\"NaN\"", DataType.FLOAT8_E4M3).toV3(DataType.FLOAT8_E4M3).asText()).isEqualTo("NaN");
        assertThat(v3("\"0x7f\"", DataType.FLOAT8_E4M3).toV3(DataType.FLOAT8_E4M3).asText()).isEqualTo("0x7f");
        assertThat(v3("\"0x7fc1\"", DataType.BFLOAT16).toV3(DataType.BFLOAT16).asText()).isEqualTo("0x7fc1");
        assertThat(v3("240", DataType.FLOAT8_E4M3).toV3(DataType.FLOAT8_E4M3).doubleValue()).isEqualTo(240.0);
        assertThat(v3("\"Infinity\"", DataType.BFLOAT16).toV3(DataType.BFLOAT16).asText()).isEqualTo("Infinity");
        assertThat(v3("[0.25, 3]", DataType.COMPLEX_FLOAT8_E5M2).toV3(DataType.COMPLEX_FLOAT8_E5M2).toString())
                .isEqualTo("[0.25,3.0]");
        assertThatThrownBy(() -> v3("\"0x7c00\"", DataType.FLOAT8_E4M3)).isInstanceOf(InvalidMetadataException.class)
                .hasMessageContaining("/fill_value");
    }

    @Test
    void subByteFillValuesAreRangeChecked() throws Exception {
        assertThat(hex(v3("-8", DataType.INT4))).isEqualTo("f8");
        assertThat(hex(v3("7", DataType.INT4))).isEqualTo("07");
        assertThat(hex(v3("-2", DataType.INT2))).isEqualTo("fe");
        assertThat(hex(v3("15", DataType.UINT4))).isEqualTo("0f");
        assertThat(hex(v3("3", DataType.UINT2))).isEqualTo("03");
        assertThat(v3("-8", DataType.INT4).toV3(DataType.INT4).intValue()).isEqualTo(-8);
        for (String[] bad : new String[][] {{"8", "int4"}, {"-9", "int4"}, {"2", "int2"}, {"-3", "int2"}, {"16", "uint4"},
                {"4", "uint2"}, {"-1", "uint2"}}) {
            assertThatThrownBy(() -> v3(bad[0], DataType.fromName(bad[1]))).as("%s as %s", bad[0], bad[1])
                    .isInstanceOf(InvalidMetadataException.class).hasMessageContaining("out of range");
        }
    }

    @Test
    void v3MetadataWithTheObjectForm() throws Exception {
        String doc = """
                {"zarr_format":3,"node_type":"array","shape":[4],"data_type":{"name":"float8_e5m2","configuration":{}},
                 "chunk_grid":{"name":"regular","configuration":{"chunk_shape":[4]}},
                 "chunk_key_encoding":{"name":"default"},"fill_value":"Infinity","codecs":[{"name":"bytes"}]}""";
        ArrayMetadata m = (ArrayMetadata) MetadataFormat.parseV3(Json.parse(doc, "zarr.json"), "zarr.json");
        assertThat(m.dataType()).isEqualTo(DataType.FLOAT8_E5M2);
        assertThat(hex(m.fillValue())).isEqualTo("7c");
    }
}
