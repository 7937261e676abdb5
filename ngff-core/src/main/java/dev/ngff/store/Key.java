package dev.ngff.store;

import java.util.List;

/**
 * A validated store key: '/'-separated segments, none empty, none "." or "..", no leading or trailing
 * slash, no backslash or NUL. So no key can name anything outside a store's root. The empty key is the
 * root prefix; it names no object.
 */
public record Key(String path) implements Comparable<Key> {
    public static final Key ROOT = new Key("");

    public Key {
        validate(path);
    }

    public static Key of(String path) {
        return new Key(path);
    }

    private static void validate(String path) {
        if (path == null) {
            throw new IllegalArgumentException("key must not be null");
        }
        if (path.isEmpty()) {
            return;
        }
        if (path.startsWith("/") || path.endsWith("/")) {
            throw new IllegalArgumentException("key '" + path + "' must not start or end with '/'");
        }
        int start = 0;
        for (int i = 0; i <= path.length(); i++) {
            if (i == path.length() || path.charAt(i) == '/') {
                String seg = path.substring(start, i);
                if (seg.isEmpty()) {
                    throw new IllegalArgumentException("key '" + path + "' has an empty segment");
                }
                if (seg.equals(".") || seg.equals("..")) {
                    throw new IllegalArgumentException("key '" + path + "' has a '" + seg + "' segment");
                }
                start = i + 1;
            } else {
                char c = path.charAt(i);
                if (c == '\\' || c == 0) {
                    throw new IllegalArgumentException("key '" + path.replace("\0", "\\0") + "' holds a backslash or NUL");
                }
            }
        }
    }

    public boolean isRoot() {
        return path.isEmpty();
    }

    /** This key followed by a relative path (one or more segments). */
    public Key resolve(String relative) {
        if (relative.isEmpty()) {
            return this;
        }
        return new Key(path.isEmpty() ? relative : path + "/" + relative);
    }

    public Key resolve(Key relative) {
        return resolve(relative.path);
    }

    /** The key one level up; the root for a single-segment key. */
    public Key parent() {
        if (isRoot()) {
            throw new IllegalStateException("the root key has no parent");
        }
        int slash = path.lastIndexOf('/');
        return slash < 0 ? ROOT : new Key(path.substring(0, slash));
    }

    /** The last segment. */
    public String name() {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    public List<String> segments() {
        return isRoot() ? List.of() : List.of(path.split("/"));
    }

    /** True if this key equals {@code prefix} or lies below it. */
    public boolean startsWith(Key prefix) {
        return prefix.isRoot() || path.equals(prefix.path) || path.startsWith(prefix.path + "/");
    }

    /** The part of this key below {@code prefix}. */
    public Key relativeTo(Key prefix) {
        if (!startsWith(prefix)) {
            throw new IllegalArgumentException("key '" + path + "' is not below '" + prefix.path + "'");
        }
        if (prefix.isRoot()) {
            return this;
        }
        return path.length() == prefix.path.length() ? ROOT : new Key(path.substring(prefix.path.length() + 1));
    }

    @Override
    public int compareTo(Key o) {
        return path.compareTo(o.path);
    }

    @Override
    public String toString() {
        return path;
    }
}
