package dev.ngff.write;

import dev.ngff.error.StoreException;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import dev.ngff.store.Store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The steps of the commit protocol that only a local file system needs: forcing what was written to
 * stable storage, and removing the temporary files that an interrupted write leaves. For other stores
 * both do nothing: an object store's completed write is durable and leaves no temporary object.
 * Neither follows symbolic links.
 */
public final class LocalFiles {
    private LocalFiles() {
    }

    /**
     * Forces every file at or below {@code prefix}, then every directory there (so renames are durable
     * too). Call before publishing the metadata that claims those files.
     */
    public static void force(Store store, Key prefix) throws IOException {
        if (!(store instanceof FileSystemStore fs)) {
            return;
        }
        Path start = prefix.isRoot() ? fs.root() : fs.path(prefix);
        if (!Files.isDirectory(start, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            if (Files.isRegularFile(start, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                forceOne(store, start);
                forceOne(store, start.getParent());
            }
            return;
        }
        try {
            Files.walkFileTree(start, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    if (attrs.isRegularFile()) {
                        forceOne(store, file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    forceOne(store, dir);
                    return FileVisitResult.CONTINUE;
                }
            });
            if (!start.equals(fs.root())) {
                forceOne(store, start.getParent());
            }
        } catch (NoSuchFileException e) {
            // removed while walking: nothing of it needs to be durable
        }
    }

    private static void forceOne(Store store, Path p) throws StoreException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (NoSuchFileException e) {
            // deleted meanwhile
        } catch (IOException e) {
            if (Files.isDirectory(p)) {
                return; // platforms that cannot open a directory keep its entries durable themselves
            }
            throw new StoreException(store.describe() + ": cannot force " + p + " to disk: " + e.getMessage(), e);
        }
    }

    /**
     * Removes the temporary files ({@value FileSystemStore#TEMP_PREFIX}...) of interrupted writes at or
     * below {@code prefix}. Call only while no write is in flight (under the writer lock, after the
     * writers stopped). Returns how many were removed.
     */
    public static int removeTempFiles(Store store, Key prefix) throws IOException {
        if (!(store instanceof FileSystemStore fs)) {
            return 0;
        }
        Path start = prefix.isRoot() ? fs.root() : fs.path(prefix);
        if (!Files.isDirectory(start, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        int[] removed = {0};
        try {
            Files.walkFileTree(start, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    if (attrs.isRegularFile() && file.getFileName().toString().startsWith(FileSystemStore.TEMP_PREFIX)) {
                        if (Files.deleteIfExists(file)) {
                            removed[0]++;
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // vanished meanwhile
                }
            });
        } catch (IOException e) {
            throw new StoreException(store.describe() + ": cannot remove temporary files below '" + prefix + "': "
                    + e.getMessage(), e);
        }
        return removed[0];
    }
}
