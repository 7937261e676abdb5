package dev.ngff.testing;

import dev.ngff.buffer.Bytes;
import dev.ngff.codec.BytesToBytesCodec;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.codec.Codec;
import dev.ngff.codec.CodecProvider;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.codec.std.CoreCodecProvider;
import dev.ngff.metadata.CodecSpec;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bytes-to-bytes codec named {@code test.counting} that copies its input and counts its calls: put it
 * in an inner chain to see how many inner chunks a write encodes and a read or merge decodes.
 */
public final class CountingCodec implements BytesToBytesCodec, CodecProvider {
    public static final String NAME = "test.counting";
    private final AtomicLong encodes = new AtomicLong();
    private final AtomicLong decodes = new AtomicLong();
    private volatile CallHook hook;

    /** Runs on every encode and decode before it copies (a test holding calls back, say); null for none. */
    @FunctionalInterface
    public interface CallHook {
        void call() throws java.io.IOException;
    }

    public void onCall(CallHook h) {
        hook = h;
    }

    private void called() throws java.io.IOException {
        CallHook h = hook;
        if (h != null) {
            h.call();
        }
    }

    /** Its spec, for a codec list. */
    public static CodecSpec codecSpec() {
        return CodecSpec.of(NAME);
    }

    /** The standard codecs plus this one, for {@link dev.ngff.exec.ExecutionContext#create}. */
    public CodecRegistry registry() {
        return CodecRegistry.of(List.of(this, new CoreCodecProvider()));
    }

    public long encodes() {
        return encodes.get();
    }

    public long decodes() {
        return decodes.get();
    }

    public void reset() {
        encodes.set(0);
        decodes.set(0);
    }

    @Override
    public Bytes encode(Bytes decoded, ChunkSpec spec) throws java.io.IOException {
        encodes.incrementAndGet();
        called();
        return Bytes.wrap(decoded.toArray());
    }

    @Override
    public Bytes decode(Bytes encoded, ChunkSpec spec, long maxDecodedSize) throws java.io.IOException {
        decodes.incrementAndGet();
        called();
        return Bytes.wrap(encoded.toArray());
    }

    @Override
    public java.util.OptionalLong fixedSizeOverhead() {
        return java.util.OptionalLong.of(0);
    }

    @Override
    public Set<String> names() {
        return Set.of(NAME);
    }

    @Override
    public Codec create(CodecSpec spec, CodecRegistry registry) {
        return this;
    }

    @Override
    public CodecSpec spec() {
        return codecSpec();
    }
}
