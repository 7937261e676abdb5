package dev.ngff.codecs.numcodecs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.codec.ArrayToArrayCodec;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.Json;

/**
 * numcodecs' {@code astype} filter ({@code numcodecs.astype}): NumPy's {@code astype} from
 * {@code decode_dtype} to {@code encode_dtype} on encoding and back on decoding (integers wrap, floats
 * round to nearest, floats to integers truncate). Lossy when the encoded type is narrower. Immutable and
 * thread-safe.
 */
public final class AsTypeCodec implements ArrayToArrayCodec {
    private static final String NAME = "numcodecs.astype";
    private final DataType encodeType;
    private final DataType decodeType;

    public AsTypeCodec(DataType encodeType, DataType decodeType) {
        for (DataType t : new DataType[] {encodeType, decodeType}) {
            if (t.kind() == DataType.Kind.COMPLEX || t.kind() == DataType.Kind.RAW) {
                throw new IllegalArgumentException("astype does not support " + t);
            }
        }
        this.encodeType = encodeType;
        this.decodeType = decodeType;
    }

    @Override
    public CodecSpec spec() {
        ObjectNode c = Json.object();
        c.put("encode_dtype", NumpyScalars.format(encodeType));
        c.put("decode_dtype", NumpyScalars.format(decodeType));
        return new CodecSpec(NAME, c);
    }

    @Override
    public ChunkSpec encodedSpec(ChunkSpec decoded) {
        return FilterSupport.retype(decoded, encodeType);
    }

    @Override
    public NdBuffer encode(NdBuffer chunk, ChunkSpec decoded) throws UnsupportedExtensionException {
        FilterSupport.checkView(NAME, decodeType, chunk.dataType());
        NdBuffer out = NdBuffer.allocate(encodeType, chunk.shape());
        for (long i = 0, n = chunk.elementCount(); i < n; i++) {
            NumpyScalars.cast(chunk.segment(), decodeType, out.segment(), encodeType, i);
        }
        return out;
    }

    @Override
    public NdBuffer decode(NdBuffer chunk, ChunkSpec decoded) throws CorruptDataException, UnsupportedExtensionException {
        FilterSupport.checkView(NAME, decodeType, decoded.dataType());
        FilterSupport.checkDecodeInput(NAME, chunk, encodeType, decoded.elementCount());
        NdBuffer out = NdBuffer.allocate(decoded.dataType(), decoded.shape());
        for (long i = 0, n = chunk.elementCount(); i < n; i++) {
            NumpyScalars.cast(chunk.segment(), encodeType, out.segment(), decodeType, i);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AsTypeCodec a && a.encodeType.equals(encodeType) && a.decodeType.equals(decodeType);
    }

    @Override
    public int hashCode() {
        return encodeType.hashCode() * 31 + decodeType.hashCode();
    }

    @Override
    public String toString() {
        return spec().toString();
    }
}
