package dev.ngff.server.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The request decoder as HttpServer configures it, against Netty's own validating headers. */
class KeptRequestHeadersTest {

    /** The request heads a decoder made of {@code wire}, and whether each decoded cleanly. */
    private static List<HttpRequest> decode(HttpHeadersFactory headers, String wire) {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpRequestDecoder(new HttpDecoderConfig().setHeadersFactory(headers)));
        ch.writeInbound(Unpooled.copiedBuffer(wire, StandardCharsets.ISO_8859_1));
        List<HttpRequest> heads = new ArrayList<>();
        for (Object m; (m = ch.readInbound()) != null; ) {
            if (m instanceof HttpRequest r) {
                heads.add(r);
            }
            ReferenceCountUtil.release(m);
        }
        ch.finishAndReleaseAll();
        return heads;
    }

    private static HttpRequest one(String wire) {
        List<HttpRequest> heads = decode(KeptRequestHeaders.FACTORY, wire);
        assertThat(heads).hasSize(1);
        return heads.getFirst();
    }

    @Test
    void keepsWhatTheServerReadsAndDropsTheRest() {
        HttpRequest r = one("GET /a/zarr.json HTTP/1.1\r\nHost: x\r\nUser-Agent: test\r\nRANGE: bytes=0-9\r\n"
                + "If-None-Match: \"t\"\r\naccept-encoding: gzip\r\nConnection: close\r\nCookie: c=1\r\n\r\n");
        assertThat(r.decoderResult().isSuccess()).isTrue();
        assertThat(r.headers().get(HttpHeaderNames.RANGE)).isEqualTo("bytes=0-9");
        assertThat(r.headers().get("range")).isEqualTo("bytes=0-9");
        assertThat(r.headers().get(HttpHeaderNames.IF_NONE_MATCH)).isEqualTo("\"t\"");
        assertThat(r.headers().get(HttpHeaderNames.ACCEPT_ENCODING)).isEqualTo("gzip");
        assertThat(r.headers().get(HttpHeaderNames.HOST)).isNull();
        assertThat(r.headers().get(HttpHeaderNames.COOKIE)).isNull();
        assertThat(r.headers().size()).isEqualTo(4);
        assertThat(HttpUtil.isKeepAlive(r)).isFalse();
    }

    @Test
    void aRequestWithOnlyDroppedFieldsHasEmptyHeaders() {
        HttpRequest r = one("GET /a/c/0 HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n\r\n");
        assertThat(r.decoderResult().isSuccess()).isTrue();
        assertThat(r.headers().isEmpty()).isTrue();
        assertThat(r.headers().get(HttpHeaderNames.RANGE)).isNull();
        assertThat(r.headers().getAll(HttpHeaderNames.CONTENT_LENGTH)).isEmpty();
        assertThat(r.headers().iterator().hasNext()).isFalse();
        assertThat(HttpUtil.isKeepAlive(r)).isTrue();
    }

    @Test
    void refusesWhitespaceBeforeTheColonAndControlCharactersInDroppedFieldsToo() {
        assertThat(one("GET / HTTP/1.1\r\nContent-Length : 5\r\n\r\n").decoderResult().isFailure()).isTrue();
        assertThat(one("GET / HTTP/1.1\r\nX-Anything : 5\r\n\r\n").decoderResult().isFailure()).isTrue();
        assertThat(one("GET / HTTP/1.1\r\nX-Anything: a\u0001b\r\n\r\n").decoderResult().isFailure()).isTrue();
        assertThat(one("GET / HTTP/1.1\r\nX(Any): 1\r\n\r\n").decoderResult().isFailure()).isTrue();
        assertThat(one("GET / HTTP/1.1\r\nRange: bytes=0-1\u007f\r\n\r\n").decoderResult().isFailure()).isTrue();
    }

    @Test
    void framesBodiesAsBeforeSoTheNextRequestIsFoundWhereItIs() {
        String chunked = "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
        String sized = "PUT /b HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc";
        String get = "GET /c HTTP/1.1\r\nHost: x\r\n\r\n";
        List<HttpRequest> heads = decode(KeptRequestHeaders.FACTORY, chunked + sized + get);
        assertThat(heads).extracting(HttpRequest::uri).containsExactly("/a", "/b", "/c");
        assertThat(heads).allMatch(h -> h.decoderResult().isSuccess());
        // a body that is both chunked and sized is refused, as Netty refuses it
        assertThat(one("POST /a HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd").decoderResult().isFailure())
                .isTrue();
    }

    /**
     * Random fields (names and values drawn from tokens, separators, spaces and control characters): a request
     * is refused exactly when Netty's validating headers refuse it, and what is kept equals Netty's fields
     * of those names.
     */
    @Test
    void agreesWithNettysValidationOnRandomFields() {
        long seed = System.nanoTime();
        System.out.println("KeptRequestHeadersTest seed " + seed);
        Random rnd = new Random(seed);
        String[] names = {"Range", "range", "If-None-Match", "Host", "X-Foo", "Accept-Encoding", "If-Range", "Authorization",
                "Connection", "User-Agent"};
        String nameChars = "aZ09-_!#.~" + " (\"/@\u0001\u00e9";
        String valueChars = "abc 0-9=,;\"*\t/" + "\u0000\u0001\u001f\u007f\u00e9";
        for (int i = 0; i < 2000; i++) {
            StringBuilder wire = new StringBuilder("GET /x HTTP/1.1\r\n");
            int fields = rnd.nextInt(5);
            for (int f = 0; f < fields; f++) {
                String name = names[rnd.nextInt(names.length)];
                if (rnd.nextInt(6) == 0) {
                    int at = rnd.nextInt(name.length() + 1);
                    name = name.substring(0, at) + nameChars.charAt(rnd.nextInt(nameChars.length())) + name.substring(at);
                }
                StringBuilder value = new StringBuilder();
                for (int k = rnd.nextInt(8); k > 0; k--) {
                    value.append(rnd.nextInt(8) == 0 ? valueChars.charAt(5 + rnd.nextInt(valueChars.length() - 5))
                            : valueChars.charAt(rnd.nextInt(5)));
                }
                wire.append(name).append(": ").append(value).append("\r\n");
            }
            wire.append("\r\n");
            String w = wire.toString();
            HttpRequest ours = decode(KeptRequestHeaders.FACTORY, w).getFirst();
            HttpRequest netty = decode(DefaultHttpHeadersFactory.headersFactory(), w).getFirst();
            assertThat(ours.decoderResult().isSuccess()).as("seed %d, request %s", seed, w)
                    .isEqualTo(netty.decoderResult().isSuccess());
            if (netty.decoderResult().isSuccess()) {
                List<String> expected = netty.headers().entries().stream()
                        .filter(e -> KeptRequestHeaders.kept(e.getKey())).map(e -> e.getKey() + ": " + e.getValue()).toList();
                assertThat(ours.headers().entries()).as("seed %d, request %s", seed, w)
                        .map(e -> e.getKey() + ": " + e.getValue()).isEqualTo(expected);
            }
        }
    }
}
