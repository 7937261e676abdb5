package dev.ngff.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ngff.store.FileSystemStore;
import dev.ngff.testing.Requirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A script that reads a whole array at once survives the default limits: zarrita in Node asks for all
 * 16,384 chunks of an array together, and Node's fetch opens a connection for every request that finds
 * none free, thousands at a time, far past the default connection limit and, within a second or two,
 * past the default request rate. On loopback the defaults must let that through and the values must be
 * the ones written.
 */
class BulkReaderTest {
    private static final int SIDE = 512;
    private static final int CHUNK = 4;

    @TempDir
    Path dir;

    static Path jsDir() {
        String root = System.getenv("NGFF_REPO_ROOT");
        return Path.of(root == null ? ".." : root).resolve("ngff-server/src/test/js").toAbsolutePath().normalize();
    }

    /** The value of element (y, x): every element differs from its neighbours, so a misplaced chunk shows. */
    private static short value(int y, int x) {
        return (short) ((y * SIDE + x) * 40503);
    }

    /** A 512 x 512 uint16 Zarr v3 array of 4 x 4 chunks, raw little-endian: 16,384 chunk files. */
    private Path writeArray() throws IOException {
        Path root = dir.resolve("bulk.zarr");
        Files.createDirectories(root);
        Files.writeString(root.resolve("zarr.json"), """
                {"zarr_format":3,"node_type":"array","shape":[%d,%d],"data_type":"uint16",
                 "chunk_grid":{"name":"regular","configuration":{"chunk_shape":[%d,%d]}},
                 "chunk_key_encoding":{"name":"default","configuration":{"separator":"/"}},
                 "fill_value":0,"codecs":[{"name":"bytes","configuration":{"endian":"little"}}]}
                """.formatted(SIDE, SIDE, CHUNK, CHUNK));
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK * CHUNK * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int cy = 0; cy < SIDE / CHUNK; cy++) {
            Path row = Files.createDirectories(root.resolve("c").resolve(Integer.toString(cy)));
            for (int cx = 0; cx < SIDE / CHUNK; cx++) {
                chunk.clear();
                for (int y = 0; y < CHUNK; y++) {
                    for (int x = 0; x < CHUNK; x++) {
                        chunk.putShort(value(cy * CHUNK + y, cx * CHUNK + x));
                    }
                }
                Files.write(row.resolve(Integer.toString(cx)), chunk.array());
            }
        }
        return root;
    }

    private static String expectedDigest() throws Exception {
        ByteBuffer all = ByteBuffer.allocate(SIDE * SIDE * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                all.putShort(value(y, x));
            }
        }
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(all.array()));
    }

    @Test
    void zarritaReadsAWholeArrayOfManyChunksAtOnceWithTheDefaultLimits() throws Exception {
        String node = System.getenv().getOrDefault("NGFF_NODE", "node");
        String missing = Files.isDirectory(jsDir().resolve("node_modules/zarrita")) ? null
                : "zarrita is not installed under " + jsDir() + " (run scripts/browser.sh)";
        if (missing == null) {
            try {
                Process v = new ProcessBuilder(node, "--version").redirectErrorStream(true).start();
                v.getInputStream().readAllBytes();
                if (!v.waitFor(30, TimeUnit.SECONDS) || v.exitValue() != 0) {
                    missing = "'" + node + " --version' failed";
                }
            } catch (IOException e) {
                missing = "no node on the PATH (install Node.js >= 20 or set NGFF_NODE)";
            }
        }
        Requirements.require("BULK READ OF NGFF SERVE WITH ZARRITA", missing);

        Path root = writeArray();
        ServerConfig defaults = ServerConfig.builder().port(0).build();
        ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
        try (FileSystemStore store = FileSystemStore.open(root);
             NgffServer server = NgffServer.start(ServerConfig.builder().port(0).accessLog(log::add).build(),
                     List.of(new Dataset("bulk", store)))) {
            Path err = dir.resolve("node.err");
            Process p = new ProcessBuilder(node, jsDir().resolve("read_whole_array.mjs").toString(),
                    server.uri(server.datasets().getFirst()).toString()).redirectError(err.toFile()).start();
            byte[] out = p.getInputStream().readAllBytes();
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("zarrita finished").isTrue();
            assertThat(p.exitValue()).as("zarrita failed: %s", Files.readString(err)).isZero();
            JsonNode read = new ObjectMapper().readTree(new String(out, StandardCharsets.UTF_8));
            assertThat(read.path("shape").toString()).isEqualTo("[" + SIDE + "," + SIDE + "]");
            assertThat(read.path("digest").asText()).as("the values read").isEqualTo(expectedDigest());
            assertThat(log.stream().filter(l -> l.contains("GET /bulk/c/") && l.contains("\" 200 "))).hasSize((SIDE / CHUNK) * (SIDE / CHUNK));
            assertThat(server.peakConnections()).as("Node opened more connections than the default limit at once")
                    .isGreaterThan(defaults.maxConnections());
        }
    }
}
