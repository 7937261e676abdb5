package dev.ngff.s3;

import dev.ngff.store.Key;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses {@code s3://bucket/prefix?name=value&...} locations into an {@link S3Location} and
 * {@link S3Options}. Query parameters win over environment variables, which win over the defaults:
 *
 * <table>
 *   <caption>Options</caption>
 *   <tr><th>query</th><th>environment</th><th>meaning</th></tr>
 *   <tr><td>{@code endpoint}</td><td>{@code AWS_ENDPOINT_URL_S3}, {@code AWS_ENDPOINT_URL}</td>
 *       <td>server URL instead of AWS (MinIO, Ceph, a local server)</td></tr>
 *   <tr><td>{@code region}</td><td>{@code AWS_REGION}, {@code AWS_DEFAULT_REGION} (through the SDK chain)</td>
 *       <td>signing region; {@code us-east-1} when an endpoint is given and no region</td></tr>
 *   <tr><td>{@code path_style}</td><td>{@code NGFF_S3_PATH_STYLE}</td>
 *       <td>{@code true}: {@code endpoint/bucket/key}; default true with an endpoint, false for AWS</td></tr>
 *   <tr><td>{@code anonymous}</td><td>{@code NGFF_S3_ANONYMOUS}</td><td>{@code true}: unsigned requests (public buckets)</td></tr>
 *   <tr><td>{@code client}</td><td>{@code NGFF_S3_CLIENT}</td><td>{@code netty} (default) or {@code crt}</td></tr>
 *   <tr><td>{@code max_requests}</td><td>{@code NGFF_S3_MAX_REQUESTS}</td><td>requests in flight (default 64)</td></tr>
 *   <tr><td>{@code max_bytes}</td><td>{@code NGFF_S3_MAX_BYTES}</td><td>body bytes in flight (default 256 MiB)</td></tr>
 *   <tr><td>{@code read_part}</td><td>{@code NGFF_S3_READ_PART}</td>
 *       <td>ranged reads longer than this many bytes go out as parallel GETs of this size (default 16 MiB)</td></tr>
 * </table>
 *
 * <p>Credentials never go in the URI (it ends up in logs and error messages): they come from the SDK's
 * default chain ({@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}/{@code AWS_SESSION_TOKEN},
 * {@code AWS_PROFILE} and the shared config files, container and instance metadata). Malformed locations
 * and unknown parameters are {@link IllegalArgumentException}s.
 */
public final class S3Uris {
    private static final Set<String> PARAMS = Set.of("endpoint", "region", "path_style", "anonymous", "client",
            "max_requests", "max_bytes", "read_part");

    private S3Uris() {
    }

    /** A parsed location. */
    public record Parsed(S3Location location, S3Options options) {
    }

    /** True for {@code s3://} locations (any case). */
    public static boolean isS3(String location) {
        return location.regionMatches(true, 0, "s3://", 0, 5);
    }

    public static Parsed parse(String uri, Map<String, String> env) {
        if (!isS3(uri)) {
            throw new IllegalArgumentException("not an s3:// location: '" + uri + "'");
        }
        String rest = uri.substring(5);
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        while (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        S3Location location;
        try {
            location = new S3Location(bucket, Key.of(prefix));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid S3 location '" + withoutQuery(uri) + "': " + e.getMessage(), e);
        }
        Map<String, String> params = query(query, uri);
        S3Options.Builder b = S3Options.builder();
        String endpoint = first(params.get("endpoint"), env.get("AWS_ENDPOINT_URL_S3"), env.get("AWS_ENDPOINT_URL"));
        if (endpoint != null) {
            b.endpoint(URI.create(endpoint));
        }
        String region = params.get("region");
        if (region != null) {
            b.region(region);
        }
        String pathStyle = first(params.get("path_style"), env.get("NGFF_S3_PATH_STYLE"));
        b.pathStyle(pathStyle == null ? endpoint != null : bool("path_style", pathStyle));
        String anonymous = first(params.get("anonymous"), env.get("NGFF_S3_ANONYMOUS"));
        b.anonymous(anonymous != null && bool("anonymous", anonymous));
        String client = first(params.get("client"), env.get("NGFF_S3_CLIENT"));
        if (client != null) {
            try {
                b.httpClient(S3Options.HttpClientKind.valueOf(client.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("S3 option client must be 'netty' or 'crt', got '" + client + "'");
            }
        }
        String maxRequests = first(params.get("max_requests"), env.get("NGFF_S3_MAX_REQUESTS"));
        if (maxRequests != null) {
            b.maxRequestsInFlight((int) number("max_requests", maxRequests));
        }
        String maxBytes = first(params.get("max_bytes"), env.get("NGFF_S3_MAX_BYTES"));
        if (maxBytes != null) {
            b.maxBytesInFlight(number("max_bytes", maxBytes));
        }
        String readPart = first(params.get("read_part"), env.get("NGFF_S3_READ_PART"));
        if (readPart != null) {
            b.readPartSize(number("read_part", readPart));
        }
        return new Parsed(location, b.build());
    }

    private static String withoutQuery(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    private static Map<String, String> query(String query, String uri) {
        Map<String, String> out = new LinkedHashMap<>();
        if (query.isEmpty()) {
            return out;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "true" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (!PARAMS.contains(name)) {
                throw new IllegalArgumentException("unknown S3 option '" + name + "' in '" + withoutQuery(uri)
                        + "'; known: " + String.join(", ", PARAMS.stream().sorted().toList()));
            }
            out.put(name, value);
        }
        return out;
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }

    private static boolean bool(String name, String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new IllegalArgumentException("S3 option " + name + " must be true or false, got '" + v + "'");
        };
    }

    private static long number(String name, String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("S3 option " + name + " must be a whole number, got '" + v + "'");
        }
    }
}
