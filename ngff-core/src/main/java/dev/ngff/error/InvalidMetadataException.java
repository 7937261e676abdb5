package dev.ngff.error;

/** Metadata JSON that is malformed or violates the Zarr specification; the message names the JSON pointer. */
public class InvalidMetadataException extends NgffException {
    private static final long serialVersionUID = 1L;

    public InvalidMetadataException(String message) {
        super(message);
    }

    public InvalidMetadataException(String message, Throwable cause) {
        super(message, cause);
    }
}
