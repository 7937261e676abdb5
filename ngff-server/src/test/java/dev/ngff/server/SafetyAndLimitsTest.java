package dev.ngff.server;

import dev.ngff.store.FileSystemStore;
import dev.ngff.testing.Requirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Who may connect and how much: auth, the loopback rule, TLS, and the connection and rate limits. */
class SafetyAndLimitsTest {
    @TempDir
    Path dir;

    private Dataset dataset() throws IOException {
        Path root = dir.resolve("img.zarr");
        Files.createDirectories(root);
        Files.write(root.resolve("zarr.json"), ServeSuite.GROUP);
        return new Dataset("img", FileSystemStore.open(root));
    }

    private static URI uri(NgffServer s) {
        return URI.create((s.uri(s.datasets().getFirst())) + "zarr.json");
    }

    @Test
    void bindingBeyondLoopbackNeedsAuthOrPublic() throws Exception {
        InetAddress any = InetAddress.getByName("0.0.0.0");
        assertThatThrownBy(() -> NgffServer.start(ServerConfig.builder().bind(any).port(0).build(), List.of(dataset())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--token").hasMessageContaining("--public");
        try (NgffServer s = NgffServer.start(ServerConfig.builder().bind(any).port(0).allowPublic(true).build(), List.of(dataset()))) {
            assertThat(Http.get(uri(s)).statusCode()).isEqualTo(200);
        }
        try (NgffServer s = NgffServer.start(ServerConfig.builder().bind(any).port(0).bearerToken("t0k").build(), List.of(dataset()))) {
            assertThat(Http.get(uri(s)).statusCode()).isEqualTo(401);
        }
    }

    @Test
    void bearerToken() throws Exception {
        try (NgffServer s = NgffServer.start(ServerConfig.builder().port(0).bearerToken("s3cret-token").build(), List.of(dataset()))) {
            HttpResponse<byte[]> none = Http.get(uri(s));
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            assertThat(none.headers().firstValue("access-control-allow-origin")).hasValue("*");
            assertThat(Http.get(uri(s), "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
            assertThat(Http.get(uri(s), "Authorization", "Bearer s3cret-token").statusCode()).isEqualTo(200);
            assertThat(Http.send("HEAD", uri(s), "Authorization", "Bearer s3cret-token").statusCode()).isEqualTo(200);
            HttpResponse<byte[]> preflight = Http.send("OPTIONS", uri(s), "Origin", "https://v.example",
                    "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization");
            assertThat(preflight.statusCode()).as("preflights carry no credentials").isEqualTo(204);
            HttpResponse<byte[]> ok = Http.get(URI.create(s.uri(s.datasets().getFirst()) + "nothing"), "Authorization", "Bearer s3cret-token");
            assertThat(ok.statusCode()).isEqualTo(404);
        }
    }

    @Test
    void htpasswdBasicAuth() throws Exception {
        Htpasswd users = Htpasswd.parse(List.of("# users", Htpasswd.line("ana", "pa:ss"),
                "bo:{SHA}" + Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-1").digest("pw".getBytes()))), "test");
        try (NgffServer s = NgffServer.start(ServerConfig.builder().port(0).htpasswd(users).accessLog(l -> { }).build(), List.of(dataset()))) {
            assertThat(Http.get(uri(s)).headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
            assertThat(Http.get(uri(s), "Authorization", basic("ana", "pa:ss")).statusCode()).isEqualTo(200);
            assertThat(Http.get(uri(s), "Authorization", basic("bo", "pw")).statusCode()).isEqualTo(200);
            assertThat(Http.get(uri(s), "Authorization", basic("ana", "wrong")).statusCode()).isEqualTo(401);
            assertThat(Http.get(uri(s), "Authorization", basic("eve", "pw")).statusCode()).isEqualTo(401);
            assertThat(Http.get(uri(s), "Authorization", "Basic !!!").statusCode()).isEqualTo(401);
        }
        assertThatThrownBy(() -> Htpasswd.parse(List.of("x:$2y$05$abc"), "users.htpasswd"))
                .hasMessage("users.htpasswd line 1: unsupported hash (use {SHA}, as 'htpasswd -s' writes, or {SHA256})");
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Sends {@code n} GETs at once, each on its own connection; their responses, and when each came, in ms. */
    private static List<Http.Raw> concurrentGets(int port, int n, long[] millis) throws Exception {
        List<java.util.concurrent.Future<Http.Raw>> futures = new ArrayList<>();
        long t0 = System.nanoTime();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                int k = i;
                futures.add(pool.submit(() -> {
                    Http.Raw r = Http.raw(port, "GET /img/zarr.json HTTP/1.1\r\nHost: x\r\n\r\n");
                    millis[k] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                    return r;
                }));
            }
        }
        List<Http.Raw> out = new ArrayList<>();
        for (var f : futures) {
            out.add(f.get());
        }
        return out;
    }

    @Test
    void requestsBeyondTheRateWaitTheirTurnAndTooManyGet429() throws Exception {
        try (NgffServer s = NgffServer.start(ServerConfig.builder().port(0).requestsPerSecondPerClient(5).limitLoopback(true).build(),
                List.of(dataset()))) {
            long[] millis = new long[40];
            List<Http.Raw> rs = concurrentGets(s.port(), 40, millis);
            int served = 0;
            long lastServed = 0;
            for (int i = 0; i < rs.size(); i++) {
                Http.Raw r = rs.get(i);
                assertThat(r.status()).isIn(200, 429);
                assertThat(r.header("access-control-allow-origin")).hasToString("*");
                if (r.status() == 200) {
                    served++;
                    lastServed = Math.max(lastServed, millis[i]);
                } else {
                    assertThat(Integer.parseInt(r.header("retry-after"))).isBetween(1, 10);
                }
            }
            // a burst of 10 at once, then 5 a second for the 2 s a request may wait; the rest are refused
            assertThat(served).as("served at once or after waiting their turn").isBetween(20, 30);
            assertThat(lastServed).as("the last admitted waited about 2 s").isBetween(1500L, 10_000L);
        }
    }

    @Test
    void loopbackIsNotLimitedByDefault() throws Exception {
        try (NgffServer s = NgffServer.start(ServerConfig.builder().port(0).requestsPerSecondPerClient(5).maxConnections(2).build(),
                List.of(dataset()))) {
            List<Http.Raw> rs = concurrentGets(s.port(), 40, new long[40]);
            assertThat(rs).extracting(Http.Raw::status).as("40 requests on 40 connections at once").containsOnly(200);
        }
    }

    @Test
    void connectionLimitClosesTheExtraConnections() throws Exception {
        try (NgffServer s = NgffServer.start(ServerConfig.builder().port(0).maxConnections(2).limitLoopback(true).build(),
                List.of(dataset()))) {
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    sockets.add(new Socket("127.0.0.1", s.port()));
                }
                Thread.sleep(300);
                int served = 0;
                for (Socket c : sockets) {
                    c.setSoTimeout(5000);
                    try {
                        c.getOutputStream().write("GET /img/zarr.json HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                        if (Http.readResponse(c.getInputStream(), false).status() == 200) {
                            served++;
                        }
                    } catch (IOException closed) {
                        // the connection over the limit was closed
                    }
                }
                assertThat(served).as("two of three connections are served").isEqualTo(2);
            } finally {
                for (Socket c : sockets) {
                    c.close();
                }
            }
        }
    }

    @Test
    void idleConnectionsAreClosed() throws Exception {
        try (NgffServer s = NgffServer.start(ServerConfig.builder().port(0).idleTimeout(Duration.ofMillis(300)).build(), List.of(dataset()));
             Socket idle = new Socket("127.0.0.1", s.port())) {
            idle.setSoTimeout(5000);
            assertThat(idle.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void aThousandIdleConnectionsNeitherStopTheServerNorStayOpen() throws Exception {
        try (NgffServer s = NgffServer.start(ServerConfig.builder().port(0).maxConnections(1100).idleTimeout(Duration.ofSeconds(3)).build(),
                List.of(dataset()))) {
            List<Socket> idle = new ArrayList<>();
            try {
                for (int i = 0; i < 1000; i++) {
                    idle.add(new Socket("127.0.0.1", s.port()));
                }
                HttpResponse<byte[]> r = Http.get(uri(s));
                assertThat(r.statusCode()).as("a client is served while 1,000 others idle").isEqualTo(200);
                assertThat(r.body()).isEqualTo(ServeSuite.GROUP);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                for (Socket c : idle) {
                    c.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                    assertThat(c.getInputStream().read()).as("the idle timeout closed the connection").isEqualTo(-1);
                }
                assertThat(Http.get(uri(s)).statusCode()).as("and the server serves on").isEqualTo(200);
            } finally {
                for (Socket c : idle) {
                    c.close();
                }
            }
        }
    }

    @Test
    void tlsWithAGivenCertificateAndKey() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        String missing = null;
        try {
            Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key.toString(), "-out", cert.toString())
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                missing = "openssl failed to make a test certificate";
            }
        } catch (IOException e) {
            missing = "openssl is not installed";
        }
        Requirements.require("TLS test", missing);
        try (NgffServer s = NgffServer.start(ServerConfig.builder().port(0).tls(new ServerConfig.Tls(cert, key)).build(),
                List.of(dataset()))) {
            assertThat(s.uri(s.datasets().getFirst()).getScheme()).isEqualTo("https");
            SSLContext trustAll = SSLContext.getInstance("TLS");
            trustAll.init(null, new TrustManager[] {new X509TrustManager() {
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            HttpClient client = HttpClient.newBuilder().sslContext(trustAll).version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(uri(s)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(ServeSuite.GROUP);
            HttpResponse<byte[]> part = client.send(HttpRequest.newBuilder(uri(s)).header("Range", "bytes=-10").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(part.statusCode()).isEqualTo(206);
            assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(ServeSuite.GROUP, ServeSuite.GROUP.length - 10, ServeSuite.GROUP.length));
        }
        Files.writeString(key, "not a key");
        assertThatThrownBy(() -> NgffServer.start(ServerConfig.builder().port(0).tls(new ServerConfig.Tls(cert, key)).build(),
                List.of(dataset()))).isInstanceOf(IOException.class).hasMessageStartingWith("cannot use certificate " + cert);
    }
}
