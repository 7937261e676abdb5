package dev.ngff.codecs.numcodecs;

import com.fasterxml.jackson.databind.JsonNode;
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
 * numcodecs' {@code fixedscaleoffset} filter ({@code numcodecs.fixedscaleoffset}): encodes
 * {@code round((x - offset) * scale)} as {@code astype} and decodes {@code y / scale + offset} as
 * {@code dtype}, with NumPy 2's promotion rules for Python scalars: for a float {@code dtype} the arithmetic
 * runs in that type's precision; for an integer {@code dtype} an integer {@code offset}/{@code scale} keeps
 * integer (wrapping) arithmetic and a fractional one switches to float64. Rounding is half to even
 * ({@code np.around}). Decoding divides an integer {@code astype} in float64 and a float one in its own
 * precision. Immutable and thread-safe.
 */
public final class FixedScaleOffsetCodec implements ArrayToArrayCodec {
    private static final String NAME = "numcodecs.fixedscaleoffset";

    /** A Python scalar from the configuration: an int (exact) or a float. */
    record Scalar(boolean isInt, long intValue, double value) {
        static Scalar of(JsonNode n) {
            if (n.canConvertToExactIntegral() && n.isIntegralNumber() && n.canConvertToLong()) {
                return new Scalar(true, n.longValue(), n.longValue());
            }
            return new Scalar(false, 0, n.doubleValue());
        }

        void write(ObjectNode o, String field) {
            if (isInt) {
                o.put(field, intValue);
            } else {
                o.put(field, value);
            }
        }
    }

    private final Scalar offset;
    private final Scalar scale;
    private final DataType dtype;
    private final DataType astype;

    FixedScaleOffsetCodec(Scalar offset, Scalar scale, DataType dtype, DataType astype) {
        for (DataType t : new DataType[] {dtype, astype}) {
            if (t.kind() == DataType.Kind.COMPLEX || t.kind() == DataType.Kind.RAW || t.kind() == DataType.Kind.BOOL) {
                throw new IllegalArgumentException("fixedscaleoffset does not support " + t);
            }
        }
        if (!Double.isFinite(offset.value()) || !Double.isFinite(scale.value())) {
            throw new IllegalArgumentException("offset and scale must be finite");
        }
        this.offset = offset;
        this.scale = scale;
        this.dtype = dtype;
        this.astype = astype;
    }

    /** A codec with float offset and scale. */
    public FixedScaleOffsetCodec(double offset, double scale, DataType dtype, DataType astype) {
        this(new Scalar(false, 0, offset), new Scalar(false, 0, scale), dtype, astype);
    }

    @Override
    public CodecSpec spec() {
        ObjectNode c = Json.object();
        offset.write(c, "offset");
        scale.write(c, "scale");
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
        boolean floatIn = NumpyScalars.isFloat(dtype);
        for (long i = 0; i < n; i++) {
            if (floatIn) {
                double x = NumpyScalars.getDouble(in, i, dtype);
                double t = NumpyScalars.round(dtype, x - NumpyScalars.round(dtype, offset.value()));
                t = NumpyScalars.round(dtype, t * NumpyScalars.round(dtype, scale.value()));
                NumpyScalars.castFromDouble(o, i, astype, Math.rint(t));
                continue;
            }
            long x = NumpyScalars.getLong(in, i, dtype);
            if (offset.isInt() && scale.isInt()) {
                long t = wrap((wrap(x - offset.intValue()) * scale.intValue()));
                NumpyScalars.castFromLong(o, i, astype, t, dtype.kind() == DataType.Kind.UINT && dtype.byteSize() == 8);
            } else {
                boolean u64 = dtype.kind() == DataType.Kind.UINT && dtype.byteSize() == 8;
                double t;
                if (offset.isInt()) {
                    long d = wrap(x - offset.intValue());
                    t = (u64 ? NumpyScalars.unsignedToDouble(d) : (double) d) * scale.value();
                } else {
                    t = ((u64 ? NumpyScalars.unsignedToDouble(x) : (double) x) - offset.value()) * scale.value();
                }
                NumpyScalars.castFromDouble(o, i, astype, Math.rint(t));
            }
        }
        return out;
    }

    /** Integer arithmetic in {@code dtype}: the wrapped value, sign- or zero-extended. */
    private long wrap(long v) {
        int bits = dtype.byteSize() * 8;
        if (bits == 64) {
            return v;
        }
        return dtype.kind() == DataType.Kind.INT ? (v << (64 - bits)) >> (64 - bits) : v & ((1L << bits) - 1);
    }

    @Override
    public NdBuffer decode(NdBuffer chunk, ChunkSpec decoded) throws CorruptDataException, UnsupportedExtensionException {
        FilterSupport.checkView(NAME, dtype, decoded.dataType());
        FilterSupport.checkDecodeInput(NAME, chunk, astype, decoded.elementCount());
        MemorySegment in = chunk.segment();
        NdBuffer out = NdBuffer.allocate(decoded.dataType(), decoded.shape());
        MemorySegment o = out.segment();
        long n = chunk.elementCount();
        // integer input divides in float64; float input stays in its own precision
        DataType work = NumpyScalars.isFloat(astype) ? astype : DataType.FLOAT64;
        double s = NumpyScalars.round(work, scale.value());
        double off = NumpyScalars.round(work, offset.value());
        for (long i = 0; i < n; i++) {
            double y = NumpyScalars.getDouble(in, i, astype);
            double v = NumpyScalars.round(work, NumpyScalars.round(work, y / s) + off);
            NumpyScalars.castFromDouble(o, i, dtype, v);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FixedScaleOffsetCodec f && f.spec().equals(spec());
    }

    @Override
    public int hashCode() {
        return spec().hashCode();
    }

    @Override
    public String toString() {
        return spec().toString();
    }
}
