package dev.ngff.store;

import dev.ngff.buffer.Buffers;
import dev.ngff.buffer.Bytes;
import dev.ngff.error.StoreException;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A read-only store over HTTP(S): key {@code a/b} is {@code GET <base>/a/b}, each segment
 * percent-encoded (everything but RFC 3986 unreserved characters).
 *
 * <p>Ranges become {@code Range: bytes=a-b}, {@code bytes=a-} or {@code bytes=-n} headers. Status 206
 * is the range; 200 to a ranged request means the server ignored {@code Range}, and the range is cut
 * from the body locally, reading no further than it ends; 404 and 410 mean missing
 * ({@link Optional#empty()}); 416 means the range starts beyond the object, which is present, so the
 * result is empty bytes. Every other status is a {@link StoreException} naming the URL, the status and
 * the range; so are timeouts and connection failures. A 206 whose {@code Content-Range} starts
 * elsewhere than asked is rejected the same way. Zero-length ranges and {@link #exists} send a
 * {@code HEAD} (falling back to a one-byte {@code GET} if the server refuses {@code HEAD}). Bodies
 * larger than 2 GiB are rejected.
 *
 * <p>Thread-safe: requests share one {@link HttpClient}. A thread interrupted during a request gets a
 * {@link StoreException} with its interrupt flag set again. {@link #close()} closes the client if this
 * store created it.
 */
public final class HttpStore implements ReadableStore {

    /**
     * Options of an HTTP store.
     *
     * @param connectTimeout limit for establishing a connection
     * @param requestTimeout limit for one request, until the response headers arrive
     * @param headers extra headers sent with every request (such as {@code Authorization})
     */
    public record Options(Duration connectTimeout, Duration requestTimeout, Map<String, String> headers) {
        public Options {
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            Objects.requireNonNull(requestTimeout, "requestTimeout");
            headers = Map.copyOf(headers);
        }

        /** 10 s to connect, 60 s per request, no extra headers. */
        public static Options defaults() {
            return new Options(Duration.ofSeconds(10), Duration.ofSeconds(60), Map.of());
        }
    }

    private final String base;
    private final HttpClient client;
    private final boolean ownsClient;
    private final Options options;

    /** A store at {@code base} with {@link Options#defaults()}. */
    public HttpStore(URI base) {
        this(base, Options.defaults());
    }

    /** A store at {@code base} on a client of its own built from {@code options}. */
    public HttpStore(URI base, Options options) {
        this(base, HttpClient.newBuilder()
                .connectTimeout(options.connectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build(), options, true);
    }

    /** A store at {@code base} on a shared client, which {@link #close()} leaves open. */
    public HttpStore(URI base, HttpClient client, Options options) {
        this(base, client, options, false);
    }

    private HttpStore(URI base, HttpClient client, Options options, boolean ownsClient) {
        this.base = normaliseBase(base);
        this.client = Objects.requireNonNull(client, "client");
        this.options = Objects.requireNonNull(options, "options");
        this.ownsClient = ownsClient;
    }

    /** The base URI, with a trailing slash. */
    public URI base() {
        return URI.create(base);
    }

    /** The URL of a key. */
    public URI uri(Key key) {
        StringBuilder sb = new StringBuilder(base);
        boolean first = true;
        for (String segment : key.segments()) {
            if (!first) {
                sb.append('/');
            }
            appendEncoded(sb, segment);
            first = false;
        }
        return URI.create(sb.toString());
    }

    // ---------------------------------------------------------------- reads

    @Override
    public Optional<Bytes> read(Key key, ByteRange range) throws IOException {
        Objects.requireNonNull(range, "range");
        if (key.isRoot()) {
            return Optional.empty();
        }
        if (isZeroLength(range)) {
            return exists(key) ? Optional.of(Bytes.EMPTY) : Optional.empty();
        }
        URI uri = uri(key);
        HttpRequest.Builder request = request(uri).GET();
        rangeHeader(range).ifPresent(h -> request.header("Range", h));
        HttpResponse<InputStream> response = send(request.build(), key, range);
        try (InputStream body = response.body()) {
            return switch (response.statusCode()) {
                case 404, 410 -> Optional.empty();
                case 416 -> Optional.of(Bytes.EMPTY);
                case 206 -> Optional.of(partial(response, body, key, range));
                case 200 -> Optional.of(full(response, body, key, range));
                default -> throw statusFailure(key, range, uri, response.statusCode());
            };
        } catch (StoreException e) {
            throw e;
        } catch (IOException e) {
            throw StoreErrors.failure(this, "reading", key, range, e);
        }
    }

    @Override
    public boolean exists(Key key) throws IOException {
        if (key.isRoot()) {
            return false;
        }
        URI uri = uri(key);
        HttpResponse<Void> head = send(request(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding(), key, null);
        int status = head.statusCode();
        if (status == 405 || status == 501) {
            return existsByGet(key, uri);
        }
        return existence(key, uri, status);
    }

    /**
     * The size from a {@code HEAD} request's {@code Content-Length}. Where {@code HEAD} is refused (405,
     * 501) or answers no length, a one-byte range request probes it: the total of a 206's
     * {@code Content-Range}, 0 for a 416, a 200's {@code Content-Length}; only a server that answers none
     * of these has the whole object read.
     */
    @Override
    public OptionalLong size(Key key) throws IOException {
        if (key.isRoot()) {
            return OptionalLong.empty();
        }
        URI uri = uri(key);
        HttpResponse<Void> head = send(request(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding(), key, null);
        int status = head.statusCode();
        if (status != 405 && status != 501) {
            if (!existence(key, uri, status)) {
                return OptionalLong.empty();
            }
            OptionalLong length = head.headers().firstValueAsLong("Content-Length");
            if (length.isPresent()) {
                return length;
            }
        }
        HttpRequest probe = request(uri).GET().header("Range", "bytes=0-0").build();
        HttpResponse<Void> response = send(probe, HttpResponse.BodyHandlers.discarding(), key, ByteRange.of(0, 1));
        OptionalLong size = switch (response.statusCode()) {
            case 404, 410 -> OptionalLong.empty();
            case 416 -> OptionalLong.of(0);
            case 206 -> contentRangeTotal(response);
            case 200 -> response.headers().firstValueAsLong("Content-Length");
            default -> throw statusFailure(key, ByteRange.of(0, 1), uri, response.statusCode());
        };
        if (size.isEmpty() && response.statusCode() != 404 && response.statusCode() != 410) {
            return ReadableStore.super.size(key);
        }
        return size;
    }

    private boolean existsByGet(Key key, URI uri) throws IOException {
        HttpRequest get = request(uri).GET().header("Range", "bytes=0-0").build();
        HttpResponse<Void> response = send(get, HttpResponse.BodyHandlers.discarding(), key, ByteRange.of(0, 1));
        return existence(key, uri, response.statusCode() == 416 ? 200 : response.statusCode());
    }

    private boolean existence(Key key, URI uri, int status) throws StoreException {
        if (status >= 200 && status < 300) {
            return true;
        }
        if (status == 404 || status == 410) {
            return false;
        }
        throw statusFailure(key, null, uri, status);
    }

    // ---------------------------------------------------------------- bodies

    /** A 206 body: checked against Content-Range, and never more than the range asked for. */
    private Bytes partial(HttpResponse<InputStream> response, InputStream body, Key key, ByteRange range) throws IOException {
        OptionalLong start = contentRangeStart(response);
        OptionalLong total = contentRangeTotal(response);
        long expected = switch (range) {
            case ByteRange.FromOffset f -> f.offset();
            case ByteRange.Bounded b -> b.offset();
            case ByteRange.Suffix s -> total.isPresent() ? s.start(total.getAsLong()) : -1;
            case ByteRange.Whole _ -> 0;
        };
        if (start.isPresent() && expected >= 0 && start.getAsLong() != expected) {
            throw StoreErrors.failure(this, "reading", key, range,
                    "server answered with Content-Range " + response.headers().firstValue("Content-Range").orElse("") + " from " + response.uri());
        }
        long limit = range instanceof ByteRange.Bounded b ? b.length() : range instanceof ByteRange.Suffix s ? s.length() : Long.MAX_VALUE;
        return readUpTo(body, limit, key, range);
    }

    /** A 200 body: the whole object, from which a requested range is cut while reading. */
    private Bytes full(HttpResponse<InputStream> response, InputStream body, Key key, ByteRange range) throws IOException {
        return switch (range) {
            case ByteRange.Whole _ -> readUpTo(body, Long.MAX_VALUE, key, range);
            case ByteRange.FromOffset f -> skipThenRead(body, f.offset(), Long.MAX_VALUE, key, range);
            case ByteRange.Bounded b -> skipThenRead(body, b.offset(), b.length(), key, range);
            case ByteRange.Suffix s -> suffixOfFull(response, body, s, key);
        };
    }

    private Bytes suffixOfFull(HttpResponse<InputStream> response, InputStream body, ByteRange.Suffix s, Key key) throws IOException {
        OptionalLong length = response.headers().firstValueAsLong("Content-Length");
        if (length.isPresent()) {
            return skipThenRead(body, s.start(length.getAsLong()), s.length(), key, s);
        }
        Bytes all = readUpTo(body, Long.MAX_VALUE, key, s);
        long start = s.start(all.size());
        return all.slice(start, all.size() - start);
    }

    private Bytes skipThenRead(InputStream body, long skip, long limit, Key key, ByteRange range) throws IOException {
        try {
            body.skipNBytes(skip);
        } catch (EOFException e) {
            return Bytes.EMPTY; // the offset lies beyond the object's end
        }
        return readUpTo(body, limit, key, range);
    }

    private Bytes readUpTo(InputStream body, long limit, Key key, ByteRange range) throws IOException {
        int max = (int) Math.min(limit, Buffers.MAX_HEAP_ARRAY);
        byte[] data = body.readNBytes(max);
        if (data.length == max && limit > max && body.read() >= 0) {
            throw StoreErrors.failure(this, "reading", key, range, "response bodies above 2 GiB are not supported");
        }
        return Bytes.wrap(data);
    }

    private static OptionalLong contentRangeStart(HttpResponse<?> response) {
        return contentRangePart(response, true);
    }

    private static OptionalLong contentRangeTotal(HttpResponse<?> response) {
        return contentRangePart(response, false);
    }

    /** From {@code bytes a-b/total}: {@code a}, or {@code total} (when not {@code *}). */
    private static OptionalLong contentRangePart(HttpResponse<?> response, boolean start) {
        Optional<String> header = response.headers().firstValue("Content-Range");
        if (header.isEmpty()) {
            return OptionalLong.empty();
        }
        String v = header.get().trim();
        int dash = v.indexOf('-');
        int slash = v.indexOf('/');
        if (!v.regionMatches(true, 0, "bytes ", 0, 6) || dash < 0 || slash < dash) {
            return OptionalLong.empty();
        }
        String part = start ? v.substring(6, dash).trim() : v.substring(slash + 1).trim();
        try {
            return OptionalLong.of(Long.parseLong(part));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    // ---------------------------------------------------------------- requests

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(options.requestTimeout());
        options.headers().forEach(b::header);
        return b;
    }

    private HttpResponse<InputStream> send(HttpRequest request, Key key, ByteRange range) throws StoreException {
        return send(request, HttpResponse.BodyHandlers.ofInputStream(), key, range);
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler, Key key, ByteRange range)
            throws StoreException {
        String action = request.method() + " " + request.uri() + " for";
        try {
            return client.send(request, handler);
        } catch (HttpTimeoutException e) {
            throw StoreErrors.failure(this, action, key, range, "timed out: " + e.getMessage());
        } catch (IOException e) {
            throw StoreErrors.failure(this, action, key, range, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StoreErrors.failure(this, action, key, range, "interrupted");
        }
    }

    private StoreException statusFailure(Key key, ByteRange range, URI uri, int status) {
        return StoreErrors.failure(this, "reading", key, range, "HTTP " + status + " from " + uri);
    }

    private static boolean isZeroLength(ByteRange range) {
        return range instanceof ByteRange.Bounded b && b.length() == 0
                || range instanceof ByteRange.Suffix s && s.length() == 0;
    }

    private static Optional<String> rangeHeader(ByteRange range) {
        return switch (range) {
            case ByteRange.Whole _ -> Optional.empty();
            case ByteRange.FromOffset f -> Optional.of("bytes=" + f.offset() + "-");
            case ByteRange.Bounded b -> Optional.of("bytes=" + b.offset() + "-" + (b.offset() + b.length() - 1));
            case ByteRange.Suffix s -> Optional.of("bytes=-" + s.length());
        };
    }

    // ---------------------------------------------------------------- URIs

    private static String normaliseBase(URI base) {
        Objects.requireNonNull(base, "base");
        String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || base.getRawAuthority() == null) {
            throw new IllegalArgumentException("not an http(s) URL: " + base);
        }
        if (base.getRawQuery() != null || base.getRawFragment() != null) {
            throw new IllegalArgumentException("an HTTP store's base URL must have no query or fragment: " + base);
        }
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        return scheme + "://" + base.getRawAuthority() + (path.endsWith("/") ? path : path + "/");
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private static void appendEncoded(StringBuilder sb, String segment) {
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
    }

    @Override
    public String describe() {
        return base;
    }

    @Override
    public String toString() {
        return describe();
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }
}
