package dev.ngff.store;

import dev.ngff.buffer.Bytes;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

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

    /**
     * Starts writing one object as a stream of pieces (see {@link ObjectUpload}): the object appears whole
     * on {@link ObjectUpload#commit()}, with the guarantees of {@link #write(Key, List)}, and never if the
     * upload is aborted or fails. The default keeps the pieces and writes them on commit; stores that can
     * send pieces early (S3: one multipart upload, parts sent as they fill) override it together with
     * {@link #uploadPartSize()}. Opening sends nothing.
     */
    default ObjectUpload openUpload(Key key) throws IOException {
        return new BufferedUpload(this, key);
    }

    /**
     * The size of the parts that {@link #openUpload} sends as soon as they fill, so that an upload holds
     * about one part in memory; empty when uploads buffer the whole object until commit (the default),
     * in which case streaming an object saves no memory over {@link #write(Key, List)}.
     */
    default java.util.OptionalLong uploadPartSize() {
        return java.util.OptionalLong.empty();
    }

    /**
     * Discards the uploads ({@link #openUpload}) that writers started below {@code node} and never ended:
     * a writer killed with {@code kill -9} or by a power cut leaves its upload open (on S3 a multipart
     * upload whose parts the bucket keeps, and bills, until a lifecycle rule removes them; on a file
     * system a temp file). Uploads for which {@code abandoned} is false stay. Returns how many were
     * discarded; none of them ever becomes an object. The default does nothing and returns 0: stores
     * whose uploads live only in the writer's memory leave nothing behind.
     *
     * <p>Only the holder of the writer lock of {@code node} (or of a node above it) may call this, and only
     * for uploads that no live writer still sends: the lock guarantees that no other writer writes below
     * the node, so every upload found there belongs to a writer that is gone. {@code abandoned} lets the
     * caller keep uploads that belong to someone else (below a node that has a lock of its own); it may be
     * called from the calling thread only and must not throw. Objects are never touched.
     *
     * @param node the node below which uploads are discarded; the root means the whole store
     * @throws IOException when listing or aborting fails (uploads already discarded stay discarded)
     */
    default int abortUnfinishedUploads(Key node, java.util.function.Predicate<Key> abandoned) throws IOException {
        return 0;
    }

    void delete(Key key) throws IOException;

    // ---- conditional writes: the ground of writer locks and of every "one writer at a time" rule ----
    //
    // Versions are opaque strings that change whenever an object's content changes (an S3 ETag, a
    // file's identity and change time). Files and memory also change them on every write, even of equal
    // bytes; where the version is a content hash (S3 ETags of single-PUT objects) rewriting equal bytes
    // keeps it, so callers that must see every write (a lock's heartbeat) put something that changes,
    // such as a time, into the value. Every conditional call is atomic with respect to every other
    // conditional call on the same key, from any thread or process that uses the same storage.
    // Unconditional writes and deletes are not ordered against them: callers that need the guarantee
    // use only conditional calls on that key. The defaults throw a StoreException saying that the
    // store cannot do it; stores that can override all four. A store whose server cannot do one of them
    // safely (an S3 server that ignores If-Match on DELETE) throws a StoreException for that one rather
    // than act unconditionally.

    /**
     * The current version of an object, or empty when it is missing.
     *
     * @throws dev.ngff.error.StoreException when the store has no conditional writes, or fails
     */
    default Optional<String> version(Key key) throws IOException {
        throw noConditionalWrites("version");
    }

    /**
     * Creates an object only if none exists under {@code key}: of any number of concurrent callers
     * exactly one succeeds. Returns the new object's version, or empty when an object was already
     * there (nothing is written then). Like {@link #write(Key, Bytes)}, readers see the whole object
     * or none.
     */
    default Optional<String> writeIfAbsent(Key key, Bytes value) throws IOException {
        throw noConditionalWrites("create-if-absent");
    }

    /**
     * Replaces an object only if its current version is {@code expected}. Returns the new version, or
     * empty when the object is missing or has another version (nothing is written then).
     */
    default Optional<String> writeIfVersion(Key key, Bytes value, String expected) throws IOException {
        throw noConditionalWrites("write-if-version");
    }

    /**
     * Deletes an object only if its current version is {@code expected}. True when it was deleted;
     * false when it was missing or had another version.
     *
     * @throws dev.ngff.error.ConditionalDeleteUnsupportedException when the store's server cannot delete
     *     conditionally in a safe way (while its conditional writes work): callers then replace the object
     *     with a tombstone through {@link #writeIfVersion}
     * @throws dev.ngff.error.StoreException when the store has no conditional operations, or fails
     */
    default boolean deleteIfVersion(Key key, String expected) throws IOException {
        throw noConditionalWrites("delete-if-version");
    }

    /**
     * Removes what conditional writes of objects directly in {@code node} (not below its children) left
     * behind when their process was killed in the middle of one: on a file system the temp file of a
     * create-if-absent killed before its link, or of a write-if-version killed before its rename. Returns
     * how many were removed; objects are never touched. The default does nothing and returns 0: stores
     * whose conditional writes are single requests (S3) leave nothing behind.
     *
     * <p>Only the holder of {@code node}'s writer lock may call this, right after taking it: a process
     * killed while taking or taking over a free lock held no lock, so the sweep of a dead holder's uploads
     * ({@link #abortUnfinishedUploads}) never runs for it. Leftovers of live processes stay.
     *
     * @throws IOException when listing or deleting fails (what was removed stays removed)
     */
    default int discardInterruptedConditionalWrites(Key node) throws IOException {
        return 0;
    }

    private dev.ngff.error.StoreException noConditionalWrites(String what) {
        return new dev.ngff.error.StoreException(describe() + " does not support conditional writes (" + what
                + "), so it cannot hold a writer lock");
    }
}
