package dev.ngff.store;

import dev.ngff.buffer.Bytes;

import java.io.IOException;

/**
 * One object written as a stream of pieces ({@link WritableStore#openUpload}): the object's value is the
 * concatenation of everything appended, and it appears under its key atomically, only when
 * {@link #commit()} returns. Until then readers see what was stored before (or nothing); after
 * {@link #abort()}, a failed {@code append} or a failed {@code commit}, nothing of the upload is ever
 * visible and the store holds nothing for it (an S3 store aborts its multipart upload).
 *
 * <p>Memory: the upload may keep a reference to an appended piece (it never copies one and never
 * changes one) until the piece is sent; {@link #heldBytes()} says how many appended bytes it still
 * holds. A store that streams ({@link WritableStore#uploadPartSize()} present) holds at most about one
 * part; the default buffers the whole object until {@code commit}.
 *
 * <p>Not thread-safe: one thread at a time calls it, in order. {@link #close()} aborts an upload that
 * was neither committed nor aborted, so try-with-resources never leaves one open.
 */
public interface ObjectUpload extends AutoCloseable {

    /** The key the object appears under. */
    Key key();

    /** Appends {@code piece} to the object; may send bytes to the store before it returns. */
    void append(Bytes piece) throws IOException;

    /** Bytes appended so far. */
    long appendedBytes();

    /** Appended bytes the upload still holds in memory (not yet sent to the store). */
    long heldBytes();

    /** Makes the object visible under {@link #key()} with everything appended; on failure nothing is visible. */
    void commit() throws IOException;

    /** Discards the upload: nothing becomes visible and nothing is left in the store. Does nothing when already ended. */
    void abort() throws IOException;

    /** Aborts the upload unless it was committed or aborted. */
    @Override
    void close() throws IOException;
}
