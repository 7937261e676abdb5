package dev.ngff.store;

import dev.ngff.error.StoreException;

/** Builds {@link StoreException}s whose messages name the store, the key and the byte range. */
final class StoreErrors {
    private StoreErrors() {
    }

    static StoreException failure(ReadableStore store, String action, Key key, ByteRange range, Throwable cause) {
        return new StoreException(message(store, action, key, range, cause), cause);
    }

    static StoreException failure(ReadableStore store, String action, Key key, ByteRange range, String detail) {
        return new StoreException(store.describe() + ": " + action + " '" + key + "'" + rangePart(range) + ": " + detail);
    }

    static StoreException failure(ReadableStore store, String action, Key key, Throwable cause) {
        return failure(store, action, key, null, cause);
    }

    private static String message(ReadableStore store, String action, Key key, ByteRange range, Throwable cause) {
        String detail = dev.ngff.error.Causes.describe(cause);
        return store.describe() + ": " + action + " '" + key + "'" + rangePart(range) + " failed: " + detail;
    }

    private static String rangePart(ByteRange range) {
        return range == null ? "" : " (" + range + ")";
    }
}
