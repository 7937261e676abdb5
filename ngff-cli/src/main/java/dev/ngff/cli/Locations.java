package dev.ngff.cli;

import dev.ngff.array.Zarr;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import dev.ngff.store.ReadableStore;
import dev.ngff.store.Store;
import dev.ngff.store.Stores;
import picocli.CommandLine;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Opens the stores named on the command line; a malformed location is a usage error. */
final class Locations {
    private Locations() {
    }

    static ReadableStore openReadable(CommandLine cmd, String location) throws IOException {
        try {
            return Stores.open(location);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, e.getMessage(), e);
        }
    }

    /**
     * Opens a writable store for a new node. Unless {@code overwrite}, a store that already holds a
     * node at its root is refused; with it, everything in the store is deleted first.
     */
    static Store openTarget(CommandLine cmd, String location, boolean overwrite) throws IOException {
        Store store;
        try {
            store = Stores.openWritable(location);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, e.getMessage(), e);
        }
        if (overwrite) {
            // also when the listing is empty: a writer killed before its first object was in place leaves only
            // temp files, which listings do not show and deletePrefix removes
            store.deletePrefix(Key.ROOT);
            return store;
        }
        List<Key> existing = store.list(Key.ROOT);
        if (!existing.isEmpty()) {
            boolean node = Zarr.readMetadata(store, Key.ROOT).isPresent();
            throw new dev.ngff.error.StoreException(store.describe() + " is not empty (" + existing.size()
                    + " objects" + (node ? ", a Zarr node at its root" : "") + "); give --overwrite to replace it");
        }
        return store;
    }

    /**
     * Opens a writable store as it is (nothing is checked or deleted). With {@code fsyncEachObject}, a
     * directory store forces every object to disk as it is written.
     */
    static Store openWritable(CommandLine cmd, String location, boolean fsyncEachObject) throws IOException {
        Store store;
        try {
            store = Stores.openWritable(location);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, e.getMessage(), e);
        }
        if (fsyncEachObject && store instanceof FileSystemStore fs && !fs.options().fsync()) {
            Path root = fs.root();
            store.close();
            store = new FileSystemStore(root, new FileSystemStore.Options(true, fs.options().followLinksOutOfRoot()));
        }
        return store;
    }

    /**
     * Throws {@link dev.ngff.error.IncompleteNodeException} when the store, or (for a directory store)
     * a directory above its root, is marked incomplete by a bulk writer: {@code ngff export b.zarr/raw}
     * of a copy into {@code b.zarr} that has not finished says so.
     */
    static void requireComplete(ReadableStore store) throws IOException {
        dev.ngff.write.IncompleteMarker.requireComplete(store, Key.ROOT);
        if (store instanceof FileSystemStore fs) {
            for (Path dir = fs.root().getParent(); dir != null; dir = dir.getParent()) {
                if (Files.isRegularFile(dir.resolve(dev.ngff.write.IncompleteMarker.NAME))) {
                    try (FileSystemStore above = FileSystemStore.open(dir)) {
                        dev.ngff.write.IncompleteMarker.requireComplete(above, Key.ROOT);
                    }
                }
            }
        }
    }

    /**
     * Refuses a target directory that is the source store's directory, lies inside it or contains it:
     * writing there would destroy the source.
     */
    static void requireDisjoint(CommandLine cmd, ReadableStore source, String target) {
        if (!(source instanceof FileSystemStore fs) || target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            return;
        }
        Path t;
        try {
            t = target.regionMatches(true, 0, "file:", 0, 5) ? Path.of(URI.create(target)) : Path.of(target);
            t = t.toAbsolutePath().normalize();
            if (Files.exists(t)) {
                t = t.toRealPath();
            }
        } catch (IllegalArgumentException | IOException e) {
            return; // opening the target reports the problem
        }
        Path s = fs.root();
        if (t.startsWith(s) || s.startsWith(t)) {
            throw new CommandLine.ParameterException(cmd, "the target " + t + " overlaps the source " + s);
        }
    }
}
