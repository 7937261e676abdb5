package dev.ngff.error;

import java.io.IOException;

/**
 * Base of every checked failure that the world (a store, a file written by someone else, a hostile
 * header) can cause. Messages always name the resource: store, key, byte range or JSON pointer.
 */
public class NgffException extends IOException {
    private static final long serialVersionUID = 1L;

    /** {@code message} is kept on one line: control characters (from names in hostile input) are escaped. */
    public NgffException(String message) {
        super(oneLine(message));
    }

    public NgffException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    private static String oneLine(String message) {
        return message == null ? null : Causes.printable(message);
    }
}
