package dev.ngff.server.internal;

import dev.ngff.buffer.Bytes;
import dev.ngff.error.StoreException;
import dev.ngff.store.ByteRange;
import dev.ngff.store.Key;
import dev.ngff.store.ZipStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Entries of a {@link ZipStore}. The zip file does not change while the store is open, so an entry's tag
 * is the zip file's modification time and size with the key's hash, and its modification time is the
 * zip file's.
 */
final class ZipObjects implements ObjectSource {
    private final ZipStore store;
    private final String zipTag;
    private final Instant zipTime;

    ZipObjects(ZipStore store) {
        this.store = store;
        String tag;
        Instant time;
        try {
            BasicFileAttributes a = Files.readAttributes(store.path(), BasicFileAttributes.class);
            time = a.lastModifiedTime().toInstant();
            tag = Long.toHexString(time.toEpochMilli()) + "-" + Long.toHexString(a.size());
        } catch (IOException e) {
            time = Instant.now();
            tag = Long.toHexString(time.toEpochMilli());
        }
        this.zipTag = tag;
        this.zipTime = time;
    }

    @Override
    public boolean blocking() {
        return true; // deflated entries inflate from their start
    }

    @Override
    public String describe() {
        return store.describe();
    }

    @Override
    public Optional<ServedObject> open(Key key) throws IOException {
        OptionalLong size = store.size(key);
        if (size.isEmpty()) {
            return Optional.empty();
        }
        long length = size.getAsLong();
        String etag = zipTag + "-" + Integer.toHexString(key.path().hashCode());
        return Optional.of(new FixedHead(length, Optional.of(etag), Optional.of(zipTime)) {
            @Override
            public Bytes read(long start, long end) throws IOException {
                Bytes b = store.read(key, ByteRange.of(start, end - start)).orElseThrow(
                        () -> new StoreException(store.describe() + ": '" + key + "' vanished while it was being sent"));
                if (b.size() != end - start) {
                    throw new StoreException(store.describe() + ": '" + key + "' bytes " + start + "-" + (end - 1)
                            + ": read " + b.size() + " bytes, expected " + (end - start) + " (the entry is shorter than its directory says)");
                }
                return b;
            }
        });
    }
}
