package dev.ngff.store;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Mutual exclusion for the conditional writes of {@link FileSystemStore}, across threads and processes.
 *
 * <p>Each store root has one lock file; a key maps to one byte of it (one of {@value #STRIPES} stripes, by
 * the key's {@link String#hashCode()}, which Java specifies, so every process maps a key alike). A holder
 * takes an in-JVM lock for the stripe, then an OS record lock on that byte.
 *
 * <p>The table is JVM-wide on purpose: POSIX record locks belong to the process, a process cannot lock
 * a region twice, and closing any channel of a file drops every lock the process holds on it. So every
 * store over one root in this JVM shares one channel and one set of in-JVM locks while any thread holds or
 * waits for one of them; the last one out closes the channel (nothing of this JVM is locked then), so no
 * file stays open in a store's root between writes (a disk can be unmounted, and long-running processes
 * do not collect descriptors for every root they ever wrote to). The channel is an {@link AsynchronousFileChannel} because an interrupt closes a
 * {@code FileChannel}, which would silently drop the locks of other threads. OS locks are taken with
 * {@code tryLock} and short sleeps: waiting threads of this JVM queue on the in-JVM lock, and only a
 * holder in another process makes anyone poll.
 */
final class ConditionalWriteLocks {
    static final int STRIPES = 1024;
    private static final long MAX_SLEEP_MS = 20;

    /** The lock files in use by this JVM; guarded by itself (conditional writes are rare: one monitor is enough). */
    private static final Map<Path, LockFile> FILES = new HashMap<>();

    private ConditionalWriteLocks() {
    }

    /** A held lock; closing releases it. */
    interface Held extends AutoCloseable {
        @Override
        void close() throws IOException;
    }

    /**
     * Blocks until this thread holds the lock of {@code key} in {@code lockFile} (created if missing).
     *
     * @throws InterruptedIOException if interrupted while waiting for another process
     */
    static Held lock(Path lockFile, Key key) throws IOException {
        int stripe = Math.floorMod(key.path().hashCode(), STRIPES);
        while (true) {
            LockFile file = use(lockFile);
            boolean handedOut = false;
            try {
                ReentrantLock inJvm = file.stripes[stripe];
                inJvm.lock();
                try {
                    FileLock os = lockRegion(file.channel, stripe);
                    boolean current;
                    try {
                        current = file.isStillAt(lockFile);
                    } catch (IOException e) {
                        os.release();
                        throw e;
                    }
                    if (current) {
                        handedOut = true;
                        return () -> {
                            try {
                                os.release();
                            } finally {
                                inJvm.unlock();
                                leave(lockFile, file);
                            }
                        };
                    }
                    // someone deleted or replaced the lock file: other processes lock the new one, so must we
                    os.release();
                    synchronized (FILES) {
                        FILES.remove(lockFile, file);
                    }
                } finally {
                    if (!handedOut) {
                        inJvm.unlock();
                    }
                }
            } finally {
                if (!handedOut) {
                    leave(lockFile, file);
                }
            }
        }
    }

    private static FileLock lockRegion(AsynchronousFileChannel channel, int stripe) throws IOException {
        long sleep = 1;
        while (true) {
            FileLock l = channel.tryLock(stripe, 1, false);
            if (l != null) {
                return l;
            }
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for another process's conditional write");
            }
            sleep = Math.min(MAX_SLEEP_MS, sleep * 2);
        }
    }

    /** The lock file's shared state, opened if no thread of this JVM uses it now; counts this thread in. */
    private static LockFile use(Path lockFile) throws IOException {
        synchronized (FILES) {
            LockFile file = FILES.get(lockFile);
            if (file == null) {
                file = new LockFile(lockFile);
                FILES.put(lockFile, file);
            }
            file.users++;
            return file;
        }
    }

    /** Counts this thread out; the last one closes the channel (no lock of this JVM is held on it then). */
    private static void leave(Path lockFile, LockFile file) throws IOException {
        synchronized (FILES) {
            if (--file.users > 0) {
                return;
            }
            FILES.remove(lockFile, file);
            file.channel.close();
        }
    }

    private static final class LockFile {
        final AsynchronousFileChannel channel;
        final Object fileKey;
        final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
        /** Threads holding or waiting for a stripe; guarded by {@link #FILES}. */
        int users;

        LockFile(Path path) throws IOException {
            this.channel = AsynchronousFileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            this.fileKey = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
            for (int i = 0; i < STRIPES; i++) {
                stripes[i] = new ReentrantLock();
            }
        }

        /** True while the path still names the file this channel has open (platforms without file keys: always). */
        boolean isStillAt(Path path) throws IOException {
            if (fileKey == null) {
                return true;
            }
            try {
                return Objects.equals(fileKey, Files.readAttributes(path, BasicFileAttributes.class).fileKey());
            } catch (NoSuchFileException e) {
                return false;
            }
        }
    }
}
