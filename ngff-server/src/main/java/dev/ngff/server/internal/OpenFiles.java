package dev.ngff.server.internal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Files kept open between requests, so that a request for a file served before costs one {@code lstat}
 * (to see whether the path still names the same version) instead of an open, two stats and a close. An
 * entry is used only while the path's file key (device and inode), size and modification time are those
 * it was opened with; a writer's rename or rewrite changes them, and the next request opens the new
 * version. Thread-safe; bounded ({@link #capacity()}), with arbitrary entries dropped when full. An open
 * file is closed when it has left the cache and the last response that sends it is done.
 */
final class OpenFiles implements AutoCloseable {
    private final ConcurrentHashMap<Path, Handle> handles = new ConcurrentHashMap<>();
    private final int capacity;

    OpenFiles(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity + " must be positive");
        }
        this.capacity = capacity;
    }

    /**
     * A capacity that leaves most of the process's file descriptors to connections (a bulk reader on
     * loopback may open thousands): a quarter of them, 256 to 16,384.
     */
    static int defaultCapacity() {
        long max = 4096;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean u) {
            max = u.getMaxFileDescriptorCount();
        }
        return (int) Math.clamp(max / 4, 256, 16_384);
    }

    /** True if {@code e} says the process has no file descriptor left (EMFILE) or the system none (ENFILE). */
    static boolean outOfDescriptors(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("Too many open files"))) {
                return true;
            }
        }
        return false;
    }

    /** Closes half the cached files (those no response is sending close at once), for a process out of descriptors. */
    void shed() {
        drop(Math.max(1, handles.size() / 2));
    }

    int capacity() {
        return capacity;
    }

    /**
     * The cached open file for {@code path} if it is the version {@code now} describes, retained for the
     * caller (who must {@link Handle#release()} it); null otherwise.
     */
    Handle get(Path path, BasicFileAttributes now) {
        Handle h = handles.get(path);
        if (h == null) {
            return null;
        }
        if (!h.describes(now)) {
            if (handles.remove(path, h)) {
                h.release();
            }
            return null;
        }
        return h.retain() ? h : null;
    }

    /**
     * Wraps a file just opened at {@code path}, whose version is {@code attrs}, and caches it; the handle is
     * retained for the caller.
     */
    Handle put(Path path, FileChannel channel, BasicFileAttributes attrs) {
        Handle h = new Handle(channel, attrs, 2); // one for the cache, one for the caller
        if (handles.size() >= capacity) {
            trim();
        }
        Handle old = handles.put(path, h);
        if (old != null) {
            old.release();
        }
        return h;
    }

    /** Wraps a file that is not cached (its path changed while it was opened); retained once, for the caller. */
    static Handle uncached(FileChannel channel, BasicFileAttributes attrs) {
        return new Handle(channel, attrs, 1);
    }

    /** Forgets the entry for a path that no longer names a regular file. */
    void forget(Path path) {
        Handle h = handles.remove(path);
        if (h != null) {
            h.release();
        }
    }

    private void trim() {
        drop(Math.max(1, capacity / 8));
    }

    /** Drops up to {@code drop} arbitrary entries. */
    private void drop(int drop) {
        for (Iterator<Handle> it = handles.values().iterator(); it.hasNext() && drop > 0; drop--) {
            Handle h = it.next();
            it.remove();
            h.release();
        }
    }

    int size() {
        return handles.size();
    }

    @Override
    public void close() {
        for (Iterator<Handle> it = handles.values().iterator(); it.hasNext(); ) {
            Handle h = it.next();
            it.remove();
            h.release();
        }
    }

    /** One open file and the version it was opened as, reference-counted; closed when the count reaches 0. */
    static final class Handle {
        final FileChannel channel;
        final Object fileKey;
        final long size;
        final FileTime modified;
        final java.time.Instant modifiedInstant;
        /** The entity tag (unquoted): modification time, size and file key. */
        final String etag;
        /** The modification time as an HTTP date. */
        final String modifiedText;
        private final AtomicInteger refs;

        private Handle(FileChannel channel, BasicFileAttributes attrs, int refs) {
            this.channel = channel;
            this.fileKey = attrs.fileKey();
            this.size = attrs.size();
            this.modified = attrs.lastModifiedTime();
            this.modifiedInstant = modified.toInstant();
            this.etag = Long.toHexString(modifiedInstant.getEpochSecond()) + Integer.toHexString(modifiedInstant.getNano())
                    + "-" + Long.toHexString(size) + "-" + Integer.toHexString(Objects.hashCode(fileKey));
            this.modifiedText = HttpDates.format(modifiedInstant);
            this.refs = new AtomicInteger(refs);
        }

        boolean describes(BasicFileAttributes a) {
            return fileKey != null && Objects.equals(fileKey, a.fileKey()) && size == a.size()
                    && modified.equals(a.lastModifiedTime());
        }

        private boolean retain() {
            for (int r = refs.get(); r > 0; r = refs.get()) {
                if (refs.compareAndSet(r, r + 1)) {
                    return true;
                }
            }
            return false; // closed meanwhile
        }

        void release() {
            if (refs.decrementAndGet() == 0) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // opened read-only: nothing is lost
                }
            }
        }
    }
}
