package dev.ngff.s3;

import dev.ngff.store.Key;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** What a test server holds of unfinished multipart uploads, listed with a client of the test's own. */
final class OpenUploads {
    private OpenUploads() {
    }

    /**
     * Object keys of the multipart uploads open below {@code location}'s prefix. Lists the whole bucket and
     * keeps those below the prefix: MinIO lists uploads under a prefix only when it is a whole object key.
     */
    static List<String> below(URI endpoint, String accessKey, String secretKey, S3Location location) {
        String prefix = location.listPrefix(Key.ROOT);
        List<String> open = new ArrayList<>();
        try (S3Client client = client(endpoint, accessKey, secretKey)) {
            client.listMultipartUploadsPaginator(b -> b.bucket(location.bucket())).uploads().forEach(u -> {
                if (u.key().startsWith(prefix)) {
                    open.add(u.key());
                }
            });
        }
        return open;
    }

    /**
     * How many pages the server answers a listing of the bucket's uploads with when each page may hold
     * {@code maxUploads}: more than one only where it honours {@code max-uploads} (S3Mock does, MinIO lists
     * everything in one page).
     */
    static int pages(URI endpoint, String accessKey, String secretKey, String bucket, int maxUploads) {
        try (S3Client client = client(endpoint, accessKey, secretKey)) {
            int pages = 0;
            for (var page : client.listMultipartUploadsPaginator(b -> b.bucket(bucket).maxUploads(maxUploads))) {
                pages++;
            }
            return pages;
        }
    }

    private static S3Client client(URI endpoint, String accessKey, String secretKey) {
        return S3Client.builder().endpointOverride(endpoint).forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
                .build();
    }

    /** {@link #below} on the test MinIO server. */
    static List<String> onMinio(S3Location location) {
        return below(MinioTestServer.endpoint(), MinioTestServer.ACCESS_KEY, MinioTestServer.SECRET_KEY, location);
    }
}
