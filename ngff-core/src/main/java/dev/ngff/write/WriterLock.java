package dev.ngff.write;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.buffer.Bytes;
import dev.ngff.error.ConditionalDeleteUnsupportedException;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.error.StoreException;
import dev.ngff.error.WriterLockedException;
import dev.ngff.metadata.Json;
import dev.ngff.store.Key;
import dev.ngff.store.WritableStore;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The writer lock of an array or hierarchy: one small JSON object, {@value #NAME}, at the node's root,
 * created with the store's create-if-absent, so of any number of writers exactly one holds it. The
 * object names its holder ({@link LockHolder}); a second writer gets a {@link WriterLockedException}
 * whose one-line message names that holder.
 *
 * <p><b>Release</b> deletes the object only if it is still the version this lock wrote (delete-if-version),
 * so a writer whose lock was broken never deletes its successor's lock. Where the store cannot delete
 * conditionally (S3 servers such as MinIO that ignore {@code If-Match} on {@code DELETE}) release replaces
 * the object, again only if it is still ours (write-if-version), with a tombstone that says the lock is
 * free ({@code "released": true}); the next writer takes a tombstone over like an absent lock. Taking a
 * lock over (a dead holder, a broken lock, a tombstone) replaces the object with write-if-version on
 * the version read, so of several writers doing so at once exactly one succeeds.
 *
 * <p><b>Stale locks.</b> A writer killed with {@code kill -9} or by a power cut leaves its lock behind.
 * {@link #acquire} takes such a lock over by itself only when its holder is provably dead
 * ({@link LockHolder#provablyDead()}: same host, and the pid is gone or belongs to a process that
 * started at another time). A lock held from another machine, or whose holder cannot be checked, is
 * broken only on request ({@link Mode#BREAK}, the CLI's {@code --break-lock}), by whoever knows that
 * writer is gone. Breaking is itself conditional on the version that was read, so two writers that
 * break one stale lock at once still end with one holder. A writer that takes a lock over this way (not a
 * free one) first discards the uploads the gone writer left open below the node (an S3 multipart upload per
 * shard it was streaming; see {@link #abortedUploads()}). A writer that takes a free lock removes only what
 * a process killed while taking the lock left beside it (a file system's temp file of the lock object).
 *
 * <p>Readers do not look at the lock; a lock does not keep readers out (see the incomplete marker for
 * that). Zarr readers ignore the object: its name is no metadata document and no chunk key.
 * Thread-safe; {@link #close()} releases.
 */
public final class WriterLock implements AutoCloseable {
    /** The lock object's name at the locked node's root. */
    public static final String NAME = ".ngff-lock.json";

    private static final int MAX_ATTEMPTS = 16;

    /** What to do about a lock someone else holds. */
    public enum Mode {
        /** Fail, unless the holder is provably dead (then take the lock over). */
        TAKE_OVER_DEAD,
        /** Break any lock that is there (the caller knows its holder is gone). */
        BREAK
    }

    private final WritableStore store;
    private final Key key;
    private final LockHolder holder;
    private final String version;
    private volatile boolean released;
    private int abortedUploads;
    private String cleanupFailure;

    private WriterLock(WritableStore store, Key key, LockHolder holder, String version) {
        this.store = store;
        this.key = key;
        this.holder = holder;
        this.version = version;
    }

    /** The key of the lock object of the node at {@code node}. */
    public static Key key(Key node) {
        return node.resolve(NAME);
    }

    /** Takes the lock of {@code node} for this process doing {@code command}, taking over only provably dead holders. */
    public static WriterLock acquire(WritableStore store, Key node, String command) throws IOException {
        return acquire(store, node, LockHolder.currentProcess(command), Mode.TAKE_OVER_DEAD);
    }

    /**
     * Takes the lock of {@code node} for {@code holder}.
     *
     * @throws WriterLockedException when another holder has it (and {@code mode} does not break it)
     * @throws StoreException        when the store has no conditional writes, or fails
     */
    public static WriterLock acquire(WritableStore store, Key node, LockHolder holder, Mode mode) throws IOException {
        Key key = key(node);
        ObjectNode doc = Json.object();
        doc.put("ngff_writer_lock", 1);
        doc.set("holder", holder.toJson());
        Bytes bytes = Json.write(doc);
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            Optional<String> created = store.writeIfAbsent(key, bytes);
            if (created.isPresent()) {
                WriterLock lock = new WriterLock(store, key, holder, created.get());
                lock.discardInterruptedLockWrites(node);
                return lock;
            }
            Optional<Held> held = read(store, key);
            if (held.isEmpty()) {
                continue; // released between our attempt and the read
            }
            Optional<LockHolder> other = held.get().holder();
            boolean dead = other.isPresent() && other.get().provablyDead();
            if (held.get().released() || mode == Mode.BREAK || dead) {
                Optional<String> taken = store.writeIfVersion(key, bytes, held.get().version());
                if (taken.isPresent()) {
                    WriterLock lock = new WriterLock(store, key, holder, taken.get());
                    if (!held.get().released()) {
                        lock.discardUploadsOfGoneWriter(node);
                    } else {
                        lock.discardInterruptedLockWrites(node);
                    }
                    return lock;
                }
                continue; // someone else changed it meanwhile: look again
            }
            throw new WriterLockedException(where(store, key) + ": another writer holds the lock of '"
                    + nodeName(node) + "': " + other.map(LockHolder::describe).orElse("a holder this version cannot read")
                    + "; wait for it to finish, or if it is gone break the lock (ngff: --break-lock)");
        }
        throw new WriterLockedException(where(store, key) + ": the lock of '" + nodeName(node)
                + "' changed hands " + MAX_ATTEMPTS + " times while taking it; try again");
    }

    /** The current holder of the lock of {@code node}, if it is locked (a holder that cannot be parsed is empty). */
    public static Optional<LockHolder> holder(WritableStore store, Key node) throws IOException {
        return read(store, key(node)).filter(h -> !h.released()).flatMap(Held::holder);
    }

    /** Breaks the lock of {@code node} whoever holds it; true when there was one. For people who know its holder is gone. */
    public static boolean breakLock(WritableStore store, Key node) throws IOException {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            Optional<Held> held = read(store, key(node));
            if (held.isEmpty() || held.get().released()) {
                return false;
            }
            if (removeIfVersion(store, key(node), held.get().version())) {
                return true;
            }
        }
        throw new WriterLockedException(where(store, key(node)) + ": the lock keeps changing; try again");
    }

    /** A lock object as read: its version, its holder (empty when unreadable), and whether it is a tombstone. */
    private record Held(String version, Optional<LockHolder> holder, boolean released) {
    }

    /** The tombstone of a released lock, for stores that cannot delete conditionally. */
    private static Bytes tombstone() {
        ObjectNode doc = Json.object();
        doc.put("ngff_writer_lock", 1);
        doc.put("released", true);
        return Json.write(doc);
    }

    /**
     * Removes the lock object if it is still {@code version}: deletes it, or where the store cannot delete
     * conditionally, replaces it with a tombstone. False when it had changed.
     */
    private static boolean removeIfVersion(WritableStore store, Key key, String version) throws IOException {
        try {
            return store.deleteIfVersion(key, version);
        } catch (ConditionalDeleteUnsupportedException e) {
            return store.writeIfVersion(key, tombstone(), version).isPresent();
        }
    }

    /** The lock object and its version, read consistently (the version before and after the read agree). */
    private static Optional<Held> read(WritableStore store, Key key) throws IOException {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            Optional<String> before = store.version(key);
            if (before.isEmpty()) {
                return Optional.empty();
            }
            Optional<Bytes> bytes = store.read(key);
            Optional<String> after = store.version(key);
            if (bytes.isEmpty() || after.isEmpty()) {
                return Optional.empty();
            }
            if (!before.equals(after)) {
                continue;
            }
            if (isTombstone(bytes.get())) {
                return Optional.of(new Held(after.get(), Optional.empty(), true));
            }
            Optional<LockHolder> h;
            try {
                h = Optional.of(LockHolder.parse(bytes.get(), where(store, key)));
            } catch (InvalidMetadataException e) {
                h = Optional.empty(); // a damaged lock still locks; only --break-lock removes it
            }
            return Optional.of(new Held(after.get(), h, false));
        }
        throw new WriterLockedException(where(store, key) + ": the lock keeps changing while it is read; try again");
    }

    /**
     * After taking the lock over from a writer that is gone (killed, or its lock broken), discards the uploads
     * it left open below the node ({@link WritableStore#abortUnfinishedUploads}): on S3 the multipart uploads
     * of the shards it was streaming, which would otherwise stay in the bucket (and be billed) until a
     * lifecycle rule removes them. Holding the lock, this writer is the only one below the node, so those
     * uploads have no live sender; uploads below a node that holds a lock of its own (another writer's
     * array inside this hierarchy) stay. A failure (such as credentials that may not list uploads) does not
     * stop the writer: a stray upload never becomes an object, it only costs storage, so the failure is
     * kept for {@link #uploadCleanupFailure()} and the lock stays taken.
     */
    private void discardUploadsOfGoneWriter(Key node) {
        try {
            abortedUploads = store.abortUnfinishedUploads(node, notUnderAnotherLock(store, node));
        } catch (IOException e) {
            cleanupFailure = e.getMessage();
        }
    }

    /**
     * After taking a free lock (none there, or a tombstone), removes what a writer killed while taking or
     * taking over that lock left beside it ({@link WritableStore#discardInterruptedConditionalWrites}): it
     * held no lock, so the sweep of a gone holder's uploads would never see it. Failures are kept like
     * those of that sweep.
     */
    private void discardInterruptedLockWrites(Key node) {
        try {
            abortedUploads = store.discardInterruptedConditionalWrites(node);
        } catch (IOException e) {
            cleanupFailure = e.getMessage();
        }
    }

    /**
     * Accepts keys below {@code node} with no held lock on any node between them and {@code node}. A lock
     * that cannot be read counts as held, so that an upload is kept when in doubt. Remembers each node looked at.
     */
    private static Predicate<Key> notUnderAnotherLock(WritableStore store, Key node) {
        Map<Key, Boolean> locked = new HashMap<>();
        return k -> {
            for (Key dir = k.isRoot() ? k : k.parent(); !dir.equals(node) && dir.startsWith(node) && !dir.isRoot();
                 dir = dir.parent()) {
                if (locked.computeIfAbsent(dir, d -> {
                    try {
                        return read(store, key(d)).map(h -> !h.released()).orElse(false);
                    } catch (IOException | RuntimeException e) {
                        return true;
                    }
                })) {
                    return false;
                }
            }
            return true;
        };
    }

    /**
     * How many unfinished uploads a gone writer had left below the node and {@link #acquire} discarded when it
     * took this lock over (0 when the lock was free or the store keeps no uploads).
     */
    public int abortedUploads() {
        return abortedUploads;
    }

    /**
     * Why discarding a gone writer's uploads failed when this lock was taken over (one line naming the store),
     * or empty when it did not fail or was not needed. Uploads not discarded stay until a lifecycle rule of
     * the bucket removes them; nothing of them is ever visible.
     */
    public Optional<String> uploadCleanupFailure() {
        return Optional.ofNullable(cleanupFailure);
    }

    public LockHolder holder() {
        return holder;
    }

    public Key key() {
        return key;
    }

    /** True while the lock object is still the one this lock wrote (nobody broke it). */
    public boolean stillHeld() throws IOException {
        return !released && store.version(key).map(version::equals).orElse(false);
    }

    /**
     * Throws unless this lock is still held: a writer calls this before publishing, so a writer whose
     * lock was broken does not publish over its successor's work.
     */
    public void requireHeld() throws IOException {
        if (!stillHeld()) {
            throw new WriterLockedException(where(store, key) + ": this writer's lock was broken by another writer"
                    + holder(store, key.parent()).map(h -> " (now held by " + h.describe() + ")").orElse("")
                    + "; stopping without publishing");
        }
    }

    /** Releases the lock; true when this lock's object was deleted, false when it had been broken. Idempotent. */
    public boolean release() throws IOException {
        if (released) {
            return false;
        }
        released = true;
        return removeIfVersion(store, key, version);
    }

    private static boolean isTombstone(Bytes bytes) {
        try {
            return Json.parse(bytes, "lock").path("released").asBoolean(false);
        } catch (InvalidMetadataException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        release();
    }

    private static String where(WritableStore store, Key key) {
        return store.describe() + " '" + key + "'";
    }

    private static String nodeName(Key node) {
        return node.isRoot() ? "/" : node.path();
    }
}
