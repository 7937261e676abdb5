package dev.ngff.testing;

import dev.ngff.buffer.Bytes;
import dev.ngff.store.ByteRange;
import dev.ngff.store.Key;
import dev.ngff.store.ListableStore;
import dev.ngff.store.Store;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * A store that forwards the abstract and conditional operations to another, for test stores that change
 * one or two of them. The interface's default methods (gathering writes, {@code exists}, {@code size},
 * whole reads) are not forwarded: they run through the operations here, so an override of
 * {@link #write(Key, Bytes)} or {@link #read(Key, ByteRange)} sees every write or read.
 */
public abstract class ForwardingStore implements Store {
    protected final Store delegate;

    protected ForwardingStore(Store delegate) {
        this.delegate = delegate;
    }

    @Override
    public void write(Key key, Bytes value) throws IOException {
        delegate.write(key, value);
    }

    @Override
    public Optional<String> writeIfAbsent(Key key, Bytes value) throws IOException {
        return delegate.writeIfAbsent(key, value);
    }

    @Override
    public Optional<String> version(Key key) throws IOException {
        return delegate.version(key);
    }

    @Override
    public Optional<String> writeIfVersion(Key key, Bytes value, String expected) throws IOException {
        return delegate.writeIfVersion(key, value, expected);
    }

    @Override
    public boolean deleteIfVersion(Key key, String version) throws IOException {
        return delegate.deleteIfVersion(key, version);
    }

    @Override
    public Optional<Bytes> read(Key key, ByteRange range) throws IOException {
        return delegate.read(key, range);
    }

    @Override
    public void delete(Key key) throws IOException {
        delegate.delete(key);
    }

    @Override
    public List<Key> list(Key prefix) throws IOException {
        return delegate.list(prefix);
    }

    @Override
    public ListableStore.Listing listDir(Key prefix) throws IOException {
        return delegate.listDir(prefix);
    }

    @Override
    public String describe() {
        return delegate.describe();
    }
}
