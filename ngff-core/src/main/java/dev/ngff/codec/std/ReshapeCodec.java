package dev.ngff.codec.std;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.codec.ArrayToArrayCodec;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.error.CorruptDataException;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.Json;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The zarr-extensions {@code reshape} codec: gives a chunk a new shape with the same elements in the same
 * C order ({@code ravel(encoded) == ravel(decoded)}), so encoding and decoding are views, never copies of
 * fixed-size data. Each encoded dimension is a {@link Dim.Size}, the {@link Dim.Inferred} {@code -1} (at most
 * once), or a {@link Dim.Merge} of consecutive decoded dimensions (the product of their extents, which keeps
 * working when chunk shapes vary). Works on every data type, variable-length ones included. A shape that the
 * rules of the extension do not allow for a given chunk is an {@link IllegalArgumentException} from
 * {@link #encodedSpec}, which the array turns into an invalid-metadata error when it opens.
 * Immutable and thread-safe.
 */
public final class ReshapeCodec implements ArrayToArrayCodec {

    /** One dimension of the encoded shape. */
    public sealed interface Dim {
        /** An explicit positive extent. */
        record Size(long size) implements Dim {
            public Size {
                if (size < 1) {
                    throw new IllegalArgumentException("an explicit reshape extent must be positive, got " + size);
                }
            }
        }

        /** {@code -1}: whatever makes the element counts agree. */
        record Inferred() implements Dim {
        }

        /** The product of the extents of the listed decoded dimensions (strictly increasing, may be empty). */
        record Merge(int[] inputDims) implements Dim {
            public Merge {
                inputDims = inputDims.clone();
                for (int d : inputDims) {
                    if (d < 0) {
                        throw new IllegalArgumentException("reshape input dimension " + d + " is negative");
                    }
                }
            }

            @Override
            public int[] inputDims() {
                return inputDims.clone();
            }

            @Override
            public boolean equals(Object o) {
                return o instanceof Merge m && Arrays.equals(inputDims, m.inputDims);
            }

            @Override
            public int hashCode() {
                return Arrays.hashCode(inputDims);
            }

            @Override
            public String toString() {
                return Arrays.toString(inputDims);
            }
        }
    }

    private final List<Dim> shape;

    /** Validates what does not depend on the chunk: one {@code -1} at most, input dimensions in increasing order. */
    public ReshapeCodec(List<Dim> shape) {
        this.shape = List.copyOf(shape);
        if (this.shape.isEmpty()) {
            throw new IllegalArgumentException("reshape shape must have at least one dimension");
        }
        int inferred = 0;
        int last = -1;
        for (Dim d : this.shape) {
            if (d instanceof Dim.Inferred) {
                inferred++;
            } else if (d instanceof Dim.Merge m) {
                for (int in : m.inputDims) {
                    if (in <= last) {
                        throw new IllegalArgumentException("reshape input dimensions must be in increasing order over the"
                                + " whole shape (a reshape never transposes), got " + this.shape);
                    }
                    last = in;
                }
            }
        }
        if (inferred > 1) {
            throw new IllegalArgumentException("reshape shape may contain -1 at most once, got " + this.shape);
        }
    }

    public List<Dim> shape() {
        return shape;
    }

    @Override
    public CodecSpec spec() {
        ObjectNode c = Json.object();
        ArrayNode a = c.putArray("shape");
        for (Dim d : shape) {
            switch (d) {
                case Dim.Size s -> a.add(s.size());
                case Dim.Inferred i -> a.add(-1);
                case Dim.Merge m -> {
                    ArrayNode dims = a.addArray();
                    for (int in : m.inputDims) {
                        dims.add(in);
                    }
                }
            }
        }
        return new CodecSpec("reshape", c);
    }

    /** Moving elements without looking at them works for every type, variable-length ones included. */
    @Override
    public void checkDataType(DataType type, String where) {
    }

    @Override
    public ChunkSpec encodedSpec(ChunkSpec decoded) {
        long[] in = decoded.shape();
        long total = decoded.elementCount();
        long[] out = new long[shape.size()];
        int inferredAt = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            switch (shape.get(i)) {
                case Dim.Size s -> out[i] = s.size();
                case Dim.Inferred x -> inferredAt = i;
                case Dim.Merge m -> {
                    long p = 1;
                    for (int d : m.inputDims) {
                        if (d >= in.length) {
                            throw new IllegalArgumentException("reshape " + shape + " names input dimension " + d
                                    + " of a chunk of rank " + in.length);
                        }
                        p = times(p, in[d]);
                    }
                    out[i] = p;
                }
            }
            if (i != inferredAt) {
                known = times(known, out[i]);
            }
        }
        if (inferredAt >= 0) {
            if (known == 0 || total % known != 0) {
                throw new IllegalArgumentException("reshape " + shape + ": no extent for -1 makes " + total
                        + " elements of chunk shape " + Arrays.toString(in));
            }
            out[inferredAt] = total / known;
        } else if (known != total) {
            throw new IllegalArgumentException("reshape " + shape + " gives " + known + " elements, a chunk of shape "
                    + Arrays.toString(in) + " has " + total);
        }
        checkMergesAligned(in, out);
        return decoded.withShape(out);
    }

    /** A merged dimension must cover exactly its input dimensions: the products before and after it agree. */
    private void checkMergesAligned(long[] in, long[] out) {
        for (int i = 0; i < out.length; i++) {
            if (!(shape.get(i) instanceof Dim.Merge m) || m.inputDims.length == 0) {
                continue;
            }
            int first = m.inputDims[0];
            int lastDim = m.inputDims[m.inputDims.length - 1];
            if (product(out, 0, i) != product(in, 0, first) || product(out, i + 1, out.length) != product(in, lastDim + 1, in.length)) {
                throw new IllegalArgumentException("reshape " + shape + ": encoded dimension " + i + " does not line up with"
                        + " input dimensions " + m + " of chunk shape " + Arrays.toString(in));
            }
        }
    }

    private static long product(long[] a, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            p = times(p, a[i]);
        }
        return p;
    }

    /** A product of extents; beyond 2^63 no chunk can match it, which is a configuration error, not a bug. */
    private static long times(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("reshape: extents multiply to more than 2^63 elements");
        }
    }

    @Override
    public NdBuffer encode(NdBuffer chunk, ChunkSpec decoded) throws CorruptDataException {
        return withShape(chunk, encodedSpec(decoded).shape(), "reshape");
    }

    @Override
    public NdBuffer decode(NdBuffer chunk, ChunkSpec decoded) throws CorruptDataException {
        return withShape(chunk, decoded.shape(), "reshape");
    }

    /**
     * The same elements under another shape of equal element count: a view of fixed-size data, a new array of
     * the same element references for variable-length data. A count that differs is corrupt input.
     */
    static NdBuffer withShape(NdBuffer chunk, long[] newShape, String codec) throws CorruptDataException {
        if (chunk.elementCount() != NdBuffer.elementCount(newShape)) {
            throw new CorruptDataException(codec + ": a chunk of shape " + Arrays.toString(chunk.shape()) + " cannot take shape "
                    + Arrays.toString(newShape));
        }
        if (!chunk.isVariableLength()) {
            return NdBuffer.wrap(chunk.dataType(), newShape, chunk.segment());
        }
        byte[][] elements = new byte[Math.toIntExact(chunk.elementCount())][];
        for (int i = 0; i < elements.length; i++) {
            elements[i] = chunk.elementBytesUnsafe(i);
        }
        return NdBuffer.wrapElements(chunk.dataType(), newShape, elements);
    }

    /** Parses the {@code shape} member: integers (positive, or -1) and arrays of input dimensions. */
    static List<Dim> parseShape(com.fasterxml.jackson.databind.JsonNode n, String where) throws dev.ngff.error.InvalidMetadataException {
        if (!n.isArray()) {
            throw new dev.ngff.error.InvalidMetadataException(where + ": shape must be an array");
        }
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            var e = n.get(i);
            if (e.isArray()) {
                int[] dims = new int[e.size()];
                for (int k = 0; k < dims.length; k++) {
                    if (!e.get(k).canConvertToExactIntegral() || !e.get(k).canConvertToInt()) {
                        throw new dev.ngff.error.InvalidMetadataException(where + ": shape/" + i + "/" + k + " must be an integer");
                    }
                    dims[k] = e.get(k).intValue();
                }
                out.add(new Dim.Merge(dims));
            } else if (e.canConvertToExactIntegral() && e.canConvertToLong()) {
                long v = e.longValue();
                out.add(v == -1 ? new Dim.Inferred() : new Dim.Size(v));
            } else {
                throw new dev.ngff.error.InvalidMetadataException(where + ": shape/" + i
                        + " must be a positive integer, -1 or an array of input dimensions, got " + e);
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReshapeCodec r && r.shape.equals(shape);
    }

    @Override
    public int hashCode() {
        return shape.hashCode();
    }

    @Override
    public String toString() {
        return spec().toString();
    }
}
