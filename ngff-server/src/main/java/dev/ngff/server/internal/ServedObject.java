package dev.ngff.server.internal;

import dev.ngff.buffer.Bytes;

import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * One object as it was when the server opened it for a request: its length and validators, and its
 * bytes. Used by one request on one thread at a time; {@link #close()} releases what it holds unless a
 * {@link #transferable} took it over.
 */
public interface ServedObject extends AutoCloseable {
    long length();

    /** The entity tag without quotes, if the store can tell versions apart. */
    Optional<String> etag();

    Optional<Instant> lastModified();

    /** {@link #lastModified()} as an HTTP date. */
    default Optional<String> lastModifiedText() {
        return lastModified().map(HttpDates::format);
    }

    /**
     * A Netty message that sends bytes {@code [start, end)} without copying them through the heap (a
     * {@code FileRegion}, or a {@code ChunkedInput} under TLS), which then owns the open file; empty when
     * this object cannot.
     */
    default Optional<Object> transferable(long start, long end, boolean tls) {
        return Optional.empty();
    }

    /**
     * Appends bytes {@code [start, end)} to {@code dst}, which has room for them; for small bodies, which cost
     * less read into one buffer sent with the head (one {@code writev}, one TCP push) than sent from a file.
     *
     * @throws IOException naming the store and key if the store fails or the object changed underneath
     */
    default void readInto(io.netty.buffer.ByteBuf dst, long start, long end) throws IOException {
        dst.writeBytes(read(start, end).asByteBuffer());
    }

    /**
     * Reads bytes {@code [start, end)} (at most 2 GiB), exactly that many.
     *
     * @throws IOException naming the store and key if the store fails or the object changed underneath
     */
    Bytes read(long start, long end) throws IOException;

    @Override
    void close();
}
