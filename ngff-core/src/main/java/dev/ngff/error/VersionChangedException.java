package dev.ngff.error;

/**
 * An object changed between two reads that had to see the same version of it (a shard's index and its
 * inner chunks): the store's version tag (an S3 ETag) no longer matches. Callers re-read what they
 * derived from the old version.
 */
public class VersionChangedException extends StoreException {
    private static final long serialVersionUID = 1L;

    public VersionChangedException(String message) {
        super(message);
    }
}
