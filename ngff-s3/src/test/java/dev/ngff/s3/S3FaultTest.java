package dev.ngff.s3;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ngff.buffer.Bytes;
import dev.ngff.error.StoreException;
import dev.ngff.s3.FaultProxy.Fault;
import dev.ngff.store.ByteRange;
import dev.ngff.store.Key;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Retries and data integrity through {@link FaultProxy}, between the store and a real S3 server: dropped
 * and reset connections, 503 SlowDown, 500, truncated bodies. Nothing corrupt is ever returned as data,
 * failed writes leave nothing under the key, and no message or log line carries the credentials.
 */
class S3FaultTest {
    private FaultProxy proxy;
    private S3Store direct;
    private S3Location location;

    @BeforeEach
    void start() throws Exception {
        proxy = new FaultProxy(S3TestServer.endpoint());
        location = S3TestServer.freshLocation();
        direct = S3Store.open(location, S3TestServer.options().build());
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        direct.close();
    }

    private S3Store viaProxy(int attempts) {
        return S3Store.open(location, S3TestServer.options(proxy.endpoint())
                .retries(attempts, Duration.ofMillis(1), Duration.ofMillis(20))
                .multipart(5L << 20, 5L << 20)
                .build());
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Fails the first {@code times} attempts of every distinct request with {@code fault}. */
    private static java.util.function.Function<FaultProxy.Request, Fault> firstAttempts(int times, Fault fault) {
        ConcurrentHashMap<String, AtomicInteger> tries = new ConcurrentHashMap<>();
        return r -> tries.computeIfAbsent(r.method() + " " + r.target() + " " + r.range(), k -> new AtomicInteger()).incrementAndGet() <= times
                ? fault : Fault.NONE;
    }

    @Test
    void everyKindOfTransientFaultIsRetriedAndTheDataIsExact() throws Exception {
        byte[] data = random(200_000, 1);
        direct.write(Key.of("a/obj"), Bytes.wrap(data));
        for (Fault fault : List.of(Fault.DROP, Fault.RESET, Fault.SLOW_DOWN, Fault.INTERNAL_ERROR, Fault.TRUNCATE)) {
            try (S3Store s = viaProxy(4)) {
                proxy.policy(firstAttempts(2, fault));
                assertThat(s.read(Key.of("a/obj")).orElseThrow().toArray()).as(fault.name()).isEqualTo(data);
                assertThat(s.read(Key.of("a/obj"), ByteRange.of(1000, 5000)).orElseThrow().toArray()).as(fault.name())
                        .isEqualTo(Arrays.copyOfRange(data, 1000, 6000));
                assertThat(s.read(Key.of("a/obj"), ByteRange.suffix(777)).orElseThrow().toArray()).as(fault.name())
                        .isEqualTo(Arrays.copyOfRange(data, data.length - 777, data.length));
                assertThat(s.exists(Key.of("a/obj"))).as(fault.name()).isTrue();
                assertThat(s.read(Key.of("a/missing"))).as(fault.name()).isEmpty();
                assertThat(s.list(Key.of("a"))).as(fault.name()).contains(Key.of("a/obj"));
                s.write(Key.of("a/written-" + fault), Bytes.wrap(data));
                assertThat(direct.read(Key.of("a/written-" + fault)).orElseThrow().toArray()).as(fault.name()).isEqualTo(data);
                assertThat(s.requestCounts().retries()).as(fault.name()).isGreaterThanOrEqualTo(2 * 5);
            }
        }
    }

    /** The server carries out the 1st, 3rd, ... PUT but its answer is lost, so the client retries it. */
    private static java.util.function.Function<FaultProxy.Request, Fault> everyOtherPutLosesItsAnswer() {
        AtomicInteger puts = new AtomicInteger();
        return r -> r.method().equals("PUT") && puts.incrementAndGet() % 2 == 1 ? Fault.LOSE_ANSWER : Fault.NONE;
    }

    @Test
    void aConditionalWriteWhoseAnswerIsLostIsRecognisedAsOurs() throws Exception {
        Key lock = Key.of("locks/w");
        try (S3Store s = viaProxy(3)) {
            proxy.policy(everyOtherPutLosesItsAnswer());
            // the first PUT creates the object, its answer is lost, the retry gets 412: the store reads back and sees its bytes
            String v1 = s.writeIfAbsent(lock, Bytes.wrap("holder A".getBytes(StandardCharsets.US_ASCII))).orElseThrow();
            assertThat(direct.version(lock)).contains(v1);
            String v2 = s.writeIfVersion(lock, Bytes.wrap("holder A, later".getBytes(StandardCharsets.US_ASCII)), v1).orElseThrow();
            assertThat(direct.version(lock)).contains(v2);
            assertThat(proxy.injected()).containsExactly(Fault.LOSE_ANSWER, Fault.LOSE_ANSWER);
        }
    }

    @Test
    void aRefusedConditionalWriteWhoseAnswerIsLostStaysRefused() throws Exception {
        Key lock = Key.of("locks/held");
        String held = direct.writeIfAbsent(lock, Bytes.wrap("holder B".getBytes(StandardCharsets.US_ASCII))).orElseThrow();
        try (S3Store s = viaProxy(3)) {
            proxy.policy(everyOtherPutLosesItsAnswer());
            assertThat(s.writeIfAbsent(lock, Bytes.wrap("holder C".getBytes(StandardCharsets.US_ASCII)))).isEmpty();
            assertThat(s.writeIfVersion(lock, Bytes.wrap("holder C".getBytes(StandardCharsets.US_ASCII)), "\"stale\"")).isEmpty();
            assertThat(direct.read(lock).orElseThrow().toArray()).isEqualTo("holder B".getBytes(StandardCharsets.US_ASCII));
            assertThat(direct.version(lock)).contains(held);
        }
    }

    @Test
    void truncatedBodiesAreNeverReturnedAsData() throws Exception {
        byte[] data = random(100_000, 2);
        direct.write(Key.of("t"), Bytes.wrap(data));
        try (S3Store s = viaProxy(3)) {
            proxy.policy(r -> r.method().equals("GET") ? Fault.TRUNCATE : Fault.NONE);
            assertThatThrownBy(() -> s.read(Key.of("t")))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining(location.toString())
                    .hasMessageContaining("'t'")
                    .hasMessageContaining("after 3 attempts");
            assertThatThrownBy(() -> s.read(Key.of("t"), ByteRange.of(10, 50_000)))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("bytes=10-50009");
            assertThatThrownBy(() -> s.readRanges(Key.of("t"), List.of(ByteRange.of(0, 10), ByteRange.of(90_000, 100))))
                    .isInstanceOf(StoreException.class);
            assertThat(proxy.injected()).hasSizeGreaterThanOrEqualTo(9).containsOnly(Fault.TRUNCATE);
        }
    }

    @Test
    void corruptedWholeObjectsFailTheirChecksumAndAreReadAgain() throws Exception {
        byte[] data = random(150_000, 7);
        direct.write(Key.of("c"), Bytes.wrap(data));
        try (S3Store s = viaProxy(4)) {
            proxy.policy(firstAttempts(2, Fault.CORRUPT));
            assertThat(s.read(Key.of("c")).orElseThrow().toArray()).isEqualTo(data);
            assertThat(s.requestCounts().retries()).isEqualTo(2);
        }
    }

    @Test
    void randomFaultsNeverCorruptRangeReads() throws Exception {
        rangeReadsAreExactUnderRandomFaults("randomFaultsNeverCorruptRangeReads", S3Options.DEFAULT_READ_PART_SIZE);
    }

    /** The same with reads split into parallel ranged parts of 8 KiB (most bounded ranges here span several). */
    @Test
    void randomFaultsNeverCorruptSplitReads() throws Exception {
        rangeReadsAreExactUnderRandomFaults("randomFaultsNeverCorruptSplitReads", 8 << 10);
    }

    /**
     * 60 reads of random range sets while 35% of requests fail with a random fault kind (seed printed): every
     * byte exact. CORRUPT is left out: a flipped byte in a ranged body has no checksum to catch it.
     */
    private void rangeReadsAreExactUnderRandomFaults(String test, long readPartSize) throws Exception {
        byte[] data = random(300_000, 3);
        direct.write(Key.of("r"), Bytes.wrap(data));
        long seed = System.nanoTime();
        System.out.println(test + " seed=" + seed);
        Random faults = new Random(seed);
        List<Fault> kinds = List.copyOf(java.util.EnumSet.complementOf(java.util.EnumSet.of(Fault.NONE, Fault.CORRUPT)));
        proxy.policy(r -> {
            synchronized (faults) {
                return faults.nextInt(100) < 35 ? kinds.get(faults.nextInt(kinds.size())) : Fault.NONE;
            }
        });
        Random ranges = new Random(seed + 1);
        try (S3Store s = S3Store.open(location, S3TestServer.options(proxy.endpoint())
                .retries(12, Duration.ofMillis(1), Duration.ofMillis(20)).readPartSize(readPartSize).build())) {
            for (int i = 0; i < 60; i++) {
                int from = ranges.nextInt(data.length);
                int len = 1 + ranges.nextInt(40_000);
                List<ByteRange> rs = List.of(ByteRange.of(from, len), ByteRange.of(ranges.nextInt(data.length), 100),
                        ByteRange.suffix(1 + ranges.nextInt(5000)));
                List<Bytes> got = s.readRanges(Key.of("r"), rs).orElseThrow();
                for (int j = 0; j < rs.size(); j++) {
                    long st = rs.get(j).start(data.length);
                    long en = rs.get(j).end(data.length);
                    assertThat(got.get(j).toArray()).as("seed %d read %d range %s", seed, i, rs.get(j))
                            .isEqualTo(Arrays.copyOfRange(data, (int) st, (int) en));
                }
            }
            assertThat(s.requestCounts().retries()).as("seed %d", seed).isPositive();
        }
    }

    @Test
    void multipartUploadSurvivesFaultsOnParts() throws Exception {
        byte[] data = random(12 << 20, 4);
        try (S3Store s = viaProxy(5)) {
            proxy.policy(firstAttempts(1, Fault.RESET));
            s.write(Key.of("big"), Bytes.wrap(data));
            assertThat(s.requestCounts().of(S3Store.Op.UPLOAD_PART)).isGreaterThanOrEqualTo(3 * 2);
        }
        assertThat(direct.read(Key.of("big")).orElseThrow().toArray()).isEqualTo(data);
    }

    @Test
    void aFailedMultipartUploadLeavesNothingUnderTheKey() throws Exception {
        byte[] data = random(11 << 20, 6);
        try (S3Store s = viaProxy(2)) {
            // the second part always fails; everything else passes
            proxy.policy(r -> r.method().equals("PUT") && r.target().contains("partNumber=2") ? Fault.INTERNAL_ERROR : Fault.NONE);
            assertThatThrownBy(() -> s.write(Key.of("fresh"), Bytes.wrap(data)))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("part 2")
                    .hasMessageContaining("InternalError")
                    .hasMessageContaining("after 2 attempts");
            assertThat(s.requestCounts().of(S3Store.Op.ABORT_MULTIPART)).isEqualTo(1);
            assertThat(s.requestCounts().of(S3Store.Op.COMPLETE_MULTIPART)).isZero();
        }
        assertThat(direct.exists(Key.of("fresh"))).isFalse();
        assertThat(direct.list(Key.ROOT)).isEmpty();
        // Not checked here: that a failed overwrite keeps the old object. S3 guarantees it (an aborted
        // upload never touches the key's current object), but S3Mock 5.2.0 deletes the object when an
        // upload to its key is aborted, so this server cannot show it.
        try (var client = software.amazon.awssdk.services.s3.S3Client.builder()
                .endpointOverride(S3TestServer.endpoint()).forcePathStyle(true)
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider.create())
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
                .build()) {
            var uploads = client.listMultipartUploads(b -> b.bucket(S3TestServer.BUCKET).prefix(location.prefix().path()));
            assertThat(uploads.uploads()).as("no multipart upload left open").isEmpty();
        }
    }

    @Test
    void nonRetryableFailuresAreNotRetried() throws Exception {
        try (S3Store s = S3Store.open(new S3Location("no-such-bucket-here", Key.ROOT), S3TestServer.options().build())) {
            assertThatThrownBy(() -> s.read(Key.of("x")))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("s3://no-such-bucket-here")
                    .hasMessageContaining("NoSuchBucket")
                    .hasMessageNotContaining("attempts");
            assertThat(s.requestCounts().retries()).isZero();
        }
    }

    @Test
    void credentialsNeverAppearInMessagesOrLogs() throws Exception {
        Logger sdk = (Logger) LoggerFactory.getLogger("software.amazon.awssdk");
        Logger ours = (Logger) LoggerFactory.getLogger("dev.ngff");
        Level sdkLevel = sdk.getLevel();
        Level ourLevel = ours.getLevel();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        // captured here only, not printed: debug logs of the SDK are long
        for (Logger l : List.of(sdk, ours)) {
            l.addAppender(appender);
            l.setAdditive(false);
            l.setLevel(Level.DEBUG);
        }
        List<String> texts = new ArrayList<>();
        try (S3Store s = viaProxy(3)) {
            texts.add(s.toString());
            texts.add(s.describe());
            texts.add(s.options().toString());
            proxy.policy(r -> Fault.SLOW_DOWN);
            for (ThrowingRunnable op : List.<ThrowingRunnable>of(
                    () -> s.read(Key.of("k")),
                    () -> s.write(Key.of("k"), Bytes.wrap(new byte[10])),
                    () -> s.list(Key.ROOT),
                    () -> s.delete(Key.of("k")))) {
                try {
                    op.run();
                } catch (StoreException e) {
                    for (Throwable t = e; t != null; t = t.getCause()) {
                        texts.add(String.valueOf(t.getMessage()));
                        texts.add(t.toString());
                    }
                }
            }
        } finally {
            for (Logger l : List.of(sdk, ours)) {
                l.detachAppender(appender);
                l.setAdditive(true);
            }
            sdk.setLevel(sdkLevel);
            ours.setLevel(ourLevel);
        }
        for (ILoggingEvent e : appender.list) {
            texts.add(e.getFormattedMessage());
            if (e.getThrowableProxy() != null) {
                texts.add(e.getThrowableProxy().getMessage());
            }
        }
        assertThat(texts).anySatisfy(t -> assertThat(t).contains("SlowDown"));
        assertThat(appender.list).as("debug logging was captured").isNotEmpty();
        for (String t : texts) {
            assertThat(t).doesNotContain(S3TestServer.SECRET_KEY).doesNotContain(S3TestServer.ACCESS_KEY);
        }
    }

    @Test
    void optionsRejectEndpointsWithCredentials() {
        assertThatThrownBy(() -> S3Options.builder().endpoint(java.net.URI.create("http://me:" + S3TestServer.SECRET_KEY.replace("/", "") + "@127.0.0.1:9")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("***@127.0.0.1")
                .hasMessageNotContaining("LEAK");
    }

    @Test
    void missingObjectsThroughTheProxyAreEmptyNotErrors() throws Exception {
        try (S3Store s = viaProxy(3)) {
            assertThat(s.read(Key.of("none"))).isEqualTo(Optional.empty());
            assertThat(s.requestCounts().retries()).isZero();
        }
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
