package dev.ngff.testing;

import dev.ngff.buffer.Bytes;
import dev.ngff.store.ByteRange;
import dev.ngff.store.Key;
import dev.ngff.store.Store;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A forwarding store that records every request: how many reads (one per byte range, as an object
 * store would see them), which keys and ranges, how many bytes came back, how many writes.
 */
public final class RecordingStore extends ForwardingStore {
    /** One read request. */
    public record Request(Key key, ByteRange range) {
    }

    private final List<Request> reads = new CopyOnWriteArrayList<>();
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private final List<Key> writtenKeys = new java.util.concurrent.CopyOnWriteArrayList<>();

    public RecordingStore(Store delegate) {
        super(delegate);
    }

    public List<Request> reads() {
        return List.copyOf(reads);
    }

    /** Reads of keys other than metadata documents. */
    public List<Request> chunkReads() {
        return reads.stream().filter(r -> !r.key().name().equals("zarr.json") && !r.key().name().startsWith(".z")).toList();
    }

    public long bytesRead() {
        return bytesRead.get();
    }

    public long writes() {
        return writes.get();
    }

    /** The keys written, in the order their writes completed. */
    public List<Key> writtenKeys() {
        return List.copyOf(writtenKeys);
    }

    public void reset() {
        reads.clear();
        bytesRead.set(0);
        writes.set(0);
        writtenKeys.clear();
    }

    @Override
    public Optional<Bytes> read(Key key, ByteRange range) throws IOException {
        reads.add(new Request(key, range));
        Optional<Bytes> b = delegate.read(key, range);
        b.ifPresent(x -> bytesRead.addAndGet(x.size()));
        return b;
    }

    @Override
    public Optional<List<Bytes>> readRanges(Key key, List<ByteRange> ranges) throws IOException {
        ranges.forEach(r -> reads.add(new Request(key, r)));
        Optional<List<Bytes>> b = delegate.readRanges(key, ranges);
        b.ifPresent(l -> l.forEach(x -> bytesRead.addAndGet(x.size())));
        return b;
    }

    @Override
    public void write(Key key, Bytes value) throws IOException {
        writes.incrementAndGet();
        delegate.write(key, value);
        writtenKeys.add(key);
    }

    @Override
    public Optional<String> writeIfAbsent(Key key, Bytes value) throws IOException {
        writes.incrementAndGet();
        Optional<String> v = delegate.writeIfAbsent(key, value);
        writtenKeys.add(key);
        return v;
    }

    @Override
    public Optional<String> writeIfVersion(Key key, Bytes value, String expected) throws IOException {
        writes.incrementAndGet();
        Optional<String> v = delegate.writeIfVersion(key, value, expected);
        writtenKeys.add(key);
        return v;
    }

    @Override
    public java.util.OptionalLong size(Key key) throws IOException {
        return delegate.size(key);
    }

    @Override
    public String describe() {
        return "recording(" + delegate.describe() + ")";
    }
}
