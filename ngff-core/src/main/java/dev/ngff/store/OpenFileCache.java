package dev.ngff.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A bounded least-recently-used set of read-only channels of one {@link FileSystemStore}, keyed by path,
 * each remembered with the identity of the file it has open (its file key: device and inode).
 *
 * <p>Contract: {@link #lease} hands out the cached channel of a path only when the caller's fresh look at
 * the path found the same file key, so a file replaced by a rename is never read through the channel of
 * the file it replaced. At most {@code capacity} channels stay open; one pushed out, replaced, invalidated
 * or left when the cache closes is closed as soon as no lease holds it (a reader in the middle of a
 * positional read is never cut off). After {@link #close} nothing is cached: {@link #offer} hands back a
 * lease that closes its channel on release. Thread-safe; the lock is held only to update the map, never
 * during I/O.
 */
final class OpenFileCache implements AutoCloseable {
    private final int capacity;
    private final LinkedHashMap<Path, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private boolean closed;

    /** A channel in use; {@link #close} releases it (and closes it if the cache no longer holds it). */
    final class Lease implements AutoCloseable {
        private final Entry entry;
        private boolean released;

        private Lease(Entry entry) {
            this.entry = entry;
        }

        FileChannel channel() {
            return entry.channel;
        }

        @Override
        public void close() throws IOException {
            if (released) {
                return;
            }
            released = true;
            boolean closeNow;
            synchronized (OpenFileCache.this) {
                closeNow = --entry.leases == 0 && entry.dropped;
            }
            if (closeNow) {
                entry.channel.close();
            }
        }
    }

    private static final class Entry {
        final FileChannel channel;
        final Object fileKey;
        int leases;
        /** No longer in the map: closed by whoever releases the last lease. */
        boolean dropped;

        Entry(FileChannel channel, Object fileKey) {
            this.channel = channel;
            this.fileKey = fileKey;
        }
    }

    /** @param capacity how many channels stay open at most (at least 1) */
    OpenFileCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("open file cache capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * The cached channel of {@code path} if it has {@code fileKey} open, else null; a cached channel of
     * another file at that path (it was replaced) is dropped.
     */
    Lease lease(Path path, Object fileKey) throws IOException {
        Objects.requireNonNull(fileKey, "fileKey");
        Entry stale;
        synchronized (this) {
            Entry e = entries.get(path);
            if (e == null) {
                return null;
            }
            if (e.fileKey.equals(fileKey)) {
                e.leases++;
                return new Lease(e);
            }
            entries.remove(path);
            stale = drop(e);
        }
        closeQuietly(stale);
        return null;
    }

    /**
     * Caches a channel the caller just opened on the file with {@code fileKey} at {@code path} and leases
     * it; a channel already cached for the path is replaced. After {@link #close} the channel is not
     * cached, and releasing the lease closes it.
     */
    Lease offer(Path path, FileChannel channel, Object fileKey) throws IOException {
        Entry e = new Entry(channel, Objects.requireNonNull(fileKey, "fileKey"));
        e.leases = 1;
        List<Entry> toClose = new ArrayList<>(2);
        synchronized (this) {
            if (closed) {
                e.dropped = true;
                return new Lease(e);
            }
            Entry old = entries.put(path, e);
            if (old != null) {
                toClose.add(drop(old));
            }
            Iterator<Map.Entry<Path, Entry>> it = entries.entrySet().iterator();
            while (entries.size() > capacity && it.hasNext()) {
                Entry eldest = it.next().getValue();
                it.remove();
                toClose.add(drop(eldest));
            }
        }
        for (Entry c : toClose) {
            closeQuietly(c);
        }
        return new Lease(e);
    }

    /** A lease of a channel that is not cached: releasing it closes the channel. */
    Lease uncached(FileChannel channel) {
        Entry e = new Entry(channel, Boolean.FALSE);
        e.leases = 1;
        e.dropped = true;
        return new Lease(e);
    }

    /** Forgets the channel of {@code path} (the store wrote or deleted it). */
    void invalidate(Path path) {
        Entry stale;
        synchronized (this) {
            Entry e = entries.remove(path);
            if (e == null) {
                return;
            }
            stale = drop(e);
        }
        closeQuietly(stale);
    }

    /** How many channels are cached now (for tests). */
    synchronized int size() {
        return entries.size();
    }

    /** Closes every cached channel not in use now, the others when released; caches nothing from now on. */
    @Override
    public void close() {
        List<Entry> toClose = new ArrayList<>();
        synchronized (this) {
            closed = true;
            for (Entry e : entries.values()) {
                toClose.add(drop(e));
            }
            entries.clear();
        }
        for (Entry c : toClose) {
            closeQuietly(c);
        }
    }

    /** Marks an entry removed from the map; returns it if nobody leases it (the caller closes it), else null. */
    private static Entry drop(Entry e) {
        e.dropped = true;
        return e.leases == 0 ? e : null;
    }

    private static void closeQuietly(Entry e) {
        if (e == null) {
            return;
        }
        try {
            e.channel.close();
        } catch (IOException ignored) {
            // a read-only channel has nothing to flush; a failed close loses no data
        }
    }
}
