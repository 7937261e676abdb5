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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Objects of a {@link FileSystemStore}, sent with {@code sendfile} (a {@link DefaultFileRegion}). A key
 * must lie below the root's real path once links are resolved, unless the store was opened to follow
 * links out of it (the same rule as the store's own reads): each directory is resolved once and
 * remembered, and the file is opened without following a link (a link is followed only when its target
 * lies inside the root). The file is opened once per
 * request, so a file replaced by a writer's rename mid-response is sent whole from the old version.
 * Opening is a few system calls, cheap enough for the event loop.
 */
final class FileObjects implements ObjectSource {
    private static final int MAX_CONFINED_DIRS = 1 << 16;

    private final FileSystemStore store;
    private volatile Path realRoot;
    /** Directories below the root found to lie inside it once links are resolved; cleared when large. */
    private final Set<Path> confinedDirs = ConcurrentHashMap.newKeySet();

    FileObjects(FileSystemStore store) {
        this.store = store;
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
        Path file = store.path(key);
        try {
            Optional<Path> root = realRoot();
            if (root.isEmpty()) {
                return Optional.empty();
            }
            Optional<Path> target = confined(file, root.get());
            if (target.isEmpty()) {
                return Optional.empty();
            }
            FileChannel ch = openFile(target.get(), root.get());
            if (ch == null) {
                return Optional.empty();
            }
            try {
                BasicFileAttributes a = Files.readAttributes(target.get(), BasicFileAttributes.class);
                if (!a.isRegularFile()) {
                    ch.close();
                    return Optional.empty();
                }
                long size = ch.size();
                Instant mtime = a.lastModifiedTime().toInstant();
                String etag = Long.toHexString(mtime.getEpochSecond()) + Integer.toHexString(mtime.getNano()) + "-"
                        + Long.toHexString(size) + "-" + Integer.toHexString(java.util.Objects.hashCode(a.fileKey()));
                return Optional.of(new FileObject(key, ch, size, etag, mtime));
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        } catch (NoSuchFileException e) {
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
        private final FileChannel channel;
        private boolean handedOff;

        FileObject(Key key, FileChannel channel, long length, String etag, Instant mtime) {
            super(length, Optional.of(etag), Optional.of(mtime));
            this.key = key;
            this.channel = channel;
        }

        @Override
        public Optional<Object> transferable(long start, long end, boolean tls) {
            handedOff = true;
            if (tls) {
                try {
                    return Optional.of(new ChunkedNioFile(channel, start, end - start, 64 * 1024));
                } catch (IOException e) {
                    handedOff = false;
                    return Optional.empty();
                }
            }
            return Optional.of(new DefaultFileRegion(channel, start, end - start));
        }

        @Override
        public Bytes read(long start, long end) throws IOException {
            ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(end - start));
            while (buf.hasRemaining()) {
                if (channel.read(buf, start + buf.position()) < 0) {
                    throw new StoreException(store.describe() + ": '" + key + "' shrank to " + (start + buf.position())
                            + " bytes while it was being sent (expected " + length() + ")");
                }
            }
            return Bytes.wrap(buf.array());
        }

        @Override
        public void close() {
            if (!handedOff) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // a read-only channel: nothing is lost
                }
            }
        }
    }
}
