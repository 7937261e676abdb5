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
