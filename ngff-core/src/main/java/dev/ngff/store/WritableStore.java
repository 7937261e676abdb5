package dev.ngff.store;

import dev.ngff.buffer.Bytes;

import java.io.IOException;
import java.util.List;

/**
 * A store that can write. Contract: a write is atomic to readers (they see the old object or the new
 * one, never a part), and a completed write is visible to later reads through the same store. Deleting
 * a missing key is not an error. Thread-safe; concurrent writes of the same key end with one of them.
 */
public interface WritableStore extends ReadableStore {

    void write(Key key, Bytes value) throws IOException;

    /**
     * Writes one object whose value is the concatenation of {@code pieces} (a shard's encoded inner
     * chunks and its index), with the same guarantees as {@link #write(Key, Bytes)}: atomic to
     * readers, nothing visible under the key if it fails. Stores that can send the pieces as they are
     * (S3 uploads them as multipart parts without joining them) override this; the default joins them
     * into one buffer and calls {@link #write(Key, Bytes)}. The pieces are not modified.
     */
    default void write(Key key, List<Bytes> pieces) throws IOException {
        write(key, pieces.size() == 1 ? pieces.getFirst() : Bytes.concat(pieces.toArray(Bytes[]::new)));
    }

    void delete(Key key) throws IOException;
}
