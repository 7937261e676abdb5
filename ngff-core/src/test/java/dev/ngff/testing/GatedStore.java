package dev.ngff.testing;

import dev.ngff.buffer.Bytes;
import dev.ngff.error.StoreException;
import dev.ngff.store.Key;
import dev.ngff.store.Store;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A forwarding store whose chunk writes (every key but {@code zarr.json} and the engine's {@code .ngff*}
 * records) wait for {@link #release} while {@link #gate} is set, or fail with "disk full" while
 * {@link #fail} is set: for tests of backpressure and of background write failures. Conditional writes
 * are forwarded, so writer locks work through it.
 */
public final class GatedStore extends ForwardingStore {
    public final AtomicBoolean gate = new AtomicBoolean();
    public final AtomicBoolean fail = new AtomicBoolean();
    private final CountDownLatch release;

    public GatedStore(Store delegate, CountDownLatch release) {
        super(delegate);
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
}
