package dev.ngff.testing;

import dev.ngff.buffer.Bytes;
import dev.ngff.error.StoreException;
import dev.ngff.store.ByteRange;
import dev.ngff.store.Key;
import dev.ngff.store.ListableStore;
import dev.ngff.store.Store;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A forwarding store whose chunk writes (every key but {@code zarr.json} and the engine's {@code .ngff*}
 * records) wait for {@link #release} while {@link #gate} is set, or fail with "disk full" while
 * {@link #fail} is set: for tests of backpressure and of background write failures. Conditional writes
 * are forwarded, so writer locks work through it.
 */
public final class GatedStore implements Store {
    public final AtomicBoolean gate = new AtomicBoolean();
    public final AtomicBoolean fail = new AtomicBoolean();
    private final Store delegate;
    private final CountDownLatch release;

    public GatedStore(Store delegate, CountDownLatch release) {
        this.delegate = delegate;
        this.release = release;
    }

    @Override
    public void write(Key key, Bytes value) throws IOException {
        if (!key.name().equals("zarr.json") && !key.name().startsWith(".ngff")) {
            if (fail.get()) {
                throw new StoreException("test store: disk full writing '" + key + "'");
            }
            if (gate.get()) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
            }
        }
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
