package dev.ngff.server.internal;

import dev.ngff.buffer.Bytes;
import dev.ngff.error.Causes;
import dev.ngff.error.StoreException;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.stream.ChunkedNioFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Objects of a {@link FileSystemStore}, sent with {@code sendfile} (a {@link DefaultFileRegion}). A key
 * must lie below the root's real path once links are resolved, unless the store was opened to follow
 * links out of it (the same rule as the store's own reads): each directory is resolved once and
 * remembered, and the file is opened without following a link (a link is followed only when its target
 * lies inside the root). Regular files stay open between requests ({@link OpenFiles}) and are reused
 * while their path still names the same version; a file replaced by a writer's rename is opened afresh,
 * and one replaced mid-response is sent whole from the old version. On Linux the files are descriptors of
 * our own ({@link NativeFiles}) and a request for a cached file costs one {@code fstat} of its descriptor
 * (no path walk; {@link OpenFiles} says why that still sees every replacement); elsewhere, or with the
 * system property {@code ngff.serve.fileCheck=path}, one {@code lstat} of its path. Opening is a few
 * system calls, cheap enough for the event loop.
 */
final class FileObjects implements ObjectSource {
    private static final int MAX_CONFINED_DIRS = 1 << 16;

    private final FileSystemStore store;
    private volatile Path realRoot;
    /** Directories below the root found to lie inside it once links are resolved; cleared when large. */
    private final Set<Path> confinedDirs = ConcurrentHashMap.newKeySet();
    private final OpenFiles openFiles;
    /** Keys already mapped to a path whose directory is confined; cleared when large. */
    private final ConcurrentHashMap<Key, Path> confinedFiles = new ConcurrentHashMap<>();
    /** Descriptors of our own, or null: the JDK's channels, checked by path. */
    private final NativeFiles nativeFiles;

    /** Descriptors where they work, unless the system property {@code ngff.serve.fileCheck} is {@code path}. */
    FileObjects(FileSystemStore store) {
        this(store, !"path".equals(System.getProperty("ngff.serve.fileCheck")));
    }

    /** With {@code descriptors} false, or where {@link NativeFiles} cannot work, the JDK's channels checked by path. */
    FileObjects(FileSystemStore store, boolean descriptors) {
        this(store, descriptors, OpenFiles.PATH_CHECK_NANOS);
    }

    /** ... and descriptors used at most {@code pathCheckNanos} without a look at their path (see {@link OpenFiles}). */
    FileObjects(FileSystemStore store, boolean descriptors, long pathCheckNanos) {
        this.store = store;
        this.nativeFiles = !descriptors || store.options().followLinksOutOfRoot() ? null : NativeFiles.get();
        this.openFiles = new OpenFiles(OpenFiles.defaultCapacity(), pathCheckNanos);
    }

    /** "descriptor" when cached files are checked by {@code fstat}, "path" when by {@code lstat} (for tests and logs). */
    String fileCheck() {
        return nativeFiles != null ? "descriptor" : "path";
    }

    @Override
    public void close() {
        openFiles.close();
    }

    @Override
    public void shed() {
        openFiles.shed();
    }

    @Override
    public boolean blocking() {
        return false;
    }

    @Override
    public String describe() {
        return store.describe();
    }

    private Optional<Path> realRoot() throws IOException {
        Path r = realRoot;
        if (r == null) {
            if (!Files.isDirectory(store.root())) {
                return Optional.empty(); // a live dataset whose writer has not created the root yet
            }
            r = store.root().toRealPath();
            realRoot = r;
        }
        return Optional.of(r);
    }

    @Override
    public Optional<ServedObject> open(Key key) throws IOException {
        if (key.isRoot()) {
            return Optional.empty();
        }
        Path known = confinedFiles.get(key);
        Path file = known != null ? known : store.path(key);
        try {
            Optional<Path> root = realRoot();
            if (root.isEmpty()) {
                return Optional.empty();
            }
            if (known == null) {
                Optional<Path> target = confined(file, root.get());
                if (target.isEmpty()) {
                    return Optional.empty();
                }
                if (confinedFiles.size() >= MAX_CONFINED_DIRS) {
                    confinedFiles.clear();
                }
                confinedFiles.put(key, target.get());
                file = target.get();
            }
            OpenFiles.Handle h = openHandle(file, root.get());
            return h == null ? Optional.empty() : Optional.of(new FileObject(key, h));
        } catch (NoSuchFileException e) {
            openFiles.forget(file);
            return Optional.empty();
        } catch (FileSystemException e) {
            if (!Files.exists(file) || Files.isDirectory(file)) {
                return Optional.empty(); // a path through a regular file, or a directory
            }
            throw new StoreException(store.describe() + ": cannot open '" + key + "': " + Causes.describe(e), e);
        } catch (IOException e) {
            throw new StoreException(store.describe() + ": cannot open '" + key + "': " + Causes.describe(e), e);
        }
    }

    /**
     * The open file for a confined path, retained for the caller; null when it is not a regular file (or a
     * link out of the root). A regular file comes from the cache of open files when it is still the version
     * the path names (one {@code fstat} of our descriptor, or one {@code lstat} of the path, see
     * {@link OpenFiles}); otherwise it is opened without following a link and cached if the path named the
     * same version before and after the open (a writer's rename in between is retried).
     */
    private OpenFiles.Handle openHandle(Path file, Path root) throws IOException {
        if (nativeFiles != null) {
            long now = System.nanoTime();
            OpenFiles.Handle cached = openFiles.getByDescriptor(file, now);
            if (cached != null) {
                return cached;
            }
            java.lang.foreign.MemorySegment cPath = NativeFiles.cPath(file);
            if (cPath != null) {
                return openDescriptor(file, cPath, root, now);
            }
        }
        return openByPath(file, root);
    }

    /** {@link #openHandle} with the JDK's channels, checked by an {@code lstat} of the path per request. */
    private OpenFiles.Handle openByPath(Path file, Path root) throws IOException {
        for (int attempt = 0; ; attempt++) {
            BasicFileAttributes before = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (before.isSymbolicLink() || store.options().followLinksOutOfRoot()) {
                return openUncached(file, root);
            }
            if (!before.isRegularFile()) {
                openFiles.forget(file);
                return null;
            }
            OpenFiles.Handle cached = openFiles.get(file, before);
            if (cached != null) {
                return cached;
            }
            FileChannel ch = openFile(file, root);
            if (ch == null) {
                return null;
            }
            BasicFileAttributes after;
            try {
                after = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
            if (after.isRegularFile() && Objects.equals(before.fileKey(), after.fileKey())
                    && before.size() == after.size() && before.lastModifiedTime().equals(after.lastModifiedTime())) {
                return openFiles.put(file, ch, after);
            }
            if (attempt >= 2) {
                return OpenFiles.uncached(ch, after); // changing under a busy writer: serve what was opened, once
            }
            ch.close();
        }
    }

    /**
     * {@link #openHandle} with descriptors of our own, once the cached descriptor (if any) showed a change or
     * is due for a path check: an {@code lstat} of the path, then the cached descriptor if the path still
     * names its file, else an open (cached if the path named the opened file before and after). A link is
     * left to {@link #openUncached} (followed only to a target inside the root). Null for what is not a
     * regular file.
     */
    private OpenFiles.Handle openDescriptor(Path file, java.lang.foreign.MemorySegment cPath, Path root, long now)
            throws IOException {
        for (int attempt = 0; ; attempt++) {
            NativeFiles.Version before = nativeFiles.lstat(cPath, file);
            if (before == null) {
                openFiles.forget(file);
                return null;
            }
            if (!before.regular()) {
                openFiles.forget(file);
                return Files.isSymbolicLink(file) ? openUncached(file, root) : null;
            }
            OpenFiles.Handle h = openFiles.revalidate(file, before, now);
            if (h != null) {
                return h;
            }
            int fd = openDescriptor(cPath, file);
            if (fd == -NativeFiles.ELOOP) {
                return openUncached(file, root); // replaced by a link meanwhile
            }
            if (fd >= 0) {
                NativeFiles.Version opened;
                try {
                    opened = nativeFiles.stat(fd);
                } catch (IOException | RuntimeException e) {
                    nativeFiles.close(fd);
                    throw e;
                }
                if (opened.regular() && opened.sameContent(before)) {
                    return openFiles.put(file, nativeFiles, fd, cPath, opened, now);
                }
                if (opened.regular() && attempt >= 2) {
                    return OpenFiles.uncached(nativeFiles, fd, cPath, opened); // changing under a busy writer: serve what was opened, once
                }
                nativeFiles.close(fd);
            }
            if (attempt >= 2) {
                return null; // gone or not a file each time we looked
            }
        }
    }

    /** Opens a descriptor, giving back cached files once when the process is out of descriptors. */
    private int openDescriptor(java.lang.foreign.MemorySegment cPath, Path file) throws IOException {
        try {
            return nativeFiles.open(cPath, file);
        } catch (IOException e) {
            if (!OpenFiles.outOfDescriptors(e)) {
                throw e;
            }
            openFiles.shed();
            return nativeFiles.open(cPath, file);
        }
    }

    /** A link (followed only to a target inside the root) or a store that follows links: opened per request. */
    private OpenFiles.Handle openUncached(Path file, Path root) throws IOException {
        FileChannel ch = openFile(file, root);
        if (ch == null) {
            return null;
        }
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            if (!a.isRegularFile()) {
                ch.close();
                return null;
            }
            return OpenFiles.uncached(ch, a);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * The path to open for {@code file}: itself when its directory lies inside the root once links are
     * resolved (each directory is resolved once, then remembered), empty when it does not. With links out
     * of the root allowed, the file itself.
     */
    private Optional<Path> confined(Path file, Path root) throws IOException {
        if (store.options().followLinksOutOfRoot()) {
            return Optional.of(file);
        }
        Path dir = file.getParent();
        if (!confinedDirs.contains(dir)) {
            if (!dir.toRealPath().startsWith(root)) {
                return Optional.empty();
            }
            if (confinedDirs.size() >= MAX_CONFINED_DIRS) {
                confinedDirs.clear();
            }
            confinedDirs.add(dir);
        }
        return Optional.of(file);
    }

    /**
     * Opens a file whose directory is confined: without following a link at the last component (one system
     * call), and for a link, only when its target lies inside the root. Null when it does not.
     */
    private FileChannel openFile(Path file, Path root) throws IOException {
        try {
            return openFileOnce(file, root);
        } catch (IOException e) {
            if (!OpenFiles.outOfDescriptors(e)) {
                throw e;
            }
            openFiles.shed(); // connections need descriptors more than the cache does
            return openFileOnce(file, root);
        }
    }

    private FileChannel openFileOnce(Path file, Path root) throws IOException {
        if (store.options().followLinksOutOfRoot()) {
            return FileChannel.open(file, StandardOpenOption.READ);
        }
        try {
            return FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            if (e instanceof NoSuchFileException || !Files.isSymbolicLink(file)) {
                throw e; // O_NOFOLLOW on a link fails with ELOOP, which the JDK reports as a plain IOException
            }
            Path real = file.toRealPath();
            return real.startsWith(root) ? FileChannel.open(real, StandardOpenOption.READ) : null;
        }
    }

    private final class FileObject extends FixedHead {
        private final Key key;
        private final OpenFiles.Handle handle;
        private boolean handedOff;

        FileObject(Key key, OpenFiles.Handle handle) {
            super(handle.size, Optional.of(handle.etag), Optional.of(handle.modifiedInstant));
            this.key = key;
            this.handle = handle;
        }

        @Override
        public Optional<String> lastModifiedText() {
            return Optional.of(handle.modifiedText);
        }

        @Override
        public Optional<Object> transferable(long start, long end, boolean tls) {
            handedOff = true;
            if (tls) {
                try {
                    return Optional.of(new SharedChunkedFile(handle, start, end - start));
                } catch (IOException e) {
                    handedOff = false;
                    return Optional.empty();
                }
            }
            try {
                return Optional.of(new SharedFileRegion(handle, start, end - start));
            } catch (IOException e) {
                handedOff = false;
                return Optional.empty();
            }
        }

        @Override
        public void readInto(io.netty.buffer.ByteBuf dst, long start, long end) throws IOException {
            int n = Math.toIntExact(end - start);
            ByteBuffer buf = dst.nioBuffer(dst.writerIndex(), n); // direct: read into with one pread
            while (buf.hasRemaining()) {
                if (handle.read(buf, start + buf.position()) < 0) {
                    throw new StoreException(store.describe() + ": '" + key + "' shrank to " + (start + buf.position())
                            + " bytes while it was being sent (expected " + length() + ")");
                }
            }
            dst.writerIndex(dst.writerIndex() + n);
        }

        @Override
        public Bytes read(long start, long end) throws IOException {
            ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(end - start));
            while (buf.hasRemaining()) {
                if (handle.read(buf, start + buf.position()) < 0) {
                    throw new StoreException(store.describe() + ": '" + key + "' shrank to " + (start + buf.position())
                            + " bytes while it was being sent (expected " + length() + ")");
                }
            }
            return Bytes.wrap(buf.array());
        }

        @Override
        public void close() {
            if (!handedOff) {
                handle.release();
            }
        }
    }

    /** A sendfile region over a shared open file: releases its hold instead of closing the file. */
    private static final class SharedFileRegion extends DefaultFileRegion {
        private final OpenFiles.Handle handle;

        SharedFileRegion(OpenFiles.Handle handle, long position, long count) throws IOException {
            super(handle.channel(), position, count);
            this.handle = handle;
        }

        @Override
        protected void deallocate() {
            handle.release();
        }
    }

    /** Pieces of a shared open file for TLS (positional reads): releases its hold instead of closing the file. */
    private static final class SharedChunkedFile extends ChunkedNioFile {
        private final OpenFiles.Handle handle;
        private boolean released;

        SharedChunkedFile(OpenFiles.Handle handle, long offset, long length) throws IOException {
            super(handle.channel(), offset, length, 64 * 1024);
            this.handle = handle;
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                handle.release();
            }
        }
    }
}
