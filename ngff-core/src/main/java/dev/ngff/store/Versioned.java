package dev.ngff.store;

import dev.ngff.buffer.Bytes;

import java.util.Objects;
import java.util.Optional;

/**
 * Bytes read from an object together with the object's version tag, if the store has one (an S3 ETag):
 * a string that changes whenever the object's content does.
 */
public record Versioned(Bytes bytes, Optional<String> version) {
    public Versioned {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(version, "version");
    }
}
