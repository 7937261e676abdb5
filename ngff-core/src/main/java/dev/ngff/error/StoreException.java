package dev.ngff.error;

/** A store could not carry out a request (I/O error, HTTP failure, permission denied). */
public class StoreException extends NgffException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
