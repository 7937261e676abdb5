package dev.ngff.conformance.peers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.Json;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.ngff.conformance.peers.Peers.sha256;
import static dev.ngff.conformance.peers.Peers.spec;

/**
 * zarrs (Rust, through the zarrs codec pipeline of zarr-python, in strict mode) against us for the
 * array-to-array {@code reshape} and {@code zarrs.squeeze} and the zarr-extensions {@code packbits}, each way.
 * zarrs-python 0.2 does not take variable-length arrays, so {@code zarrs.vlen} and {@code vlen-array} are
 * checked against zarrs' stored snapshot chunks instead ({@code ZarrsExtensionCodecsTest}).
 */
class ZarrsExtensionCodecsPeerTest {
    private final ExecutionContext ctx = ExecutionContext.create();

    @AfterEach
    void close() {
        ctx.close();
    }

    /** Element i: i % 3 == 0 for bool, i / 3 for floats, a spread that fits 10 bits for integers (signed ones around 0). */
    private static NdBuffer values(DataType t, long... shape) {
        NdBuffer b = NdBuffer.allocate(t, shape);
        for (long i = 0; i < b.elementCount(); i++) {
            long off = i * t.byteSize();
            switch (t.kind()) {
                case BOOL -> b.segment().set(ValueLayout.JAVA_BYTE, off, (byte) (i % 3 == 0 ? 1 : 0));
                case FLOAT -> b.segment().set(ValueLayout.JAVA_FLOAT_UNALIGNED, off, (float) (i / 3.0));
                case COMPLEX -> {
                    b.segment().set(ValueLayout.JAVA_FLOAT_UNALIGNED, off, (float) i);
                    b.segment().set(ValueLayout.JAVA_FLOAT_UNALIGNED, off + 4, -0.5f * i);
                }
                default -> {
                    long v = (i * 37) % 1001 - (t.kind() == DataType.Kind.INT ? 500 : 0);
                    for (int k = 0; k < t.byteSize(); k++) {
                        b.segment().set(ValueLayout.JAVA_BYTE, off + k, (byte) (v >>> (8 * k)));
                    }
                }
            }
        }
        return b;
    }

    @Test
    void zarrsReadsWhatWeWrite(@TempDir Path dir) throws Exception {
        FileSystemStore store = FileSystemStore.open(dir);
        Map<String, ArrayMetadata> metas = new LinkedHashMap<>();
        metas.put("reshape_merge_u16", ArrayMetadata.builder(DataType.UINT16, 6, 10, 12).chunks(3, 5, 6)
                .codecs(spec("reshape", "{\"shape\": [[0, 1], [2]]}"), Codecs.bytes("little")).build());
        // zarrs 0.2's reshape cannot decode part of a chunk: its arrays are whole multiples of the chunk
        metas.put("reshape_sizes_i32", ArrayMetadata.builder(DataType.INT32, 10, 12).chunks(5, 6)
                .codecs(spec("reshape", "{\"shape\": [2, -1, 3]}"), Codecs.bytes("little"), spec("gzip", "{\"level\": 1}")).build());
        metas.put("squeeze_f32", ArrayMetadata.builder(DataType.FLOAT32, 1, 10, 1, 12).chunks(1, 4, 1, 5)
                .codecs(spec("zarrs.squeeze", "{}"), Codecs.bytes("little"), spec("gzip", "{\"level\": 1}")).build());
        metas.put("packbits_bool", ArrayMetadata.builder(DataType.BOOL, 10, 12).chunks(3, 5)
                .codecs(spec("packbits", "{}")).build());
        metas.put("packbits_bool_first_byte", ArrayMetadata.builder(DataType.BOOL, 10, 12).chunks(3, 5)
                .codecs(spec("packbits", "{\"padding_encoding\": \"first_byte\"}")).build());
        metas.put("packbits_u16_10bits_last_byte", ArrayMetadata.builder(DataType.UINT16, 10, 12).chunks(3, 5)
                .codecs(spec("packbits", "{\"padding_encoding\": \"last_byte\", \"first_bit\": 0, \"last_bit\": 9}")).build());
        metas.put("packbits_i16_11bits", ArrayMetadata.builder(DataType.INT16, 10, 12).chunks(3, 5)
                .codecs(spec("packbits", "{\"last_bit\": 10}"), spec("zstd", "{\"level\": 1, \"checksum\": false}")).build());
        metas.put("packbits_i64", ArrayMetadata.builder(DataType.INT64, 10, 12).chunks(3, 5)
                .codecs(spec("packbits", "{}")).build());
        metas.put("packbits_complex64", ArrayMetadata.builder(DataType.COMPLEX64, 10, 12).chunks(3, 5)
                .codecs(spec("packbits", "{}")).build());
        List<String> names = new ArrayList<>();
        Map<String, String> expected = new LinkedHashMap<>();
        for (var e : metas.entrySet()) {
            ZarrArray a = Zarr.createArray(store, Key.of(e.getKey()), e.getValue(), ctx);
            NdBuffer data = values(e.getValue().dataType(), e.getValue().shape());
            a.write(data);
            assertThat(Zarr.openArray(store, Key.of(e.getKey()), ctx).read().contentEquals(data)).as("%s reads back", e.getKey()).isTrue();
            names.add(e.getKey());
            expected.put(e.getKey(), sha256(data));
        }
        Path script = Peers.script("zarrs_extension_codecs.py", dir.resolveSibling(dir.getFileName() + "-script"));
        List<String> args = new ArrayList<>(List.of("read", dir.toString()));
        args.addAll(names);
        JsonNode report = Json.parse(Peers.run(script, args), "zarrs_extension_codecs.py read");
        for (String name : names) {
            assertThat(report.path(name).path("sha256").asText()).as("zarrs reading %s", name).isEqualTo(expected.get(name));
        }
    }

    @Test
    void weReadWhatZarrsWrites(@TempDir Path dir) throws Exception {
        Path script = Peers.script("zarrs_extension_codecs.py", dir.resolveSibling(dir.getFileName() + "-script"));
        JsonNode written = Json.parse(Peers.run(script, List.of("write", dir.toString())), "zarrs_extension_codecs.py write");
        assertThat(written.size()).isEqualTo(5);
        FileSystemStore store = FileSystemStore.open(dir);
        for (var it = written.properties().iterator(); it.hasNext(); ) {
            var e = it.next();
            ZarrArray a = Zarr.openArray(store, Key.of(e.getKey()), ctx);
            NdBuffer got = a.read();
            assertThat(sha256(got)).as("%s (%s, %s)", e.getKey(), a.dataType(), a.metadata().codecs())
                    .isEqualTo(e.getValue().get("sha256").asText());
            // the values the script wrote, computed here too: a wrong pair of hashes cannot agree by accident
            assertThat(got.contentEquals(values(a.dataType(), a.shape()))).as("%s holds the script's values", e.getKey()).isTrue();
        }
    }
}
