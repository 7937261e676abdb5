package dev.ngff.s3;

import dev.ngff.store.Key;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a store lives in S3: a bucket and a key prefix below which every store key is placed
 * ({@code s3://bucket/prefix} addresses store key {@code a/b} as object {@code prefix/a/b}). The prefix
 * is a {@link Key}, so it has no leading, trailing or doubled slashes; the root prefix is the whole
 * bucket.
 *
 * @param bucket a bucket name: 3 to 63 characters of lower-case letters, digits, dots and hyphens
 * @param prefix the key prefix, {@link Key#ROOT} for the whole bucket
 */
public record S3Location(String bucket, Key prefix) {
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    public S3Location {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(prefix, "prefix");
        if (!BUCKET.matcher(bucket).matches()) {
            throw new IllegalArgumentException("invalid S3 bucket name '" + bucket
                    + "': 3 to 63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit");
        }
    }

    /** The object key of a store key. */
    public String objectKey(Key key) {
        if (prefix.isRoot()) {
            return key.path();
        }
        return key.isRoot() ? prefix.path() : prefix.path() + "/" + key.path();
    }

    /** The listing prefix for everything below a store key: {@code prefix/key/}, or empty for the bucket root. */
    public String listPrefix(Key key) {
        String k = objectKey(key);
        return k.isEmpty() ? "" : k + "/";
    }

    /** {@code s3://bucket/prefix}. */
    @Override
    public String toString() {
        return "s3://" + bucket + (prefix.isRoot() ? "" : "/" + prefix.path());
    }
}
