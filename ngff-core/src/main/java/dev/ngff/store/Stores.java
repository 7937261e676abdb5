package dev.ngff.store;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.regex.Pattern;

/**
 * Opens a store from a user-supplied location: an {@code http(s)://} URL, a {@code file:} URI or a
 * plain path. A path ending in {@code .zip} or {@code .ozx} (any case), or naming an existing regular
 * file, is a {@link ZipStore}; any other path is a {@link FileSystemStore}. Other URI schemes go to
 * the {@link StoreProvider} found through {@link ServiceLoader} for that scheme (such as {@code s3://},
 * provided by the {@code ngff-s3} module); a scheme no provider claims is rejected with an
 * {@link IllegalArgumentException}, as are read-only kinds passed to {@link #openWritable}. Stateless
 * and thread-safe.
 */
public final class Stores {
    private static final Pattern URI_SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://.*");

    private Stores() {
    }

    /**
     * Opens a store for reading.
     *
     * @throws IllegalArgumentException for an unsupported URI scheme or a malformed location
     * @throws IOException if a zip file cannot be opened or a directory root is a file
     */
    public static ReadableStore open(String location) throws IOException {
        if (isHttp(location)) {
            return new HttpStore(URI.create(location));
        }
        Optional<StoreProvider> provider = provider(location);
        if (provider.isPresent()) {
            return provider.get().open(location);
        }
        Path path = toPath(location);
        return isZip(path) ? ZipStore.open(path) : FileSystemStore.open(path);
    }

    /**
     * Opens a store for reading and writing: a {@link FileSystemStore}.
     *
     * @throws IllegalArgumentException for a read-only kind (HTTP, zip), an unsupported scheme or a
     *     malformed location
     * @throws IOException if the root exists and is not a directory
     */
    public static Store openWritable(String location) throws IOException {
        if (isHttp(location)) {
            throw new IllegalArgumentException("'" + location + "' is an HTTP store, which is read-only");
        }
        Optional<StoreProvider> provider = provider(location);
        if (provider.isPresent()) {
            return provider.get().openWritable(location);
        }
        Path path = toPath(location);
        if (isZip(path)) {
            throw new IllegalArgumentException("'" + location + "' is a zip store, which is read-only; write a directory and zip it");
        }
        return FileSystemStore.open(path);
    }

    /** The provider for the location's URI scheme, if it has one that is not {@code file:}. */
    private static Optional<StoreProvider> provider(String location) {
        if (!URI_SCHEME.matcher(location).matches()) {
            return Optional.empty();
        }
        String scheme = location.substring(0, location.indexOf(':')).toLowerCase(Locale.ROOT);
        ServiceLoader<StoreProvider> providers = Stores.class.getModule().isNamed()
                ? ServiceLoader.load(StoreProvider.class)
                : ServiceLoader.load(StoreProvider.class, Stores.class.getClassLoader());
        for (StoreProvider p : providers) {
            if (p.schemes().contains(scheme)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static boolean isHttp(String location) {
        String lower = location.toLowerCase(Locale.ROOT);
        return lower.startsWith("http://") || lower.startsWith("https://");
    }

    private static Path toPath(String location) {
        if (location.regionMatches(true, 0, "file:", 0, 5)) {
            return Path.of(URI.create(location));
        }
        if (URI_SCHEME.matcher(location).matches()) {
            String scheme = location.substring(0, location.indexOf(':'));
            throw new IllegalArgumentException("unsupported store URI scheme '" + scheme + "' in '" + location + "'"
                    + (scheme.equalsIgnoreCase("s3") ? "; S3 stores come with the ngff-s3 module" : ""));
        }
        return Path.of(location);
    }

    private static boolean isZip(Path path) {
        String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".zip") || name.endsWith(".ozx") || Files.isRegularFile(path);
    }
}
