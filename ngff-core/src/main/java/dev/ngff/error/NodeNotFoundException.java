package dev.ngff.error;

/** No Zarr array or group at the given path: none of zarr.json, .zarray, .zgroup exists there. */
public class NodeNotFoundException extends NgffException {
    private static final long serialVersionUID = 1L;

    public NodeNotFoundException(String message) {
        super(message);
    }
}
