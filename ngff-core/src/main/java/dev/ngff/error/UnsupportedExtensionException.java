package dev.ngff.error;

/** Metadata that is valid but asks for a codec, data type, chunk grid or extension this build does not have. */
public class UnsupportedExtensionException extends NgffException {
    private static final long serialVersionUID = 1L;

    public UnsupportedExtensionException(String message) {
        super(message);
    }
}
