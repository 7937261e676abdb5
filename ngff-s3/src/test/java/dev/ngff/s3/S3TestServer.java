package dev.ngff.s3;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.net.URI;
import java.util.UUID;

/**
 * One S3Mock server (a real S3 HTTP server, in process) per test JVM, started on first use on a random
 * port and reached only through 127.0.0.1 (its plain-HTTP connector binds every interface). Tests
 * isolate themselves by key prefix ({@link #freshLocation()}), not by server.
 */
public final class S3TestServer {
    public static final String BUCKET = "ngff-test";
    /** Credentials for the test server; distinctive so tests can prove they never leak into messages. */
    public static final String ACCESS_KEY = "AKIATESTLEAKCHECK0001";
    public static final String SECRET_KEY = "s3cr3t/LEAK+CHECK+do-not-print-0123456789";

    private static final class Holder {
        static final S3MockExtension SERVER = start();

        private static S3MockExtension start() {
            S3MockExtension s = S3MockExtension.builder()
                    .silent()
                    .withSecureConnection(false)
                    .withHttpPort(0)
                    .withInitialBuckets(BUCKET)
                    .build();
            s.start();
            Runtime.getRuntime().addShutdownHook(new Thread(s::stop, "s3mock-stop"));
            return s;
        }
    }

    private S3TestServer() {
    }

    /** {@code http://127.0.0.1:<port>} of the running server. */
    public static URI endpoint() {
        return URI.create("http://127.0.0.1:" + Holder.SERVER.getHttpPort());
    }

    /** Options that reach the test server directly. */
    public static S3Options.Builder options() {
        return options(endpoint());
    }

    /** Options that reach the test server through {@code endpoint} (a fault-injecting proxy, say). */
    public static S3Options.Builder options(URI endpoint) {
        return S3Options.builder()
                .endpoint(endpoint)
                .region("us-east-1")
                .pathStyle(true)
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)));
    }

    /** A location under a prefix no other test uses. */
    public static S3Location freshLocation() {
        return new S3Location(BUCKET, dev.ngff.store.Key.of("t-" + UUID.randomUUID()));
    }
}
