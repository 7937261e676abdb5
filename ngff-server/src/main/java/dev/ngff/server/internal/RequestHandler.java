package dev.ngff.server.internal;

import dev.ngff.buffer.Bytes;
import dev.ngff.error.Causes;
import dev.ngff.server.ServerConfig;
import dev.ngff.store.Key;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.AsciiString;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

/**
 * Serves one connection: one request at a time, in order (pipelined requests wait), and no more bytes
 * are read from the client until the previous response has been written out, so a client that does not
 * read its responses cannot make the server buffer more than one response's worth (and, for streamed
 * bodies, no more than {@link HttpServer#HIGH_WATER} plus one {@link #PIECE}). State is confined to the
 * channel's event loop except while a blocking store read runs on a virtual thread.
 */
final class RequestHandler extends ChannelInboundHandlerAdapter {
    /** Bytes read from a blocking store and written at once; larger bodies are streamed in pieces. */
    static final int PIECE = 256 * 1024;
    /**
     * Bodies of files up to this size are read into a pooled buffer and written with the head (one
     * {@code writev}); larger ones go by {@code sendfile}, whose extra system call and separate TCP push
     * cost more than the copy of a small body.
     */
    static final int SMALL_BODY = 64 * 1024;
    /** JSON larger than this is sent uncompressed. */
    static final long MAX_GZIP = 8L << 20;
    private static final Set<String> METADATA = Set.of("zarr.json", ".zattrs", ".zgroup", ".zarray", ".zmetadata");
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;
    private static final DateTimeFormatter LOG_DATE = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);
    private static final String ALLOW = "GET, HEAD, OPTIONS";
    private static final String ALLOW_HEADERS = "Authorization, Range, If-None-Match, If-Modified-Since, If-Range, Accept-Encoding, Content-Type";
    // header values as AsciiStrings: Netty's encoder copies those as bytes instead of char by char
    private static final AsciiString EXPOSE_HEADERS = AsciiString.cached(
            "Content-Range, Content-Length, Content-Encoding, Accept-Ranges, ETag, Last-Modified");
    private static final AsciiString SERVER_NAME = AsciiString.cached("ngff");
    private static final AsciiString BYTES = AsciiString.cached("bytes");
    private static final AsciiString OCTET_STREAM = AsciiString.cached("application/octet-stream");
    private static final AsciiString JSON = AsciiString.cached("application/json");

    /** Requests a client may send ahead of their responses before the server stops reading from it. */
    static final int MAX_PIPELINED = 16;
    /** Response headers are made here, from known names and values: Netty need not validate them again. */
    private static final DefaultHttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory()
            .withNameValidation(false).withValueValidation(false);

    private final HttpServer server;
    private final ArrayDeque<HttpRequest> pending = new ArrayDeque<>();
    private final Object writability = new Object();
    private boolean busy;
    private boolean admitted;
    /** The client's address (loopback when the transport knows none). */
    private InetAddress client;
    /** Whether this connection counts against the connection and rate limits. */
    private boolean limited;
    private final long idleNanos;
    /** When the connection last read something or finished a response (or a piece of a streamed one). */
    private volatile long lastActivity;

    RequestHandler(HttpServer server) {
        this.server = server;
        this.idleNanos = server.config.idleTimeout().toNanos();
    }

    // ---------------------------------------------------------------- connection life

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        server.peakConnections.accumulateAndGet(server.open.incrementAndGet(), Math::max);
        InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
        client = remote == null ? InetAddress.getLoopbackAddress() : remote.getAddress();
        limited = server.config.limitLoopback() || !client.isLoopbackAddress();
        if (limited && server.connections.incrementAndGet() > server.config.maxConnections()) {
            ctx.close();
            return;
        }
        admitted = true;
        lastActivity = System.nanoTime();
        scheduleIdleCheck(ctx, idleNanos);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        server.open.decrementAndGet();
        if (limited) {
            server.connections.decrementAndGet();
        }
        admitted = false;
        for (HttpRequest r; (r = pending.poll()) != null; ) {
            io.netty.util.ReferenceCountUtil.release(r); // a decoder failure comes as a full request
        }
        synchronized (writability) {
            writability.notifyAll();
        }
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastActivity = System.nanoTime();
        if (!(msg instanceof HttpRequest req) || !admitted) {
            io.netty.util.ReferenceCountUtil.release(msg); // bodies: GET and HEAD have none, other methods get 405
            return;
        }
        pending.add(req);
        if (pending.size() >= MAX_PIPELINED) {
            ctx.channel().config().setAutoRead(false); // read on once the responses drain (done)
        }
        next(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        synchronized (writability) {
            writability.notifyAll();
        }
        super.channelWritabilityChanged(ctx);
    }

    /**
     * Closes the connection once nothing was read and no response finished for the idle timeout (a reader
     * that stopped reading included); checked by one timer per connection, rescheduled for the time left.
     */
    private void scheduleIdleCheck(ChannelHandlerContext ctx, long delayNanos) {
        ctx.executor().schedule(() -> {
            if (!ctx.channel().isActive()) {
                return;
            }
            long left = idleNanos - (System.nanoTime() - lastActivity);
            if (left <= 0) {
                ctx.close();
            } else {
                scheduleIdleCheck(ctx, left);
            }
        }, delayNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a reset by the peer, a TLS failure: nothing to answer
    }

    private void next(ChannelHandlerContext ctx) {
        if (busy || pending.isEmpty()) {
            return;
        }
        busy = true;
        HttpRequest req = pending.poll();
        Exchange x = new Exchange(ctx, req);
        try {
            handle(x);
        } catch (RuntimeException e) {
            x.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error: " + Causes.describe(e));
        }
    }

    /** Runs on the event loop when a response is written out. */
    private void done(ChannelHandlerContext ctx, boolean keepAlive) {
        busy = false;
        lastActivity = System.nanoTime();
        if (!keepAlive || !ctx.channel().isActive()) {
            ctx.close();
            return;
        }
        if (pending.size() < MAX_PIPELINED && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
        next(ctx);
    }

    // ---------------------------------------------------------------- one request

    /** One request and what is known about its response; used by one thread at a time. */
    private final class Exchange {
        final ChannelHandlerContext ctx;
        final String method;
        final String uri;
        final String protocol;
        final HttpHeaders requestHeaders;
        final boolean keepAlive;
        final long startNanos = System.nanoTime();
        String user = "-";
        int status;
        long bodyBytes;

        Exchange(ChannelHandlerContext ctx, HttpRequest req) {
            this.ctx = ctx;
            this.method = req.method().name();
            this.uri = req.uri();
            this.protocol = req.protocolVersion().text();
            this.requestHeaders = req.headers();
            boolean ok = req.decoderResult().isSuccess();
            this.keepAlive = ok && HttpUtil.isKeepAlive(req);
            this.decoderResult = req.decoderResult();
            io.netty.util.ReferenceCountUtil.release(req); // a decoder failure comes as a full request; headers stay readable
        }

        final DecoderResult decoderResult;

        HttpHeaders baseHeaders() {
            HttpHeaders h = HEADERS.newHeaders();
            h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, server.corsOrigin);
            h.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSE_HEADERS);
            if (!server.config.corsOrigin().equals("*")) {
                h.add(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
            }
            h.set(HttpHeaderNames.DATE, server.dates.now());
            h.set(HttpHeaderNames.SERVER, SERVER_NAME);
            if (keepAlive && !protocol.equals("HTTP/1.1")) {
                h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            } else if (!keepAlive) {
                h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            return h;
        }

        /** A response with a short text body (errors) or none (304, 204, HEAD). */
        void send(HttpResponseStatus st, HttpHeaders h, byte[] body, boolean headOnly) {
            status = st.code();
            ByteBuf content = headOnly || body.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body);
            FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, st, content, h, EmptyHttpHeaders.INSTANCE);
            if (!h.contains(HttpHeaderNames.CONTENT_LENGTH) && st.code() != 304 && st.code() != 204) {
                h.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            }
            bodyBytes = content.readableBytes();
            finish(ctx.writeAndFlush(resp));
        }

        void error(HttpResponseStatus st, String message) {
            HttpHeaders h = baseHeaders();
            h.set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            h.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            send(st, h, (message + "\n").getBytes(StandardCharsets.UTF_8), method.equals("HEAD"));
        }

        void finish(ChannelFuture last) {
            last.addListener((ChannelFutureListener) f -> {
                log(f.isSuccess());
                done(ctx, keepAlive && f.isSuccess() && status < 500 && status != 400 && status != 431);
            });
        }

        void log(boolean complete) {
            if (server.config.accessLog() == ServerConfig.NO_ACCESS_LOG) {
                return; // no line is made when none is kept
            }
            InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
            String ip = remote == null ? "-" : remote.getAddress().getHostAddress();
            long ms = (System.nanoTime() - startNanos) / 1_000_000;
            server.config.accessLog().accept(ip + " - " + user + " [" + LOG_DATE.format(ZonedDateTime.now(ZoneOffset.UTC))
                    + "] \"" + Causes.printable(method + " " + uri + " " + protocol) + "\" " + status + " " + bodyBytes + " "
                    + ms + "ms" + (complete ? "" : " aborted"));
        }
    }

    private void handle(Exchange x) {
        if (!x.decoderResult.isSuccess()) {
            Throwable c = x.decoderResult.cause();
            if (c instanceof TooLongHttpHeaderException) {
                x.error(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "request headers exceed " + server.config.maxHeaderBytes() + " bytes");
            } else if (c instanceof TooLongHttpLineException) {
                x.error(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long");
            } else if (c instanceof TooLongFrameException) {
                x.error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "request too large");
            } else {
                x.error(HttpResponseStatus.BAD_REQUEST, "malformed request");
            }
            return;
        }
        if (x.method.equals("OPTIONS")) {
            HttpHeaders h = x.baseHeaders();
            h.set(HttpHeaderNames.ALLOW, ALLOW);
            h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, ALLOW);
            h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, ALLOW_HEADERS);
            h.set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "86400");
            h.set(HttpHeaderNames.CONTENT_LENGTH, "0");
            x.send(HttpResponseStatus.NO_CONTENT, h, new byte[0], true);
            return;
        }
        if (!x.method.equals("GET") && !x.method.equals("HEAD")) {
            HttpHeaders h = x.baseHeaders();
            h.set(HttpHeaderNames.ALLOW, ALLOW);
            h.set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            x.send(HttpResponseStatus.METHOD_NOT_ALLOWED, h, ("this server is read-only: " + ALLOW + "\n")
                    .getBytes(StandardCharsets.UTF_8), false);
            return;
        }
        long wait = limited ? server.rateLimiter.reserve(client, System.nanoTime()) : 0;
        if (wait < 0) {
            HttpHeaders h = x.baseHeaders();
            h.set(HttpHeaderNames.RETRY_AFTER, Long.toString(Math.max(1, (-wait + 999_999_999) / 1_000_000_000)));
            h.set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            x.send(HttpResponseStatus.TOO_MANY_REQUESTS, h, ("more than " + server.config.requestsPerSecondPerClient()
                    + " requests a second\n").getBytes(StandardCharsets.UTF_8), x.method.equals("HEAD"));
            return;
        }
        if (wait > 0) {
            // its turn comes later: the connection answers nothing else meanwhile (requests are served in order)
            x.ctx.executor().schedule(() -> {
                if (!x.ctx.channel().isActive()) {
                    return; // the client left while it waited
                }
                try {
                    serveAdmitted(x);
                } catch (RuntimeException e) {
                    x.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error: " + Causes.describe(e));
                }
            }, wait, java.util.concurrent.TimeUnit.NANOSECONDS);
            return;
        }
        serveAdmitted(x);
    }

    /** A GET or HEAD that the rate limit let through: authentication, then the object. */
    private void serveAdmitted(Exchange x) {
        if (server.config.requiresAuth() && !authenticate(x)) {
            HttpHeaders h = x.baseHeaders();
            if (server.config.bearerToken().isPresent()) {
                h.add(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"ngff\"");
            }
            if (server.config.htpasswd().isPresent()) {
                h.add(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"ngff\", charset=\"UTF-8\"");
            }
            h.set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            x.send(HttpResponseStatus.UNAUTHORIZED, h, "authentication required\n".getBytes(StandardCharsets.UTF_8),
                    x.method.equals("HEAD"));
            return;
        }
        HttpServer.Target target = server.targets.get(x.uri);
        if (target == null) {
            target = resolve(x);
            if (target == null) {
                return; // answered
            }
            server.remember(x.uri, target);
        }
        ObjectSource source = target.source();
        Key key = target.key();
        if (source.blocking()) {
            server.blockingReads.execute(() -> serve(x, source, key));
        } else {
            serve(x, source, key);
        }
    }

    /**
     * The dataset and key a request target names, or null after answering 400 or 404. A pure function of
     * the target (so {@link HttpServer#targets} may keep it).
     */
    private HttpServer.Target resolve(Exchange x) {
        String path;
        try {
            path = new QueryStringDecoder(x.uri).path();
        } catch (IllegalArgumentException e) {
            x.error(HttpResponseStatus.BAD_REQUEST, "malformed percent-encoding in the path");
            return null;
        }
        if (!path.startsWith("/")) {
            x.error(HttpResponseStatus.BAD_REQUEST, "the request target must be a path");
            return null;
        }
        String rest = path.substring(1);
        int slash = rest.indexOf('/');
        ObjectSource source = slash < 0 ? null : server.sources.get(rest.substring(0, slash));
        String keyPath = slash < 0 ? "" : rest.substring(slash + 1);
        if (source == null || keyPath.isEmpty() || keyPath.endsWith("/")) {
            x.error(HttpResponseStatus.NOT_FOUND, "not found (no listings): " + Causes.printable(path));
            return null;
        }
        Key key;
        try {
            key = Key.of(keyPath);
        } catch (IllegalArgumentException e) {
            x.error(HttpResponseStatus.BAD_REQUEST, "invalid key: " + Causes.printable(keyPath));
            return null;
        }
        for (String seg : key.segments()) {
            if (seg.startsWith(".") && !METADATA.contains(seg)) {
                x.error(HttpResponseStatus.NOT_FOUND, "not found: " + Causes.printable(path));
                return null; // hidden files: temp files of writers, lock files, dot-directories
            }
        }
        return new HttpServer.Target(source, key);
    }

    private boolean authenticate(Exchange x) {
        String auth = x.requestHeaders.get(HttpHeaderNames.AUTHORIZATION);
        if (auth == null) {
            return false;
        }
        if (auth.regionMatches(true, 0, "Bearer ", 0, 7) && server.config.bearerToken().isPresent()) {
            byte[] given = auth.substring(7).strip().getBytes(StandardCharsets.UTF_8);
            return MessageDigest.isEqual(given, server.config.bearerToken().get().getBytes(StandardCharsets.UTF_8));
        }
        if (auth.regionMatches(true, 0, "Basic ", 0, 6) && server.config.htpasswd().isPresent()) {
            try {
                String pair = new String(Base64.getDecoder().decode(auth.substring(6).strip()), StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                if (colon > 0 && server.config.htpasswd().get().accepts(pair.substring(0, colon), pair.substring(colon + 1))) {
                    x.user = Causes.printable(pair.substring(0, colon));
                    return true;
                }
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- objects

    private void serve(Exchange x, ObjectSource source, Key key) {
        Optional<ServedObject> opened;
        try {
            opened = source.open(key);
        } catch (IOException | RuntimeException e) {
            x.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, Causes.describe(e));
            return;
        }
        if (opened.isEmpty()) {
            x.error(HttpResponseStatus.NOT_FOUND, "not found: " + Causes.printable(x.uri));
            return;
        }
        ServedObject obj = opened.get();
        try {
            respond(x, source, key, obj);
        } catch (IOException | RuntimeException e) {
            if (x.status == 0) {
                x.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, Causes.describe(e));
            } else {
                x.ctx.close(); // the head is out: cut the body short so the client sees a short read
            }
        } finally {
            obj.close();
        }
    }

    private void respond(Exchange x, ObjectSource source, Key key, ServedObject obj) throws IOException {
        long length = obj.length();
        boolean head = x.method.equals("HEAD");
        boolean json = METADATA.contains(key.name());
        String rangeHeader = x.requestHeaders.get(HttpHeaderNames.RANGE);
        Optional<String> tag = obj.etag();
        Optional<Instant> modified = obj.lastModified();
        if (rangeHeader != null && x.requestHeaders.contains(HttpHeaderNames.IF_RANGE)
                && !ifRangeMatches(x.requestHeaders.get(HttpHeaderNames.IF_RANGE), tag, modified)) {
            rangeHeader = null; // the client's copy is stale: send the whole object
        }
        boolean gzip = json && rangeHeader == null && length <= MAX_GZIP && acceptsGzip(x.requestHeaders);
        Optional<String> etag = tag.map(t -> "\"" + t + (gzip ? "-gz" : "") + "\"");

        HttpHeaders h = x.baseHeaders();
        h.set(HttpHeaderNames.ACCEPT_RANGES, BYTES);
        h.set(HttpHeaderNames.CONTENT_TYPE, json ? JSON : OCTET_STREAM);
        h.set(HttpHeaderNames.CACHE_CONTROL, json ? HttpHeaderValues.NO_CACHE : server.chunkCacheControl);
        if (json) {
            h.add(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING);
        }
        etag.ifPresent(e -> h.set(HttpHeaderNames.ETAG, e));
        obj.lastModifiedText().ifPresent(m -> h.set(HttpHeaderNames.LAST_MODIFIED, m));

        if (notModified(x.requestHeaders, etag, modified)) {
            x.send(HttpResponseStatus.NOT_MODIFIED, h, new byte[0], true);
            return;
        }
        RangeRequest range = RangeRequest.parse(rangeHeader, length);
        if (range instanceof RangeRequest.Unsatisfiable) {
            h.set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + length);
            h.set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            x.send(HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE, h,
                    ("range " + Causes.printable(rangeHeader) + " lies past the end of the " + length + " bytes of "
                            + key + "\n").getBytes(StandardCharsets.UTF_8), head);
            return;
        }
        if (range instanceof RangeRequest.Parts parts) {
            sendParts(x, obj, h, parts, length, head);
            return;
        }
        long start = 0;
        long end = length;
        HttpResponseStatus st = HttpResponseStatus.OK;
        if (range instanceof RangeRequest.Part p) {
            start = p.start();
            end = p.end();
            st = HttpResponseStatus.PARTIAL_CONTENT;
            h.set(HttpHeaderNames.CONTENT_RANGE, "bytes " + start + "-" + (end - 1) + "/" + length);
        }
        if (gzip) {
            byte[] packed = gzip(obj.read(0, length));
            h.set(HttpHeaderNames.CONTENT_ENCODING, HttpHeaderValues.GZIP);
            h.setInt(HttpHeaderNames.CONTENT_LENGTH, packed.length);
            x.send(st, h, packed, head);
            return;
        }
        long count = end - start;
        h.set(HttpHeaderNames.CONTENT_LENGTH, Long.toString(count));
        if (head || count == 0) {
            x.send(st, h, new byte[0], true);
            return;
        }
        if (!source.blocking() && count <= SMALL_BODY) {
            ByteBuf body = x.ctx.alloc().directBuffer((int) count);
            try {
                obj.readInto(body, start, end);
            } catch (IOException | RuntimeException e) {
                body.release();
                throw e;
            }
            x.status = st.code();
            x.bodyBytes = count;
            x.finish(x.ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, st, body, h, EmptyHttpHeaders.INSTANCE)));
            return;
        }
        if (!source.blocking()) {
            Optional<Object> region = obj.transferable(start, end, server.tls);
            if (region.isPresent()) {
                x.status = st.code();
                x.bodyBytes = count;
                x.ctx.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, st, h));
                x.ctx.write(region.get());
                x.finish(x.ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT));
                return;
            }
        }
        if (count <= PIECE) {
            Bytes b = obj.read(start, end);
            x.status = st.code();
            x.bodyBytes = count;
            FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, st, wrap(b), h, EmptyHttpHeaders.INSTANCE);
            x.finish(x.ctx.writeAndFlush(resp));
            return;
        }
        stream(x, obj, st, h, start, end);
    }

    /**
     * Several ranges as one {@code multipart/byteranges} body (RFC 9110 14.6), made in memory: {@link RangeRequest}
     * bounds its size.
     */
    private static void sendParts(Exchange x, ServedObject obj, HttpHeaders h, RangeRequest.Parts parts, long length,
                                  boolean head) throws IOException {
        String boundary = "ngff-" + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() >>> 1);
        String partType = h.get(HttpHeaderNames.CONTENT_TYPE);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (RangeRequest.Part p : parts.parts()) {
            body.write(("\r\n--" + boundary + "\r\nContent-Type: " + partType + "\r\nContent-Range: bytes " + p.start() + "-"
                    + (p.end() - 1) + "/" + length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            if (!head) {
                body.write(obj.read(p.start(), p.end()).toArrayUnsafe());
            } else {
                body.write(new byte[Math.toIntExact(p.end() - p.start())]); // HEAD: the length GET would send
            }
        }
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        byte[] bytes = body.toByteArray();
        h.set(HttpHeaderNames.CONTENT_TYPE, "multipart/byteranges; boundary=" + boundary);
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        x.send(HttpResponseStatus.PARTIAL_CONTENT, h, bytes, head);
    }

    /** Writes a large body piece by piece, waiting while the client is slower than the store. */
    private void stream(Exchange x, ServedObject obj, HttpResponseStatus st, HttpHeaders h, long start, long end)
            throws IOException {
        Bytes first = obj.read(start, Math.min(end, start + PIECE));
        x.status = st.code();
        x.bodyBytes = end - start;
        x.ctx.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, st, h));
        x.ctx.writeAndFlush(new DefaultHttpContent(wrap(first)));
        notePending(x);
        for (long pos = start + first.size(); pos < end; ) {
            if (!awaitWritable(x)) {
                x.ctx.close();
                return;
            }
            lastActivity = System.nanoTime();
            long to = Math.min(end, pos + PIECE);
            Bytes piece = obj.read(pos, to);
            x.ctx.writeAndFlush(new DefaultHttpContent(wrap(piece)));
            notePending(x);
            pos = to;
        }
        x.finish(x.ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT));
    }

    private void notePending(Exchange x) {
        io.netty.channel.Channel ch = x.ctx.channel();
        // the queue's size from the distances to the water marks (Netty keeps the size itself private)
        long unwritable = ch.bytesBeforeUnwritable();
        long queued = unwritable > 0 ? HttpServer.HIGH_WATER + 1 - unwritable : HttpServer.LOW_WATER - 1 + ch.bytesBeforeWritable();
        server.peakQueued.accumulateAndGet(queued, Math::max);
    }

    private boolean awaitWritable(Exchange x) throws IOException {
        synchronized (writability) {
            while (x.ctx.channel().isActive() && !x.ctx.channel().isWritable()) {
                try {
                    writability.wait(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while sending " + x.uri, e);
                }
            }
            return x.ctx.channel().isActive();
        }
    }

    private static ByteBuf wrap(Bytes b) {
        return Unpooled.wrappedBuffer(b.asByteBuffer());
    }

    // ---------------------------------------------------------------- HTTP rules

    private static boolean acceptsGzip(HttpHeaders h) {
        String ae = h.get(HttpHeaderNames.ACCEPT_ENCODING);
        if (ae == null) {
            return false;
        }
        for (String part : ae.split(",")) {
            String[] p = part.strip().split(";");
            if (p[0].strip().equalsIgnoreCase("gzip")) {
                return p.length < 2 || !p[1].replace(" ", "").matches("q=0(\\.0*)?");
            }
        }
        return false;
    }

    private static byte[] gzip(Bytes b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(b.size() / 3 + 64, 1 << 20));
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(b.toArrayUnsafe());
        }
        return out.toByteArray();
    }

    /** RFC 9110 13.1.2 and 13.1.3: If-None-Match (weak comparison) wins over If-Modified-Since. */
    static boolean notModified(HttpHeaders h, Optional<String> etag, Optional<Instant> modified) {
        String inm = h.get(HttpHeaderNames.IF_NONE_MATCH);
        if (inm != null) {
            if (inm.strip().equals("*")) {
                return true;
            }
            if (etag.isEmpty()) {
                return false;
            }
            String mine = opaque(etag.get());
            for (String t : inm.split(",")) {
                if (opaque(t.strip()).equals(mine)) {
                    return true;
                }
            }
            return false;
        }
        String ims = h.get(HttpHeaderNames.IF_MODIFIED_SINCE);
        if (ims != null && modified.isPresent()) {
            try {
                Instant since = ZonedDateTime.parse(ims.strip(), HTTP_DATE).toInstant();
                return modified.get().getEpochSecond() <= since.getEpochSecond();
            } catch (DateTimeParseException e) {
                return false;
            }
        }
        return false;
    }

    private static boolean ifRangeMatches(String ifRange, Optional<String> tag, Optional<Instant> modified) {
        String v = ifRange.strip();
        if (v.startsWith("\"")) {
            return tag.isPresent() && v.equals("\"" + tag.get() + "\""); // strong comparison
        }
        if (v.startsWith("W/")) {
            return false;
        }
        try {
            Instant date = ZonedDateTime.parse(v, HTTP_DATE).toInstant();
            return modified.isPresent() && modified.get().getEpochSecond() == date.getEpochSecond();
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static String opaque(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }
}
