package dev.ngff.s3;

import dev.ngff.testing.Requirements;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One MinIO server per test JVM, the real S3 server most facilities run, beside S3Mock: the binary that
 * {@code scripts/minio.sh} builds ({@code .cache/minio/minio} in the repository, or {@code $NGFF_MINIO}),
 * started on first use on 127.0.0.1 with free ports and a data folder in a temp directory, ready when
 * {@code /minio/health/live} answers 200, and stopped (data removed) when the JVM exits. It runs under a
 * small shell that stops it when the JVM's pipe to it closes, so a killed test JVM leaves no server
 * behind. Without the binary, {@link #require()} skips loudly, and fails under {@code CI=true}.
 */
public final class MinioTestServer {
    public static final String BUCKET = "ngff-test";
    static final String ACCESS_KEY = "ngffminioaccess";
    static final String SECRET_KEY = "ngff-minio-secret-do-not-print-0123";
    private static final Duration START_LIMIT = Duration.ofSeconds(60);

    private MinioTestServer() {
    }

    /** A running server, or why there is none. */
    private record Server(URI endpoint, String missing) {
    }

    private static final class Holder {
        static final Server SERVER = start();
    }

    /** Skips the calling test loudly (fails it under CI) when no MinIO binary was built. */
    public static void require() {
        Requirements.require("MinIO S3 test", Holder.SERVER.missing());
    }

    /** {@code http://127.0.0.1:<port>} of the running server; call {@link #require()} first. */
    public static URI endpoint() {
        require();
        return Holder.SERVER.endpoint();
    }

    /** Options that reach the server. */
    public static S3Options.Builder options() {
        return S3Options.builder()
                .endpoint(endpoint())
                .region("us-east-1")
                .pathStyle(true)
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)));
    }

    /** A location under a prefix no other test uses. */
    public static S3Location freshLocation() {
        return new S3Location(BUCKET, dev.ngff.store.Key.of("t-" + UUID.randomUUID()));
    }

    /** The binary: {@code $NGFF_MINIO}, else {@code .cache/minio/minio} in the repository. */
    static Path binary() {
        String explicit = System.getenv("NGFF_MINIO");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String repo = System.getenv("NGFF_REPO_ROOT");
        Path root = repo != null && !repo.isBlank() ? Path.of(repo) : Path.of(System.getProperty("user.dir")).getParent();
        return root.resolve(".cache/minio/minio");
    }

    private static Server start() {
        Path bin = binary();
        if (!Files.isExecutable(bin)) {
            return new Server(null, "no MinIO binary at " + bin + " (build it with scripts/minio.sh, or set NGFF_MINIO)");
        }
        try {
            Path dir = Files.createTempDirectory("ngff-minio-");
            Path data = Files.createDirectory(dir.resolve("data"));
            Path log = dir.resolve("minio.log");
            int port = freePort();
            int consolePort = freePort();
            // the shell stops MinIO when its stdin (our pipe) closes: on stop, and when this JVM dies
            ProcessBuilder pb = new ProcessBuilder("sh", "-c",
                    "\"$1\" server \"$2\" --address \"127.0.0.1:$3\" --console-address \"127.0.0.1:$4\" --quiet & p=$!;"
                            + " cat > /dev/null; kill $p 2>/dev/null; wait $p",
                    "minio-test", bin.toString(), data.toString(), Integer.toString(port), Integer.toString(consolePort))
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("MINIO_ROOT_USER", ACCESS_KEY);
            pb.environment().put("MINIO_ROOT_PASSWORD", SECRET_KEY);
            pb.environment().put("MINIO_BROWSER", "off");
            pb.environment().put("MINIO_UPDATE", "off");
            pb.environment().put("MINIO_CI_CD", "on");
            Process process = pb.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(process, dir), "minio-stop"));
            URI endpoint = URI.create("http://127.0.0.1:" + port);
            awaitLive(endpoint, process, log);
            createBucket(endpoint);
            return new Server(endpoint, null);
        } catch (IOException e) {
            throw new UncheckedIOException("MinIO at " + bin + " did not start", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void awaitLive(URI endpoint, Process process, Path log) throws IOException {
        HttpRequest health = HttpRequest.newBuilder(endpoint.resolve("/minio/health/live")).timeout(Duration.ofSeconds(2)).GET().build();
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IOException("MinIO exited with status " + process.exitValue() + ": " + tail(log));
                }
                try {
                    if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for MinIO", e);
        }
        throw new IOException("MinIO was not live after " + START_LIMIT.toSeconds() + " s: " + tail(log));
    }

    private static void createBucket(URI endpoint) {
        try (S3AsyncClient client = S3AsyncClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .httpClientBuilder(software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build()) {
            client.createBucket(b -> b.bucket(BUCKET)).join();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static void stop(Process process, Path dir) {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (IOException | InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind
        }
    }
}
