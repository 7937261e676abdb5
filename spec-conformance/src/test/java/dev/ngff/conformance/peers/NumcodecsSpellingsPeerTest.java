package dev.ngff.conformance.peers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.codecs.pcodec.PcodecCodec;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.Json;
import dev.ngff.metadata.NumpyDtype;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * zarr-python (3.1.3 with numcodecs 0.16 in the peers' venv) writes arrays whose numcodecs configurations spell
 * each field every way it emits them (dtypes as {@code "int32"}, {@code "<i4"}, {@code "i4"}, {@code "d"}; blosc's
 * shuffle as -1..2, as a string, by name, with and without numcodecs 0.16's typesize; absent and present levels,
 * checksums, accelerations), plus the spellings older zarr-python and numcodecs releases wrote (numcodecs 0.12's
 * pcodec fields, the id kept in the configuration), and we read each array to what zarr-python reads from its
 * own write. Skips loudly without the venv; fails under CI.
 */
class NumcodecsSpellingsPeerTest {
    private final ExecutionContext ctx = ExecutionContext.create();

    @AfterEach
    void close() {
        ctx.close();
    }

    @Test
    void everySpellingZarrPythonWritesReadsAsZarrPythonReadsIt(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectories(dir.resolve("arrays"));
        Path script = Peers.script("numcodecs_spellings.py", dir.resolve("script"));
        List<String> args = new ArrayList<>(List.of(root.toString()));
        if (PcodecCodec.isAvailable()) {
            args.add("--pcodec");
        } else {
            System.err.println("*** NumcodecsSpellingsPeerTest: no pcodec cases, the native pcodec library is absent: "
                    + PcodecCodec.unavailabilityCause().orElse("") + " ***");
        }
        JsonNode report = Json.parse(Peers.run(script, args), "numcodecs_spellings.py output");
        assertThat(report.size()).isGreaterThan(130);
        List<String> failures = new ArrayList<>();
        FileSystemStore store = FileSystemStore.open(root);
        for (Map.Entry<String, JsonNode> e : report.properties()) {
            String name = e.getKey();
            JsonNode c = e.getValue();
            if (c.has("error")) {
                failures.add(name + ": zarr-python could not write it: " + c.get("error").asText());
                continue;
            }
            try {
                ZarrArray a = Zarr.openArray(store, Key.of(name), ctx);
                assertThat(new NumpyDtype(a.metadata().dataType(), false).format()).as(name).isEqualTo(c.get("dtype").asText());
                byte[] expected = Files.readAllBytes(root.resolve(name + ".bin"));
                byte[] ours = a.read().segment().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                if (!java.util.Arrays.equals(ours, expected)) {
                    failures.add(name + " " + c.get("codecs") + ": values differ from zarr-python's");
                }
            } catch (Exception | AssertionError ex) {
                failures.add(name + " " + c.get("codecs") + ": " + ex.getMessage());
            }
        }
        assertThat(failures).as("cases that failed").isEmpty();
    }

    /** A dtype that is no spelling of any type is an error naming the store, the array, the document and the field. */
    @Test
    void anInvalidDtypeNamesTheDocumentAndPointer(@TempDir Path dir) throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        Files.writeString(a.resolve("zarr.json"), """
                {"zarr_format": 3, "node_type": "array", "shape": [4], "data_type": "int32",
                 "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [4]}},
                 "chunk_key_encoding": {"name": "default"}, "fill_value": 0,
                 "codecs": [{"name": "numcodecs.delta", "configuration": {"dtype": "int33"}}, {"name": "bytes"}]}
                """);
        assertThatThrownBy(() -> Zarr.openArray(FileSystemStore.open(dir), Key.of("a"), ctx))
                .isInstanceOf(InvalidMetadataException.class)
                .hasMessageContaining("array 'a'")
                .hasMessageContaining("zarr.json /codecs/0")
                .hasMessageContaining("/configuration/dtype")
                .hasMessageContaining("'int33'")
                .satisfies(ex -> assertThat(ex.getMessage()).doesNotContain("\n").doesNotContain("Exception"));
        Path v2 = Files.createDirectories(dir.resolve("b"));
        Files.writeString(v2.resolve(".zarray"), """
                {"zarr_format": 2, "shape": [4], "chunks": [4], "dtype": "<i4", "order": "C", "fill_value": 0,
                 "filters": [{"id": "delta", "dtype": "i4"}],
                 "compressor": {"id": "blosc", "cname": "zstd", "shuffle": 7}}
                """);
        assertThatThrownBy(() -> Zarr.openArray(FileSystemStore.open(dir), Key.of("b"), ctx))
                .isInstanceOf(InvalidMetadataException.class)
                .hasMessageContaining(".zarray /compressor")
                .hasMessageContaining("shuffle");
    }
}
