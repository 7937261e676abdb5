package dev.ngff.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.error.UnsupportedExtensionException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** NumPy datetime64/timedelta64 in v2 dtype strings, v3 data_type objects and fill values. */
class TemporalDataTypeTest {

    @Test
    void v2DtypeStringsParseAndFormat() throws Exception {
        for (String s : new String[] {"<M8[ns]", "<m8[ns]", ">M8[10ms]", "<M8[Y]", "<m8[ps]", "<M8[25us]", "<m8[as]"}) {
            NumpyDtype d = NumpyDtype.parse(s, "t");
            assertThat(d.dataType().kind()).isEqualTo(DataType.Kind.INT);
            assertThat(d.dataType().byteSize()).isEqualTo(8);
            assertThat(d.dataType().temporal()).isNotNull();
            assertThat(d.format()).isEqualTo(s);
        }
        assertThat(NumpyDtype.parse("<M8[10ms]", "t").dataType()).isEqualTo(DataType.datetime64("ms", 10));
        assertThat(NumpyDtype.parse("<m8[ns]", "t").dataType()).isEqualTo(DataType.timedelta64("ns", 1));
        assertThat(DataType.datetime64("ns", 1)).isNotEqualTo(DataType.INT64).isNotEqualTo(DataType.timedelta64("ns", 1));
        assertThatThrownBy(() -> NumpyDtype.parse("<M8", "t")).isInstanceOf(UnsupportedExtensionException.class);
        for (String bad : new String[] {"<M8[xs]", "<M4[ns]", "<M8[0ns]", "<M8[99999999999ns]"}) {
            assertThatThrownBy(() -> NumpyDtype.parse(bad, "t")).as(bad).isInstanceOf(InvalidMetadataException.class);
        }
    }

    private static JsonNode json(String s) throws Exception {
        return Json.parse(s, "test");
    }

    private static String v3(String dataType, String fill) {
        return "{\"zarr_format\": 3, \"node_type\": \"array\", \"shape\": [4], \"data_type\": " + dataType
                + ", \"chunk_grid\": {\"name\": \"regular\", \"configuration\": {\"chunk_shape\": [4]}},"
                + " \"chunk_key_encoding\": {\"name\": \"default\"}, \"fill_value\": " + fill + ","
                + " \"codecs\": [{\"name\": \"bytes\", \"configuration\": {\"endian\": \"little\"}}]}";
    }

    @Test
    void v3DataTypeObjectsRoundTrip() throws Exception {
        String dt = "{\"name\": \"numpy.timedelta64\", \"configuration\": {\"unit\": \"us\", \"scale_factor\": 10}}";
        ArrayMetadata a = (ArrayMetadata) MetadataFormat.parseV3(json(v3(dt, "\"NaT\"")), "t");
        assertThat(a.dataType()).isEqualTo(DataType.timedelta64("us", 10));
        assertThat(a.fillValue().bytes()).isEqualTo(new byte[] {0, 0, 0, 0, 0, 0, 0, (byte) 0x80});
        JsonNode written = MetadataFormat.toV3(a);
        assertThat(written.get("data_type")).isEqualTo(json(dt));
        assertThat(written.get("fill_value").longValue()).isEqualTo(Long.MIN_VALUE);
        assertThat(MetadataFormat.parseV3(written, "rewritten")).isEqualTo(a);
        ArrayMetadata b = (ArrayMetadata) MetadataFormat.parseV3(json(v3(
                "{\"name\": \"numpy.datetime64\", \"configuration\": {\"unit\": \"D\", \"scale_factor\": 1}}", "12345")), "t");
        assertThat(b.fillValue().bytes()).isEqualTo(new byte[] {0x39, 0x30, 0, 0, 0, 0, 0, 0});
        for (String bad : new String[] {"\"numpy.datetime64\"", "{\"name\": \"numpy.datetime64\"}",
                "{\"name\": \"numpy.datetime64\", \"configuration\": {\"unit\": \"parsec\", \"scale_factor\": 1}}",
                "{\"name\": \"numpy.datetime64\", \"configuration\": {\"unit\": \"s\", \"scale_factor\": 0}}",
                "{\"name\": \"numpy.datetime64\", \"configuration\": {\"unit\": \"s\", \"scale_factor\": 1.5}}"}) {
            assertThatThrownBy(() -> MetadataFormat.parseV3(json(v3(bad, "0")), "doc")).as(bad)
                    .isInstanceOf(dev.ngff.error.NgffException.class).hasMessageContaining("data_type");
        }
        assertThatThrownBy(() -> MetadataFormat.parseV3(json(v3(dt, "\"yesterday\"")), "doc"))
                .isInstanceOf(InvalidMetadataException.class).hasMessageContaining("fill_value");
    }

    @Test
    void temporalTypesAreEightByteIntegersOnly() {
        assertThatThrownBy(() -> new DataType(DataType.Kind.INT, 4, new DataType.Temporal(false, "s", 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(DataType.datetime64("ms", 10).toString()).isEqualTo("numpy.datetime64[10ms]");
        assertThat(DataType.datetime64("ms", 10).name()).isEqualTo("numpy.datetime64");
    }
}
