package dev.ngff.s3;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How an {@link S3Store} reaches its server and how hard it may push it. Immutable; build with
 * {@link #builder()} or start from {@link #defaults()}. {@link #toString()} never shows credentials.
 *
 * @param endpoint server to talk to instead of AWS (MinIO, Ceph, a local test server); empty for AWS
 * @param region signing region; empty for the SDK's region chain ({@code AWS_REGION}, profile, instance
 *     metadata), falling back to {@code us-east-1}
 * @param pathStyle address buckets as {@code endpoint/bucket/key} rather than {@code bucket.endpoint/key}
 * @param anonymous send unsigned requests (public buckets); no credentials are looked up
 * @param credentials credentials to sign with; empty for the SDK's default chain (environment, system
 *     properties, profile, container and instance metadata)
 * @param httpClient which SDK HTTP client carries the requests
 * @param maxRequestsInFlight most requests this store has open at once
 * @param maxBytesInFlight most body bytes (uploads being sent plus ranged downloads being received)
 *     this store has in flight at once; a single request larger than this runs alone
 * @param multipartThreshold values of at least this many bytes are written with a multipart upload
 * @param partSize size of each part of a multipart upload (at least 5 MiB, as S3 requires)
 * @param coalesceGap ranges of one object that lie at most this many bytes apart are read with one request
 * @param maxCoalescedSize a coalesced request never spans more than this many bytes
 * @param readPartSize a ranged read longer than this (after coalescing) goes out as parallel ranged
 *     {@code GET}s of this many bytes into one buffer, for servers where one connection carries a large body
 *     at a fraction of what the server serves to several; whole-object and suffix reads are not split
 * @param maxAttempts attempts per request, the first included, before a retryable failure is reported
 * @param baseBackoff the first retry waits a random time up to this; each later one up to twice the last
 * @param maxBackoff the most any one retry waits
 * @param connectTimeout limit for opening a connection
 * @param attemptTimeout limit for one attempt of one request, body included
 */
public record S3Options(
        Optional<URI> endpoint,
        Optional<String> region,
        boolean pathStyle,
        boolean anonymous,
        Optional<AwsCredentialsProvider> credentials,
        HttpClientKind httpClient,
        int maxRequestsInFlight,
        long maxBytesInFlight,
        long multipartThreshold,
        long partSize,
        long coalesceGap,
        long maxCoalescedSize,
        long readPartSize,
        int maxAttempts,
        Duration baseBackoff,
        Duration maxBackoff,
        Duration connectTimeout,
        Duration attemptTimeout) {

    /** The SDK HTTP clients an S3 store can use. */
    public enum HttpClientKind {
        /** {@code NettyNioAsyncHttpClient}: pure Java, always available. */
        NETTY,
        /** {@code AwsCrtAsyncHttpClient}: the AWS Common Runtime (native); needs {@code aws-crt-client} on the path. */
        CRT
    }

    static final long MIN_PART_SIZE = 5L << 20;

    /**
     * The default {@link #readPartSize()}: 16 MiB, the default {@link #maxCoalescedSize()}, so coalesced requests
     * are not split by default. Measured 2026-12-07 on loopback MinIO (2 cores, 1024^3 sharded read-all, 7 MiB
     * shard bodies): parts of 1, 2 and 4 MiB were no faster than whole bodies (1 MiB 23% slower); a smaller value
     * is for stores where one connection is slow (high latency, per-connection throttling).
     */
    public static final long DEFAULT_READ_PART_SIZE = 16L << 20;

    public S3Options {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(httpClient, "httpClient");
        Objects.requireNonNull(baseBackoff, "baseBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(attemptTimeout, "attemptTimeout");
        endpoint.ifPresent(S3Options::checkEndpoint);
        if (anonymous && credentials.isPresent()) {
            throw new IllegalArgumentException("S3 options: anonymous access and explicit credentials exclude each other");
        }
        positive("maxRequestsInFlight", maxRequestsInFlight);
        positive("maxBytesInFlight", maxBytesInFlight);
        positive("maxAttempts", maxAttempts);
        positive("maxCoalescedSize", maxCoalescedSize);
        positive("readPartSize", readPartSize);
        if (coalesceGap < 0) {
            throw new IllegalArgumentException("S3 options: coalesceGap must not be negative, got " + coalesceGap);
        }
        if (partSize < MIN_PART_SIZE || partSize > (1L << 31) - 1) {
            throw new IllegalArgumentException("S3 options: partSize must lie between 5 MiB and 2 GiB, got " + partSize);
        }
        if (multipartThreshold < partSize) {
            throw new IllegalArgumentException("S3 options: multipartThreshold (" + multipartThreshold
                    + ") must be at least partSize (" + partSize + ")");
        }
        if (baseBackoff.isNegative() || maxBackoff.compareTo(baseBackoff) < 0) {
            throw new IllegalArgumentException("S3 options: need 0 <= baseBackoff <= maxBackoff");
        }
        if (!connectTimeout.isPositive() || !attemptTimeout.isPositive()) {
            throw new IllegalArgumentException("S3 options: timeouts must be positive");
        }
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException("S3 options: " + name + " must be positive, got " + value);
        }
    }

    private static void checkEndpoint(URI uri) {
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("S3 endpoint must be an http(s) URL with a host, got '" + redact(uri) + "'");
        }
        if (uri.getUserInfo() != null) {
            throw new IllegalArgumentException("S3 endpoint must not carry credentials in the URL: '" + redact(uri) + "'");
        }
    }

    /** A URL without its user-info part, for messages. */
    static String redact(URI uri) {
        if (uri.getRawUserInfo() == null) {
            return uri.toString();
        }
        return uri.toString().replace(uri.getRawUserInfo() + "@", "***@");
    }

    /**
     * AWS, region from the SDK chain, virtual-host addressing, default credentials, Netty, 64 requests and
     * 256 MiB in flight, multipart from 16 MiB in 8 MiB parts, ranges coalesced across gaps up to 256 KiB
     * into requests up to 16 MiB, ranged reads above 16 MiB fetched as parallel 16 MiB parts, 8 attempts with backoff from 50 ms up to 5 s, 10 s to connect, 120 s per attempt.
     */
    public static S3Options defaults() {
        return new S3Options(Optional.empty(), Optional.empty(), false, false, Optional.empty(), HttpClientKind.NETTY,
                64, 256L << 20, 16L << 20, 8L << 20, 256L << 10, 16L << 20, DEFAULT_READ_PART_SIZE,
                8, Duration.ofMillis(50), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(120));
    }

    public static Builder builder() {
        return new Builder(defaults());
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    @Override
    public String toString() {
        return "S3Options[endpoint=" + endpoint.map(S3Options::redact).orElse("aws") + ", region=" + region.orElse("(chain)")
                + ", pathStyle=" + pathStyle + ", anonymous=" + anonymous
                + ", credentials=" + (anonymous ? "none" : credentials.isPresent() ? "explicit" : "default chain")
                + ", httpClient=" + httpClient + ", maxRequestsInFlight=" + maxRequestsInFlight
                + ", maxBytesInFlight=" + maxBytesInFlight + ", multipartThreshold=" + multipartThreshold
                + ", partSize=" + partSize + ", coalesceGap=" + coalesceGap + ", maxCoalescedSize=" + maxCoalescedSize
                + ", readPartSize=" + readPartSize
                + ", maxAttempts=" + maxAttempts + ", backoff=" + baseBackoff + ".." + maxBackoff
                + ", connectTimeout=" + connectTimeout + ", attemptTimeout=" + attemptTimeout + "]";
    }

    /** Mutable builder of {@link S3Options}; validation happens in {@link #build()}. */
    public static final class Builder {
        private Optional<URI> endpoint;
        private Optional<String> region;
        private boolean pathStyle;
        private boolean anonymous;
        private Optional<AwsCredentialsProvider> credentials;
        private HttpClientKind httpClient;
        private int maxRequestsInFlight;
        private long maxBytesInFlight;
        private long multipartThreshold;
        private long partSize;
        private long coalesceGap;
        private long maxCoalescedSize;
        private long readPartSize;
        private int maxAttempts;
        private Duration baseBackoff;
        private Duration maxBackoff;
        private Duration connectTimeout;
        private Duration attemptTimeout;

        private Builder(S3Options o) {
            endpoint = o.endpoint;
            region = o.region;
            pathStyle = o.pathStyle;
            anonymous = o.anonymous;
            credentials = o.credentials;
            httpClient = o.httpClient;
            maxRequestsInFlight = o.maxRequestsInFlight;
            maxBytesInFlight = o.maxBytesInFlight;
            multipartThreshold = o.multipartThreshold;
            partSize = o.partSize;
            coalesceGap = o.coalesceGap;
            maxCoalescedSize = o.maxCoalescedSize;
            readPartSize = o.readPartSize;
            maxAttempts = o.maxAttempts;
            baseBackoff = o.baseBackoff;
            maxBackoff = o.maxBackoff;
            connectTimeout = o.connectTimeout;
            attemptTimeout = o.attemptTimeout;
        }

        public Builder endpoint(URI value) {
            endpoint = Optional.ofNullable(value);
            return this;
        }

        public Builder region(String value) {
            region = Optional.ofNullable(value);
            return this;
        }

        public Builder pathStyle(boolean value) {
            pathStyle = value;
            return this;
        }

        public Builder anonymous(boolean value) {
            anonymous = value;
            return this;
        }

        public Builder credentials(AwsCredentialsProvider value) {
            credentials = Optional.ofNullable(value);
            return this;
        }

        public Builder httpClient(HttpClientKind value) {
            httpClient = value;
            return this;
        }

        public Builder maxRequestsInFlight(int value) {
            maxRequestsInFlight = value;
            return this;
        }

        public Builder maxBytesInFlight(long value) {
            maxBytesInFlight = value;
            return this;
        }

        /** Multipart threshold and part size together. */
        public Builder multipart(long threshold, long part) {
            multipartThreshold = threshold;
            partSize = part;
            return this;
        }

        /** Coalescing gap and the largest coalesced request. */
        public Builder coalescing(long gap, long maxSize) {
            coalesceGap = gap;
            maxCoalescedSize = maxSize;
            return this;
        }

        /** Ranged reads longer than this go out as parallel ranged GETs of this size. */
        public Builder readPartSize(long value) {
            readPartSize = value;
            return this;
        }

        /** Attempts per request and the backoff range between them. */
        public Builder retries(int attempts, Duration base, Duration max) {
            maxAttempts = attempts;
            baseBackoff = base;
            maxBackoff = max;
            return this;
        }

        public Builder timeouts(Duration connect, Duration attempt) {
            connectTimeout = connect;
            attemptTimeout = attempt;
            return this;
        }

        public S3Options build() {
            return new S3Options(endpoint, region, pathStyle, anonymous, credentials, httpClient, maxRequestsInFlight,
                    maxBytesInFlight, multipartThreshold, partSize, coalesceGap, maxCoalescedSize, readPartSize, maxAttempts,
                    baseBackoff, maxBackoff, connectTimeout, attemptTimeout);
        }
    }
}
