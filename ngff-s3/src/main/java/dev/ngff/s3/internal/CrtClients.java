package dev.ngff.s3.internal;

import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;

import java.time.Duration;

/**
 * Builds the CRT HTTP client. Kept apart so that CRT classes load only when that client is chosen;
 * {@code aws-crt-client} is an optional dependency.
 */
public final class CrtClients {
    private CrtClients() {
    }

    public static SdkAsyncHttpClient.Builder<?> builder(int maxConcurrency, Duration connectTimeout) {
        return AwsCrtAsyncHttpClient.builder()
                .maxConcurrency(maxConcurrency)
                .connectionTimeout(connectTimeout);
    }

    /** Whether the CRT client and its native library can be loaded here. */
    public static boolean available() {
        try {
            Class.forName("software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient");
            Class.forName("software.amazon.awssdk.crt.CRT");
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
