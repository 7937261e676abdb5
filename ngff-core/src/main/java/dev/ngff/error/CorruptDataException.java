package dev.ngff.error;

/** Stored bytes do not decode: truncated or corrupt chunks, shard indexes that point nowhere, bad checksums. */
public class CorruptDataException extends NgffException {
    private static final long serialVersionUID = 1L;

    public CorruptDataException(String message) {
        super(message);
    }

    public CorruptDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
