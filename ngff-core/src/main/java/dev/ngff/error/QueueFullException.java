package dev.ngff.error;

/**
 * A writer configured to fail fast rather than wait refused data because its queue, bounded in bytes,
 * was full: the store is slower than the data arrives. Nothing was taken; the caller may drop the
 * data or offer it again. The message names the store and the queue's bound.
 */
public class QueueFullException extends StoreException {
    private static final long serialVersionUID = 1L;

    public QueueFullException(String message) {
        super(message);
    }
}
