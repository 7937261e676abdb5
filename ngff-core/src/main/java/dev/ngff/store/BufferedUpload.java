package dev.ngff.store;

import dev.ngff.buffer.Bytes;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The default {@link ObjectUpload}: keeps every piece and writes them as one object on commit through
 * {@link WritableStore#write(Key, List)}, so every writable store can take a streamed object.
 */
final class BufferedUpload implements ObjectUpload {
    private final WritableStore store;
    private final Key key;
    private List<Bytes> pieces = new ArrayList<>();
    private long appended;

    BufferedUpload(WritableStore store, Key key) {
        this.store = store;
        this.key = Objects.requireNonNull(key, "key");
    }

    @Override
    public Key key() {
        return key;
    }

    @Override
    public void append(Bytes piece) {
        Objects.requireNonNull(piece, "piece");
        if (pieces == null) {
            throw new IllegalStateException("the upload to '" + key + "' has ended");
        }
        pieces.add(piece);
        appended += piece.size();
    }

    @Override
    public long appendedBytes() {
        return appended;
    }

    @Override
    public long heldBytes() {
        return pieces == null ? 0 : appended;
    }

    @Override
    public void commit() throws IOException {
        if (pieces == null) {
            throw new IllegalStateException("the upload to '" + key + "' has ended");
        }
        List<Bytes> all = pieces;
        pieces = null;
        store.write(key, all.isEmpty() ? List.of(Bytes.EMPTY) : all);
    }

    @Override
    public void abort() {
        pieces = null;
    }

    @Override
    public void close() {
        abort();
    }
}
