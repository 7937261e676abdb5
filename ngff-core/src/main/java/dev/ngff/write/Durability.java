package dev.ngff.write;

import java.util.Locale;

/**
 * When written objects must be on stable storage (what survives a power cut; {@code kill -9} loses
 * nothing a completed write put in the operating system's cache).
 */
public enum Durability {
    /** Never force: after a power cut, recently written objects may be missing or empty, metadata included. */
    NONE,
    /**
     * Force the data under a node, then its metadata, at each publication (an array's metadata, a
     * resize, the end of a job): what a published document claims survives a power cut.
     */
    COMMIT,
    /** Force every object as it is written (the store's own fsync option): slowest, loses at most the write in flight. */
    ALWAYS;

    /** Parses {@code none}, {@code commit} or {@code always} (any case). */
    public static Durability parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "none" -> NONE;
            case "commit" -> COMMIT;
            case "always" -> ALWAYS;
            default -> throw new IllegalArgumentException("fsync policy must be none, commit or always, got '" + text + "'");
        };
    }

    /** The lower-case name used on command lines. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
