package dev.ngff.conformance.peers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import dev.ngff.metadata.Json;
import dev.ngff.metadata.MiniFloat;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ml_dtypes and tensorstore (from the peers' venv) against us for the narrow types: every bfloat16, float8_e4m3
 * and float8_e5m2 bit pattern decodes to ml_dtypes' value, a spread of doubles rounds to ml_dtypes' pattern,
 * and bfloat16, float8_e5m2, int4 and int2 zarr3 arrays go both ways with tensorstore (which has no
 * float8_e4m3, uint2, uint4 or complex forms of these).
 */
class MiniTypesPeerTest {
    private final ExecutionContext ctx = ExecutionContext.create();

    @AfterEach
    void close() {
        ctx.close();
    }

    private static String hex64(double v) {
        return String.format("%016x", Double.doubleToRawLongBits(v));
    }

    @Test
    void conversionsMatchMlDtypes(@TempDir Path dir) throws Exception {
        List<Double> inputs = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(20261121);
        for (int k = 0; k < 4000; k++) {
            inputs.add(switch (k % 4) {
                case 0 -> (rnd.nextDouble() - 0.5) * 140000; // the float8_e5m2 range and past it
                case 1 -> (rnd.nextDouble() - 0.5) * 600; // float8_e4m3 (max 240) and past it
                case 2 -> (rnd.nextInt(4001) - 2000) / 64.0; // exact midpoints: ties to even
                default -> Math.scalb(rnd.nextDouble() - 0.5, -rnd.nextInt(20)); // subnormals
            });
        }
        inputs.addAll(List.of(0.0, -0.0, 240.0, 247.99, 248.0, 57344.0, 61439.0, 61440.0, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, 3.0e38, 3.4e38, 1.0e-40));
        Path in = dir.resolve("inputs.txt");
        StringBuilder text = new StringBuilder();
        for (double d : inputs) {
            text.append(d == Double.POSITIVE_INFINITY ? "inf" : d == Double.NEGATIVE_INFINITY ? "-inf" : Double.toString(d)).append('\n');
        }
        Files.writeString(in, text);
        Path script = Peers.script("mini_types.py", dir.resolve("script"));
        JsonNode report = Json.parse(Peers.run(script, List.of("convert", in.toString())), "mini_types.py convert");
        for (MiniFloat f : MiniFloat.values()) {
            JsonNode r = report.get(f.v3Name());
            assertThat(r).as("ml_dtypes report for %s", f).isNotNull();
            JsonNode decode = r.get("decode");
            assertThat(decode.size()).isEqualTo(1 << (8 * f.byteSize()));
            for (int bits = 0; bits < decode.size(); bits++) {
                double ours = f.toDouble(bits);
                String theirs = decode.get(bits).asText();
                if (Double.isNaN(ours)) {
                    assertThat(Double.isNaN(Double.longBitsToDouble(Long.parseUnsignedLong(theirs, 16))))
                            .as("%s 0x%x is NaN for ml_dtypes too", f, bits).isTrue();
                } else {
                    assertThat(hex64(ours)).as("%s 0x%x", f, bits).isEqualTo(theirs);
                }
            }
            JsonNode round = r.get("round");
            for (int k = 0; k < inputs.size(); k++) {
                assertThat(f.fromDouble(inputs.get(k))).as("%s of %s", f, inputs.get(k)).isEqualTo(round.get(k).intValue());
            }
        }
    }

    /** The values tensorstore reports: float64 bit strings for floats, numbers for integers. */
    private static void assertSameValues(String name, NdBuffer ours, JsonNode theirs) {
        assertThat(theirs.has("error")).as("%s: %s", name, theirs.path("error").asText()).isFalse();
        JsonNode values = theirs.get("values");
        assertThat(values.size()).as(name).isEqualTo((int) ours.elementCount());
        for (int i = 0; i < values.size(); i++) {
            if (ours.dataType().isInteger()) {
                assertThat(ours.getAsLong(i)).as("%s element %d", name, i).isEqualTo(values.get(i).longValue());
            } else {
                assertThat(hex64(ours.getAsDouble(i))).as("%s element %d", name, i).isEqualTo(values.get(i).asText());
            }
        }
    }

    private static NdBuffer sample(DataType t, long... shape) {
        NdBuffer b = NdBuffer.allocate(t, shape);
        for (int i = 0; i < b.elementCount(); i++) {
            if (t.subByte() != null) {
                int m = 1 << t.subByte().bits();
                b.setAsLong(i, (i * 7L) % m - m / 2);
            } else {
                b.setAsDouble(i, (i - 50) * (t.miniFloat() == MiniFloat.BFLOAT16 ? 0.731 : 97.3)); // values that must round
            }
        }
        return b;
    }

    @Test
    void tensorstoreReadsWhatWeWrite(@TempDir Path dir) throws Exception {
        FileSystemStore store = FileSystemStore.open(dir);
        Map<String, ArrayMetadata> metas = new LinkedHashMap<>();
        CodecSpec gzip = Codecs.gzip(5);
        metas.put("bf16_big_gzip", ArrayMetadata.builder(DataType.BFLOAT16, 9, 13).chunks(4, 5)
                .fillValue(FillValue.ofNumber(DataType.BFLOAT16, 1.5)).codecs(Codecs.bytes("big"), gzip).build());
        metas.put("e5m2", ArrayMetadata.builder(DataType.FLOAT8_E5M2, 9, 13).chunks(4, 5).codecs(Codecs.bytes("little")).build());
        metas.put("int4", ArrayMetadata.builder(DataType.INT4, 9, 13).chunks(4, 5).codecs(Codecs.bytes("little"), gzip).build());
        metas.put("int2", ArrayMetadata.builder(DataType.INT2, 9, 13).chunks(4, 5).codecs(Codecs.bytes("little")).build());
        Map<String, NdBuffer> written = new LinkedHashMap<>();
        for (var e : metas.entrySet()) {
            ZarrArray a = Zarr.createArray(store, Key.of(e.getKey()), e.getValue(), ctx);
            NdBuffer data = sample(e.getValue().dataType(), 9, 13);
            a.write(data);
            assertThat(Zarr.openArray(store, Key.of(e.getKey()), ctx).read().contentEquals(data)).as(e.getKey()).isTrue();
            written.put(e.getKey(), data);
        }
        List<String> args = new ArrayList<>(List.of("read", dir.toString()));
        args.addAll(metas.keySet());
        Path script = Peers.script("mini_types.py", dir.resolveSibling(dir.getFileName() + "-script"));
        JsonNode report = Json.parse(Peers.run(script, args), "mini_types.py read");
        for (var e : written.entrySet()) {
            assertSameValues(e.getKey(), e.getValue(), report.get(e.getKey()));
            assertThat(report.get(e.getKey()).get("dtype").asText()).isEqualTo(e.getValue().dataType().name());
        }
    }

    @Test
    void weReadWhatTensorstoreWrites(@TempDir Path dir) throws Exception {
        Path script = Peers.script("mini_types.py", dir.resolveSibling(dir.getFileName() + "-script"));
        JsonNode report = Json.parse(Peers.run(script, List.of("write", dir.toString())), "mini_types.py write");
        FileSystemStore store = FileSystemStore.open(dir);
        Map<String, DataType> types = Map.of("ts_bfloat16", DataType.BFLOAT16, "ts_float8_e5m2", DataType.FLOAT8_E5M2,
                "ts_int4", DataType.INT4, "ts_int2", DataType.INT2);
        assertThat(report.size()).isEqualTo(types.size());
        for (var e : types.entrySet()) {
            ZarrArray a = Zarr.openArray(store, Key.of(e.getKey()), ctx);
            assertThat(a.dataType()).as(e.getKey()).isEqualTo(e.getValue());
            assertSameValues(e.getKey(), a.read(), report.get(e.getKey()));
        }
    }
}
