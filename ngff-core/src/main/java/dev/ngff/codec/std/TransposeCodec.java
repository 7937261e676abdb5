package dev.ngff.codec.std;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.codec.ArrayToArrayCodec;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Json;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * The {@code transpose} codec: encoded dimension {@code i} is decoded dimension {@code order[i]}. Zarr v2
 * {@code order: "F"} is this codec with the axes reversed.
 */
public final class TransposeCodec implements ArrayToArrayCodec {
    private final int[] order;
    private final int[] inverse;

    public TransposeCodec(int[] order) {
        this.order = order.clone();
        this.inverse = new int[order.length];
        boolean[] seen = new boolean[order.length];
        for (int i = 0; i < order.length; i++) {
            int o = order[i];
            if (o < 0 || o >= order.length || seen[o]) {
                throw new IllegalArgumentException("transpose order " + Arrays.toString(order) + " is not a permutation");
            }
            seen[o] = true;
            inverse[o] = i;
        }
    }

    public int[] order() {
        return order.clone();
    }

    @Override
    public CodecSpec spec() {
        ObjectNode c = Json.object();
        ArrayNode a = c.putArray("order");
        for (int o : order) {
            a.add(o);
        }
        return new CodecSpec("transpose", c);
    }

    /** A permutation of elements works on every type, variable-length ones included. */
    @Override
    public void checkDataType(dev.ngff.metadata.DataType type, String where) {
    }

    private void checkRank(ChunkSpec s) {
        if (s.rank() != order.length) {
            throw new IllegalArgumentException("transpose order " + Arrays.toString(order) + " for a chunk of rank " + s.rank());
        }
    }

    @Override
    public ChunkSpec encodedSpec(ChunkSpec decoded) {
        checkRank(decoded);
        long[] in = decoded.shape();
        long[] out = new long[in.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = in[order[i]];
        }
        return decoded.withShape(out);
    }

    @Override
    public NdBuffer encode(NdBuffer chunk, ChunkSpec decoded) {
        return permute(chunk, order);
    }

    @Override
    public NdBuffer decode(NdBuffer chunk, ChunkSpec decoded) {
        checkRank(decoded);
        return permute(chunk, inverse);
    }

    /** out dim i = in dim perm[i]. */
    static NdBuffer permute(NdBuffer in, int[] perm) {
        int rank = in.rank();
        long[] inShape = in.shape();
        long[] outShape = new long[rank];
        for (int i = 0; i < rank; i++) {
            outShape[i] = inShape[perm[i]];
        }
        if (in.isVariableLength()) {
            return permuteElements(in, perm, outShape);
        }
        NdBuffer out = NdBuffer.allocate(in.dataType(), outShape);
        boolean identity = true;
        for (int i = 0; i < rank; i++) {
            identity &= perm[i] == i;
        }
        long count = out.elementCount();
        if (identity || count <= 1) {
            MemorySegment.copy(in.segment(), 0, out.segment(), 0, in.segment().byteSize());
            return out;
        }
        long[] inStrides = new long[rank];
        long s = 1;
        for (int d = rank - 1; d >= 0; d--) {
            inStrides[d] = s;
            s *= inShape[d];
        }
        long[] step = new long[rank]; // input stride for each output dim
        for (int i = 0; i < rank; i++) {
            step[i] = inStrides[perm[i]];
        }
        int es = in.dataType().byteSize();
        MemorySegment src = in.segment();
        MemorySegment dst = out.segment();
        long[] ctr = new long[rank];
        long inIdx = 0;
        long innerExtent = outShape[rank - 1];
        long innerStep = step[rank - 1];
        for (long o = 0; o < count; o += innerExtent) {
            copyRun(src, inIdx, innerStep, dst, o, innerExtent, es);
            // advance the counter over all but the innermost output dim
            int d = rank - 2;
            while (d >= 0) {
                ctr[d]++;
                inIdx += step[d];
                if (ctr[d] < outShape[d]) {
                    break;
                }
                inIdx -= step[d] * ctr[d];
                ctr[d] = 0;
                d--;
            }
        }
        return out;
    }

    /** The same walk for byte[] elements: they move as references, never copied or changed. */
    private static NdBuffer permuteElements(NdBuffer in, int[] perm, long[] outShape) {
        int rank = outShape.length;
        int count = Math.toIntExact(in.elementCount());
        byte[][] out = new byte[count][];
        long[] inShape = in.shape();
        long[] inStrides = new long[rank];
        long s = 1;
        for (int d = rank - 1; d >= 0; d--) {
            inStrides[d] = s;
            s *= inShape[d];
        }
        long[] step = new long[rank];
        for (int i = 0; i < rank; i++) {
            step[i] = inStrides[perm[i]];
        }
        long[] ctr = new long[rank];
        long inIdx = 0;
        for (int o = 0; o < count; o++) {
            out[o] = in.elementBytesUnsafe(inIdx);
            for (int d = rank - 1; d >= 0; d--) {
                ctr[d]++;
                inIdx += step[d];
                if (ctr[d] < outShape[d]) {
                    break;
                }
                inIdx -= step[d] * ctr[d];
                ctr[d] = 0;
            }
        }
        return NdBuffer.wrapElements(in.dataType(), outShape, out);
    }

    private static void copyRun(MemorySegment src, long inIdx, long step, MemorySegment dst, long outIdx, long n, int es) {
        switch (es) {
            case 1 -> {
                for (long k = 0; k < n; k++) {
                    dst.set(ValueLayout.JAVA_BYTE, outIdx + k, src.get(ValueLayout.JAVA_BYTE, inIdx + k * step));
                }
            }
            case 2 -> {
                for (long k = 0; k < n; k++) {
                    dst.set(ValueLayout.JAVA_SHORT_UNALIGNED, (outIdx + k) * 2, src.get(ValueLayout.JAVA_SHORT_UNALIGNED, (inIdx + k * step) * 2));
                }
            }
            case 4 -> {
                for (long k = 0; k < n; k++) {
                    dst.set(ValueLayout.JAVA_INT_UNALIGNED, (outIdx + k) * 4, src.get(ValueLayout.JAVA_INT_UNALIGNED, (inIdx + k * step) * 4));
                }
            }
            case 8 -> {
                for (long k = 0; k < n; k++) {
                    dst.set(ValueLayout.JAVA_LONG_UNALIGNED, (outIdx + k) * 8, src.get(ValueLayout.JAVA_LONG_UNALIGNED, (inIdx + k * step) * 8));
                }
            }
            default -> {
                for (long k = 0; k < n; k++) {
                    MemorySegment.copy(src, (inIdx + k * step) * es, dst, (outIdx + k) * es, es);
                }
            }
        }
    }
}
