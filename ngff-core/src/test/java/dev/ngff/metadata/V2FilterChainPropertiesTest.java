package dev.ngff.metadata;

import org.junit.jupiter.api.Test;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.testing.Gen;
import dev.ngff.testing.Properties;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Any v2 filter list of numcodecs array filters and bytes filters, with or without a compressor: either the
 * normalised chain puts 'bytes' right before the first bytes filter and writes back unchanged, or (an array
 * filter after a bytes filter) the document is refused with a checked error naming the filter.
 */
class V2FilterChainPropertiesTest {
    private static final List<String> ARRAY_FILTERS = List.of("delta", "fixedscaleoffset", "quantize", "bitround", "astype");
    private static final List<String> BYTES_FILTERS = List.of("crc32", "adler32", "fletcher32", "zlib", "gzip", "bz2",
            "lzma", "lz4", "zstd", "blosc", "shuffle", "crc32c");

    record Doc(List<String> filters, String compressor) {
    }

    /** Up to 5 filters, each an array or a bytes filter with even odds; a bytes compressor or none with even odds. */
    static Doc docs(Gen g) {
        List<String> filters = g.listOf(0, 5, e -> e.bool() ? e.oneOf(BYTES_FILTERS) : e.oneOf(ARRAY_FILTERS));
        String compressor = g.bool() ? "none" : g.oneOf(BYTES_FILTERS);
        return new Doc(filters, compressor);
    }

    @Test
    void bytesGoesBeforeTheFirstBytesFilterOrTheDocumentIsRefused() {
        Properties.forAll(1000, g -> {
            Doc d = docs(g);
            ObjectNode root = Json.object();
            root.put("zarr_format", 2);
            root.putArray("shape").add(10);
            root.putArray("chunks").add(4);
            root.put("dtype", "<i4");
            root.put("fill_value", 0);
            root.put("order", "C");
            ArrayNode filters = root.putArray("filters");
            d.filters().forEach(f -> filters.addObject().put("id", f));
            if (d.compressor().equals("none")) {
                root.putNull("compressor");
            } else {
                root.putObject("compressor").put("id", d.compressor());
            }
            int firstBytes = -1;
            int arrayAfterBytes = -1;
            for (int i = 0; i < d.filters().size(); i++) {
                boolean bytes = BYTES_FILTERS.contains(d.filters().get(i));
                if (bytes && firstBytes < 0) {
                    firstBytes = i;
                } else if (!bytes && firstBytes >= 0 && arrayAfterBytes < 0) {
                    arrayAfterBytes = i;
                }
            }
            if (arrayAfterBytes >= 0) {
                assertThatThrownBy(() -> MetadataFormat.parseV2Array(root, null, "store 'p/.zarray'"))
                        .isInstanceOf(UnsupportedExtensionException.class)
                        .hasMessageContaining("store 'p/.zarray'").hasMessageContaining("/filters/" + arrayAfterBytes);
                return;
            }
            ArrayMetadata m = MetadataFormat.parseV2Array(root, null, "test");
            List<String> names = m.codecs().stream().map(CodecSpec::name).toList();
            int bytesAt = firstBytes >= 0 ? firstBytes : d.filters().size();
            assertThat(names.indexOf("bytes")).as("%s -> %s", d, names).isEqualTo(bytesAt);
            assertThat(names.lastIndexOf("bytes")).isEqualTo(bytesAt);
            assertThat(names).hasSize(d.filters().size() + 1 + (d.compressor().equals("none") ? 0 : 1));
            JsonNode back = Json.parse(Json.write(MetadataFormat.toV2Array(m)), "out");
            assertThat(back).isEqualTo(root);
        });
    }
}
