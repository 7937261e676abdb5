package dev.ngff.s3;

import dev.ngff.store.Key;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class S3UrisTest {
    @Test
    void bucketPrefixAndQueryOptions() {
        var p = S3Uris.parse("s3://my-bucket/data/img.zarr/?endpoint=http://127.0.0.1:9000&region=eu-west-1"
                + "&anonymous=true&client=crt&max_requests=16&max_bytes=1048576&read_part=4194304", Map.of());
        assertThat(p.location()).isEqualTo(new S3Location("my-bucket", Key.of("data/img.zarr")));
        assertThat(p.options().endpoint()).contains(URI.create("http://127.0.0.1:9000"));
        assertThat(p.options().region()).contains("eu-west-1");
        assertThat(p.options().pathStyle()).as("path style by default with an endpoint").isTrue();
        assertThat(p.options().anonymous()).isTrue();
        assertThat(p.options().httpClient()).isEqualTo(S3Options.HttpClientKind.CRT);
        assertThat(p.options().maxRequestsInFlight()).isEqualTo(16);
        assertThat(p.options().maxBytesInFlight()).isEqualTo(1 << 20);
        assertThat(p.options().readPartSize()).isEqualTo(4 << 20);
    }

    @Test
    void readPartSizeFromTheEnvironmentAndItsBounds() {
        assertThat(S3Uris.parse("s3://b-1", Map.of()).options().readPartSize()).isEqualTo(S3Options.DEFAULT_READ_PART_SIZE);
        assertThat(S3Uris.parse("s3://b-1", Map.of("NGFF_S3_READ_PART", "1048576")).options().readPartSize())
                .isEqualTo(1 << 20);
        assertThatThrownBy(() -> S3Uris.parse("s3://b-1?read_part=0", Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("readPartSize must be positive");
    }

    @Test
    void environmentFillsWhatTheQueryLeavesOut() {
        var env = Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:1", "AWS_ENDPOINT_URL_S3", "http://127.0.0.1:2",
                "NGFF_S3_PATH_STYLE", "false", "NGFF_S3_ANONYMOUS", "yes", "NGFF_S3_MAX_REQUESTS", "8");
        var p = S3Uris.parse("s3://b-1", env);
        assertThat(p.location().prefix()).isEqualTo(Key.ROOT);
        assertThat(p.options().endpoint()).contains(URI.create("http://127.0.0.1:2"));
        assertThat(p.options().pathStyle()).isFalse();
        assertThat(p.options().anonymous()).isTrue();
        assertThat(p.options().maxRequestsInFlight()).isEqualTo(8);
        var q = S3Uris.parse("s3://b-1/x?path_style=true&max_requests=3", env);
        assertThat(q.options().pathStyle()).isTrue();
        assertThat(q.options().maxRequestsInFlight()).isEqualTo(3);
    }

    @Test
    void awsDefaults() {
        var p = S3Uris.parse("s3://bucket/a/b", Map.of());
        assertThat(p.options().endpoint()).isEmpty();
        assertThat(p.options().pathStyle()).isFalse();
        assertThat(p.options().anonymous()).isFalse();
        assertThat(p.options().httpClient()).isEqualTo(S3Options.HttpClientKind.NETTY);
        assertThat(p.options().maxRequestsInFlight()).isEqualTo(64);
    }

    @Test
    void malformedLocationsAreRejectedClearly() {
        assertThatThrownBy(() -> S3Uris.parse("s3://B/x", Map.of())).hasMessageContaining("invalid S3 bucket name 'B'");
        assertThatThrownBy(() -> S3Uris.parse("s3://bucket/a//b", Map.of())).hasMessageContaining("empty segment");
        assertThatThrownBy(() -> S3Uris.parse("s3://bucket/../b", Map.of())).hasMessageContaining("'..'");
        assertThatThrownBy(() -> S3Uris.parse("s3://bucket/x?secret_key=abc", Map.of()))
                .hasMessageContaining("unknown S3 option 'secret_key'").hasMessageNotContaining("abc");
        assertThatThrownBy(() -> S3Uris.parse("s3://bucket/x?anonymous=maybe", Map.of())).hasMessageContaining("true or false");
        assertThatThrownBy(() -> S3Uris.parse("s3://bucket/x?client=curl", Map.of())).hasMessageContaining("'netty' or 'crt'");
        assertThatThrownBy(() -> S3Uris.parse("file:/x", Map.of())).hasMessageContaining("not an s3://");
    }

    @Test
    void storesFindsS3ThroughTheProvider() throws Exception {
        try (var s = dev.ngff.store.Stores.openWritable(S3TestServer.freshLocation() + "?endpoint=" + S3TestServer.endpoint()
                + "&anonymous=true")) {
            assertThat(s).isInstanceOf(S3Store.class);
            s.write(Key.of("k"), dev.ngff.buffer.Bytes.wrap(new byte[] {1, 2, 3}));
            assertThat(s.read(Key.of("k")).orElseThrow().toArray()).containsExactly(1, 2, 3);
        }
    }
}
