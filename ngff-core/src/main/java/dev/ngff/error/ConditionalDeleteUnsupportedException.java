package dev.ngff.error;

/**
 * The store cannot delete an object only if it is still a given version (its server accepts the condition
 * and ignores it, for instance). Callers that need the guarantee replace the object with a tombstone
 * through write-if-version instead, which such servers do honour.
 */
public class ConditionalDeleteUnsupportedException extends StoreException {
    private static final long serialVersionUID = 1L;

    public ConditionalDeleteUnsupportedException(String message) {
        super(message);
    }
}
