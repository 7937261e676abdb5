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
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Optional;

/**
 * Objects of a {@link FileSystemStore}, sent with {@code sendfile} (a {@link DefaultFileRegion}). A key
 * is resolved to its real path, which must lie below the root's real path unless the store was opened
 * to follow links out of it (the same rule as the store's own reads). The file is opened once per
 * request, so a file replaced by a writer's rename mid-response is sent whole from the old version.
 * Opening is a few system calls, cheap enough for the event loop.
 */
final class FileObjects implements ObjectSource {
    private final FileSystemStore store;
    private volatile Path realRoot;

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
            Path real = file.toRealPath();
            if (!real.startsWith(root.get()) && !store.options().followLinksOutOfRoot()) {
                return Optional.empty();
            }
            FileChannel ch = FileChannel.open(real, StandardOpenOption.READ);
            try {
                BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class);
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
