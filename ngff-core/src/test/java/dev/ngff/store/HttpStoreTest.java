package dev.ngff.store;

import dev.ngff.error.StoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link HttpStore} against a real HTTP server on the loopback interface ({@link RangeFileServer}):
 * the readable-store contract with a server that honours {@code Range}, one that ignores it, and one
 * that refuses {@code HEAD}; plus statuses, headers, URL encoding and failures.
 */
class HttpStoreTest {

    private final List<RangeFileServer> servers = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void stopServers() {
        servers.forEach(RangeFileServer::close);
        servers.clear();
    }

    RangeFileServer serve(Path root, Map<Key, byte[]> contents, boolean honourRange, boolean allowHead) throws IOException {
        for (Map.Entry<Key, byte[]> e : contents.entrySet()) {
            Path file = root.resolve(e.getKey().path());
            Files.createDirectories(file.getParent());
            Files.write(file, e.getValue());
        }
        RangeFileServer server = RangeFileServer.start(root, honourRange, allowHead);
        servers.add(server);
        return server;
    }

    // ---------------------------------------------------------------- the contract, three servers

    @Nested
    class ServerHonouringRange extends ReadableStoreContract {
        @Override
        protected ReadableStore createStore(Map<Key, byte[]> contents) throws IOException {
            return new HttpStore(serve(dir, contents, true, true).base());
        }
    }

    @Nested
    class ServerIgnoringRange extends ReadableStoreContract {
        @Override
        protected ReadableStore createStore(Map<Key, byte[]> contents) throws IOException {
            return new HttpStore(serve(dir, contents, false, true).base());
        }
    }

    @Nested
    class ServerRefusingHead extends ReadableStoreContract {
        @Override
        protected ReadableStore createStore(Map<Key, byte[]> contents) throws IOException {
            return new HttpStore(serve(dir, contents, true, false).base());
        }
    }

    // ---------------------------------------------------------------- requests sent

    private static final Key K = Key.of("c/0");

    private RangeFileServer server() throws IOException {
        return serve(dir, Map.of(K, ReadableStoreContract.bytes("0123456789")), true, true);
    }

    @Test
    void rangesBecomeRangeHeaders() throws Exception {
        RangeFileServer server = server();
        try (HttpStore s = new HttpStore(server.base())) {
            s.read(K);
            s.read(K, ByteRange.of(2, 3));
            s.read(K, ByteRange.from(3));
            s.read(K, ByteRange.suffix(4));
            s.read(K, ByteRange.of(1, 0));
            s.exists(K);
        }
        assertThat(server.log()).containsExactly(
                "GET c/0 -", "GET c/0 bytes=2-4", "GET c/0 bytes=3-", "GET c/0 bytes=-4", "HEAD c/0 -", "HEAD c/0 -");
    }

    @Test
    void sizeAsksForHeadersNotBodies() throws Exception {
        RangeFileServer withHead = server();
        try (HttpStore s = new HttpStore(withHead.base())) {
            assertThat(s.size(K)).hasValue(10);
            assertThat(s.size(Key.of("missing"))).isEmpty();
        }
        assertThat(withHead.log()).containsExactly("HEAD c/0 -", "HEAD missing -");

        RangeFileServer noHead = serve(dir.resolve("second"), Map.of(K, ReadableStoreContract.bytes("0123456789"), Key.of("empty"), new byte[0]),
                true, false);
        try (HttpStore s = new HttpStore(noHead.base())) {
            assertThat(s.size(K)).hasValue(10);
            assertThat(s.size(Key.of("empty"))).hasValue(0);
            assertThat(s.size(Key.of("missing"))).isEmpty();
        }
        assertThat(noHead.log()).containsExactly("HEAD c/0 -", "GET c/0 bytes=0-0", "HEAD empty -", "GET empty bytes=0-0",
                "HEAD missing -", "GET missing bytes=0-0");
    }

    @Test
    void sizeFailureNamesStoreAndKey() throws Exception {
        RangeFileServer server = server();
        server.override("c/0", request -> RangeFileServer.Response.of(500, null));
        try (HttpStore s = new HttpStore(server.base())) {
            assertThatThrownBy(() -> s.size(K)).isInstanceOf(StoreException.class)
                    .hasMessageContaining(s.describe()).hasMessageContaining("c/0").hasMessageContaining("500");
        }
    }

    @Test
    void baseGetsATrailingSlashAndSegmentsArePercentEncoded() throws Exception {
        RangeFileServer server = server();
        try (HttpStore s = new HttpStore(server.base())) {
            assertThat(s.base().toString()).isEqualTo(server.base() + "/");
            assertThat(s.describe()).isEqualTo(server.base() + "/");
            assertThat(s.uri(Key.of("a b/\u00e4#?%+=/c")).toString())
                    .isEqualTo(server.base() + "/a%20b/%C3%A4%23%3F%25%2B%3D/c");
            assertThat(s.uri(Key.of("x/y-z_1.~")).toString()).isEqualTo(server.base() + "/x/y-z_1.~");
        }
    }

    @Test
    void invalidBasesAreRejected() {
        assertThatThrownBy(() -> new HttpStore(URI.create("ftp://host/x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpStore(URI.create("http://host/x?sig=1"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpStore(URI.create("relative/path"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void extraHeadersAreSent() throws Exception {
        RangeFileServer server = server();
        List<String> seen = new ArrayList<>();
        server.override("secret", request -> {
            seen.add(request.header("Authorization"));
            return RangeFileServer.Response.of(200, ReadableStoreContract.bytes("ok"));
        });
        HttpStore.Options options = new HttpStore.Options(Duration.ofSeconds(5), Duration.ofSeconds(5), Map.of("Authorization", "Bearer t"));
        try (HttpStore s = new HttpStore(server.base(), options)) {
            assertThat(s.read(Key.of("secret"))).isPresent();
        }
        assertThat(seen).containsExactly("Bearer t");
    }

    // ---------------------------------------------------------------- statuses

    @Test
    void goneIsMissing() throws Exception {
        RangeFileServer server = server();
        server.override("gone", request -> RangeFileServer.Response.of(410, null));
        try (HttpStore s = new HttpStore(server.base())) {
            assertThat(s.read(Key.of("gone"))).isEmpty();
            assertThat(s.exists(Key.of("gone"))).isFalse();
        }
    }

    @Test
    void serverErrorsNameUrlStatusAndRange() throws Exception {
        RangeFileServer server = server();
        server.override("bad key/x", request -> RangeFileServer.Response.of(500, ReadableStoreContract.bytes("boom")));
        try (HttpStore s = new HttpStore(server.base())) {
            assertThatThrownBy(() -> s.read(Key.of("bad key/x"), ByteRange.of(2, 4)))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining(s.describe())
                    .hasMessageContaining("bad key/x")
                    .hasMessageContaining(server.base() + "/bad%20key/x")
                    .hasMessageContaining("500")
                    .hasMessageContaining("bytes=2-5");
            assertThatThrownBy(() -> s.exists(Key.of("bad key/x"))).isInstanceOf(StoreException.class).hasMessageContaining("500");
        }
    }

    @Test
    void forbiddenIsAnErrorNotMissing() throws Exception {
        RangeFileServer server = server();
        server.override("private", request -> RangeFileServer.Response.of(403, null));
        try (HttpStore s = new HttpStore(server.base())) {
            assertThatThrownBy(() -> s.read(Key.of("private"))).isInstanceOf(StoreException.class).hasMessageContaining("403");
        }
    }

    @Test
    void partialContentStartingElsewhereIsRejected() throws Exception {
        RangeFileServer server = server();
        server.override("liar", request -> RangeFileServer.Response.of(206, ReadableStoreContract.bytes("0123"))
                .with("Content-Range", "bytes 0-3/10"));
        try (HttpStore s = new HttpStore(server.base())) {
            assertThatThrownBy(() -> s.read(Key.of("liar"), ByteRange.of(4, 4)))
                    .isInstanceOf(StoreException.class).hasMessageContaining("Content-Range");
        }
    }

    @Test
    void partialContentLongerThanAskedIsCut() throws Exception {
        RangeFileServer server = server();
        server.override("generous", request -> RangeFileServer.Response.of(206, ReadableStoreContract.bytes("23456789")));
        try (HttpStore s = new HttpStore(server.base())) {
            assertThat(s.read(Key.of("generous"), ByteRange.of(2, 3)).orElseThrow().toArray())
                    .isEqualTo(ReadableStoreContract.bytes("234"));
        }
    }

    // ---------------------------------------------------------------- transport failures

    @Test
    void refusedConnectionFailsNamingTheUrl() throws Exception {
        RangeFileServer server = server();
        URI base = server.base();
        server.close();
        try (HttpStore s = new HttpStore(base)) {
            assertThatThrownBy(() -> s.read(K))
                    .isInstanceOf(StoreException.class).hasMessageContaining(base + "/c/0");
        }
    }

    @Test
    void requestTimeoutFailsNamingTheUrl() throws Exception {
        RangeFileServer server = server();
        CountDownLatch release = new CountDownLatch(1);
        server.override("slow", request -> {
            release.await();
            return RangeFileServer.Response.of(200, null);
        });
        HttpStore.Options options = new HttpStore.Options(Duration.ofSeconds(5), Duration.ofMillis(300), Map.of());
        try (HttpStore s = new HttpStore(server.base(), options)) {
            assertThatThrownBy(() -> s.read(Key.of("slow"), ByteRange.of(0, 4)))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("timed out").hasMessageContaining("/slow").hasMessageContaining("bytes=0-3");
        } finally {
            release.countDown();
        }
    }
}
