package dev.ngff.conformance.peers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.Json;
import dev.ngff.ome.Level;
import dev.ngff.ome.OmeImage;
import dev.ngff.ome.OmeZarr;
import dev.ngff.s3.S3Store;
import dev.ngff.s3.S3TestServer;
import dev.ngff.server.Dataset;
import dev.ngff.server.NgffServer;
import dev.ngff.server.ServerConfig;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import dev.ngff.store.ReadableStore;
import dev.ngff.store.ZipStore;
import dev.ngff.testing.Requirements;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static dev.ngff.conformance.peers.Peers.sha256;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * zarrita (the JavaScript reader of web viewers) reads, over {@code ngff serve}'s HTTP server, every level
 * of an OME-Zarr 0.5 pyramid that {@code ngff sample} wrote, from a directory, a {@code .ozx} zip and an
 * S3 prefix (S3Mock), and gets the values we read locally.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServedPyramidZarritaTest {
    @TempDir
    static Path dir;

    private Path sample;
    /** Level path to the SHA-256 of its elements as we read them from the directory. */
    private final Map<String, String> expected = new LinkedHashMap<>();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();

    static Path jsDir() {
        String root = System.getenv("NGFF_REPO_ROOT");
        return Path.of(root == null ? ".." : root).resolve("spec-conformance/src/test/js").toAbsolutePath().normalize();
    }

    static String node() {
        return System.getenv().getOrDefault("NGFF_NODE", "node");
    }

    /** Skips loudly (fails under CI) when node or zarrita is missing. */
    static void requireZarrita(String what) {
        String missing = null;
        if (!Files.isDirectory(jsDir().resolve("node_modules/zarrita"))) {
            missing = "zarrita is not installed under " + jsDir() + " (run scripts/peers-npm.sh)";
        } else {
            try {
                Process p = new ProcessBuilder(node(), "--version").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    missing = "'" + node() + " --version' failed";
                }
            } catch (IOException e) {
                missing = "no node on the PATH (install Node.js >= 20 or set NGFF_NODE)";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                missing = "interrupted while looking for node";
            }
        }
        Requirements.require(what, missing);
    }

    /**
     * zarrita's reading of the OME-Zarr image at {@code url} ({@code zarrita_http.mjs}): its version, the
     * level paths and, per level, the shape, data type and SHA-256 of the elements.
     */
    static JsonNode zarritaOverHttp(String url, Path scratch) throws Exception {
        Path err = Files.createTempFile(scratch, "zarrita", ".err");
        Process p = new ProcessBuilder(node(), jsDir().resolve("zarrita_http.mjs").toString(), url)
                .redirectError(err.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("zarrita finished").isTrue();
        assertThat(p.exitValue()).as(Files.readString(err)).isZero();
        return Json.parse(new String(out, StandardCharsets.UTF_8), "zarrita output");
    }

    @BeforeAll
    void sample() throws Exception {
        requireZarrita("ZARRITA OVER NGFF SERVE");

        sample = dir.resolve("cells.ome.zarr");
        StringWriter err = new StringWriter();
        int code = dev.ngff.cli.Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err),
                "sample", sample.toString(), "--shape", "8,300,260", "--channels", "2", "--levels", "3", "--seed", "5");
        assertThat(code).as(err.toString()).isZero();
        try (FileSystemStore store = FileSystemStore.open(sample); ExecutionContext ctx = ExecutionContext.create()) {
            OmeImage img = (OmeImage) OmeZarr.open(store, Key.ROOT, ctx);
            assertThat(img.levels()).hasSize(3);
            for (Level l : img.levels()) {
                expected.put(l.path(), sha256(l.array().read()));
                shapes.put(l.path(), l.array().metadata().shape());
            }
        }
    }

    private JsonNode readWithZarrita(ReadableStore store) throws Exception {
        ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
        try (NgffServer server = NgffServer.start(ServerConfig.builder().port(0).accessLog(log::add).build(),
                List.of(new Dataset("cells", store)))) {
            JsonNode read = zarritaOverHttp(server.uri(server.datasets().getFirst()).toString(), dir);
            assertThat(log).as("chunks fetched over HTTP").anySatisfy(l -> assertThat(l).contains("/cells/0/"));
            assertThat(log).noneSatisfy(l -> assertThat(l).contains("\" 5"));
            return read;
        }
    }

    private void assertSameValues(JsonNode read, String what) {
        List<String> levels = new ArrayList<>();
        read.path("levels").forEach(n -> levels.add(n.asText()));
        assertThat(levels).as(what).containsExactlyElementsOf(expected.keySet());
        assertThat(read.path("version").asText()).as(what).isEqualTo("0.5");
        for (String path : expected.keySet()) {
            JsonNode a = read.path("arrays").path(path);
            List<Long> shape = new ArrayList<>();
            a.path("shape").forEach(n -> shape.add(n.asLong()));
            assertThat(shape).as("%s level %s shape", what, path).containsExactly(java.util.Arrays.stream(shapes.get(path)).boxed().toArray(Long[]::new));
            assertThat(a.path("digest").asText()).as("%s level %s values", what, path).isEqualTo(expected.get(path));
        }
    }

    @Test
    void directory() throws Exception {
        try (FileSystemStore store = FileSystemStore.open(sample)) {
            assertSameValues(readWithZarrita(store), "directory");
        }
    }

    @Test
    void ozx() throws Exception {
        Path ozx = dir.resolve("cells.ozx");
        try (OutputStream f = Files.newOutputStream(ozx); ZipOutputStream z = new ZipOutputStream(f);
             Stream<Path> files = Files.walk(sample)) {
            for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                byte[] b = Files.readAllBytes(p);
                ZipEntry e = new ZipEntry(sample.relativize(p).toString().replace('\\', '/'));
                e.setMethod(ZipEntry.STORED); // .ozx stores chunks uncompressed (they are compressed already)
                e.setSize(b.length);
                CRC32 crc = new CRC32();
                crc.update(b);
                e.setCrc(crc.getValue());
                z.putNextEntry(e);
                z.write(b);
                z.closeEntry();
            }
        }
        try (ZipStore store = ZipStore.open(ozx)) {
            assertSameValues(readWithZarrita(store), ".ozx");
        }
    }

    @Test
    void s3Prefix() throws Exception {
        try (S3Store s3 = S3Store.open(S3TestServer.freshLocation(), S3TestServer.options().build());
             FileSystemStore src = FileSystemStore.open(sample)) {
            for (Key k : src.list(Key.ROOT)) {
                s3.write(k, src.read(k).orElseThrow());
            }
            assertSameValues(readWithZarrita(s3), "S3");
        }
    }
}
