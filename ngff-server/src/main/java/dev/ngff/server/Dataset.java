package dev.ngff.server;

import dev.ngff.store.ReadableStore;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One store served under {@code /NAME/}. The name is one URL path segment of letters, digits,
 * {@code . _ -}, not starting with a dot. The server reads the store at request time and never closes it.
 *
 * @param name the first path segment of every URL of this dataset
 * @param store what is served; it must stay open while the server runs
 */
public record Dataset(String name, ReadableStore store) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");

    public Dataset {
        Objects.requireNonNull(store, "store");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("dataset name '" + name + "' must be 1-128 letters, digits, '.', '_' or '-'"
                    + " and must not start with '.'");
        }
    }

    /**
     * A URL-safe dataset name derived from a location: its last path segment (a directory, zip file or S3
     * prefix name) with other characters replaced by '_'; "data" when nothing is left.
     */
    public static String nameFor(String location) {
        String s = location;
        while (s.endsWith("/") && s.length() > 1) {
            s = s.substring(0, s.length() - 1);
        }
        int slash = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
        String last = slash >= 0 ? s.substring(slash + 1) : s;
        last = last.replaceAll("[^A-Za-z0-9._-]", "_");
        while (last.startsWith(".")) {
            last = last.substring(1);
        }
        if (last.length() > 128) {
            last = last.substring(0, 128);
        }
        return last.isEmpty() ? "data" : last;
    }
}
