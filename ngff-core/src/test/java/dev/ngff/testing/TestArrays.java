package dev.ngff.testing;

import dev.ngff.buffer.NdBuffer;
import dev.ngff.metadata.DataType;

import java.lang.foreign.ValueLayout;
import java.util.Random;

/** Test data: buffers of any type filled with seeded random or counting values. */
public final class TestArrays {
    private TestArrays() {
    }

    /** Random bytes for every element (any bit pattern, NaNs included for floats). */
    public static NdBuffer random(DataType type, long[] shape, long seed) {
        NdBuffer b = NdBuffer.allocate(type, shape);
        Random r = new Random(seed);
        var seg = b.segment();
        for (long i = 0; i < seg.byteSize(); i++) {
            seg.set(ValueLayout.JAVA_BYTE, i, (byte) r.nextInt(256));
        }
        if (type == DataType.BOOL) {
            for (long i = 0; i < seg.byteSize(); i++) {
                seg.set(ValueLayout.JAVA_BYTE, i, (byte) (seg.get(ValueLayout.JAVA_BYTE, i) & 1));
            }
        }
        return b;
    }

    /** int32 buffer whose element at linear index i is i. */
    public static NdBuffer arangeInt32(long... shape) {
        NdBuffer b = NdBuffer.allocate(DataType.INT32, shape);
        long n = b.elementCount();
        for (long i = 0; i < n; i++) {
            b.segment().set(ValueLayout.JAVA_INT_UNALIGNED, 4 * i, (int) i);
        }
        return b;
    }
}
