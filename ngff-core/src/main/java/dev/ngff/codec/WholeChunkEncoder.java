package dev.ngff.codec;

import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.store.ByteRange;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The generic {@link PartialEncoder}: the unit is the whole chunk, so a merge reads and decodes the
 * whole chunk, changes it and encodes it again. {@link #encode} reads on the calling thread and hands
 * its CPU work to the options' runner: the change in one task, the encoding through
 * {@link ArrayToBytesCodec#encodePieces(NdBuffer, ChunkSpec, CodecOptions)} (one more task, or a shard's
 * inner chunks as tasks of their own, also when the shard is under other codecs).
 */
final class WholeChunkEncoder implements PartialEncoder {
    private final ArrayToBytesCodec codec;
    private final ChunkSource source;
    private final ChunkSpec spec;
    private final CodecOptions options;

    WholeChunkEncoder(ArrayToBytesCodec codec, ChunkSource source, ChunkSpec spec, CodecOptions options) {
        this.codec = codec;
        this.source = source;
        this.spec = spec;
        this.options = options;
    }

    @Override
    public long[] unitShape() {
        return spec.shape();
    }

    @Override
    public long[] unitGrid() {
        long[] g = new long[spec.rank()];
        Arrays.fill(g, 1);
        return g;
    }

    @Override
    public Optional<Bytes> encodeUnit(NdBuffer unit) throws IOException {
        // the unit's owner may reuse its memory
        return encodeHandedOverUnit(unit).map(enc -> unit.isVariableLength() ? enc : enc.detachedFrom(unit.segment()));
    }

    @Override
    public Optional<Bytes> encodeHandedOverUnit(NdBuffer unit) throws IOException {
        if (codec.skipsFillChunks() && unit.allEqual(spec.fillValue().bytesUnsafe())) {
            return Optional.empty();
        }
        return Optional.of(codec.encode(unit, spec));
    }

    @Override
    public NdBuffer decodeUnit(Bytes encoded) throws IOException {
        return codec.decode(encoded, spec).writable();
    }

    @Override
    public Optional<List<Bytes>> encode(Map<Long, UnitUpdate> updates) throws IOException {
        for (long k : updates.keySet()) {
            if (k != 0) {
                throw new IllegalArgumentException("unit " + k + " of a chunk that is one unit");
            }
        }
        UnitUpdate u = updates.get(0L);
        if (u == null) {
            Optional<Bytes> stored = source.read(ByteRange.WHOLE); // kept as it is
            return stored.map(List::of);
        }
        Optional<Bytes> stored;
        UnitChange change;
        switch (u) {
            case UnitUpdate.Encoded e -> {
                return e.bytes().map(List::of);
            }
            case UnitUpdate.Replace r -> {
                stored = Optional.empty(); // not read: the unit starts as the fill value
                change = r.change();
            }
            case UnitUpdate.Merge m -> {
                stored = source.read(ByteRange.WHOLE); // before the CPU task, which holds no permit while a store answers
                change = m.change();
            }
        }
        byte[] fill = spec.fillValue().bytesUnsafe();
        // the change in one task, the encoding through the options (a shard's inner chunks, also under
        // other codecs, as tasks of their own)
        NdBuffer data = options.call(() -> {
            NdBuffer d = changed(stored, change);
            return codec.skipsFillChunks() && d.allEqual(fill) ? null : d;
        });
        return data == null ? Optional.empty() : Optional.of(codec.encodePieces(data, spec, options));
    }

    /** The stored chunk decoded into writable memory (the fill value when there is none), changed. */
    private NdBuffer changed(Optional<Bytes> stored, UnitChange change) throws IOException {
        NdBuffer data;
        if (stored.isEmpty()) {
            data = NdBuffer.filled(spec.dataType(), spec.shape(), spec.fillValue().bytesUnsafe());
        } else {
            try {
                data = codec.decode(stored.get(), spec).writable();
            } catch (dev.ngff.error.CorruptDataException e) {
                throw new dev.ngff.error.CorruptDataException(source.describe() + ": " + e.getMessage(), e);
            }
        }
        change.apply(data);
        return data;
    }
}
