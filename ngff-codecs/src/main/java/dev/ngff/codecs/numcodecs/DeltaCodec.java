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

import java.lang.foreign.MemorySegment;

/**
 * numcodecs' {@code delta} filter ({@code numcodecs.delta}): the first element, then the differences of
 * neighbours in C order, computed in {@code dtype} (wrapping for integers, in the float type's own precision
 * for floats, exclusive-or for bool) and cast to {@code astype}. Decoding is NumPy's {@code cumsum} into
 * {@code dtype}: a running 64-bit integer sum (or a float sum in {@code astype}'s precision), cast per
 * element. For bool this is a running "or", as NumPy computes it, so a bool array only survives the round
 * trip when it has no True followed by a False, exactly as with numcodecs. Immutable and thread-safe.
 */
public final class DeltaCodec implements ArrayToArrayCodec {
    private static final String NAME = "numcodecs.delta";
    private final DataType dtype;
    private final DataType astype;

    public DeltaCodec(DataType dtype, DataType astype) {
        for (DataType t : new DataType[] {dtype, astype}) {
            if (t.kind() == DataType.Kind.COMPLEX || t.kind() == DataType.Kind.RAW) {
                throw new IllegalArgumentException("delta does not support " + t);
            }
        }
        this.dtype = dtype;
        this.astype = astype;
    }

    @Override
    public CodecSpec spec() {
        ObjectNode c = Json.object();
        c.put("dtype", NumpyScalars.format(dtype));
        c.put("astype", NumpyScalars.format(astype));
        return new CodecSpec(NAME, c);
    }

    @Override
    public ChunkSpec encodedSpec(ChunkSpec decoded) {
        return FilterSupport.retype(decoded, astype);
    }

    @Override
    public NdBuffer encode(NdBuffer chunk, ChunkSpec decoded) throws UnsupportedExtensionException {
        FilterSupport.checkView(NAME, dtype, chunk.dataType());
        MemorySegment in = chunk.segment();
        NdBuffer out = NdBuffer.allocate(astype, chunk.shape());
        MemorySegment o = out.segment();
        long n = chunk.elementCount();
        if (NumpyScalars.isFloat(dtype)) {
            double prev = 0;
            for (long i = 0; i < n; i++) {
                double v = NumpyScalars.getDouble(in, i, dtype);
                double d = i == 0 ? v : NumpyScalars.round(dtype, v - prev);
                NumpyScalars.castFromDouble(o, i, astype, d);
                prev = v;
            }
        } else {
            boolean bool = dtype.kind() == DataType.Kind.BOOL;
            long prev = 0;
            for (long i = 0; i < n; i++) {
                long v = NumpyScalars.getLong(in, i, dtype);
                long d = i == 0 ? v : bool ? ((v != 0) != (prev != 0) ? 1 : 0) : narrow(v - prev, dtype);
                NumpyScalars.castFromLong(o, i, astype, d, dtype.kind() == DataType.Kind.UINT && dtype.byteSize() == 8);
                prev = v;
            }
        }
        return out;
    }

    /** The wrapped value of {@code v} in integer type {@code t}, sign- or zero-extended. */
    private static long narrow(long v, DataType t) {
        int bits = t.byteSize() * 8;
        if (bits == 64) {
            return v;
        }
        return t.kind() == DataType.Kind.INT ? (v << (64 - bits)) >> (64 - bits) : v & ((1L << bits) - 1);
    }

    @Override
    public NdBuffer decode(NdBuffer chunk, ChunkSpec decoded) throws CorruptDataException, UnsupportedExtensionException {
        FilterSupport.checkView(NAME, dtype, decoded.dataType());
        FilterSupport.checkDecodeInput(NAME, chunk, astype, decoded.elementCount());
        MemorySegment in = chunk.segment();
        NdBuffer out = NdBuffer.allocate(decoded.dataType(), decoded.shape());
        MemorySegment o = out.segment();
        long n = chunk.elementCount();
        if (NumpyScalars.isFloat(astype)) {
            double sum = 0;
            for (long i = 0; i < n; i++) {
                double v = NumpyScalars.getDouble(in, i, astype);
                sum = i == 0 ? v : NumpyScalars.round(astype, sum + v);
                NumpyScalars.castFromDouble(o, i, dtype, sum);
            }
        } else {
            long sum = 0;
            boolean unsigned64 = astype.kind() == DataType.Kind.UINT && astype.byteSize() == 8;
            for (long i = 0; i < n; i++) {
                sum += NumpyScalars.getLong(in, i, astype);
                NumpyScalars.castFromLong(o, i, dtype, sum, unsigned64);
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeltaCodec d && d.dtype.equals(dtype) && d.astype.equals(astype);
    }

    @Override
    public int hashCode() {
        return dtype.hashCode() * 31 + astype.hashCode();
    }

    @Override
    public String toString() {
        return spec().toString();
    }
}
