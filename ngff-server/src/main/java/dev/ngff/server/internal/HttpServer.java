package dev.ngff.server.internal;

import dev.ngff.server.Dataset;
import dev.ngff.server.ServerConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.stream.ChunkedWriteHandler;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Netty side of {@link dev.ngff.server.NgffServer}: event loops, the pipeline, and what request
 * handlers share (datasets, limits, the executor for blocking stores). Everything here belongs to one
 * server instance; nothing is global.
 */
public final class HttpServer implements AutoCloseable {
    /** Bytes a connection may have queued for a slow client before the server stops producing more. */
    static final int HIGH_WATER = 256 * 1024;
    static final int LOW_WATER = 64 * 1024;

    final ServerConfig config;
    final Map<String, ObjectSource> sources = new LinkedHashMap<>();
    final RateLimiter rateLimiter;
    /** Open connections that count against the limit (all but loopback's, unless loopback is limited too). */
    final AtomicInteger connections = new AtomicInteger();
    /** All open connections. */
    final AtomicInteger open = new AtomicInteger();
    /** The most connections open at once since the start, whether counted against the limit or not. */
    final AtomicInteger peakConnections = new AtomicInteger();
    final HttpDates dates = new HttpDates();
    /** {@code Access-Control-Allow-Origin} of every response. */
    final io.netty.util.AsciiString corsOrigin;
    /** {@code Cache-Control} of chunks and shards. */
    final io.netty.util.AsciiString chunkCacheControl;
    /** A request target resolved to its dataset and key. */
    record Target(ObjectSource source, dev.ngff.store.Key key) {
    }

    private static final int MAX_TARGETS = 1 << 16;
    /**
     * Request targets (path and query as sent) already resolved, so that a chunk asked for again skips
     * decoding, key validation and the hidden-name check; emptied when it grows past {@link #MAX_TARGETS}.
     */
    final java.util.concurrent.ConcurrentHashMap<String, Target> targets = new java.util.concurrent.ConcurrentHashMap<>();

    void remember(String uri, Target t) {
        if (targets.size() >= MAX_TARGETS) {
            targets.clear();
        }
        targets.put(uri, t);
    }

    /** The most response bytes found queued for one connection after a write (a backpressure gauge). */
    final java.util.concurrent.atomic.AtomicLong peakQueued = new java.util.concurrent.atomic.AtomicLong();
    /** Reads of stores that block (S3, zip): virtual threads owned by this server. */
    final ExecutorService blockingReads;
    final boolean tls;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel serverChannel;
    private final Transports transport;

    private HttpServer(ServerConfig config, List<Dataset> datasets) throws IOException {
        this.config = config;
        for (Dataset d : datasets) {
            if (sources.put(d.name(), ObjectSource.of(d.store())) != null) {
                throw new IllegalArgumentException("two datasets are named '" + d.name() + "'");
            }
        }
        this.rateLimiter = new RateLimiter(config.requestsPerSecondPerClient());
        this.corsOrigin = new io.netty.util.AsciiString(config.corsOrigin());
        this.chunkCacheControl = new io.netty.util.AsciiString((config.requiresAuth() ? "private" : "public") + ", max-age="
                + config.chunkMaxAgeSeconds());
        Optional<SslContext> ssl = sslContext(config);
        this.tls = ssl.isPresent();
        this.transport = Transports.pick();
        this.boss = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        this.workers = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
                transport.ioHandlerFactory());
        this.blockingReads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("ngff-serve-read-", 0).factory());
        HttpServer self = this;
        ServerBootstrap b = new ServerBootstrap();
        transport.tune(b);
        b
                .group(boss, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096) // a reader that connects thousands of times at once (capped by somaxconn)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        if (OpenFiles.outOfDescriptors(cause)) {
                            // accepting failed for want of descriptors: give back cached files; Netty's acceptor
                            // (next in this pipeline) pauses accepting for a second, then the waiting clients get in
                            sources.values().forEach(ObjectSource::shed);
                        }
                        ctx.fireExceptionCaught(cause);
                    }
                })
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(LOW_WATER, HIGH_WATER))
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ChannelPipeline p = ch.pipeline();
                        ssl.ifPresent(s -> p.addLast("tls", s.newHandler(ch.alloc())));
                        p.addLast("http", new HttpServerCodec(8192, config.maxHeaderBytes(), 8192));
                        if (ssl.isPresent()) {
                            p.addLast("chunked", new ChunkedWriteHandler());
                        }
                        p.addLast("serve", new RequestHandler(self));
                    }
                });
        try {
            this.serverChannel = b.bind(new InetSocketAddress(config.bind(), config.port())).sync().channel();
        } catch (Exception e) {
            shutdown();
            throw new IOException("cannot listen on " + config.bind().getHostAddress() + ":" + config.port() + ": "
                    + dev.ngff.error.Causes.describe(e), e);
        }
    }

    /** Starts listening; see {@link dev.ngff.server.NgffServer#start}. */
    public static HttpServer start(ServerConfig config, List<Dataset> datasets) throws IOException {
        return new HttpServer(config, datasets);
    }

    private static Optional<SslContext> sslContext(ServerConfig config) throws IOException {
        if (config.tls().isEmpty()) {
            return Optional.empty();
        }
        ServerConfig.Tls t = config.tls().get();
        try {
            return Optional.of(SslContextBuilder.forServer(t.certificateChain().toFile(), t.privateKey().toFile())
                    .sslProvider(SslProvider.JDK).build());
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("cannot use certificate " + t.certificateChain() + " with key " + t.privateKey()
                    + " (PEM, key in PKCS#8): " + dev.ngff.error.Causes.describe(e), e);
        }
    }

    /** The port listened on. */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** See {@link dev.ngff.server.NgffServer#peakQueuedBytes()}. */
    public long peakQueuedBytes() {
        return peakQueued.get();
    }

    /** See {@link dev.ngff.server.NgffServer#peakConnections()}. */
    public int peakConnections() {
        return peakConnections.get();
    }

    /** "io_uring", "epoll" or "nio". */
    public String transport() {
        return transport.label();
    }

    /** Blocks until the server channel closes. */
    public void awaitClose() throws InterruptedException {
        serverChannel.closeFuture().sync();
    }

    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly();
        }
        shutdown();
    }

    private void shutdown() {
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        blockingReads.shutdownNow();
        sources.values().forEach(ObjectSource::close);
    }
}
