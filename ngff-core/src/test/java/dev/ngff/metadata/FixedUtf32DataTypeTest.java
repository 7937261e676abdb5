package dev.ngff.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.buffer.Utf32Strings;
import dev.ngff.error.InvalidMetadataException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Fixed-length UTF-32 ({@code <U<n>}, v3 {@code fixed_length_utf32}): dtypes, metadata, fill values, text access. */
class FixedUtf32DataTypeTest {

    @Test
    void v2DtypesKeepTheirByteOrder() throws Exception {
        NumpyDtype le = NumpyDtype.parse("<U4", "t");
        NumpyDtype be = NumpyDtype.parse(">U10", "t");
        assertThat(le.dataType()).isEqualTo(DataType.fixedUtf32(4));
        assertThat(le.dataType().byteSize()).isEqualTo(16);
        assertThat(le.dataType().componentSize()).as("swapped as 32-bit units").isEqualTo(4);
        assertThat(be.bigEndian()).isTrue();
        assertThat(le.format()).isEqualTo("<U4");
        assertThat(be.format()).isEqualTo(">U10");
        assertThat(DataType.fixedUtf32(4)).isNotEqualTo(new DataType(DataType.Kind.RAW, 16));
    }

    private static String v3(String fill) {
        return "{\"zarr_format\": 3, \"node_type\": \"array\", \"shape\": [4], \"data_type\": {\"name\": \"fixed_length_utf32\","
                + " \"configuration\": {\"length_bytes\": 12}}, \"chunk_grid\": {\"name\": \"regular\", \"configuration\":"
                + " {\"chunk_shape\": [4]}}, \"chunk_key_encoding\": {\"name\": \"default\"}, \"fill_value\": " + fill + ","
                + " \"codecs\": [{\"name\": \"bytes\", \"configuration\": {\"endian\": \"big\"}}]}";
    }

    @Test
    void v3MetadataAndFillValuesRoundTrip() throws Exception {
        ArrayMetadata a = (ArrayMetadata) MetadataFormat.parseV3(Json.parse(v3("\"a\\uD83C\\uDF89\""), "t"), "t");
        assertThat(a.dataType()).isEqualTo(DataType.fixedUtf32(3));
        assertThat(a.fillValue().bytes()).isEqualTo(new byte[] {'a', 0, 0, 0, (byte) 0x89, (byte) 0xF3, 1, 0, 0, 0, 0, 0});
        JsonNode w = MetadataFormat.toV3(a);
        assertThat(w.get("fill_value").textValue()).isEqualTo("a\uD83C\uDF89");
        assertThat(w.get("data_type").get("configuration").get("length_bytes").intValue()).isEqualTo(12);
        assertThat(MetadataFormat.parseV3(w, "again")).isEqualTo(a);
        assertThatThrownBy(() -> MetadataFormat.parseV3(Json.parse(v3("\"abcd\""), "t"), "t"))
                .isInstanceOf(InvalidMetadataException.class).hasMessageContaining("code points");
        assertThatThrownBy(() -> MetadataFormat.parseV3(Json.parse(v3("7"), "t"), "t"))
                .isInstanceOf(InvalidMetadataException.class);
        assertThat(FillValue.fromV2(Json.parse("0", "t"), DataType.fixedUtf32(2), "t").bytes())
                .as("zarr-python 2's numeric fill is NumPy's text of it").isEqualTo(new byte[] {'0', 0, 0, 0, 0, 0, 0, 0});
    }

    @Test
    void textAccessPadsAndStripsTrailingNuls() {
        NdBuffer b = NdBuffer.allocate(DataType.fixedUtf32(3), 2);
        Utf32Strings.set(b, 0, "h\u00e9");
        Utf32Strings.set(b, 1, "\uD83C\uDF89x!");
        assertThat(Utf32Strings.get(b, 0)).isEqualTo("h\u00e9");
        assertThat(Utf32Strings.get(b, 1)).isEqualTo("\uD83C\uDF89x!");
        assertThatThrownBy(() -> Utf32Strings.set(b, 0, "four")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Utf32Strings.get(NdBuffer.allocate(DataType.UINT8, 1), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
