package dev.ngff.codec.std;

import dev.ngff.buffer.NdBuffer;
import dev.ngff.codec.ArrayToArrayCodec;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.error.CorruptDataException;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.DataType;

import java.util.Arrays;

/**
 * zarrs' experimental {@code zarrs.squeeze} codec: drops every dimension of extent 1 from the chunk shape
 * (a chunk whose every extent is 1 becomes shape {@code [1]}), keeping the elements in C order, so it is a
 * view like {@link ReshapeCodec}. Takes no configuration; works on every data type. Immutable and thread-safe.
 */
public final class SqueezeCodec implements ArrayToArrayCodec {
    public static final String NAME = "zarrs.squeeze";

    @Override
    public CodecSpec spec() {
        return CodecSpec.of(NAME);
    }

    @Override
    public void checkDataType(DataType type, String where) {
    }

    @Override
    public ChunkSpec encodedSpec(ChunkSpec decoded) {
        long[] kept = Arrays.stream(decoded.shape()).filter(s -> s != 1).toArray();
        return decoded.withShape(kept.length == 0 ? new long[] {1} : kept);
    }

    @Override
    public NdBuffer encode(NdBuffer chunk, ChunkSpec decoded) throws CorruptDataException {
        return ReshapeCodec.withShape(chunk, encodedSpec(decoded).shape(), NAME);
    }

    @Override
    public NdBuffer decode(NdBuffer chunk, ChunkSpec decoded) throws CorruptDataException {
        return ReshapeCodec.withShape(chunk, decoded.shape(), NAME);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SqueezeCodec;
    }

    @Override
    public int hashCode() {
        return NAME.hashCode();
    }

    @Override
    public String toString() {
        return NAME;
    }
}
