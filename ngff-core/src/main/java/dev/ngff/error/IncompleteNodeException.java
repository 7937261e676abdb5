package dev.ngff.error;

/**
 * A node lies in a destination that a bulk writer marked incomplete (it was interrupted or is still
 * running): its data may be partly missing, so it is not read. The message names the store, the job
 * that left the mark and the command that resumes it.
 */
public class IncompleteNodeException extends NgffException {
    private static final long serialVersionUID = 1L;

    public IncompleteNodeException(String message) {
        super(message);
    }
}
