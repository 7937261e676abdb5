package dev.ngff.store;

import dev.ngff.buffer.Bytes;

import java.io.IOException;

/**
 * A store that can write. Contract: a write is atomic to readers (they see the old object or the new
 * one, never a part), and a completed write is visible to later reads through the same store. Deleting
 * a missing key is not an error. Thread-safe; concurrent writes of the same key end with one of them.
 */
public interface WritableStore extends ReadableStore {

    void write(Key key, Bytes value) throws IOException;

    void delete(Key key) throws IOException;
}
