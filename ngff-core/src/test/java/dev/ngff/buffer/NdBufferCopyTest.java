package dev.ngff.buffer;

import dev.ngff.metadata.DataType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link NdBuffer#copy} (bulk runs, merged trailing dimensions, array copies on heap memory) against a
 * reference that copies one element at a time, over random shapes, boxes, element sizes and kinds of memory.
 */
class NdBufferCopyTest {
    private static final DataType[] TYPES = {DataType.UINT8, DataType.UINT16, DataType.FLOAT32, DataType.INT64,
            DataType.COMPLEX128, DataType.STRING};

    /** The specification: every element of the box, one at a time, in C order. */
    private static void referenceCopy(NdBuffer src, long[] srcOffset, NdBuffer dst, long[] dstOffset, long[] box) {
        int rank = box.length;
        long n = NdBuffer.elementCount(box);
        long[] c = new long[rank];
        for (long i = 0; i < n; i++) {
            long s = 0;
            long t = 0;
            for (int d = 0; d < rank; d++) {
                s = s * src.shape(d) + srcOffset[d] + c[d];
                t = t * dst.shape(d) + dstOffset[d] + c[d];
            }
            dst.setElementBytes(t, src.elementBytes(s));
            for (int d = rank - 1; d >= 0; d--) {
                if (++c[d] < box[d]) {
                    break;
                }
                c[d] = 0;
            }
        }
    }

    /** Memory of the kinds a buffer may sit on: a whole byte array, a slice inside one, native, another array type. */
    private static MemorySegment memory(Random r, long bytes, Arena arena) {
        return switch (r.nextInt(4)) {
            case 0 -> MemorySegment.ofArray(new byte[(int) bytes]);
            case 1 -> {
                int before = r.nextInt(9);
                yield MemorySegment.ofArray(new byte[(int) bytes + before + r.nextInt(9)]).asSlice(before, bytes);
            }
            case 2 -> arena.allocate(Math.max(bytes, 1), 1).asSlice(0, bytes);
            default -> bytes % 8 == 0 ? MemorySegment.ofArray(new long[(int) (bytes / 8)])
                    : MemorySegment.ofArray(new byte[(int) bytes]);
        };
    }

    private static NdBuffer randomBuffer(Random r, DataType type, long[] shape, Arena arena) {
        long n = NdBuffer.elementCount(shape);
        if (type.isVariableLength()) {
            String[] v = new String[(int) n];
            for (int i = 0; i < v.length; i++) {
                v[i] = "e" + r.nextInt(1000);
            }
            return NdBuffer.ofStrings(v, shape);
        }
        MemorySegment m = memory(r, n * type.byteSize(), arena);
        for (long i = 0; i < m.byteSize(); i++) {
            m.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) r.nextInt());
        }
        return NdBuffer.wrap(type, shape, m);
    }

    private static NdBuffer copyOf(NdBuffer b, Random r, Arena arena) {
        if (b.isVariableLength()) {
            return NdBuffer.ofStrings(b.toStrings(), b.shape());
        }
        MemorySegment m = memory(r, b.segment().byteSize(), arena);
        m.copyFrom(b.segment());
        return NdBuffer.wrap(b.dataType(), b.shape(), m);
    }

    @Test
    void matchesElementByElementCopy() {
        long seed = Long.getLong(dev.ngff.testing.Properties.SEED_PROPERTY, System.nanoTime());
        System.out.println("NdBufferCopyTest.matchesElementByElementCopy: seed " + seed + "; rerun with -D"
                + dev.ngff.testing.Properties.SEED_PROPERTY + "=" + seed);
        Random r = new Random(seed);
        try (Arena arena = Arena.ofConfined()) {
            for (int trial = 0; trial < 3000; trial++) {
                DataType type = TYPES[r.nextInt(TYPES.length)];
                int rank = r.nextInt(5);
                long[] srcShape = new long[rank];
                long[] dstShape = new long[rank];
                long[] box = new long[rank];
                long[] srcOff = new long[rank];
                long[] dstOff = new long[rank];
                for (int d = 0; d < rank; d++) {
                    srcShape[d] = 1 + r.nextInt(rank > 3 ? 5 : 9);
                    dstShape[d] = 1 + r.nextInt(rank > 3 ? 5 : 9);
                    long most = Math.min(srcShape[d], dstShape[d]);
                    // often whole extents, so that trailing dimensions merge
                    box[d] = r.nextInt(3) == 0 ? most : r.nextInt((int) most + 1);
                    if (r.nextInt(3) == 0 && srcShape[d] == dstShape[d]) {
                        box[d] = srcShape[d];
                    }
                    srcOff[d] = r.nextInt((int) (srcShape[d] - box[d]) + 1);
                    dstOff[d] = r.nextInt((int) (dstShape[d] - box[d]) + 1);
                }
                NdBuffer src = randomBuffer(r, type, srcShape, arena);
                if (!src.isVariableLength() && r.nextInt(4) == 0) {
                    src = NdBuffer.wrap(type, srcShape, src.segment().asReadOnly());
                }
                NdBuffer dst = randomBuffer(r, type, dstShape, arena);
                NdBuffer want = copyOf(dst, r, arena);
                referenceCopy(src, srcOff, want, dstOff, box);
                NdBuffer.copy(src, srcOff, dst, dstOff, box);
                assertThat(dst.contentEquals(want))
                        .as("seed %d trial %d: %s %s box %s from %s at %s to %s at %s", seed, trial, type,
                                src.isVariableLength() ? "elements" : src.segment(), Arrays.toString(box),
                                Arrays.toString(srcShape), Arrays.toString(srcOff), Arrays.toString(dstShape),
                                Arrays.toString(dstOff))
                        .isTrue();
            }
        }
    }

    @Test
    void scatteringInnerChunksRebuildsTheWhole() {
        // the read path's pattern: 8^3 blocks of a 32^3 volume, each decoded on its own and scattered into place
        NdBuffer whole = NdBuffer.allocate(DataType.UINT16, 32, 32, 32);
        for (long i = 0; i < whole.elementCount(); i++) {
            whole.setAsLong(i, i * 7919 % 65536);
        }
        NdBuffer rebuilt = NdBuffer.allocate(DataType.UINT16, 32, 32, 32);
        long[] block = {8, 8, 8};
        for (long z = 0; z < 32; z += 8) {
            for (long y = 0; y < 32; y += 8) {
                for (long x = 0; x < 32; x += 8) {
                    NdBuffer b = whole.copyRegion(new long[] {z, y, x}, block);
                    NdBuffer.copy(b, new long[3], rebuilt, new long[] {z, y, x}, block);
                }
            }
        }
        assertThat(rebuilt.contentEquals(whole)).isTrue();
    }

    @Test
    void aReadOnlyDestinationIsRefusedAndABoxOutsideIsAnError() {
        NdBuffer src = NdBuffer.allocate(DataType.UINT16, 4, 4);
        NdBuffer readOnly = NdBuffer.wrap(DataType.UINT16, new long[] {4, 4},
                MemorySegment.ofArray(new byte[32]).asReadOnly());
        assertThatThrownBy(() -> NdBuffer.copy(src, new long[2], readOnly, new long[2], new long[] {2, 2}))
                .isInstanceOf(IllegalArgumentException.class); // the segment API's "read-only" error, as before
        NdBuffer dst = NdBuffer.allocate(DataType.UINT16, 4, 4);
        assertThatThrownBy(() -> NdBuffer.copy(src, new long[] {3, 0}, dst, new long[2], new long[] {2, 2}))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }
}
