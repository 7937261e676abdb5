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
 * numcodecs' {@code quantize} filter ({@code numcodecs.quantize}), lossy: keeps {@code digits} decimal
 * digits by rounding {@code x * 2^bits} half to even and dividing again, where {@code bits} is the
 * smallest number of binary digits that resolves {@code 10^-digits}, computed as numcodecs does. The
 * arithmetic runs in {@code dtype}'s precision and the result is cast to {@code astype}; decoding casts
 * back. Float types only. Immutable and thread-safe.
 */
public final class QuantizeCodec implements ArrayToArrayCodec {
    private static final String NAME = "numcodecs.quantize";
    private final int digits;
    private final DataType dtype;
    private final DataType astype;
    private final double scale;

    public QuantizeCodec(int digits, DataType dtype, DataType astype) {
        if (!NumpyScalars.isFloat(dtype) || !NumpyScalars.isFloat(astype)) {
            throw new IllegalArgumentException("quantize supports floating point data types only, got " + dtype + " and " + astype);
        }
        this.digits = digits;
        this.dtype = dtype;
        this.astype = astype;
        this.scale = scaleFor(digits);
    }

    /** numcodecs: {@code precision = 10**-digits; exp = floor/ceil(log10(precision)); bits = ceil(log2(10**-exp))}. */
    static double scaleFor(int digits) {
        double precision = Math.pow(10.0, -digits);
        double exp = Math.log10(precision);
        exp = exp < 0 ? Math.floor(exp) : Math.ceil(exp);
        double bits = Math.ceil(Math.log(Math.pow(10.0, -exp)) / Math.log(2));
        return Math.pow(2.0, bits);
    }

    @Override
    public CodecSpec spec() {
        ObjectNode c = Json.object();
        c.put("digits", digits);
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
        double s = NumpyScalars.round(dtype, scale);
        for (long i = 0, n = chunk.elementCount(); i < n; i++) {
            double x = NumpyScalars.getDouble(in, i, dtype);
            double q = NumpyScalars.round(dtype, Math.rint(NumpyScalars.round(dtype, s * x)) / s);
            NumpyScalars.castFromDouble(o, i, astype, q);
        }
        return out;
    }

    @Override
    public NdBuffer decode(NdBuffer chunk, ChunkSpec decoded) throws CorruptDataException, UnsupportedExtensionException {
        FilterSupport.checkView(NAME, dtype, decoded.dataType());
        FilterSupport.checkDecodeInput(NAME, chunk, astype, decoded.elementCount());
        NdBuffer out = NdBuffer.allocate(decoded.dataType(), decoded.shape());
        for (long i = 0, n = chunk.elementCount(); i < n; i++) {
            NumpyScalars.cast(chunk.segment(), astype, out.segment(), dtype, i);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuantizeCodec q && q.digits == digits && q.dtype.equals(dtype) && q.astype.equals(astype);
    }

    @Override
    public int hashCode() {
        return (digits * 31 + dtype.hashCode()) * 31 + astype.hashCode();
    }

    @Override
    public String toString() {
        return spec().toString();
    }
}
