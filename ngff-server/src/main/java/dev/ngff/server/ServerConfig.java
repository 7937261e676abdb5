package dev.ngff.server;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How an {@link NgffServer} listens and whom it serves. Immutable; build one with {@link #builder()}.
 *
 * @param bind the address to listen on (loopback by default)
 * @param port the TCP port; 0 picks a free one (see {@link NgffServer#port()})
 * @param corsOrigin the value of {@code Access-Control-Allow-Origin} on every response: {@code *} or one
 *     origin such as {@code https://hms-dbmi.github.io}
 * @param bearerToken when present, every GET and HEAD must carry {@code Authorization: Bearer TOKEN}
 * @param htpasswd when present, every GET and HEAD must carry HTTP Basic credentials it accepts (a
 *     request passes if either the token or these credentials match)
 * @param allowPublic allow binding beyond loopback without a token or htpasswd
 * @param tls when present, serve HTTPS with this certificate chain and PKCS#8 key (PEM)
 * @param maxConnections open connections beyond this are closed at once
 * @param maxHeaderBytes the largest request head (request line and headers); larger ones get 431
 * @param requestsPerSecondPerClient requests per second one client address may make (bursts up to twice
 *     that); requests beyond it wait until the rate allows them, up to two seconds, and more get 429 with
 *     {@code Retry-After}. 0 for no limit
 * @param limitLoopback whether the connection and rate limits count clients on loopback too. Off by
 *     default: a script on the same machine (zarrita in Node asks for every chunk of an array at once and
 *     opens thousands of connections) is not who the limits protect against, and per-address limits say
 *     nothing behind a proxy on the same machine anyway
 * @param chunkMaxAgeSeconds {@code Cache-Control: max-age} of chunks and shards; metadata is always
 *     {@code no-cache}
 * @param idleTimeout connections with no traffic for this long are closed (a reader that stops reading
 *     included)
 * @param accessLog receives one line per request (remote address, user, time, request line, status,
 *     bytes, milliseconds); called from server threads, so it must be thread-safe
 */
public record ServerConfig(InetAddress bind, int port, String corsOrigin, Optional<String> bearerToken,
                           Optional<Htpasswd> htpasswd, boolean allowPublic, Optional<Tls> tls, int maxConnections,
                           int maxHeaderBytes, int requestsPerSecondPerClient, boolean limitLoopback, int chunkMaxAgeSeconds,
                           Duration idleTimeout, Consumer<String> accessLog) {

    /** A PEM certificate chain and its PKCS#8 PEM private key (unencrypted). */
    public record Tls(Path certificateChain, Path privateKey) {
        public Tls {
            Objects.requireNonNull(certificateChain, "certificateChain");
            Objects.requireNonNull(privateKey, "privateKey");
        }
    }

    /** The access log that keeps nothing (the default): the server does not even make the lines. */
    public static final Consumer<String> NO_ACCESS_LOG = line -> { };

    public ServerConfig {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(corsOrigin, "corsOrigin");
        Objects.requireNonNull(bearerToken, "bearerToken");
        Objects.requireNonNull(htpasswd, "htpasswd");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(accessLog, "accessLog");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not between 0 and 65535");
        }
        if (corsOrigin.isEmpty() || corsOrigin.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new IllegalArgumentException("CORS origin '" + corsOrigin + "' must be '*' or an origin such as https://example.org");
        }
        if (bearerToken.isPresent() && (bearerToken.get().isEmpty()
                || bearerToken.get().chars().anyMatch(c -> c < 0x21 || c > 0x7e))) {
            throw new IllegalArgumentException("the token must be non-empty printable ASCII without spaces");
        }
        if (maxConnections < 1 || maxHeaderBytes < 1024 || requestsPerSecondPerClient < 0 || chunkMaxAgeSeconds < 0) {
            throw new IllegalArgumentException("limits must be positive (connections " + maxConnections + ", header bytes "
                    + maxHeaderBytes + " >= 1024, requests/s " + requestsPerSecondPerClient + ", max-age " + chunkMaxAgeSeconds + ")");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idle timeout must be positive");
        }
    }

    /** True if requests must authenticate. */
    public boolean requiresAuth() {
        return bearerToken.isPresent() || htpasswd.isPresent();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a {@link ServerConfig}; defaults: loopback, port 8000, CORS {@code *}, no auth, no TLS, 1,024
     * connections and 2,000 requests a second per client beyond loopback, 16 KiB request heads.
     */
    public static final class Builder {
        private InetAddress bind = InetAddress.getLoopbackAddress();
        private int port = 8000;
        private String corsOrigin = "*";
        private Optional<String> bearerToken = Optional.empty();
        private Optional<Htpasswd> htpasswd = Optional.empty();
        private boolean allowPublic;
        private Optional<Tls> tls = Optional.empty();
        private int maxConnections = 1024;
        private int maxHeaderBytes = 16 * 1024;
        private int requestsPerSecondPerClient = 2000;
        private boolean limitLoopback;
        private int chunkMaxAgeSeconds = 300;
        private Duration idleTimeout = Duration.ofSeconds(60);
        private Consumer<String> accessLog = NO_ACCESS_LOG;

        private Builder() {
        }

        public Builder bind(InetAddress v) {
            bind = v;
            return this;
        }

        public Builder port(int v) {
            port = v;
            return this;
        }

        public Builder corsOrigin(String v) {
            corsOrigin = v;
            return this;
        }

        public Builder bearerToken(String v) {
            bearerToken = Optional.ofNullable(v);
            return this;
        }

        public Builder htpasswd(Htpasswd v) {
            htpasswd = Optional.ofNullable(v);
            return this;
        }

        public Builder allowPublic(boolean v) {
            allowPublic = v;
            return this;
        }

        public Builder tls(Tls v) {
            tls = Optional.ofNullable(v);
            return this;
        }

        public Builder maxConnections(int v) {
            maxConnections = v;
            return this;
        }

        public Builder maxHeaderBytes(int v) {
            maxHeaderBytes = v;
            return this;
        }

        public Builder requestsPerSecondPerClient(int v) {
            requestsPerSecondPerClient = v;
            return this;
        }

        public Builder limitLoopback(boolean v) {
            limitLoopback = v;
            return this;
        }

        public Builder chunkMaxAgeSeconds(int v) {
            chunkMaxAgeSeconds = v;
            return this;
        }

        public Builder idleTimeout(Duration v) {
            idleTimeout = v;
            return this;
        }

        public Builder accessLog(Consumer<String> v) {
            accessLog = v;
            return this;
        }

        public ServerConfig build() {
            return new ServerConfig(bind, port, corsOrigin, bearerToken, htpasswd, allowPublic, tls, maxConnections,
                    maxHeaderBytes, requestsPerSecondPerClient, limitLoopback, chunkMaxAgeSeconds, idleTimeout, accessLog);
        }
    }
}
