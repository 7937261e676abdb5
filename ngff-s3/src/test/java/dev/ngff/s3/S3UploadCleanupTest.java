package dev.ngff.s3;

import dev.ngff.buffer.Bytes;
import dev.ngff.store.Key;
import dev.ngff.store.ObjectUpload;
import dev.ngff.write.LockHolder;
import dev.ngff.write.WriterLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Multipart uploads that a killed writer left open are aborted when the next writer takes its lock over
 * ({@link WriterLock#acquire} calling {@link S3Store#abortUnfinishedUploads}), on MinIO and on S3Mock: exactly
 * the uploads below the locked node, none below a node another live writer has locked, none under a
 * neighbouring prefix; a free lock aborts nothing. The crash is an upload abandoned without abort (what the
 * server sees after {@code kill -9}) and a lock object naming a process that has exited; {@link S3AbortOnResumeTest}
 * kills a real writer. With more open uploads than one {@code ListMultipartUploads} page holds, several of them
 * on one key, every one is aborted: on S3Mock, which honours a small page size but resumes a page after the
 * whole key (it ignores the upload-id marker), and on MinIO, which ignores the page size.
 */
class S3UploadCleanupTest {
    private static final long PART = 5L << 20;

    /** The server's endpoint, options and a sync client for listing what it holds. */
    private record Server(URI endpoint, S3Options.Builder options, S3Location location, String access, String secret) {
        static Server of(String name) {
            return switch (name) {
                case "minio" -> new Server(MinioTestServer.endpoint(), MinioTestServer.options(),
                        MinioTestServer.freshLocation(), MinioTestServer.ACCESS_KEY, MinioTestServer.SECRET_KEY);
                case "s3mock" -> new Server(S3TestServer.endpoint(), S3TestServer.options(),
                        S3TestServer.freshLocation(), S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY);
                default -> throw new IllegalArgumentException(name);
            };
        }

        /** How many pages of {@code maxUploads} the server lists the bucket's open uploads in. */
        int pages(int maxUploads) {
            return OpenUploads.pages(endpoint, access, secret, location.bucket(), maxUploads);
        }

        /** Object keys of the multipart uploads open below {@code where}. */
        List<String> openUploads(S3Location where) {
            return OpenUploads.below(endpoint, access, secret, where);
        }
    }

    /** An upload left open after its first part went up: a multipart upload the server now holds. */
    private static ObjectUpload abandon(S3Store store, Key key, int seed) throws Exception {
        byte[] data = new byte[(int) PART + 1000];
        new Random(seed).nextBytes(data);
        ObjectUpload u = store.openUpload(key);
        u.append(Bytes.wrap(data));
        return u; // neither committed nor aborted: what a killed writer leaves
    }

    /** A holder whose process has exited on this host: provably dead, so its lock is taken over. */
    private static LockHolder deadHolder() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return new LockHolder("0123456789abcdef", LockHolder.localHost(), p.pid(), Optional.empty(),
                "ngff acquire (killed)", Instant.now());
    }

    @ParameterizedTest
    @ValueSource(strings = {"minio", "s3mock"})
    void takingOverAGoneWritersLockAbortsItsUploadsAndOnlyThose(String name) throws Exception {
        Server server = Server.of(name);
        S3Location here = server.location();
        S3Location neighbour = new S3Location(here.bucket(), Key.of(here.prefix().path() + "x"));
        S3Options options = server.options().multipart(PART, PART).build();
        try (S3Store store = S3Store.open(here, options); S3Store other = S3Store.open(neighbour, options)) {
            WriterLock crashed = WriterLock.acquire(store, Key.ROOT, deadHolder(), WriterLock.Mode.TAKE_OVER_DEAD);
            assertThat(crashed.abortedUploads()).as("a free lock aborts nothing").isZero();
            abandon(store, Key.of("0/c/0/0/0"), 1);
            abandon(store, Key.of("1/c/0/0/0"), 2);
            // another live writer's array inside the hierarchy, with its own lock, and a neighbouring prefix
            WriterLock live = WriterLock.acquire(store, Key.of("pos1"), "live writer");
            ObjectUpload liveUpload = abandon(store, Key.of("pos1/0/c/0/0/0"), 3);
            ObjectUpload neighbourUpload = abandon(other, Key.of("0/c/0/0/0"), 4);
            assertThat(server.openUploads(here)).hasSize(3);

            try (WriterLock resumed = WriterLock.acquire(store, Key.ROOT, "resume")) {
                assertThat(resumed.abortedUploads()).as("the gone writer's two uploads").isEqualTo(2);
            }
            assertThat(server.openUploads(here)).as("only the live writer's upload is left")
                    .containsExactly(here.objectKey(Key.of("pos1/0/c/0/0/0")));
            assertThat(server.openUploads(neighbour)).hasSize(1);
            assertThat(store.exists(Key.of("0/c/0/0/0"))).as("an aborted upload never becomes an object").isFalse();
            assertThat(store.requestCounts().of(S3Store.Op.ABORT_MULTIPART)).isEqualTo(2);

            try (WriterLock again = WriterLock.acquire(store, Key.ROOT, "after a clean release")) {
                assertThat(again.abortedUploads()).as("a released lock left nothing to abort").isZero();
            }
            liveUpload.abort();
            neighbourUpload.abort();
            live.release();
            assertThat(server.openUploads(here)).isEmpty();
            assertThat(server.openUploads(neighbour)).isEmpty();
        }
    }

    /**
     * Nine uploads left open on five keys (three on one, two on two others), listed two to a page where the
     * server honours the page size: pages end inside one key's uploads, and S3Mock then resumes after the
     * whole key, so one walk through its pages aborts only some (6 of the 9 here); the abort walks again
     * until a walk aborts nothing and gets all nine. MinIO lists everything in one page whatever the page size.
     */
    @ParameterizedTest
    @ValueSource(strings = {"minio", "s3mock"})
    void abortingFindsEveryUploadWhenListingsComeInPagesThatEndInsideAKey(String name) throws Exception {
        Server server = Server.of(name);
        S3Location here = server.location();
        S3Options options = server.options().multipart(PART, PART).build();
        List<String> keys = List.of("0/c/0/0/0", "0/c/0/0/0", "0/c/0/0/0", "0/c/1/0/0", "1/c/0/0/0", "1/c/0/0/0",
                "2/c/0/0/0", "3/c/0/0/0", "3/c/0/0/0");
        try (S3Store store = S3Store.open(here, options, 2)) {
            WriterLock.acquire(store, Key.ROOT, deadHolder(), WriterLock.Mode.TAKE_OVER_DEAD); // never released
            for (int i = 0; i < keys.size(); i++) {
                abandon(store, Key.of(keys.get(i)), 10 + i);
            }
            assertThat(server.openUploads(here)).hasSize(keys.size());
            if (name.equals("s3mock")) {
                assertThat(server.pages(2)).as("S3Mock honours max-uploads: the listing pages").isGreaterThanOrEqualTo(2);
            }
            var before = store.requestCounts();
            try (WriterLock resumed = WriterLock.acquire(store, Key.ROOT, "resume")) {
                assertThat(resumed.abortedUploads()).as("every upload of every page").isEqualTo(keys.size());
            }
            var sent = store.requestCounts().minus(before);
            assertThat(server.openUploads(here)).isEmpty();
            assertThat(sent.of(S3Store.Op.ABORT_MULTIPART)).as("one abort per upload").isEqualTo(keys.size());
            if (name.equals("s3mock")) {
                assertThat(sent.of(S3Store.Op.LIST)).as("upload listings: pages of two, walked more than once").isGreaterThanOrEqualTo(5);
            }
        }
    }

    @Test
    void anUploadListingPageHoldsOneToAThousandUploads() {
        S3Options options = S3Options.builder().endpoint(URI.create("http://127.0.0.1:9")).region("us-east-1").build();
        S3Location somewhere = new S3Location("bucket", Key.ROOT);
        assertThatThrownBy(() -> S3Store.open(somewhere, options, 1001)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 to 1000");
        assertThatThrownBy(() -> S3Store.open(somewhere, options, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
