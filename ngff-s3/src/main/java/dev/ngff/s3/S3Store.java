package dev.ngff.s3;

import dev.ngff.buffer.Bytes;
import dev.ngff.error.ConditionalDeleteUnsupportedException;
import dev.ngff.error.StoreException;
import dev.ngff.error.VersionChangedException;
import dev.ngff.s3.internal.Backoff;
import dev.ngff.s3.internal.BodyCollector;
import dev.ngff.s3.internal.CrtClients;
import dev.ngff.s3.internal.InFlightLimit;
import dev.ngff.s3.internal.RangeCoalescer;
import dev.ngff.s3.internal.UploadSweep;
import dev.ngff.store.ByteRange;
import dev.ngff.store.Key;
import dev.ngff.store.ObjectUpload;
import dev.ngff.store.Store;
import dev.ngff.store.Versioned;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A {@link Store} over an S3 bucket (AWS or any S3-compatible server), on the AWS SDK for Java v2 async
 * client. Store key {@code a/b} is object {@code <prefix>/a/b} (see {@link S3Location}).
 *
 * <p><b>Reads.</b> A range becomes one {@code GET} with a {@code Range} header ({@code bytes=a-b},
 * {@code bytes=a-} or {@code bytes=-n}); zero-length ranges and {@link #exists} send a {@code HEAD}.
 * {@code 404 NoSuchKey} is a missing object ({@link Optional#empty()}); {@code 416} means the range starts
 * past the end of an existing object, so the result is empty bytes. {@link #readRanges} groups bounded
 * ranges that lie at most {@link S3Options#coalesceGap()} apart into one request each (up to
 * {@link S3Options#maxCoalescedSize()}), sends the groups in parallel and slices the answers without
 * copying. Every body is checked against its {@code Content-Length} and {@code Content-Range}: a
 * truncated or misplaced body is retried, never returned, and whole-object reads are checked against the
 * checksum the server stored with the object (when it has one; the SDK stores a CRC on upload) and
 * retried on a mismatch; a server that announces more bytes than were
 * asked for is an error, so no response makes this store allocate more than the request could return.
 *
 * <p><b>Writes.</b> Values below {@link S3Options#multipartThreshold()} are one {@code PUT}; larger ones a
 * multipart upload whose parts (slices of the value, not copies) go up in parallel. If any part fails
 * for good, the upload is aborted, so a failed write never leaves a partial object under the key: S3
 * shows an object only once {@code PUT} or {@code CompleteMultipartUpload} succeeds, and then whole.
 *
 * <p><b>Versions.</b> {@link #readVersioned} returns the object's ETag, and
 * {@link #readRanges(Key, List, Optional)} with a version sends {@code If-Match}, so ranges are served
 * only from that version ({@code 412} becomes a {@link VersionChangedException}). The sharding codec
 * uses this to keep a cached shard index tied to the shard it came from.
 *
 * <p><b>Conditional writes.</b> {@link #version} is the ETag; {@link #writeIfAbsent} is a {@code PUT}
 * with {@code If-None-Match: *}, {@link #writeIfVersion} one with {@code If-Match}, and
 * {@link #deleteIfVersion} a {@code DELETE} with {@code If-Match} (refused on servers that ignore that
 * header, which a one-time probe detects). The server decides, so they are atomic across every client
 * of the bucket (on a server whose checks are atomic); {@code 412} and
 * {@code 409 ConditionalRequestConflict} mean the condition was not met. A conditional write whose
 * request was retried, and whose retry was refused, reads the object back: holding exactly our bytes,
 * it was our first attempt that succeeded.
 *
 * <p><b>Consistency.</b> This relies on the strong read-after-write consistency that AWS S3 has
 * guaranteed since December 2020 (and that MinIO and Ceph RGW provide): a read, {@code HEAD} or listing
 * that starts after a write returned sees that write; an overwrite replaces the whole object
 * atomically, so readers see the old or the new value, never a mix; concurrent writers of one key end
 * with the value of whichever request the server completed last. Servers with weaker guarantees weaken
 * these accordingly. Deleting a missing key is not an error. {@link #list} and {@link #listDir} page
 * through {@code ListObjectsV2} and are snapshots only per page; keys that are not valid {@link Key}s
 * (such as console "folder" markers ending in {@code /}) are skipped.
 *
 * <p><b>Limits and failures.</b> At most {@link S3Options#maxRequestsInFlight()} requests and
 * {@link S3Options#maxBytesInFlight()} body bytes are in flight at once; callers block for a slot.
 * Connection failures, timeouts, truncated bodies, {@code 5xx}, {@code 429} and {@code 503 SlowDown} are
 * retried up to {@link S3Options#maxAttempts()} times with exponential backoff and full jitter (the
 * SDK's own retries are off, so one policy applies). Other failures, and retryable ones that outlast
 * the attempts, are {@link StoreException}s naming the store, the key, the byte range and the server's
 * status and error code; they never contain credentials. An interrupted caller gets a
 * {@link StoreException} with its interrupt flag set again.
 *
 * <p>Thread-safe. {@link #close()} closes the client if this store created it.
 */
public final class S3Store implements Store {
    private static final Logger LOG = LoggerFactory.getLogger(S3Store.class);
    private static final long MAX_BODY = Integer.MAX_VALUE - 8;
    private static final int MAX_PARTS = 10_000;
    private static final int DELETE_BATCH = 1000;

    /** Kinds of request, for {@link #requestCounts()}. */
    public enum Op { GET, HEAD, PUT, DELETE, LIST, CREATE_MULTIPART, UPLOAD_PART, COMPLETE_MULTIPART, ABORT_MULTIPART }

    /**
     * Requests sent by this store since it was opened, retries included.
     *
     * @param byOp attempts per kind of request
     * @param retries attempts that were retries of a failed one
     */
    public record RequestCounts(Map<Op, Long> byOp, long retries) {
        public RequestCounts {
            byOp = Map.copyOf(byOp);
        }

        public long of(Op op) {
            return byOp.getOrDefault(op, 0L);
        }

        /** Counts since an earlier snapshot. */
        public RequestCounts minus(RequestCounts earlier) {
            Map<Op, Long> d = new EnumMap<>(Op.class);
            for (Op op : Op.values()) {
                d.put(op, of(op) - earlier.of(op));
            }
            return new RequestCounts(d, retries - earlier.retries);
        }
    }

    private final S3Location location;
    private final S3Options options;
    private final S3AsyncClient client;
    private final boolean ownsClient;
    private final InFlightLimit limit;
    private final Backoff backoff;
    private final Map<Op, LongAdder> counts = new EnumMap<>(Op.class);
    private final LongAdder retries = new LongAdder();
    private final String description;
    /** Uploads asked for per {@code ListMultipartUploads} page ({@code max-uploads}); 0: the server's default (1,000 on S3). */
    private final int uploadListPageSize;

    private S3Store(S3Location location, S3Options options, S3AsyncClient client, boolean ownsClient) {
        this(location, options, client, ownsClient, 0);
    }

    private S3Store(S3Location location, S3Options options, S3AsyncClient client, boolean ownsClient,
            int uploadListPageSize) {
        if (uploadListPageSize < 0 || uploadListPageSize > 1000) {
            throw new IllegalArgumentException("an upload listing page holds 1 to 1000 uploads (0: the server's default), got "
                    + uploadListPageSize);
        }
        this.uploadListPageSize = uploadListPageSize;
        this.location = Objects.requireNonNull(location, "location");
        this.options = Objects.requireNonNull(options, "options");
        this.client = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
        this.limit = new InFlightLimit(options.maxRequestsInFlight(), options.maxBytesInFlight());
        this.backoff = new Backoff(options.baseBackoff(), options.maxBackoff());
        for (Op op : Op.values()) {
            counts.put(op, new LongAdder());
        }
        this.description = location + options.endpoint().map(e -> " at " + S3Options.redact(e)).orElse("");
    }

    /** A store at {@code location} on a client of its own built from {@code options}. */
    public static S3Store open(S3Location location, S3Options options) {
        return new S3Store(location, options, buildClient(options), true);
    }

    /**
     * {@link #open(S3Location, S3Options)} whose upload listings ask for pages of {@code uploadListPageSize}
     * uploads (1 to 1,000; 0 for the server's default). Not API: tests page through a handful of uploads.
     */
    static S3Store open(S3Location location, S3Options options, int uploadListPageSize) {
        S3AsyncClient client = buildClient(options);
        try {
            return new S3Store(location, options, client, true, uploadListPageSize);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /**
     * A store at an {@code s3://bucket/prefix?option=value} URI, with options from the query and the
     * environment (see {@link S3Uris}).
     */
    public static S3Store open(String uri) {
        S3Uris.Parsed p = S3Uris.parse(uri, System.getenv());
        return open(p.location(), p.options());
    }

    /**
     * A store on a caller's client, which {@link #close()} leaves open. Only the limits, coalescing,
     * multipart and retry settings of {@code options} apply; the client should have the SDK's retries off.
     */
    public static S3Store onClient(S3Location location, S3Options options, S3AsyncClient client) {
        return new S3Store(location, options, client, false);
    }

    public S3Location location() {
        return location;
    }

    public S3Options options() {
        return options;
    }

    /** A snapshot of the requests sent so far. */
    public RequestCounts requestCounts() {
        Map<Op, Long> m = new EnumMap<>(Op.class);
        counts.forEach((op, c) -> m.put(op, c.sum()));
        return new RequestCounts(m, retries.sum());
    }

    // ---------------------------------------------------------------- client

    private static S3AsyncClient buildClient(S3Options o) {
        S3AsyncClientBuilder b = S3AsyncClient.builder()
                .region(region(o))
                .forcePathStyle(o.pathStyle())
                .credentialsProvider(o.anonymous() ? AnonymousCredentialsProvider.create()
                        : o.credentials().orElseGet(() -> DefaultCredentialsProvider.builder().build()))
                .overrideConfiguration(c -> c
                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(o.attemptTimeout()));
        o.endpoint().ifPresent(b::endpointOverride);
        Duration idle = o.attemptTimeout().compareTo(Duration.ofSeconds(30)) < 0 ? o.attemptTimeout() : Duration.ofSeconds(30);
        switch (o.httpClient()) {
            case NETTY -> b.httpClientBuilder(NettyNioAsyncHttpClient.builder()
                    .maxConcurrency(o.maxRequestsInFlight())
                    .maxPendingConnectionAcquires(Math.max(10_000, o.maxRequestsInFlight()))
                    .connectionTimeout(o.connectTimeout())
                    .readTimeout(idle)
                    .writeTimeout(idle));
            case CRT -> {
                if (!CrtClients.available()) {
                    throw new IllegalArgumentException("S3 HTTP client CRT needs software.amazon.awssdk:aws-crt-client on the class path");
                }
                b.httpClientBuilder(CrtClients.builder(o.maxRequestsInFlight(), o.connectTimeout()));
            }
        }
        return b.build();
    }

    private static Region region(S3Options o) {
        if (o.region().isPresent()) {
            return Region.of(o.region().get());
        }
        if (o.endpoint().isPresent()) {
            return Region.US_EAST_1; // S3-compatible servers mostly ignore it; don't probe instance metadata
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (RuntimeException e) {
            return Region.US_EAST_1;
        }
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
        return get(key, range, Optional.empty()).map(b -> Bytes.wrap(b.data()));
    }

    /** Reads a range along with the object's ETag. */
    @Override
    public Optional<Versioned> readVersioned(Key key, ByteRange range) throws IOException {
        Objects.requireNonNull(range, "range");
        if (key.isRoot()) {
            return Optional.empty();
        }
        if (isZeroLength(range)) {
            return etag(key).map(e -> new Versioned(Bytes.EMPTY, Optional.of(e)));
        }
        return get(key, range, Optional.empty())
                .map(b -> new Versioned(Bytes.wrap(b.data()), Optional.ofNullable(b.response().eTag())));
    }

    /**
     * The object's bytes in {@code range} (which is not zero-length), or empty if it is missing. With
     * {@code ifMatch}, sends {@code If-Match} and turns {@code 412} into a {@link VersionChangedException}.
     */
    private Optional<BodyCollector.Body> get(Key key, ByteRange range, Optional<String> ifMatch) throws StoreException {
        long most = switch (range) {
            case ByteRange.Bounded b -> Math.min(b.length(), MAX_BODY);
            case ByteRange.Suffix s -> Math.min(s.length(), MAX_BODY);
            default -> MAX_BODY;
        };
        return get(key, range, ifMatch, most, () -> new BodyCollector(most));
    }

    /**
     * {@link #get(Key, ByteRange, Optional)} with the body collected by a fresh {@code collector} per attempt, and
     * {@code most} the largest body the range can return.
     */
    private Optional<BodyCollector.Body> get(Key key, ByteRange range, Optional<String> ifMatch, long most,
                                             Supplier<BodyCollector> collector) throws StoreException {
        GetObjectRequest.Builder rb = GetObjectRequest.builder().bucket(location.bucket()).key(location.objectKey(key));
        rangeHeader(range).ifPresent(rb::range);
        ifMatch.ifPresent(rb::ifMatch);
        if (range instanceof ByteRange.Whole) {
            // whole objects are checked against the checksum stored with them, where the server has one
            rb.checksumMode(ChecksumMode.ENABLED);
        }
        GetObjectRequest request = rb.build();
        long budget = most == MAX_BODY ? options.partSize() : most;
        try {
            BodyCollector.Body body = execute(Op.GET, key, range, budget,
                    () -> client.getObject(request, collector.get()));
            checkPlacement(key, range, body);
            return Optional.of(body);
        } catch (RequestFailed f) {
            if (f.status == 404 && !"NoSuchBucket".equals(f.code)) {
                return Optional.empty();
            }
            if (f.status == 416) {
                return Optional.of(new BodyCollector.Body(null, new byte[0]));
            }
            if (f.status == 412 && ifMatch.isPresent()) {
                throw new VersionChangedException(description + ": '" + key + "' (" + range + ") changed since version "
                        + ifMatch.get() + " was read");
            }
            throw f.toStoreException(this, "reading", key, range);
        }
    }

    /** Rejects a body that does not start where the range asked: returning it would be returning wrong data. */
    private void checkPlacement(Key key, ByteRange range, BodyCollector.Body body) throws StoreException {
        String contentRange = body.response().contentRange();
        if (range instanceof ByteRange.Whole) {
            return;
        }
        if (contentRange == null) {
            // a 200 to a ranged request: only acceptable if it is what the range covers from offset 0
            long start = switch (range) {
                case ByteRange.FromOffset f -> f.offset();
                case ByteRange.Bounded b -> b.offset();
                default -> 0;
            };
            if (start != 0) {
                throw storeFailure("reading", key, range, "server ignored the Range header (answered 200 without Content-Range)");
            }
            return;
        }
        long[] parsed = parseContentRange(contentRange);
        long expectedStart = switch (range) {
            case ByteRange.FromOffset f -> f.offset();
            case ByteRange.Bounded b -> b.offset();
            case ByteRange.Suffix s -> parsed == null || parsed[2] < 0 ? -1 : s.start(parsed[2]);
            case ByteRange.Whole _ -> 0;
        };
        if (parsed == null || expectedStart >= 0 && parsed[0] != expectedStart
                || parsed[1] - parsed[0] + 1 != body.size()) {
            throw storeFailure("reading", key, range, "server answered with Content-Range '" + contentRange
                    + "' and " + body.size() + " bytes, which does not match the request");
        }
    }

    /** {@code bytes a-b/total} as {a, b, total} (total -1 when {@code *}); null if malformed. */
    private static long[] parseContentRange(String v) {
        String s = v.trim();
        if (!s.regionMatches(true, 0, "bytes ", 0, 6)) {
            return null;
        }
        int dash = s.indexOf('-', 6);
        int slash = s.indexOf('/', 6);
        if (dash < 0 || slash < dash) {
            return null;
        }
        try {
            long a = Long.parseLong(s.substring(6, dash).trim());
            long b = Long.parseLong(s.substring(dash + 1, slash).trim());
            String t = s.substring(slash + 1).trim();
            return new long[] {a, b, t.equals("*") ? -1 : Long.parseLong(t)};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public boolean exists(Key key) throws IOException {
        return size(key).isPresent();
    }

    /** The object's size from a {@code HEAD}, or empty if it is missing. */
    @Override
    public OptionalLong size(Key key) throws IOException {
        if (key.isRoot()) {
            return OptionalLong.empty();
        }
        try {
            HeadObjectResponse r = execute(Op.HEAD, key, null, 0, () -> client.headObject(
                    b -> b.bucket(location.bucket()).key(location.objectKey(key))));
            return OptionalLong.of(r.contentLength() == null ? 0 : r.contentLength());
        } catch (RequestFailed f) {
            if (f.status == 404 && !"NoSuchBucket".equals(f.code)) {
                return OptionalLong.empty();
            }
            throw f.toStoreException(this, "checking", key, null);
        }
    }

    /**
     * The object's ETag (a version tag that changes whenever its content does), or empty if it is
     * missing. One {@code HEAD}.
     */
    public Optional<String> etag(Key key) throws IOException {
        if (key.isRoot()) {
            return Optional.empty();
        }
        try {
            HeadObjectResponse r = execute(Op.HEAD, key, null, 0, () -> client.headObject(
                    b -> b.bucket(location.bucket()).key(location.objectKey(key))));
            return Optional.ofNullable(r.eTag());
        } catch (RequestFailed f) {
            if (f.status == 404 && !"NoSuchBucket".equals(f.code)) {
                return Optional.empty();
            }
            throw f.toStoreException(this, "checking", key, null);
        }
    }

    @Override
    public Optional<List<Bytes>> readRanges(Key key, List<ByteRange> ranges) throws IOException {
        return readRanges(key, ranges, Optional.empty());
    }

    /** With a version, every request carries {@code If-Match: <etag>}. */
    @Override
    public Optional<List<Bytes>> readRanges(Key key, List<ByteRange> ranges, Optional<String> ifVersion) throws IOException {
        if (key.isRoot()) {
            return Optional.empty();
        }
        Bytes[] out = new Bytes[ranges.size()];
        List<RangeCoalescer.Wanted> bounded = new ArrayList<>();
        List<Integer> others = new ArrayList<>();
        for (int i = 0; i < ranges.size(); i++) {
            ByteRange r = Objects.requireNonNull(ranges.get(i), "range");
            if (isZeroLength(r)) {
                out[i] = Bytes.EMPTY;
            } else if (r instanceof ByteRange.Bounded b) {
                bounded.add(new RangeCoalescer.Wanted(i, b.offset(), b.length()));
            } else {
                others.add(i);
            }
        }
        List<RangeCoalescer.Group> groups = RangeCoalescer.coalesce(bounded, options.coalesceGap(), options.maxCoalescedSize());
        List<Callable<Boolean>> tasks = new ArrayList<>();
        List<SplitRead> splits = new ArrayList<>();
        for (RangeCoalescer.Group g : groups) {
            if (g.length() > options.readPartSize() && g.length() <= MAX_BODY) {
                splits.add(splitRead(key, g, ifVersion, tasks));
                continue;
            }
            tasks.add(() -> {
                Optional<BodyCollector.Body> data = get(key, ByteRange.of(g.offset(), g.length()), ifVersion);
                if (data.isEmpty()) {
                    return false;
                }
                byte[] d = data.get().data();
                for (RangeCoalescer.Wanted w : g.members()) {
                    long start = w.offset() - g.offset();
                    long available = d.length - start;
                    out[w.index()] = available <= 0 ? Bytes.EMPTY
                            : Bytes.wrap(d, (int) start, (int) Math.min(w.length(), available));
                }
                return true;
            });
        }
        for (int i : others) {
            tasks.add(() -> {
                Optional<BodyCollector.Body> data = get(key, ranges.get(i), ifVersion);
                data.ifPresent(d -> out[i] = Bytes.wrap(d.data()));
                return data.isPresent();
            });
        }
        if (tasks.isEmpty()) {
            Optional<String> now = etag(key);
            if (now.isPresent() && ifVersion.isPresent() && !now.equals(ifVersion)) {
                throw new VersionChangedException(description + ": '" + key + "' changed since version " + ifVersion.get() + " was read");
            }
            return now.isPresent() ? Optional.of(Arrays.asList(out)) : Optional.empty();
        }
        for (boolean present : runAll(tasks, "reading", key)) {
            if (!present) {
                return Optional.empty();
            }
        }
        for (SplitRead split : splits) {
            split.slice(description, key, out);
        }
        return Optional.of(List.of(out));
    }

    /**
     * A coalesced group read as parallel ranged GETs of {@link S3Options#readPartSize()} into one array: adds one
     * task per part to {@code tasks} and returns what assembles the members' slices once they have run.
     */
    private SplitRead splitRead(Key key, RangeCoalescer.Group g, Optional<String> ifVersion, List<Callable<Boolean>> tasks) {
        byte[] block = new byte[(int) g.length()];
        long part = options.readPartSize();
        int parts = (int) ((g.length() + part - 1) / part);
        int[] received = new int[parts];
        for (int k = 0; k < parts; k++) {
            int at = (int) (k * part);
            int length = (int) Math.min(part, g.length() - at);
            int index = k;
            tasks.add(() -> {
                Optional<BodyCollector.Body> got = get(key, ByteRange.of(g.offset() + at, length), ifVersion, length,
                        () -> BodyCollector.into(block, at, length));
                got.ifPresent(b -> received[index] = b.size());
                return got.isPresent();
            });
        }
        return new SplitRead(g, block, part, received);
    }

    /** The array that the parts of one group fill, and how many bytes each part received. */
    private record SplitRead(RangeCoalescer.Group group, byte[] block, long part, int[] received) {
        /**
         * Puts the members' slices in {@code out}. A part that came back short means the object ends there (S3 cuts
         * a range at the end of the object, and answers 416 for one wholly past it); bytes in a later part then mean
         * the object changed between the parts' requests.
         */
        void slice(String store, Key key, Bytes[] out) throws StoreException {
            long valid = 0;
            boolean ended = false;
            for (int k = 0; k < received.length; k++) {
                long asked = Math.min(part, group.length() - k * part);
                if (ended && received[k] > 0) {
                    throw new StoreException(store + ": reading '" + key + "' bytes " + group.offset() + ".."
                            + (group.offset() + group.length()) + " in parts: part " + (k + 1) + " of " + received.length
                            + " returned data after a short part; the object changed during the read");
                }
                valid += received[k];
                ended |= received[k] < asked;
            }
            for (RangeCoalescer.Wanted w : group.members()) {
                long start = w.offset() - group.offset();
                long available = valid - start;
                out[w.index()] = available <= 0 ? Bytes.EMPTY
                        : Bytes.wrap(block, (int) start, (int) Math.min(w.length(), available));
            }
        }
    }

    // ---------------------------------------------------------------- writes

    @Override
    public void write(Key key, Bytes value) throws IOException {
        Objects.requireNonNull(value, "value");
        write(key, List.of(value));
    }

    /**
     * Sends the pieces as they are: one {@code PUT} whose body is the pieces in turn, or, from
     * {@link S3Options#multipartThreshold()} on, a multipart upload whose parts are cut across the
     * pieces (views, not copies), so a shard is never joined into one buffer on its way up.
     */
    @Override
    public void write(Key key, List<Bytes> pieces) throws IOException {
        requireObjectKey(key);
        long size = 0;
        for (Bytes p : pieces) {
            size += Objects.requireNonNull(p, "piece").size();
        }
        if (size >= options.multipartThreshold()) {
            writeMultipart(key, pieces, size);
        } else {
            put(key, pieces, size);
        }
    }

    /** One {@code PUT} of the pieces, {@code size} bytes in all. */
    private void put(Key key, List<Bytes> pieces, long size) throws IOException {
        String objectKey = location.objectKey(key);
        long length = size;
        try {
            execute(Op.PUT, key, null, size, () -> client.putObject(
                    b -> b.bucket(location.bucket()).key(objectKey).contentLength(length),
                    body(pieces)));
        } catch (RequestFailed f) {
            throw f.toStoreException(this, "writing " + size + " bytes to", key, null);
        }
    }

    /** A request body over the pieces, without copying them; fresh for every attempt. */
    private static AsyncRequestBody body(List<Bytes> pieces) {
        if (pieces.size() == 1) {
            return AsyncRequestBody.fromByteBufferUnsafe(pieces.getFirst().asByteBuffer());
        }
        ByteBuffer[] buffers = new ByteBuffer[pieces.size()];
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = pieces.get(i).asByteBuffer();
        }
        return AsyncRequestBody.fromRemainingByteBuffersUnsafe(buffers);
    }

    /** The views of {@code pieces} that cover {@code [from, from + length)} of their concatenation. */
    private static List<Bytes> cut(List<Bytes> pieces, long from, long length) {
        List<Bytes> out = new ArrayList<>();
        long pos = 0;
        for (Bytes p : pieces) {
            long start = Math.max(from, pos);
            long end = Math.min(from + length, pos + p.size());
            if (start < end) {
                out.add(p.slice(start - pos, end - start));
            }
            pos += p.size();
            if (pos >= from + length) {
                break;
            }
        }
        return out;
    }

    /**
     * A whole object as one multipart upload: the streamed upload of {@link #openUpload}, with parts large enough
     * for {@value #MAX_PARTS} of them to hold the object and every part allowed on its way at once (the store's
     * request and byte limits still apply), so both paths share the part sending, retries, lost answers and abort.
     */
    private void writeMultipart(Key key, List<Bytes> pieces, long size) throws IOException {
        long part = Math.max(options.partSize(), (size + MAX_PARTS - 1) / MAX_PARTS);
        if (part > Integer.MAX_VALUE - 8) {
            throw new StoreException(description + ": writing '" + key + "': " + size + " bytes is more than one S3 object can hold");
        }
        int parts = (int) ((size + part - 1) / part);
        try (StreamedUpload upload = new StreamedUpload(key, part, parts)) {
            for (Bytes p : pieces) {
                upload.append(p);
            }
            upload.commit();
        }
    }

    // ---------------------------------------------------------------- streamed uploads

    /** Parts of one streamed upload on their way at once: bounds what an upload holds to about this many parts plus one. */
    static final int PARTS_IN_FLIGHT_PER_UPLOAD = 2;

    /**
     * A streamed object as one multipart upload: appended pieces gather into parts of
     * {@link S3Options#partSize()} (views of the pieces, never copies) and each part goes up as soon as it
     * is full, at most {@value #PARTS_IN_FLIGHT_PER_UPLOAD} at a time per upload and under the store's
     * in-flight limits, each retried by the store's retry policy. The multipart upload starts with the
     * first full part: an object smaller than a part is one {@code PUT} on commit. Commit sends the last
     * (shorter) part and completes the upload; a failure aborts it, so no part lingers and nothing appears.
     */
    @Override
    public ObjectUpload openUpload(Key key) {
        requireObjectKey(key);
        return new StreamedUpload(key, options.partSize(), PARTS_IN_FLIGHT_PER_UPLOAD);
    }

    /** Streamed uploads send parts of {@link S3Options#partSize()} as they fill. */
    @Override
    public OptionalLong uploadPartSize() {
        return OptionalLong.of(options.partSize());
    }

    private final class StreamedUpload implements ObjectUpload {
        private final Key key;
        private final String objectKey;
        private final List<Bytes> current = new ArrayList<>();
        private long currentSize;
        private long appended;
        private String uploadId;
        private int nextPart = 1;
        private final List<CompletedPart> parts = java.util.Collections.synchronizedList(new ArrayList<>());
        private final long partSize;
        private final int partsInFlight;
        private final java.util.concurrent.Semaphore window;
        private final java.util.concurrent.atomic.AtomicLong sending = new java.util.concurrent.atomic.AtomicLong();
        private final java.util.concurrent.atomic.AtomicReference<IOException> partFailure = new java.util.concurrent.atomic.AtomicReference<>();
        private ExecutorService senders;
        private boolean ended;

        StreamedUpload(Key key, long partSize, int partsInFlight) {
            this.key = key;
            this.objectKey = location.objectKey(key);
            this.partSize = partSize;
            this.partsInFlight = partsInFlight;
            this.window = new java.util.concurrent.Semaphore(partsInFlight);
        }

        @Override
        public Key key() {
            return key;
        }

        @Override
        public void append(Bytes piece) throws IOException {
            Objects.requireNonNull(piece, "piece");
            requireOpen();
            if (piece.size() == 0) {
                return;
            }
            current.add(piece);
            currentSize += piece.size();
            appended += piece.size();
            long part = partSize;
            try {
                while (currentSize >= part) {
                    List<Bytes> body = cut(current, 0, part);
                    List<Bytes> rest = cut(current, part, currentSize - part);
                    current.clear();
                    current.addAll(rest);
                    currentSize -= part;
                    sendPart(body, part);
                }
            } catch (IOException | RuntimeException e) {
                abortQuietly(e);
                throw e;
            }
        }

        @Override
        public long appendedBytes() {
            return appended;
        }

        @Override
        public long heldBytes() {
            return ended ? 0 : currentSize + sending.get();
        }

        private void requireOpen() throws IOException {
            if (ended) {
                throw new IllegalStateException(description + ": the upload to '" + key + "' has ended");
            }
            IOException f = partFailure.get();
            if (f != null) {
                abortQuietly(f);
                throw f;
            }
        }

        /** Starts the multipart upload when needed, then sends one part in the background once the window has room. */
        private void sendPart(List<Bytes> body, long length) throws IOException {
            if (uploadId == null) {
                java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
                java.time.Instant started = java.time.Instant.now();
                try {
                    uploadId = execute(Op.CREATE_MULTIPART, key, null, 0, () -> {
                        attempts.incrementAndGet();
                        return client.createMultipartUpload(b -> b.bucket(location.bucket()).key(objectKey));
                    }).uploadId();
                } catch (RequestFailed f) {
                    throw f.toStoreException(S3Store.this, "starting a multipart upload to", key, null);
                }
                if (attempts.get() > 1) {
                    abortStrays(started);
                }
                senders = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("ngff-s3-part-", 0).factory());
            }
            if (nextPart > MAX_PARTS) {
                throw new StoreException(description + ": writing '" + key + "': more than " + MAX_PARTS
                        + " parts of " + length + " bytes; raise the part size");
            }
            int number = nextPart++;
            long offset = appended - currentSize - length;
            ByteRange where = ByteRange.of(offset, length);
            try {
                window.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw storeFailure("uploading part " + number + " of", key, where, "interrupted");
            }
            IOException earlier = partFailure.get();
            if (earlier != null) {
                window.release();
                throw earlier;
            }
            sending.addAndGet(length);
            String id = uploadId;
            senders.execute(() -> {
                try {
                    String etag = execute(Op.UPLOAD_PART, key, where, length, () -> client.uploadPart(
                            b -> b.bucket(location.bucket()).key(objectKey).uploadId(id)
                                    .partNumber(number).contentLength(length),
                            body(body))).eTag();
                    parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                } catch (RequestFailed f) {
                    partFailure.compareAndSet(null, f.toStoreException(S3Store.this, "uploading part " + number + " of", key, where));
                } catch (StoreException | RuntimeException e) {
                    partFailure.compareAndSet(null, e instanceof StoreException se ? se
                            : storeFailure("uploading part " + number + " of", key, where, dev.ngff.error.Causes.describe(e)));
                } finally {
                    sending.addAndGet(-length);
                    window.release();
                }
            });
        }

        /**
         * After a retried create, whose earlier attempt may have started an upload whose answer was lost:
         * aborts the other uploads of this key started since ({@code started}, less a minute for clock
         * skew). Only one writer writes a key at a time (the writer lock), so they are this upload's strays.
         */
        private void abortStrays(java.time.Instant started) {
            java.time.Instant since = started.minusSeconds(60);
            try {
                var listed = execute(Op.LIST, key, null, 0, () -> client.listMultipartUploads(
                        b -> b.bucket(location.bucket()).prefix(objectKey)));
                for (var u : listed.uploads()) {
                    if (u.key().equals(objectKey) && !u.uploadId().equals(uploadId)
                            && (u.initiated() == null || !u.initiated().isBefore(since))) {
                        S3Store.this.abort(key, objectKey, u.uploadId(), new StoreException("stray upload"));
                    }
                }
            } catch (RequestFailed | StoreException e) {
                LOG.debug("{}: listing stray uploads of '{}' failed: {}", description, key, e.getMessage());
            }
        }

        /** Whether the object now under the key is the one these parts complete (S3's multipart ETag: MD5 of the parts' MD5s, dash, count). */
        private boolean completedAs(List<CompletedPart> sorted) {
            try {
                java.security.MessageDigest md5 = java.security.MessageDigest.getInstance("MD5");
                for (CompletedPart p : sorted) {
                    md5.update(java.util.HexFormat.of().parseHex(p.eTag().replace("\"", "")));
                }
                String want = java.util.HexFormat.of().formatHex(md5.digest()) + "-" + sorted.size();
                return etag(key).map(e -> e.replace("\"", "").equals(want)).orElse(false);
            } catch (IOException | RuntimeException | java.security.NoSuchAlgorithmException e) {
                return false;
            }
        }

        /** Waits until every part sent so far has been answered. */
        private void drain() throws IOException {
            try {
                window.acquire(partsInFlight);
                window.release(partsInFlight);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw storeFailure("completing the upload of", key, null, "interrupted");
            }
            IOException f = partFailure.get();
            if (f != null) {
                throw f;
            }
        }

        @Override
        public void commit() throws IOException {
            requireOpen();
            try {
                if (uploadId == null && currentSize < options.multipartThreshold()) {
                    ended = true;
                    put(key, current.isEmpty() ? List.of(Bytes.EMPTY) : List.copyOf(current), currentSize);
                    current.clear();
                    currentSize = 0;
                    return;
                }
                if (currentSize > 0) {
                    List<Bytes> last = List.copyOf(current);
                    long length = currentSize;
                    current.clear();
                    currentSize = 0;
                    sendPart(last, length);
                }
                drain();
                List<CompletedPart> sorted = new ArrayList<>(parts);
                sorted.sort(java.util.Comparator.comparingInt(CompletedPart::partNumber));
                java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
                try {
                    execute(Op.COMPLETE_MULTIPART, key, null, 0, () -> {
                        attempts.incrementAndGet();
                        return client.completeMultipartUpload(b -> b.bucket(location.bucket()).key(objectKey)
                                .uploadId(uploadId).multipartUpload(m -> m.parts(sorted)));
                    });
                } catch (RequestFailed f) {
                    // a retry after an answer lost on its way finds the upload completed and gone
                    if (!(attempts.get() > 1 && f.status == 404 && completedAs(sorted))) {
                        throw f.toStoreException(S3Store.this, "completing the multipart upload of", key, null);
                    }
                }
                ended = true;
                senders.close();
            } catch (IOException | RuntimeException e) {
                abortQuietly(e);
                throw e;
            }
        }

        @Override
        public void abort() throws IOException {
            if (ended) {
                return;
            }
            StoreException failure = new StoreException(description + ": aborting the upload to '" + key + "'");
            abortQuietly(failure);
            if (failure.getSuppressed().length > 0) {
                throw (StoreException) failure.getSuppressed()[0];
            }
        }

        /** Ends the upload: waits for parts on their way, then aborts the multipart upload (failures go to {@code failure}). */
        private void abortQuietly(Exception failure) {
            if (ended) {
                return;
            }
            ended = true;
            current.clear();
            currentSize = 0;
            if (senders != null) {
                senders.close(); // parts still being sent would otherwise land after the abort
            }
            if (uploadId != null) {
                S3Store.this.abort(key, objectKey, uploadId, failure);
            }
        }

        @Override
        public void close() throws IOException {
            abort();
        }
    }

    /** Aborts a failed upload so that its parts neither linger nor ever become an object. */
    private void abort(Key key, String objectKey, String uploadId, Exception failure) {
        boolean interrupted = Thread.interrupted(); // abort even when the failure was an interrupt
        try {
            execute(Op.ABORT_MULTIPART, key, null, 0, () -> client.abortMultipartUpload(
                    b -> b.bucket(location.bucket()).key(objectKey).uploadId(uploadId)));
        } catch (RequestFailed | StoreException e) {
            failure.addSuppressed(new StoreException(description + ": aborting the multipart upload of '" + key
                    + "' failed; its parts may linger until a bucket lifecycle rule removes them: " + e.getMessage()));
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Aborts the multipart uploads open below {@code node} (those a killed writer left; see
     * {@link dev.ngff.store.WritableStore#abortUnfinishedUploads}): pages through
     * {@code ListMultipartUploads} by its key and upload-id markers and sends {@code AbortMultipartUpload}
     * for each upload whose key lies below the node and that {@code abandoned} accepts, each request through
     * the store's retry policy. A listing that took more than one page and aborted something is walked again
     * (at most {@code MAX_ABORT_PASSES}, 10, walks in all), because servers differ in how they
     * resume a page that ended inside one key's uploads (S3Mock skips the rest of that key). An upload that
     * is gone by the time it is aborted ({@code 404 NoSuchUpload}: completed or aborted meanwhile) is not
     * counted. Servers such as MinIO list uploads under a prefix only when the prefix is a whole object key,
     * so when the listing with the node's prefix finds nothing, the bucket's uploads are listed without a
     * prefix and those below the node picked here.
     *
     * @throws StoreException when listing or aborting fails, or when uploads were still being aborted in
     *     the last pass (another writer starting uploads below the node)
     */
    @Override
    public int abortUnfinishedUploads(Key node, java.util.function.Predicate<Key> abandoned) throws IOException {
        Objects.requireNonNull(abandoned, "abandoned");
        String below = location.listPrefix(node);
        return UploadSweep.sweep(below, (prefix, keyMarker, idMarker) -> listUploads(node, prefix, keyMarker, idMarker),
                u -> abortIfAbandoned(u, below, abandoned), MAX_ABORT_PASSES,
                description + ": aborting the unfinished multipart uploads below '" + node + "'");
    }

    /** Passes of {@link #abortUnfinishedUploads} before it gives up. */
    static final int MAX_ABORT_PASSES = 10;

    private UploadSweep.Outcome abortIfAbandoned(UploadSweep.Upload u, String below,
            java.util.function.Predicate<Key> abandoned) throws StoreException {
        if (!u.objectKey().startsWith(below)) {
            return UploadSweep.Outcome.KEPT;
        }
        Optional<Key> key = toKey(u.objectKey());
        if (key.isEmpty() || !abandoned.test(key.get())) {
            return UploadSweep.Outcome.KEPT; // an object key that is no store key is none of our writers'
        }
        try {
            execute(Op.ABORT_MULTIPART, key.get(), null, 0, () -> client.abortMultipartUpload(
                    b -> b.bucket(location.bucket()).key(u.objectKey()).uploadId(u.uploadId())));
            LOG.info("{}: aborted the unfinished multipart upload of '{}' (started {})", description, key.get(),
                    u.initiated());
            return UploadSweep.Outcome.ABORTED;
        } catch (RequestFailed f) {
            if (f.status != 404 || "NoSuchBucket".equals(f.code)) {
                throw f.toStoreException(this, "aborting an unfinished multipart upload of", key.get(), null);
            }
            return UploadSweep.Outcome.GONE;
        }
    }

    /** One page of {@code ListMultipartUploads} with {@code prefix} ("" for the whole bucket), after the markers. */
    private UploadSweep.Page listUploads(Key node, String prefix, String keyMarker, String idMarker) throws StoreException {
        software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse page;
        try {
            page = execute(Op.LIST, node, null, 0, () -> client.listMultipartUploads(b -> {
                b.bucket(location.bucket());
                if (!prefix.isEmpty()) {
                    b.prefix(prefix);
                }
                if (uploadListPageSize > 0) {
                    b.maxUploads(uploadListPageSize);
                }
                if (keyMarker != null) {
                    b.keyMarker(keyMarker);
                    if (idMarker != null) {
                        b.uploadIdMarker(idMarker);
                    }
                }
            }));
        } catch (RequestFailed f) {
            throw f.toStoreException(this, "listing the unfinished multipart uploads below", node, null);
        }
        List<UploadSweep.Upload> uploads = new ArrayList<>(page.uploads().size());
        for (var u : page.uploads()) {
            uploads.add(new UploadSweep.Upload(u.key(), u.uploadId(), u.initiated()));
        }
        return new UploadSweep.Page(uploads, Boolean.TRUE.equals(page.isTruncated()), page.nextKeyMarker(),
                page.nextUploadIdMarker());
    }

    @Override
    public void delete(Key key) throws IOException {
        if (key.isRoot()) {
            return;
        }
        try {
            execute(Op.DELETE, key, null, 0, () -> client.deleteObject(
                    b -> b.bucket(location.bucket()).key(location.objectKey(key))));
        } catch (RequestFailed f) {
            if (f.status == 404 && !"NoSuchBucket".equals(f.code)) {
                return;
            }
            throw f.toStoreException(this, "deleting", key, null);
        }
    }

    // ---------------------------------------------------------------- conditional writes

    /**
     * The object's ETag from a {@code HEAD}. S3 ETags of single-{@code PUT} objects are hashes of their
     * content, so rewriting equal bytes keeps the version: callers that need every write to show (a
     * writer lock's heartbeat) put something that changes, such as a time, into the value.
     */
    @Override
    public Optional<String> version(Key key) throws IOException {
        return etag(key);
    }

    /**
     * One {@code PUT} with {@code If-None-Match: *}: the server creates the object only if none exists.
     * Values go up in one request whatever their size (S3 takes up to 5 GiB in one {@code PUT}).
     */
    @Override
    public Optional<String> writeIfAbsent(Key key, Bytes value) throws IOException {
        requireObjectKey(key);
        Objects.requireNonNull(value, "value");
        return conditionalPut(key, value, "creating", b -> b.ifNoneMatch("*"));
    }

    /** One {@code PUT} with {@code If-Match: <expected>}. */
    @Override
    public Optional<String> writeIfVersion(Key key, Bytes value, String expected) throws IOException {
        requireObjectKey(key);
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(expected, "expected");
        return conditionalPut(key, value, "replacing", b -> b.ifMatch(expected));
    }

    /**
     * A conditional {@code PUT}. {@code 412 PreconditionFailed}, {@code 409 ConditionalRequestConflict}
     * (a concurrent conditional write of the key) and {@code 404} (no object to match) mean the condition
     * was not met. A retried request is ambiguous: the first attempt may have succeeded before its
     * answer was lost, and the retry then fails its own condition. So when a retry is refused the object
     * is read back; if it holds exactly our bytes, the write is taken as ours.
     */
    private Optional<String> conditionalPut(Key key, Bytes value, String action,
            java.util.function.UnaryOperator<software.amazon.awssdk.services.s3.model.PutObjectRequest.Builder> condition)
            throws IOException {
        String objectKey = location.objectKey(key);
        long size = value.size();
        try {
            var r = execute(Op.PUT, key, null, size, () -> client.putObject(
                    b -> condition.apply(b.bucket(location.bucket()).key(objectKey).contentLength(size)), body(List.of(value))));
            return r.eTag() != null ? Optional.of(r.eTag()) : etag(key);
        } catch (RequestFailed f) {
            if (!conditionNotMet(f)) {
                throw f.toStoreException(this, action + " (" + size + " bytes, conditionally)", key, null);
            }
            if (f.attempts > 1) {
                Optional<Versioned> now = readVersioned(key, ByteRange.WHOLE);
                if (now.isPresent() && now.get().bytes().equals(value)) {
                    return now.get().version().isPresent() ? now.get().version() : etag(key);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * {@code DELETE} with {@code If-Match: <expected>}: true when the server deleted the object; false on
     * {@code 412}, {@code 409 ConditionalRequestConflict} or {@code 404}. AWS S3 honours {@code If-Match}
     * on deletes (general purpose buckets since September 2025), as does Ceph RGW; some servers accept
     * the header and ignore it, deleting whatever version is there, which would let a stale caller
     * delete another's object (MinIO as built by {@code scripts/minio.sh} does). So before its first
     * conditional delete a store probes its server once: it writes a scratch object
     * ({@value #PROBE_PREFIX}{@code <uuid>} under the store's prefix), deletes it with a wrong
     * {@code If-Match}, and removes it again. On a server that deleted it anyway, this method refuses
     * with a {@link ConditionalDeleteUnsupportedException} rather than delete unsafely; callers (a writer
     * lock) then mark an object released with {@link #writeIfVersion} instead.
     *
     * @throws ConditionalDeleteUnsupportedException if the server ignores {@code If-Match} on deletes
     * @throws StoreException if the server fails
     */
    @Override
    public boolean deleteIfVersion(Key key, String expected) throws IOException {
        Objects.requireNonNull(expected, "expected");
        if (key.isRoot()) {
            return false;
        }
        if (!serverHonoursConditionalDeletes()) {
            throw new ConditionalDeleteUnsupportedException(description + ": cannot delete '" + key + "' conditionally: the server ignores If-Match"
                    + " on DELETE (it deleted a probe object whose ETag did not match), so a conditional delete would be unsafe");
        }
        try {
            execute(Op.DELETE, key, null, 0, () -> client.deleteObject(
                    b -> b.bucket(location.bucket()).key(location.objectKey(key)).ifMatch(expected)));
            return true;
        } catch (RequestFailed f) {
            if (conditionNotMet(f)) {
                return false;
            }
            throw f.toStoreException(this, "deleting (conditionally)", key, null);
        }
    }

    /** Name prefix of the scratch object that probes whether the server honours If-Match on DELETE. */
    public static final String PROBE_PREFIX = ".ngff-conditional-delete-probe-";

    /** Whether the server honours If-Match on DELETE; null until probed. */
    private volatile Boolean conditionalDeletesHonoured;

    /** Probes once (see {@link #deleteIfVersion}); concurrent first callers may each probe, harmlessly. */
    boolean serverHonoursConditionalDeletes() throws IOException {
        Boolean known = conditionalDeletesHonoured;
        if (known != null) {
            return known;
        }
        Key probe = Key.of(PROBE_PREFIX + java.util.UUID.randomUUID());
        write(probe, Bytes.wrap(new byte[] {'p'}));
        boolean honoured;
        try {
            execute(Op.DELETE, probe, null, 0, () -> client.deleteObject(
                    b -> b.bucket(location.bucket()).key(location.objectKey(probe)).ifMatch("\"00000000000000000000000000000000\"")));
            honoured = false; // it deleted an object whose ETag did not match
        } catch (RequestFailed f) {
            if (f.status != 412) {
                throw f.toStoreException(this, "probing conditional deletes with", probe, null);
            }
            honoured = true;
        } finally {
            delete(probe);
        }
        conditionalDeletesHonoured = honoured;
        return honoured;
    }

    private static boolean conditionNotMet(RequestFailed f) {
        return f.status == 412 || f.status == 409 && "ConditionalRequestConflict".equals(f.code)
                || f.status == 404 && !"NoSuchBucket".equals(f.code);
    }

    /** Deletes with {@code DeleteObjects}, up to 1000 keys per request. */
    @Override
    public void deletePrefix(Key prefix) throws IOException {
        List<Key> keys = list(prefix);
        for (int from = 0; from < keys.size(); from += DELETE_BATCH) {
            List<ObjectIdentifier> batch = new ArrayList<>();
            for (Key k : keys.subList(from, Math.min(keys.size(), from + DELETE_BATCH))) {
                batch.add(ObjectIdentifier.builder().key(location.objectKey(k)).build());
            }
            Delete delete = Delete.builder().objects(batch).quiet(true).build();
            try {
                var r = execute(Op.DELETE, prefix, null, 0, () -> client.deleteObjects(
                        b -> b.bucket(location.bucket()).delete(delete)));
                if (r.hasErrors() && !r.errors().isEmpty()) {
                    var e = r.errors().getFirst();
                    throw storeFailure("deleting below", prefix, null, r.errors().size() + " keys could not be deleted, first '"
                            + e.key() + "': " + e.code() + " " + e.message());
                }
            } catch (RequestFailed f) {
                throw f.toStoreException(this, "deleting below", prefix, null);
            }
        }
    }

    private static void requireObjectKey(Key key) {
        if (key.isRoot()) {
            throw new IllegalArgumentException("the root key names no object");
        }
    }

    // ---------------------------------------------------------------- listings

    @Override
    public List<Key> list(Key prefix) throws IOException {
        List<Key> keys = new ArrayList<>();
        listPages(prefix, null, page -> {
            for (S3Object o : page.contents()) {
                toKey(o.key()).ifPresent(keys::add);
            }
        });
        if (keys.isEmpty() && !prefix.isRoot() && exists(prefix)) {
            return List.of(prefix);
        }
        keys.sort(null);
        return keys;
    }

    @Override
    public Listing listDir(Key prefix) throws IOException {
        List<Key> objects = new ArrayList<>();
        List<Key> prefixes = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        String below = location.listPrefix(prefix);
        listPages(prefix, "/", page -> {
            for (S3Object o : page.contents()) {
                Optional<Key> k = toKey(o.key());
                if (k.isPresent()) {
                    objects.add(k.get());
                } else if (o.key().length() > below.length() && o.key().startsWith(below)) {
                    skipped.add(o.key().substring(below.length()));
                }
            }
            for (CommonPrefix p : page.commonPrefixes()) {
                String s = p.prefix();
                String name = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
                Optional<Key> k = toKey(name);
                if (k.isPresent()) {
                    prefixes.add(k.get());
                } else if (name.length() > below.length() && name.startsWith(below)) {
                    skipped.add(name.substring(below.length()));
                }
            }
        });
        objects.sort(null);
        prefixes.sort(null);
        return new Listing(objects, prefixes, skipped);
    }

    private interface PageHandler {
        void accept(ListObjectsV2Response page);
    }

    private void listPages(Key prefix, String delimiter, PageHandler handler) throws StoreException {
        String listPrefix = location.listPrefix(prefix);
        String token = null;
        do {
            String t = token;
            ListObjectsV2Response page;
            try {
                page = execute(Op.LIST, prefix, null, 0, () -> client.listObjectsV2(b -> {
                    b.bucket(location.bucket()).prefix(listPrefix);
                    if (delimiter != null) {
                        b.delimiter(delimiter);
                    }
                    if (t != null) {
                        b.continuationToken(t);
                    }
                }));
            } catch (RequestFailed f) {
                throw f.toStoreException(this, "listing", prefix, null);
            }
            handler.accept(page);
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
    }

    /** The store key of an object key below the location's prefix, if it is a valid key. */
    private Optional<Key> toKey(String objectKey) {
        String root = location.listPrefix(Key.ROOT);
        if (!objectKey.startsWith(root)) {
            return Optional.empty();
        }
        try {
            Key k = Key.of(objectKey.substring(root.length()));
            return k.isRoot() ? Optional.empty() : Optional.of(k);
        } catch (IllegalArgumentException e) {
            LOG.debug("{}: skipping object key that is no valid store key: {}", description, e.getMessage());
            return Optional.empty();
        }
    }

    // ---------------------------------------------------------------- requests and retries

    /** A request that failed for good, with what the server or the client said. */
    private static final class RequestFailed extends Exception {
        final int status;
        final String code;
        final int attempts;

        RequestFailed(Throwable cause, int attempts) {
            super(summary(cause), cause, false, false);
            this.status = cause instanceof AwsServiceException s ? s.statusCode() : -1;
            this.code = cause instanceof AwsServiceException s && s.awsErrorDetails() != null ? s.awsErrorDetails().errorCode() : null;
            this.attempts = attempts;
        }

        StoreException toStoreException(S3Store store, String action, Key key, ByteRange range) {
            String tries = attempts > 1 ? " after " + attempts + " attempts" : "";
            return new StoreException(store.description + ": " + action + " '" + key + "'"
                    + (range == null ? "" : " (" + range + ")") + " failed" + tries + ": " + getMessage(), getCause());
        }
    }

    private StoreException storeFailure(String action, Key key, ByteRange range, String detail) {
        return new StoreException(description + ": " + action + " '" + key + "'" + (range == null ? "" : " (" + range + ")") + ": " + detail);
    }

    /** What went wrong, in words fit for an error message: status, error code and the server's message. */
    private static String summary(Throwable t) {
        if (t instanceof AwsServiceException s) {
            var d = s.awsErrorDetails();
            String code = d == null ? null : d.errorCode();
            String msg = d == null ? null : d.errorMessage();
            return "HTTP " + s.statusCode() + (code == null ? "" : " " + code) + (msg == null ? "" : ": " + msg);
        }
        if (missingCredentials(t)) {
            // the SDK's own text lists every provider of its chain (about 1,600 characters)
            return "no AWS credentials found; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE),"
                    + " or add ?anonymous=true to the s3:// URI for a public bucket";
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root
                && (root instanceof SdkClientException || root instanceof CompletionException)) {
            root = root.getCause();
        }
        return dev.ngff.error.Causes.describe(root);
    }

    private static boolean missingCredentials(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SdkClientException && c.getMessage() != null
                    && c.getMessage().toLowerCase(Locale.ROOT).contains("unable to load credentials")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs one request with retries under the in-flight limit. Returns the response, or throws
     * {@link RequestFailed} for a failure that is not retryable or outlasted the attempts.
     */
    private <T> T execute(Op op, Key key, ByteRange range, long bodyBytes, Supplier<CompletableFuture<T>> attempt)
            throws RequestFailed, StoreException {
        for (int n = 1; ; n++) {
            Throwable failure;
            try (InFlightLimit.Permit _ = limit.acquire(bodyBytes)) {
                counts.get(op).increment();
                if (n > 1) {
                    retries.increment();
                }
                CompletableFuture<T> f = attempt.get();
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    f.cancel(true);
                    throw e;
                }
            } catch (ExecutionException e) {
                failure = unwrap(e.getCause());
            } catch (CompletionException e) {
                failure = unwrap(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw storeFailure(op + " of", key, range, "interrupted");
            } catch (RuntimeException e) {
                failure = unwrap(e);
            }
            if (!retryable(failure) || n >= options.maxAttempts()) {
                throw new RequestFailed(failure, n);
            }
            Duration wait = backoff.delay(n);
            LOG.debug("{}: {} '{}' attempt {} failed ({}); retrying in {} ms", description, op, key, n, summary(failure), wait.toMillis());
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw storeFailure(op + " of", key, range, "interrupted while waiting to retry after: " + summary(failure));
            }
        }
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static final Set<String> RETRYABLE_CODES = Set.of("SlowDown", "RequestTimeout", "InternalError",
            "ServiceUnavailable", "Throttling", "ThrottlingException", "RequestTimeTooSkewed");

    /** Connection failures, timeouts, truncated bodies, 5xx, 429, 408 and throttling codes. */
    static boolean retryable(Throwable t) {
        if (t instanceof AwsServiceException s) {
            int status = s.statusCode();
            String code = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
            return status >= 500 || status == 429 || status == 408 || code != null && RETRYABLE_CODES.contains(code);
        }
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof BodyCollector.OversizedBodyException) {
                return false;
            }
            if (c instanceof BodyCollector.IncompleteBodyException || c instanceof IOException
                    || c instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
        }
        if (t instanceof SdkClientException e) {
            String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
            return !m.contains("credentials") && !m.contains("unable to marshall");
        }
        return false;
    }

    /** Runs tasks in parallel on virtual threads (inline when there is one); the first failure cancels the rest. */
    private <T> List<T> runAll(List<Callable<T>> tasks, String action, Key key) throws IOException {
        if (tasks.size() == 1) {
            try {
                return List.of(tasks.getFirst().call());
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new StoreException(description + ": " + action + " '" + key + "' failed: " + dev.ngff.error.Causes.describe(e), e);
            }
        }
        List<T> results = new ArrayList<>(tasks.size());
        try (ExecutorService exec = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("ngff-s3-", 0).factory())) {
            List<Future<T>> futures = new ArrayList<>(tasks.size());
            for (Callable<T> t : tasks) {
                futures.add(exec.submit(t));
            }
            try {
                for (Future<T> f : futures) {
                    results.add(f.get());
                }
            } catch (ExecutionException e) {
                exec.shutdownNow();
                Throwable c = e.getCause();
                if (c instanceof IOException io) {
                    throw io;
                }
                if (c instanceof RuntimeException r) {
                    throw r;
                }
                throw new StoreException(description + ": " + action + " '" + key + "' failed: " + c, c);
            } catch (InterruptedException e) {
                exec.shutdownNow();
                Thread.currentThread().interrupt();
                throw storeFailure(action, key, null, "interrupted");
            }
        }
        return results;
    }

    private static boolean isZeroLength(ByteRange range) {
        return range instanceof ByteRange.Bounded b && b.length() == 0
                || range instanceof ByteRange.Suffix s && s.length() == 0;
    }

    private static Optional<String> rangeHeader(ByteRange range) {
        return switch (range) {
            case ByteRange.Whole _ -> Optional.empty();
            case ByteRange.FromOffset f -> Optional.of("bytes=" + f.offset() + "-");
            case ByteRange.Bounded b -> Optional.of("bytes=" + b.offset() + "-" + (b.offset() + Math.min(b.length(), Long.MAX_VALUE - b.offset()) - 1));
            case ByteRange.Suffix s -> Optional.of("bytes=-" + s.length());
        };
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public String toString() {
        return "S3Store[" + description + "]";
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }
}
