package dev.ngff.server;

import dev.ngff.store.ReadableStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP rules of {@link NgffServer}, run against every kind of store it serves. Each subclass turns the
 * same objects ({@link #OBJECTS}) into its kind of store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ServeSuite {
    static final String DS = "ds.zarr";
    static final byte[] GROUP = ("{\"zarr_format\":3,\"node_type\":\"group\",\"attributes\":{\"padding\":\""
            + "x".repeat(2000) + "\"}}").getBytes(StandardCharsets.UTF_8);
    static final byte[] SMALL = random(100_000, 1);
    static final byte[] BIG = random(1_000_000, 2);
    /** Larger than loopback's socket buffers, so that a reader that stalls makes the server wait. */
    static final byte[] HUGE = random(16 << 20, 3);
    /** The objects every store kind holds, by key. */
    static final Map<String, byte[]> OBJECTS = new LinkedHashMap<>();

    static {
        OBJECTS.put("zarr.json", GROUP);
        OBJECTS.put("arr/c/0/0", SMALL);
        OBJECTS.put("arr/c/0/1", BIG);
        OBJECTS.put("arr/c/0/2", new byte[0]);
        OBJECTS.put("arr/c/1/0", HUGE);
        OBJECTS.put("v2/.zarray", "{\"zarr_format\":2}".getBytes(StandardCharsets.UTF_8));
    }

    protected Path dir;
    protected NgffServer server;
    protected final ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();

    /** Makes a store that holds {@link #OBJECTS} (and nothing else that a request could reach). */
    abstract ReadableStore makeStore(Path scratch) throws IOException;

    /** True if the store kind knows modification times (so responses carry Last-Modified). */
    abstract boolean hasLastModified();

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Writes {@link #OBJECTS} under {@code root}. */
    static void writeTree(Path root) throws IOException {
        for (var e : OBJECTS.entrySet()) {
            Path p = root.resolve(e.getKey());
            Files.createDirectories(p.getParent());
            Files.write(p, e.getValue());
        }
    }

    @BeforeAll
    void start() throws IOException {
        dir = Files.createTempDirectory("ngff-serve-");
        Files.writeString(dir.resolve("secret.txt"), "TOP-SECRET");
        ReadableStore store = makeStore(dir);
        server = NgffServer.start(ServerConfig.builder().port(0).accessLog(log::add).build(),
                List.of(new Dataset(DS, store)));
    }

    @AfterAll
    void stop() throws IOException {
        if (server != null) {
            server.close();
            for (Dataset d : server.datasets()) {
                d.store().close();
            }
        }
    }

    URI uri(String key) {
        return URI.create("http://127.0.0.1:" + server.port() + "/" + DS + "/" + key);
    }

    static void assertCors(HttpResponse<?> r) {
        assertThat(r.headers().firstValue("access-control-allow-origin")).as("CORS on %s", r.uri()).hasValue("*");
    }

    @Test
    void wholeChunkWithValidatorsAndCaching() throws Exception {
        HttpResponse<byte[]> r = Http.get(uri("arr/c/0/0"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(SMALL);
        assertCors(r);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/octet-stream");
        assertThat(r.headers().firstValue("content-length")).hasValue("100000");
        assertThat(r.headers().firstValue("accept-ranges")).hasValue("bytes");
        assertThat(r.headers().firstValue("cache-control")).hasValue("public, max-age=300");
        assertThat(r.headers().firstValue("etag")).hasValueSatisfying(t -> assertThat(t).startsWith("\"").endsWith("\""));
        assertThat(r.headers().firstValue("last-modified").isPresent()).isEqualTo(hasLastModified());
        assertThat(r.headers().firstValue("access-control-expose-headers").orElse("")).contains("Content-Range", "ETag");
    }

    @Test
    void bigChunkStreamsWhole() throws Exception {
        HttpResponse<byte[]> r = Http.get(uri("arr/c/0/1"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(BIG);
    }

    @Test
    void emptyObject() throws Exception {
        HttpResponse<byte[]> r = Http.get(uri("arr/c/0/2"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        HttpResponse<byte[]> suffix = Http.get(uri("arr/c/0/2"), "Range", "bytes=-4");
        assertThat(suffix.statusCode()).isEqualTo(416);
        assertThat(suffix.headers().firstValue("content-range")).hasValue("bytes */0");
    }

    @Test
    void singleRange() throws Exception {
        HttpResponse<byte[]> r = Http.get(uri("arr/c/0/0"), "Range", "bytes=10-19");
        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(r.headers().firstValue("content-range")).hasValue("bytes 10-19/100000");
        assertThat(r.headers().firstValue("content-length")).hasValue("10");
        assertThat(r.body()).isEqualTo(Arrays.copyOfRange(SMALL, 10, 20));
        assertCors(r);
    }

    @Test
    void openEndedAndSuffixRanges() throws Exception {
        HttpResponse<byte[]> open = Http.get(uri("arr/c/0/0"), "Range", "bytes=99990-");
        assertThat(open.statusCode()).isEqualTo(206);
        assertThat(open.headers().firstValue("content-range")).hasValue("bytes 99990-99999/100000");
        assertThat(open.body()).isEqualTo(Arrays.copyOfRange(SMALL, 99990, 100000));

        HttpResponse<byte[]> suffix = Http.get(uri("arr/c/0/0"), "Range", "bytes=-16");
        assertThat(suffix.statusCode()).isEqualTo(206);
        assertThat(suffix.headers().firstValue("content-range")).hasValue("bytes 99984-99999/100000");
        assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(SMALL, 99984, 100000));

        HttpResponse<byte[]> longSuffix = Http.get(uri("arr/c/0/0"), "Range", "bytes=-500000");
        assertThat(longSuffix.statusCode()).isEqualTo(206);
        assertThat(longSuffix.body()).isEqualTo(SMALL);

        HttpResponse<byte[]> bigMiddle = Http.get(uri("arr/c/0/1"), "Range", "bytes=1000-700999");
        assertThat(bigMiddle.statusCode()).isEqualTo(206);
        assertThat(bigMiddle.body()).isEqualTo(Arrays.copyOfRange(BIG, 1000, 701000));
    }

    @Test
    void rangesPastTheEnd() throws Exception {
        HttpResponse<byte[]> clipped = Http.get(uri("arr/c/0/0"), "Range", "bytes=99990-200000");
        assertThat(clipped.statusCode()).isEqualTo(206);
        assertThat(clipped.headers().firstValue("content-range")).hasValue("bytes 99990-99999/100000");
        assertThat(clipped.body()).hasSize(10);

        for (String range : List.of("bytes=100000-", "bytes=100000-100010", "bytes=5000000-", "bytes=-0")) {
            HttpResponse<byte[]> r = Http.get(uri("arr/c/0/0"), "Range", range);
            assertThat(r.statusCode()).as(range).isEqualTo(416);
            assertThat(r.headers().firstValue("content-range")).as(range).hasValue("bytes */100000");
            assertCors(r);
        }
    }

    @Test
    void multipleOrMalformedRangesGetTheWholeObject() throws Exception {
        for (String range : List.of("bytes=0-9,5-20", "items=0-5", "bytes=9-3", "bytes=x-y", "bytes=0-1,x-y")) {
            HttpResponse<byte[]> r = Http.get(uri("arr/c/0/0"), "Range", range);
            assertThat(r.statusCode()).as(range).isEqualTo(200);
            assertThat(r.body()).as(range).isEqualTo(SMALL);
        }
    }

    @Test
    void multipleRangesAreSentAsMultipartByteranges() throws Exception {
        HttpResponse<byte[]> r = Http.get(uri("arr/c/0/0"), "Range", "bytes=90-99,0-3,-5");
        assertThat(r.statusCode()).isEqualTo(206);
        assertCors(r);
        String type = r.headers().firstValue("content-type").orElseThrow();
        assertThat(type).startsWith("multipart/byteranges; boundary=");
        String boundary = type.substring(type.indexOf('=') + 1);
        String body = new String(r.body(), StandardCharsets.ISO_8859_1);
        assertThat(r.headers().firstValue("content-length")).hasValue(Integer.toString(r.body().length));
        String[] parts = body.split("\r\n--" + java.util.regex.Pattern.quote(boundary));
        assertThat(parts[parts.length - 1]).isEqualTo("--\r\n");
        long[][] expected = {{0, 4}, {90, 100}, {SMALL.length - 5, SMALL.length}};
        assertThat(parts).hasSize(expected.length + 2); // before the first delimiter, three parts, the closing "--"
        for (int i = 0; i < expected.length; i++) {
            String part = parts[i + 1];
            int blank = part.indexOf("\r\n\r\n");
            String head = part.substring(0, blank);
            assertThat(head).contains("Content-Type: application/octet-stream")
                    .contains("Content-Range: bytes " + expected[i][0] + "-" + (expected[i][1] - 1) + "/" + SMALL.length);
            byte[] bytes = part.substring(blank + 4).getBytes(StandardCharsets.ISO_8859_1);
            assertThat(bytes).as("part %d", i).isEqualTo(Arrays.copyOfRange(SMALL, (int) expected[i][0], (int) expected[i][1]));
        }
        HttpResponse<byte[]> tooMuch = Http.get(uri("arr/c/0/1"), "Range", "bytes=0-299999,500000-799999");
        assertThat(tooMuch.statusCode()).as("ranges adding up to more than 256 KiB get the whole object").isEqualTo(200);
        assertThat(tooMuch.body()).isEqualTo(BIG);
        HttpResponse<byte[]> none = Http.get(uri("arr/c/0/0"), "Range", "bytes=200000-,300000-");
        assertThat(none.statusCode()).isEqualTo(416);
    }

    @Test
    void ifRangeWithAStaleTagSendsTheWholeObject() throws Exception {
        String etag = Http.get(uri("arr/c/0/0")).headers().firstValue("etag").orElseThrow();
        HttpResponse<byte[]> fresh = Http.get(uri("arr/c/0/0"), "Range", "bytes=0-9", "If-Range", etag);
        assertThat(fresh.statusCode()).isEqualTo(206);
        HttpResponse<byte[]> stale = Http.get(uri("arr/c/0/0"), "Range", "bytes=0-9", "If-Range", "\"other\"");
        assertThat(stale.statusCode()).isEqualTo(200);
        assertThat(stale.body()).isEqualTo(SMALL);
    }

    @Test
    void notFoundCarriesCors() throws Exception {
        for (String key : List.of("arr/c/9/9", "arr", "arr/", "nothing.json", "arr/c/0/0/deeper")) {
            HttpResponse<byte[]> r = Http.get(uri(key));
            assertThat(r.statusCode()).as(key).isEqualTo(404);
            assertCors(r);
        }
        for (String path : List.of("/", "/" + DS, "/" + DS + "/", "/no-such-dataset/zarr.json")) {
            HttpResponse<byte[]> r = Http.get(URI.create("http://127.0.0.1:" + server.port() + path));
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertCors(r);
        }
    }

    @Test
    void etagRevalidationGives304() throws Exception {
        HttpResponse<byte[]> first = Http.get(uri("arr/c/0/0"));
        String etag = first.headers().firstValue("etag").orElseThrow();
        HttpResponse<byte[]> again = Http.get(uri("arr/c/0/0"), "If-None-Match", etag);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(again.headers().firstValue("etag")).hasValue(etag);
        assertCors(again);
        assertThat(Http.get(uri("arr/c/0/0"), "If-None-Match", "\"nope\", W/" + etag).statusCode()).isEqualTo(304);
        assertThat(Http.get(uri("arr/c/0/0"), "If-None-Match", "\"nope\"").statusCode()).isEqualTo(200);
        assertThat(Http.send("HEAD", uri("arr/c/0/0"), "If-None-Match", etag).statusCode()).isEqualTo(304);
    }

    @Test
    void ifModifiedSinceGives304() throws Exception {
        DateTimeFormatter f = DateTimeFormatter.RFC_1123_DATE_TIME;
        String future = f.format(Instant.now().plusSeconds(3600).atZone(ZoneOffset.UTC));
        String past = f.format(Instant.parse("2000-01-01T00:00:00Z").atZone(ZoneOffset.UTC));
        HttpResponse<byte[]> r = Http.get(uri("arr/c/0/0"), "If-Modified-Since", future);
        assertThat(r.statusCode()).isEqualTo(hasLastModified() ? 304 : 200);
        assertThat(Http.get(uri("arr/c/0/0"), "If-Modified-Since", past).statusCode()).isEqualTo(200);
        if (hasLastModified()) {
            String lastModified = Http.get(uri("arr/c/0/0")).headers().firstValue("last-modified").orElseThrow();
            assertThat(Http.get(uri("arr/c/0/0"), "If-Modified-Since", lastModified).statusCode()).isEqualTo(304);
            // If-None-Match wins over If-Modified-Since
            assertThat(Http.get(uri("arr/c/0/0"), "If-Modified-Since", lastModified, "If-None-Match", "\"x\"").statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void headHasTheHeadersOfGetAndNoBody() throws Exception {
        Http.Raw head = Http.raw(server.port(), "HEAD /" + DS + "/arr/c/0/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("content-length")).isEqualTo("1000000");
        assertThat(head.header("etag")).isNotNull();
        assertThat(head.header("access-control-allow-origin")).isEqualTo("*");
        HttpResponse<byte[]> ranged = Http.send("HEAD", uri("arr/c/0/0"), "Range", "bytes=0-99");
        assertThat(ranged.statusCode()).isEqualTo(206);
        assertThat(ranged.headers().firstValue("content-length")).hasValue("100");
        assertThat(ranged.body()).isEmpty();
        HttpResponse<byte[]> missing = Http.send("HEAD", uri("nope"));
        assertThat(missing.statusCode()).isEqualTo(404);
        assertCors(missing);
    }

    @Test
    void preflight() throws Exception {
        HttpResponse<byte[]> r = Http.send("OPTIONS", uri("arr/c/0/0"), "Origin", "https://viewer.example",
                "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "range, if-none-match");
        assertThat(r.statusCode()).isEqualTo(204);
        assertCors(r);
        assertThat(r.headers().firstValue("access-control-allow-methods").orElse("")).contains("GET", "HEAD");
        assertThat(r.headers().firstValue("access-control-allow-headers").orElse("")).contains("Range", "If-None-Match", "Authorization");
        assertThat(r.headers().firstValue("access-control-max-age")).isPresent();
    }

    @Test
    void metadataIsJsonAlwaysRevalidatedAndGzipped() throws Exception {
        HttpResponse<byte[]> plain = Http.get(uri("zarr.json"));
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.body()).isEqualTo(GROUP);
        assertThat(plain.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(plain.headers().firstValue("cache-control")).hasValue("no-cache");
        assertThat(plain.headers().firstValue("vary").orElse("")).containsIgnoringCase("accept-encoding");
        assertThat(plain.headers().firstValue("content-encoding")).isEmpty();

        HttpResponse<byte[]> gz = Http.get(uri("zarr.json"), "Accept-Encoding", "br, gzip;q=0.8");
        assertThat(gz.statusCode()).isEqualTo(200);
        assertThat(gz.headers().firstValue("content-encoding")).hasValue("gzip");
        assertThat(gz.body().length).isLessThan(GROUP.length / 4);
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz.body()))) {
            assertThat(in.readAllBytes()).isEqualTo(GROUP);
        }
        String gzTag = gz.headers().firstValue("etag").orElseThrow();
        assertThat(gzTag).isNotEqualTo(plain.headers().firstValue("etag").orElseThrow());
        assertThat(Http.get(uri("zarr.json"), "Accept-Encoding", "gzip", "If-None-Match", gzTag).statusCode()).isEqualTo(304);
        assertThat(Http.get(uri("zarr.json"), "Accept-Encoding", "gzip;q=0").headers().firstValue("content-encoding")).isEmpty();

        HttpResponse<byte[]> v2 = Http.get(uri("v2/.zarray"));
        assertThat(v2.headers().firstValue("content-type")).hasValue("application/json");
        HttpResponse<byte[]> chunk = Http.get(uri("arr/c/0/0"), "Accept-Encoding", "gzip");
        assertThat(chunk.headers().firstValue("content-encoding")).as("chunks are never re-compressed").isEmpty();
    }

    @Test
    void pathEscapesNeverLeaveTheStore() throws Exception {
        List<String> attacks = List.of("/" + DS + "/../secret.txt", "/" + DS + "/%2e%2e/secret.txt", "/" + DS + "/arr/%2E%2E/%2e%2e/secret.txt",
                "/" + DS + "/..%2fsecret.txt", "/" + DS + "/arr/..%5c..%5csecret.txt", "/" + DS + "/%2fetc%2fpasswd",
                "/" + DS + "//etc/passwd", "/" + DS + "/./zarr.json", "/" + DS + "/arr%00/c", "/" + DS + "/%zz");
        for (String path : attacks) {
            Http.Raw r = Http.raw(server.port(), "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(r.status()).as(path).isIn(400, 404);
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).as(path).doesNotContain("TOP-SECRET");
            assertThat(r.header("access-control-allow-origin")).as(path).isEqualTo("*");
        }
    }

    @Test
    void nothingIsWritable() throws Exception {
        for (String method : List.of("PUT", "POST", "DELETE", "PATCH")) {
            HttpResponse<byte[]> r = Http.send(method, uri("arr/c/0/0"));
            assertThat(r.statusCode()).as(method).isEqualTo(405);
            assertThat(r.headers().firstValue("allow")).hasValue("GET, HEAD, OPTIONS");
            assertCors(r);
        }
        assertThat(Http.get(uri("arr/c/0/0")).body()).isEqualTo(SMALL);
    }

    @Test
    void keepAliveAndPipelining() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            String req = "GET /" + DS + "/arr/c/0/0 HTTP/1.1\r\nHost: x\r\nRange: bytes=0-3\r\n\r\n";
            out.write((req + req + "GET /" + DS + "/missing HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            for (int i = 0; i < 2; i++) {
                Http.Raw r = Http.readResponse(in, false);
                assertThat(r.status()).isEqualTo(206);
                assertThat(r.body()).isEqualTo(Arrays.copyOf(SMALL, 4));
            }
            assertThat(Http.readResponse(in, false).status()).isEqualTo(404);
            out.write(req.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertThat(Http.readResponse(in, false).status()).as("the connection stays open").isEqualTo(206);
        }
    }

    @Test
    void oversizedHeadersGet431() throws Exception {
        Http.Raw r = Http.raw(server.port(), "GET /" + DS + "/zarr.json HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(40_000) + "\r\n\r\n");
        assertThat(r.status()).isEqualTo(431);
        assertThat(r.header("access-control-allow-origin")).isEqualTo("*");
    }

    @Test
    void clientThatLeavesMidBodyDoesNotHurtOthers() throws Exception {
        for (int i = 0; i < 20; i++) {
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                s.getOutputStream().write(("GET /" + DS + "/arr/c/0/1 HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                s.getInputStream().readNBytes(1000);
            }
        }
        assertThat(Http.get(uri("arr/c/0/1")).body()).isEqualTo(BIG);
    }

    @Test
    void slowReadersMakeTheServerWaitNotBuffer() throws Exception {
        List<Socket> slow = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                Socket s = new Socket();
                s.setReceiveBufferSize(8192);
                s.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()));
                s.setSoTimeout(30_000);
                s.getOutputStream().write(("GET /" + DS + "/arr/c/1/0 HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                slow.add(s);
            }
            Thread.sleep(1000); // the readers stall while the server fills what it may
            assertThat(Http.get(uri("arr/c/0/0")).body()).as("others are served meanwhile").isEqualTo(SMALL);
            assertThat(server.peakQueuedBytes()).as("bytes queued for one connection (high-water mark + one piece)")
                    .isLessThanOrEqualTo((512 + 16) * 1024);
            for (Socket s : slow) {
                Http.Raw r = Http.readResponse(s.getInputStream(), false);
                assertThat(r.status()).isEqualTo(200);
                assertThat(Arrays.equals(r.body(), HUGE)).as("a slow reader still gets every byte").isTrue();
            }
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    @Test
    void accessLogHasOneLinePerRequest() throws Exception {
        Http.get(uri("zarr.json?probe=1"));
        Thread.sleep(200);
        assertThat(log).anySatisfy(l -> assertThat(l).startsWith("127.0.0.1 - - [").contains("\"GET /" + DS + "/zarr.json?probe=1 HTTP/1.1\" 200 "));
    }
}
