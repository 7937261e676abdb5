package dev.ngff.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.codec.CodecPipeline;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static dev.ngff.conformance.FixtureSupport.ctx;
import static dev.ngff.conformance.FixtureSupport.fixture;
import static dev.ngff.conformance.FixtureSupport.openArray;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our encoders against zarrs' own bytes: every stored chunk of zarrs' snapshot arrays that use reshape,
 * zarrs.squeeze, packbits, zarrs.vlen or vlen-array (in a data type we support) decodes, and encoding the
 * result gives back exactly the stored chunk. (ZarrsFixturesTest checks the decoded values.)
 */
class ZarrsExtensionCodecsTest {
    private static final Set<String> CODECS = Set.of("reshape", "zarrs.squeeze", "packbits", "zarrs.vlen", "vlen-array");

    static Stream<Path> arrays() throws IOException {
        Path base = fixture("zarrs/snapshots/supported/regular");
        ObjectMapper json = new ObjectMapper();
        List<Path> out = new java.util.ArrayList<>();
        try (Stream<Path> s = Files.walk(base, 5)) {
            for (Path doc : s.filter(p -> p.getFileName().toString().equals("zarr.json")).sorted().toList()) {
                JsonNode root = json.readTree(doc.toFile());
                JsonNode dt = root.get("data_type");
                String type = dt.isTextual() ? dt.textValue() : dt.path("name").asText();
                boolean uses = false;
                for (JsonNode c : root.path("codecs")) {
                    uses |= CODECS.contains(c.path("name").asText());
                }
                if (uses && ZarrsFixturesTest.SUPPORTED_DTYPES.contains(type)) {
                    out.add(doc.getParent());
                }
            }
        }
        assertThat(out).as("snapshot arrays using the extension codecs").hasSizeGreaterThanOrEqualTo(70);
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("arrays")
    void reencodingGivesZarrsBytes(Path dir) throws IOException {
        ZarrArray a = openArray(dir);
        CodecPipeline pipeline = ctx().codecs().pipeline(a.metadata().codecs(), dir.toString());
        ChunkSpec spec = new ChunkSpec(a.chunkShape(), a.dataType(), a.metadata().fillValue());
        List<Path> chunks;
        try (Stream<Path> s = Files.walk(dir.resolve("c"))) {
            chunks = s.filter(Files::isRegularFile).sorted().toList();
        }
        assertThat(chunks).as("%s has stored chunks", dir).isNotEmpty();
        for (Path chunk : chunks) {
            byte[] stored = Files.readAllBytes(chunk);
            NdBuffer decoded = pipeline.decode(Bytes.wrap(stored), spec);
            byte[] again = pipeline.encode(decoded, spec).toArray();
            assertThat(again).as("%s re-encoded", dir.relativize(chunk)).isEqualTo(stored);
        }
    }
}
