package dev.ngff.server;

import dev.ngff.server.internal.HttpServer;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * A running read-only HTTP server: {@code GET} and {@code HEAD} of {@code /NAME/KEY} answer with the
 * object {@code KEY} of the dataset {@code NAME}, as the store holds it at the time of the request (the
 * server caches no metadata, so a dataset being written is served as its writer publishes it, and the
 * engine's writers publish metadata after data). Ranges, validators, CORS, gzip of JSON, limits and the
 * access log follow {@link ServerConfig}; docs/serve.md lists the rules.
 *
 * <p>Thread-safe. {@link #close()} stops listening and closes connections; it does not close the stores.
 */
public final class NgffServer implements AutoCloseable {
    private final HttpServer server;
    private final ServerConfig config;
    private final List<Dataset> datasets;

    private NgffServer(HttpServer server, ServerConfig config, List<Dataset> datasets) {
        this.server = server;
        this.config = config;
        this.datasets = datasets;
    }

    /**
     * Starts listening.
     *
     * @throws IllegalArgumentException if no dataset is given, two share a name, or the address is not
     *     loopback while neither a token nor an htpasswd file is configured and {@code allowPublic} is off
     * @throws IOException if the port cannot be bound or the TLS certificate or key cannot be used
     */
    public static NgffServer start(ServerConfig config, List<Dataset> datasets) throws IOException {
        Objects.requireNonNull(config, "config");
        List<Dataset> copy = List.copyOf(datasets);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("nothing to serve: give at least one dataset");
        }
        if (!config.bind().isLoopbackAddress() && !config.requiresAuth() && !config.allowPublic()) {
            throw new IllegalArgumentException("binding to " + config.bind().getHostAddress() + " (beyond loopback) needs"
                    + " --token or --htpasswd, or --public to serve anyone who can reach it");
        }
        return new NgffServer(HttpServer.start(config, copy), config, copy);
    }

    /** The port listened on (the chosen one when the configuration asked for port 0). */
    public int port() {
        return server.port();
    }

    /**
     * The most response bytes the server has held queued in memory for one connection since it started,
     * found after each piece written: a slow reader makes the server wait instead of buffering, so this stays
     * near the write-buffer high-water mark plus one piece (about 512 KiB) however large the objects. Bytes
     * sent from files with {@code sendfile} are not held and not counted. For monitoring and tests.
     */
    public long peakQueuedBytes() {
        return server.peakQueuedBytes();
    }

    /** The most connections that were open at once since the server started. For monitoring and tests. */
    public int peakConnections() {
        return server.peakConnections();
    }

    /** The event-loop transport in use: "io_uring", "epoll" or "nio". */
    public String transport() {
        return server.transport();
    }

    public List<Dataset> datasets() {
        return datasets;
    }

    /** The base URL of a dataset, ending in '/', such as {@code http://127.0.0.1:8000/image.zarr/}. */
    public URI uri(Dataset dataset) {
        String host = config.bind().isAnyLocalAddress() ? "127.0.0.1" : config.bind().getHostAddress();
        if (config.bind() instanceof Inet6Address && !config.bind().isAnyLocalAddress()) {
            host = "[" + host.replaceFirst("%.*$", "") + "]";
        }
        return URI.create((config.tls().isPresent() ? "https" : "http") + "://" + host + ":" + port() + "/" + dataset.name() + "/");
    }

    /** Blocks until the server is closed (from another thread) or interrupted. */
    public void awaitClose() throws InterruptedException {
        server.awaitClose();
    }

    @Override
    public void close() {
        server.close();
    }
}
