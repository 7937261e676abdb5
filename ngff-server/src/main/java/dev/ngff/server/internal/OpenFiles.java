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
 * Files kept open between requests, so that a request for a file served before costs one {@code stat}
 * instead of an open, two stats and a close. Two kinds of entry:
 * <ul>
 * <li>opened by the JDK ({@link FileChannel}): used only while an {@code lstat} of the path shows the file
 * key (device and inode), size and modification time it was opened with;
 * <li>opened through {@link NativeFiles} (a descriptor of our own): used while an {@code fstat} of the
 * descriptor shows one link, and the size, modification time and change time that the last check of the
 * path saw; the path itself is checked again (one {@code lstat}) at most {@link #pathCheckNanos()} after its
 * last check and whenever the descriptor shows anything else. No path walk per request, and still no stale chunk: a
 * writer's rename over the path or a delete drops the old file's link count to 0, a rename of the file
 * elsewhere or a new link moves its change time, a rewrite its size or modification time. What the
 * descriptor cannot see is a directory on the path renamed away (its files keep their links and times):
 * that is seen at the next path check, within {@link #pathCheckNanos()} ({@link #PATH_CHECK_NANOS} by
 * default). Our writers rename files, never directories.
 * </ul>
 * A writer's rename or rewrite thus makes the next request open the new version. Thread-safe; bounded
 * ({@link #capacity()}), with arbitrary entries dropped when full. An open file is closed when it has left
 * the cache and the last response that sends it is done.
 */
final class OpenFiles implements AutoCloseable {
    /** By default, the longest a descriptor entry is used without a look at its path (for directories renamed away). */
    static final long PATH_CHECK_NANOS = 5_000_000_000L;

    private final ConcurrentHashMap<Path, Handle> handles = new ConcurrentHashMap<>();
    private final int capacity;
    private final long pathCheckNanos;

    OpenFiles(int capacity) {
        this(capacity, PATH_CHECK_NANOS);
    }

    OpenFiles(int capacity, long pathCheckNanos) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity + " must be positive");
        }
        if (pathCheckNanos < 0) {
            throw new IllegalArgumentException("path check interval " + pathCheckNanos + " ns must not be negative");
        }
        this.capacity = capacity;
        this.pathCheckNanos = pathCheckNanos;
    }

    /** The longest a descriptor entry is used without a look at its path. */
    long pathCheckNanos() {
        return pathCheckNanos;
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
     * The cached descriptor entry for {@code path} if an {@code fstat} shows it unchanged since its path was
     * last checked, and that check is recent ({@link #pathCheckNanos()}); retained for the caller. Null
     * otherwise: the caller checks the path ({@link #revalidate}) or opens it.
     */
    Handle getByDescriptor(Path path, long nowNanos) throws IOException {
        Handle h = handles.get(path);
        if (h == null || h.fd < 0 || nowNanos - h.checkedNanos > pathCheckNanos) {
            return null;
        }
        NativeFiles.Version v = h.files.stat(h.fd);
        if (v.nlink() != 1 || !v.unchanged(h.checked)) {
            return null;
        }
        return h.retain() ? h : null;
    }

    /**
     * The cached descriptor entry for {@code path} if the path, as {@code seen} by an {@code lstat} at
     * {@code nowNanos}, still names its file with the same content; the entry then counts as checked and is
     * retained for the caller. An entry the path no longer names is dropped. Null when none is usable. An
     * {@code lstat} that names the entry's file (device and inode) describes that file as an {@code fstat} of
     * its descriptor would, so no {@code fstat} is needed.
     */
    Handle revalidate(Path path, NativeFiles.Version seen, long nowNanos) {
        Handle h = handles.get(path);
        if (h == null || h.fd < 0) {
            return null;
        }
        if (!seen.sameContent(h.checked)) {
            if (handles.remove(path, h)) {
                h.release();
            }
            return null;
        }
        h.checked = seen;
        h.checkedNanos = nowNanos;
        return h.retain() ? h : null;
    }

    /**
     * Caches a descriptor just opened at {@code path} (its {@code cPath}), whose version {@code v} the path
     * named when checked at {@code nowNanos}; the handle is retained for the caller.
     */
    Handle put(Path path, NativeFiles files, int fd, java.lang.foreign.MemorySegment cPath, NativeFiles.Version v,
               long nowNanos) {
        Handle h = new Handle(files, fd, cPath, v, nowNanos, 2); // one for the cache, one for the caller
        return cache(path, h);
    }

    /** Wraps a descriptor that is not cached (its path changed while it was opened); retained once, for the caller. */
    static Handle uncached(NativeFiles files, int fd, java.lang.foreign.MemorySegment cPath, NativeFiles.Version v) {
        return new Handle(files, fd, cPath, v, 0, 1);
    }

    /**
     * Wraps a file just opened at {@code path}, whose version is {@code attrs}, and caches it; the handle is
     * retained for the caller.
     */
    Handle put(Path path, FileChannel channel, BasicFileAttributes attrs) {
        return cache(path, new Handle(channel, attrs, 2)); // one for the cache, one for the caller
    }

    private Handle cache(Path path, Handle h) {
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

    /**
     * One open file and the version it was opened as, reference-counted; closed when the count reaches 0.
     * Either a JDK channel or a descriptor of our own (then {@link #fd} is not negative).
     */
    static final class Handle {
        /** The JDK's channel; for a descriptor, one opened on first use (sendfile, TLS) through /proc/self/fd. */
        private FileChannel channel;
        /** Our descriptor, or -1. */
        final int fd;
        private final NativeFiles files;
        /** The path as a C string (descriptor entries), kept for the path checks. */
        final java.lang.foreign.MemorySegment cPath;
        /** What the descriptor showed when the path last named it (descriptor entries). */
        private volatile NativeFiles.Version checked;
        private volatile long checkedNanos;
        final Object fileKey;
        final long size;
        final FileTime modified;
        final java.time.Instant modifiedInstant;
        /** The entity tag (unquoted): modification time, size and file key. */
        final String etag;
        /** The modification time as an HTTP date. */
        final String modifiedText;
        private final AtomicInteger refs;

        private Handle(NativeFiles files, int fd, java.lang.foreign.MemorySegment cPath, NativeFiles.Version v,
                       long checkedNanos, int refs) {
            this.files = files;
            this.fd = fd;
            this.cPath = cPath;
            this.checked = v;
            this.checkedNanos = checkedNanos;
            this.fileKey = null;
            this.size = v.size();
            this.modifiedInstant = java.time.Instant.ofEpochSecond(v.mtimeSec(), v.mtimeNsec());
            this.modified = FileTime.from(modifiedInstant);
            // the same tag as a JDK-opened file's (whose file key hashes device and inode so)
            this.etag = etag(modifiedInstant, size, (int) (v.dev() ^ (v.dev() >>> 32)) + (int) (v.ino() ^ (v.ino() >>> 32)));
            this.modifiedText = HttpDates.format(modifiedInstant);
            this.refs = new AtomicInteger(refs);
        }

        private Handle(FileChannel channel, BasicFileAttributes attrs, int refs) {
            this.channel = channel;
            this.fd = -1;
            this.files = null;
            this.cPath = null;
            this.fileKey = attrs.fileKey();
            this.size = attrs.size();
            this.modified = attrs.lastModifiedTime();
            this.modifiedInstant = modified.toInstant();
            this.etag = etag(modifiedInstant, size, Objects.hashCode(fileKey));
            this.modifiedText = HttpDates.format(modifiedInstant);
            this.refs = new AtomicInteger(refs);
        }

        private static String etag(java.time.Instant modified, long size, int fileHash) {
            return Long.toHexString(modified.getEpochSecond()) + Integer.toHexString(modified.getNano())
                    + "-" + Long.toHexString(size) + "-" + Integer.toHexString(fileHash);
        }

        /** The file as a channel (for sendfile and TLS); for a descriptor, the same open file reopened once. */
        synchronized FileChannel channel() throws IOException {
            if (channel == null) {
                channel = FileChannel.open(Path.of("/proc/self/fd/" + fd), java.nio.file.StandardOpenOption.READ);
            }
            return channel;
        }

        /**
         * Reads into {@code dst} at file offset {@code position}: the bytes read, -1 at the end of the file.
         * A descriptor reads straight into {@code dst}'s memory when it is direct.
         */
        int read(java.nio.ByteBuffer dst, long position) throws IOException {
            if (fd < 0) {
                return channel.read(dst, position);
            }
            int n;
            if (dst.isDirect()) {
                n = (int) files.pread(fd, java.lang.foreign.MemorySegment.ofBuffer(dst), position);
            } else {
                try (java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
                    java.lang.foreign.MemorySegment tmp = a.allocate(dst.remaining());
                    n = (int) files.pread(fd, tmp, position);
                    dst.put(dst.position(), tmp.asSlice(0, n).asByteBuffer(), 0, n);
                }
            }
            if (n == 0 && dst.hasRemaining()) {
                return -1;
            }
            dst.position(dst.position() + n);
            return n;
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
                FileChannel c;
                synchronized (this) {
                    c = channel;
                }
                try {
                    if (c != null) {
                        c.close();
                    }
                } catch (IOException ignored) {
                    // opened read-only: nothing is lost
                }
                if (fd >= 0) {
                    files.close(fd);
                }
            }
        }
    }
}
