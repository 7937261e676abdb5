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
 * zarr-python 3 (with numcodecs) against us for what ngff-codecs' numcodecs package and the NumPy
 * datetime types add: Zarr v2 arrays with numcodecs filters and compressors, v3 arrays with
 * {@code numcodecs.*} codecs (pcodec and zfpy among them), and {@code datetime64}/{@code timedelta64} arrays
 * in v2 and v3, each way. Our pcodec arrays are also read through the zarrs codec pipeline (Rust).
 */
class ZarrPythonExtensionsPeerTest {
    private final ExecutionContext ctx = ExecutionContext.create();

    @AfterEach
    void close() {
        ctx.close();
    }

    /** Element i (C order): a spread of values per type (datetimes: seconds around 2005). */
    private static NdBuffer values(DataType t, long... shape) {
        NdBuffer b = NdBuffer.allocate(t, shape);
        for (long i = 0; i < b.elementCount(); i++) {
            long off = i * t.byteSize();
            if (t.isFixedUtf32()) {
                dev.ngff.buffer.Utf32Strings.set(b, i, i % 7 == 0 ? "" : i % 5 == 0 ? "\uD83C\uDF89" + i % 10 : "s" + i % 1000);
                continue;
            }
            switch (t.kind()) {
                case BOOL -> b.segment().set(ValueLayout.JAVA_BYTE, off, (byte) (i % 3 == 0 ? 1 : 0));
                case FLOAT -> {
                    if (t.byteSize() == 4) {
                        b.segment().set(ValueLayout.JAVA_FLOAT_UNALIGNED, off, (float) (i / 3.0));
                    } else {
                        b.segment().set(ValueLayout.JAVA_DOUBLE_UNALIGNED, off, 1000 + i / 7.0);
                    }
                }
                default -> {
                    long v = t.temporal() != null ? 1_107_403_506L * 1_000_000_000L + i * 1_000_000_000L : (i * 37) % 1001;
                    for (int k = 0; k < t.byteSize(); k++) {
                        b.segment().set(ValueLayout.JAVA_BYTE, off + k, (byte) (v >>> (8 * k)));
                    }
                }
            }
        }
        return b;
    }

    @Test
    void zarrPythonReadsWhatWeWrite(@TempDir Path dir) throws Exception {
        FileSystemStore store = FileSystemStore.open(dir);
        Map<String, ArrayMetadata> metas = new LinkedHashMap<>();
        metas.put("v2_delta_bz2", ArrayMetadata.builder(DataType.INT32, 20, 30).zarrFormat(2).chunks(8, 16)
                .codecs(spec("numcodecs.delta", "{\"dtype\": \"<i4\"}"), Codecs.bytes("little"),
                        spec("numcodecs.bz2", "{\"level\": 5}")).build());
        metas.put("v2_fso_lzma", ArrayMetadata.builder(DataType.FLOAT64, 20, 30).zarrFormat(2).chunks(8, 16)
                .codecs(spec("numcodecs.fixedscaleoffset", "{\"offset\": 1000, \"scale\": 100, \"dtype\": \"<f8\", \"astype\": \"<i4\"}"),
                        Codecs.bytes("little"), spec("numcodecs.lzma", "{\"format\": 1, \"check\": -1, \"preset\": 1, \"filters\": null}"))
                .build());
        metas.put("v2_packbits_adler32", ArrayMetadata.builder(DataType.BOOL, 20, 30).zarrFormat(2).chunks(8, 16)
                .codecs(spec("numcodecs.packbits", "{}"), Codecs.bytes("little"), spec("numcodecs.adler32", "{}")).build());
        metas.put("v2_quantize_fletcher32", ArrayMetadata.builder(DataType.FLOAT32, 20, 30).zarrFormat(2).chunks(8, 16)
                .codecs(spec("numcodecs.quantize", "{\"digits\": 2, \"dtype\": \"<f4\"}"), Codecs.bytes("little"),
                        spec("numcodecs.fletcher32", "{}")).build());
        metas.put("v2_datetime_ns", ArrayMetadata.builder(DataType.datetime64("ns", 1), 20, 30).zarrFormat(2).chunks(8, 16)
                .build());
        metas.put("v3_timedelta_10ms_crc32", ArrayMetadata.builder(DataType.timedelta64("ms", 10), 20, 30).chunks(8, 16)
                .codecs(Codecs.bytes("little"), spec("numcodecs.bz2", "{\"level\": 1}"), spec("numcodecs.crc32", "{}")).build());
        metas.put("v3_delta_astype", ArrayMetadata.builder(DataType.UINT16, 20, 30).chunks(8, 16)
                .codecs(spec("numcodecs.astype", "{\"encode_dtype\": \"<u4\", \"decode_dtype\": \"<u2\"}"),
                        spec("numcodecs.delta", "{\"dtype\": \"<u4\"}"), Codecs.bytes("little"),
                        spec("numcodecs.lzma", "{\"format\": 3, \"check\": -1, \"preset\": null, \"filters\": [{\"id\": 33, \"preset\": 1}]}"))
                .build());
        metas.put("v3_utf32", ArrayMetadata.builder(DataType.fixedUtf32(5), 20, 30).chunks(8, 16)
                .codecs(Codecs.bytes("little"), spec("numcodecs.zlib", "{\"level\": 1}")).build());
        metas.put("v2_utf32_be", ArrayMetadata.builder(DataType.fixedUtf32(4), 20, 30).zarrFormat(2).chunks(8, 16)
                .codecs(Codecs.bytes("big")).build());
        // the native array-to-bytes codecs: pcodec (v2 compressor id pcodec) and zfpy (reversible by default)
        metas.put("v2_pcodec_u16", ArrayMetadata.builder(DataType.UINT16, 20, 30).zarrFormat(2).chunks(8, 16)
                .codecs(spec("numcodecs.pcodec", "{}")).build());
        metas.put("v3_pcodec_f64", ArrayMetadata.builder(DataType.FLOAT64, 20, 30).chunks(8, 16)
                .codecs(spec("numcodecs.pcodec", "{\"level\": 3, \"mode_spec\": \"classic\", \"delta_spec\": \"try_lookback\", "
                        + "\"paging_spec\": \"equal_pages_up_to\", \"delta_encoding_order\": null, \"equal_pages_up_to\": 50}"))
                .build());
        metas.put("v3_pcodec_datetime_s", ArrayMetadata.builder(DataType.datetime64("s", 1), 20, 30).chunks(8, 16)
                .codecs(spec("numcodecs.pcodec", "{}")).build());
        metas.put("v2_zfpy_f64", ArrayMetadata.builder(DataType.FLOAT64, 20, 30).zarrFormat(2).chunks(8, 16)
                .codecs(spec("numcodecs.zfpy", "{\"mode\": 4, \"tolerance\": -1, \"rate\": -1, \"precision\": -1}")).build());
        metas.put("v3_zfpy_i32_3d", ArrayMetadata.builder(DataType.INT32, 6, 10, 10).chunks(4, 5, 6)
                .codecs(spec("numcodecs.zfpy", "{\"mode\": 4, \"tolerance\": -1, \"rate\": -1, \"precision\": -1}")).build());
        metas.put("v3_zfpy_f32_lossy", ArrayMetadata.builder(DataType.FLOAT32, 20, 30).chunks(8, 16)
                .codecs(spec("numcodecs.zfpy", "{\"mode\": 4, \"tolerance\": 0.01, \"rate\": -1, \"precision\": -1}")).build());
        List<String> names = new ArrayList<>();
        Map<String, String> expected = new LinkedHashMap<>();
        for (var e : metas.entrySet()) {
            ZarrArray a = Zarr.createArray(store, Key.of(e.getKey()), e.getValue(), ctx);
            NdBuffer data = values(e.getValue().dataType(), e.getValue().shape());
            a.write(data);
            NdBuffer back = Zarr.openArray(store, Key.of(e.getKey()), ctx).read();
            if (!e.getKey().contains("fso") && !e.getKey().contains("quantize") && !e.getKey().contains("lossy")) {
                assertThat(back.contentEquals(data)).as("%s reads back what we wrote", e.getKey()).isTrue();
            }
            names.add(e.getKey());
            expected.put(e.getKey(), sha256(back)); // lossy filters: what our decoder makes of our encoding
        }
        Path script = Peers.script("zarr_python_extensions.py", dir.resolveSibling(dir.getFileName() + "-script"));
        List<String> args = new ArrayList<>(List.of("read", dir.toString()));
        args.addAll(names);
        JsonNode report = Json.parse(Peers.run(script, args), "zarr_python_extensions.py read");
        for (String name : names) {
            assertThat(report.path(name).path("zarr").asText()).as("zarr-python reading %s (%s)", name,
                    report.path(name).path("dtype").asText()).isEqualTo(expected.get(name));
        }
        // zarrs' pco as well (zarrs-python 0.2.3 has no datetime types, so not v3_pcodec_datetime_s)
        for (String name : List.of("v2_pcodec_u16", "v3_pcodec_f64")) {
            assertThat(report.path(name).path("zarrs").asText()).as("zarrs reading %s", name).isEqualTo(expected.get(name));
        }
        assertThat(report.path("v2_datetime_ns").path("dtype").asText()).isEqualTo("datetime64[ns]");
        assertThat(report.path("v3_timedelta_10ms_crc32").path("dtype").asText()).isEqualTo("timedelta64[10ms]");
        assertThat(report.path("v3_utf32").path("dtype").asText()).isEqualTo("<U5");
        assertThat(report.path("v2_utf32_be").path("dtype").asText()).isEqualTo(">U4");
    }

    @Test
    void weReadWhatZarrPythonWrites(@TempDir Path dir) throws Exception {
        Path script = Peers.script("zarr_python_extensions.py", dir.resolveSibling(dir.getFileName() + "-script"));
        JsonNode written = Json.parse(Peers.run(script, List.of("write", dir.toString())), "zarr_python_extensions.py write");
        assertThat(written.size()).isGreaterThanOrEqualTo(15);
        FileSystemStore store = FileSystemStore.open(dir);
        for (var it = written.properties().iterator(); it.hasNext(); ) {
            var e = it.next();
            ZarrArray a = Zarr.openArray(store, Key.of(e.getKey()), ctx);
            assertThat(sha256(a.read())).as("%s (%s, %s)", e.getKey(), a.dataType(), a.metadata().codecs())
                    .isEqualTo(e.getValue().get("sha256").asText());
        }
        assertThat(Zarr.openArray(store, Key.of("zp_v2_datetime_ns"), ctx).dataType()).isEqualTo(DataType.datetime64("ns", 1));
        assertThat(Zarr.openArray(store, Key.of("zp_v3_timedelta_10ms"), ctx).dataType()).isEqualTo(DataType.timedelta64("ms", 10));
        NdBuffer text = Zarr.openArray(store, Key.of("zp_v2_utf32_be"), ctx).read();
        assertThat(dev.ngff.buffer.Utf32Strings.get(text, 1)).isEqualTo("b\u00e91");
    }
}
