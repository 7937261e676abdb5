package dev.ngff.server.internal;

import java.time.Instant;
import java.util.Optional;

/** A {@link ServedObject} whose length and validators are known when it is opened (all of them). */
abstract class FixedHead implements ServedObject {
    private final long length;
    private final Optional<String> etag;
    private final Optional<Instant> lastModified;

    FixedHead(long length, Optional<String> etag, Optional<Instant> lastModified) {
        this.length = length;
        this.etag = etag;
        this.lastModified = lastModified;
    }

    @Override
    public final long length() {
        return length;
    }

    @Override
    public final Optional<String> etag() {
        return etag;
    }

    @Override
    public final Optional<Instant> lastModified() {
        return lastModified;
    }

    @Override
    public void close() {
    }
}
