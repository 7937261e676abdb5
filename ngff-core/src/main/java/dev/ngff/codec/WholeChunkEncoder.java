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
 * whole chunk, changes it and encodes it again.
 */
final class WholeChunkEncoder implements PartialEncoder {
    private final ArrayToBytesCodec codec;
    private final ChunkSource source;
    private final ChunkSpec spec;

    WholeChunkEncoder(ArrayToBytesCodec codec, ChunkSource source, ChunkSpec spec) {
        this.codec = codec;
        this.source = source;
        this.spec = spec;
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
        if (codec.skipsFillChunks() && unit.allEqual(spec.fillValue().bytesUnsafe())) {
            return Optional.empty();
        }
        Bytes enc = codec.encode(unit, spec);
        // the unit's owner may reuse its memory
        return Optional.of(unit.isVariableLength() ? enc : enc.detachedFrom(unit.segment()));
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
        NdBuffer data;
        switch (u) {
            case UnitUpdate.Encoded e -> {
                return e.bytes().map(List::of);
            }
            case UnitUpdate.Replace r -> {
                data = NdBuffer.filled(spec.dataType(), spec.shape(), spec.fillValue().bytesUnsafe());
                r.change().apply(data);
            }
            case UnitUpdate.Merge m -> {
                data = decodeStored();
                m.change().apply(data);
            }
        }
        if (codec.skipsFillChunks() && data.allEqual(spec.fillValue().bytesUnsafe())) {
            return Optional.empty();
        }
        return Optional.of(codec.encodePieces(data, spec));
    }

    /** The stored chunk decoded into writable memory, or the fill value when it is not stored. */
    private NdBuffer decodeStored() throws IOException {
        Optional<Bytes> stored = source.read(ByteRange.WHOLE);
        if (stored.isEmpty()) {
            return NdBuffer.filled(spec.dataType(), spec.shape(), spec.fillValue().bytesUnsafe());
        }
        NdBuffer decoded;
        try {
            decoded = codec.decode(stored.get(), spec);
        } catch (dev.ngff.error.CorruptDataException e) {
            throw new dev.ngff.error.CorruptDataException(source.describe() + ": " + e.getMessage(), e);
        }
        return decoded.writable();
    }
}
