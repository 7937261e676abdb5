package dev.ngff.error;

/**
 * Another writer holds the writer lock of an array or hierarchy. The message names the store, the
 * node and the holder (host, process, its start time, its command, when it took the lock).
 */
public class WriterLockedException extends StoreException {
    private static final long serialVersionUID = 1L;

    public WriterLockedException(String message) {
        super(message);
    }
}
