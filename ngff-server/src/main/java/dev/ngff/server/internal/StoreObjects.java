package dev.ngff.server.internal;

import dev.ngff.buffer.Bytes;
import dev.ngff.error.StoreException;
import dev.ngff.store.ByteRange;
import dev.ngff.store.Key;
import dev.ngff.store.ReadableStore;
import dev.ngff.store.Versioned;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Objects of any other store (S3, HTTP): the size from the store, the version (an S3 ETag) from a read.
 * Objects up to {@link #WHOLE_READ_LIMIT} bytes, which chunks usually are, are read whole when opened;
 * larger ones are read in pieces, each only from the version the response started with, so a response
 * never mixes two versions of an object (it is cut short instead).
 */
final class StoreObjects implements ObjectSource {
    static final long WHOLE_READ_LIMIT = 8L << 20;

    private final ReadableStore store;

    StoreObjects(ReadableStore store) {
        this.store = store;
    }

    @Override
    public boolean blocking() {
        return true;
    }

    @Override
    public String describe() {
        return store.describe();
    }

    @Override
    public Optional<ServedObject> open(Key key) throws IOException {
        if (key.isRoot()) {
            return Optional.empty();
        }
        OptionalLong size = store.size(key);
        if (size.isEmpty()) {
            return Optional.empty();
        }
        long length = size.getAsLong();
        Optional<Versioned> first = store.readVersioned(key, length <= WHOLE_READ_LIMIT ? ByteRange.WHOLE : ByteRange.of(0, 1));
        if (first.isEmpty()) {
            return Optional.empty(); // deleted between the two requests
        }
        Optional<String> version = first.get().version();
        Bytes whole = length <= WHOLE_READ_LIMIT ? first.get().bytes() : null;
        long actualLength = whole != null ? whole.size() : length;
        return Optional.of(new FixedHead(actualLength, version.map(v -> v.replace("\"", "")), Optional.empty()) {
            @Override
            public Bytes read(long start, long end) throws IOException {
                if (whole != null) {
                    return whole.slice(start, end - start);
                }
                List<Bytes> parts = store.readRanges(key, List.of(ByteRange.of(start, end - start)), version)
                        .orElseThrow(() -> new StoreException(store.describe() + ": '" + key + "' vanished while it was being sent"));
                Bytes b = parts.size() == 1 ? parts.getFirst() : Bytes.concat(parts.toArray(Bytes[]::new));
                if (b.size() != end - start) {
                    throw new StoreException(store.describe() + ": '" + key + "' bytes " + start + "-" + (end - 1) + ": read "
                            + b.size() + " bytes, expected " + (end - start));
                }
                return b;
            }
        });
    }
}
