package dev.ngff.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.error.UnsupportedExtensionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetadataFormatTest {

    private static JsonNode json(String s) throws InvalidMetadataException {
        return Json.parse(s.replace('\'', '"'), "test");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{'zarr_format': 2, 'shape': [10, 20], 'chunks': [5, 7], 'dtype': '>f8', 'compressor': {'id': 'zlib', 'level': 1}, 'fill_value': 'NaN', 'order': 'F', 'filters': null}",
        "{'zarr_format': 2, 'shape': [3], 'chunks': [2], 'dtype': '|b1', 'compressor': null, 'fill_value': null, 'order': 'C', 'filters': null, 'dimension_separator': '/'}",
        "{'zarr_format': 2, 'shape': [4, 4], 'chunks': [2, 2], 'dtype': '|S3', 'compressor': null, 'fill_value': 'YWJj', 'order': 'C', 'filters': null}",
        "{'zarr_format': 2, 'shape': [4], 'chunks': [2], 'dtype': '<u8', 'compressor': {'id': 'gzip', 'level': 9}, 'fill_value': 18446744073709551615, 'order': 'C', 'filters': [{'id': 'delta', 'dtype': '<u8'}], 'extra': 1}"
    })
    void v2ArraysWriteBackAsRead(String doc) throws Exception {
        JsonNode in = json(doc);
        ArrayMetadata m = MetadataFormat.parseV2Array(in, null, "test");
        assertThat(Json.parse(Json.write(MetadataFormat.toV2Array(m)), "out")).isEqualTo(in);
    }

    @Test
    void v2IsNormalisedIntoTheV3CodecModel() throws Exception {
        ArrayMetadata m = MetadataFormat.parseV2Array(json(
                "{'zarr_format': 2, 'shape': [10, 20], 'chunks': [5, 7], 'dtype': '>f8', 'compressor': {'id': 'zlib', 'level': 1}, 'fill_value': 'NaN', 'order': 'F', 'filters': null}"),
                json("{'a': 1}"), "test");
        assertThat(m.dataType()).isEqualTo(DataType.FLOAT64);
        assertThat(m.codecs()).extracting(CodecSpec::name).containsExactly("transpose", "bytes", "numcodecs.zlib");
        assertThat(m.codecs().get(1).get("endian").asText()).isEqualTo("big");
        assertThat(m.chunkKeyEncoding()).isEqualTo(ChunkKeyEncoding.V2_DOT);
        assertThat(m.attributes().get("a").intValue()).isEqualTo(1);
        assertThat(Double.isNaN(java.nio.ByteBuffer.wrap(m.fillValue().bytes()).order(java.nio.ByteOrder.LITTLE_ENDIAN).getDouble())).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{'zarr_format': 2, 'shape': [8], 'chunks': [3], 'dtype': '<i4', 'compressor': null, 'fill_value': 0, 'order': 'C', 'filters': [{'id': 'adler32', 'location': 'start'}]}",
        "{'zarr_format': 2, 'shape': [8], 'chunks': [3], 'dtype': '<i4', 'compressor': {'id': 'zlib', 'level': 1}, 'fill_value': 0, 'order': 'C', 'filters': [{'id': 'crc32', 'location': 'start'}]}",
        "{'zarr_format': 2, 'shape': [8, 4], 'chunks': [3, 4], 'dtype': '>u2', 'compressor': {'id': 'zstd', 'level': 3}, 'fill_value': 7, 'order': 'F', 'filters': [{'id': 'delta', 'dtype': '>u2'}, {'id': 'gzip', 'level': 1}, {'id': 'fletcher32'}]}"
    })
    void v2BytesToBytesFiltersFollowTheBytesCodecAndWriteBackAsFilters(String doc) throws Exception {
        JsonNode in = json(doc);
        ArrayMetadata m = MetadataFormat.parseV2Array(in, null, "test");
        int bytesAt = m.codecs().stream().map(CodecSpec::name).toList().indexOf("bytes");
        assertThat(bytesAt).as("bytes codec in %s", m.codecs()).isGreaterThanOrEqualTo(0);
        // everything after 'bytes' is a bytes-to-bytes filter or the compressor, in the v2 order
        int filterCount = in.get("filters").size();
        JsonNode firstBytesFilter = null;
        for (JsonNode f : in.get("filters")) {
            if (!f.get("id").asText().equals("delta")) {
                firstBytesFilter = f;
                break;
            }
        }
        assertThat(V2Details.v2Id(m.codecs().get(bytesAt + 1).name())).isEqualTo(firstBytesFilter.get("id").asText());
        assertThat(m.codecs()).hasSize(filterCount + 1 + (in.get("compressor").isNull() ? 0 : 1)
                + (in.get("order").asText().equals("F") ? 1 : 0));
        // v2 -> model -> v2 is the identity from the details kept
        assertThat(Json.parse(Json.write(MetadataFormat.toV2Array(m)), "out")).isEqualTo(in);
        // from the model alone the same codecs come out in the same order (the model cannot tell whether the
        // last bytes-to-bytes codec was a filter or the compressor; numcodecs runs both the same way)
        V2Details derived = V2Details.derive(m.dataType(), m.codecs(), m.chunkKeyEncoding(), m.fillValue(),
                in.get("order").asText().charAt(0));
        assertThat(v2Codecs(derived.filters(), derived.compressor())).isEqualTo(v2Codecs(in.get("filters"), in.get("compressor")));
    }

    private static java.util.List<JsonNode> v2Codecs(JsonNode filters, JsonNode compressor) {
        java.util.List<JsonNode> all = new java.util.ArrayList<>();
        filters.forEach(all::add);
        if (!compressor.isNull()) {
            all.add(compressor);
        }
        return all;
    }

    @Test
    void v2ArrayFilterAfterABytesFilterIsUnsupported() {
        assertThatThrownBy(() -> MetadataFormat.parseV2Array(json(
                "{'zarr_format': 2, 'shape': [8], 'chunks': [3], 'dtype': '<i4', 'compressor': null, 'fill_value': 0, 'order': 'C', 'filters': [{'id': 'crc32'}, {'id': 'delta', 'dtype': '<i4'}]}"),
                null, "store 'a/.zarray'"))
                .isInstanceOf(UnsupportedExtensionException.class)
                .hasMessageContaining("store 'a/.zarray'").hasMessageContaining("/filters/1");
    }

    @Test
    void v3ArraysRoundTripThroughTheModel() throws Exception {
        JsonNode in = json("""
                {'zarr_format': 3, 'node_type': 'array', 'shape': [100, 5], 'data_type': 'complex64',
                 'chunk_grid': {'name': 'regular', 'configuration': {'chunk_shape': [10, 5]}},
                 'chunk_key_encoding': {'name': 'v2', 'configuration': {'separator': '/'}},
                 'fill_value': ['NaN', '-Infinity'],
                 'codecs': [{'name': 'bytes', 'configuration': {'endian': 'big'}}, {'name': 'crc32c'}],
                 'attributes': {'k': [1, 2]}, 'dimension_names': ['t', null],
                 'my_ext': {'must_understand': false, 'x': 1}}""");
        NodeMetadata m = MetadataFormat.parseV3(in, "test");
        assertThat(m).isInstanceOf(ArrayMetadata.class);
        JsonNode out = MetadataFormat.toV3(m);
        assertThat(MetadataFormat.parseV3(out, "test")).isEqualTo(m);
        assertThat(out.get("fill_value").toString()).isEqualTo("[\"NaN\",\"-Infinity\"]");
        assertThat(out.get("my_ext").get("x").intValue()).isEqualTo(1);
        assertThat(out.get("dimension_names").get(1).isNull()).isTrue();
    }

    @Test
    void errorsNameTheJsonPointer() {
        assertThatThrownBy(() -> MetadataFormat.parseV3(json(
                "{'zarr_format': 3, 'node_type': 'array', 'shape': [10, -1], 'data_type': 'int8', 'chunk_grid': {'name': 'regular', 'configuration': {'chunk_shape': [1, 1]}}, 'fill_value': 0, 'codecs': [{'name': 'bytes'}]}"),
                "store 'a/zarr.json'"))
                .isInstanceOf(InvalidMetadataException.class).hasMessageContaining("store 'a/zarr.json'").hasMessageContaining("/shape/1");
        assertThatThrownBy(() -> MetadataFormat.parseV3(json(
                "{'zarr_format': 3, 'node_type': 'array', 'shape': [10], 'data_type': 'int8', 'chunk_grid': {'name': 'regular', 'configuration': {'chunk_shape': [1]}}, 'fill_value': 300, 'codecs': [{'name': 'bytes'}]}"),
                "doc"))
                .isInstanceOf(InvalidMetadataException.class).hasMessageContaining("/fill_value").hasMessageContaining("out of range");
        assertThatThrownBy(() -> MetadataFormat.parseV3(json(
                "{'zarr_format': 3, 'node_type': 'array', 'shape': [10], 'data_type': 'int8', 'chunk_grid': {'name': 'rectilinear', 'configuration': {}}, 'fill_value': 0, 'codecs': [{'name': 'bytes'}]}"),
                "doc"))
                .isInstanceOf(UnsupportedExtensionException.class).hasMessageContaining("rectilinear");
        assertThatThrownBy(() -> MetadataFormat.parseV3(json(
                "{'zarr_format': 3, 'node_type': 'array', 'shape': [10], 'data_type': 'int8', 'chunk_grid': {'name': 'regular', 'configuration': {'chunk_shape': [1]}}, 'fill_value': 0, 'codecs': [{'name': 'bytes'}], 'new_thing': {'x': 1}}"),
                "doc"))
                .isInstanceOf(UnsupportedExtensionException.class).hasMessageContaining("/new_thing");
        assertThatThrownBy(() -> MetadataFormat.parseV2Array(json(
                "{'zarr_format': 2, 'shape': [10], 'chunks': [1], 'dtype': '<x4', 'compressor': null, 'fill_value': 0, 'order': 'C', 'filters': null}"),
                null, "doc")).isInstanceOf(UnsupportedExtensionException.class).hasMessageContaining("/dtype");
        assertThatThrownBy(() -> Json.parse("{\"a\": ", "store 'k/.zarray'"))
                .isInstanceOf(InvalidMetadataException.class).hasMessageContaining("store 'k/.zarray'").hasMessageContaining("malformed");
    }

    @Test
    void hostileChunkShapesAreRejectedBeforeAnythingIsAllocated() {
        assertThatThrownBy(() -> MetadataFormat.parseV3(json(
                "{'zarr_format': 3, 'node_type': 'array', 'shape': [10], 'data_type': 'float64', 'chunk_grid': {'name': 'regular', 'configuration': {'chunk_shape': [9223372036854775807]}}, 'fill_value': 0, 'codecs': [{'name': 'bytes'}]}"),
                "doc")).isInstanceOf(InvalidMetadataException.class).hasMessageContaining("bytes per chunk");
    }
}
