package dev.ngff.codecs.internal;

import dev.ngff.buffer.Bytes;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A {@link Bytes} view as a Java array range, for libraries with {@code byte[]} APIs: the array under a heap view
 * without a copy (with the view's offset), a fresh copy of a heap view whose array is unknown, and a copy of an off-heap view into a per-thread buffer (valid until the same
 * thread's next call). Callers never write into the array.
 */
public record HeapBytes(byte[] array, int offset, int length) {
    private static final ThreadLocal<byte[][]> COPY = ThreadLocal.withInitial(() -> new byte[][] {new byte[0]});

    /** The view's bytes; {@link IllegalArgumentException} for views of 2 GiB or more. */
    public static HeapBytes of(Bytes bytes) {
        MemorySegment s = bytes.segment();
        if (s.byteSize() > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("a view of " + s.byteSize() + " bytes does not fit a Java array");
        }
        int n = (int) s.byteSize();
        if (bytes.arrayUnsafe() != null) {
            return new HeapBytes(bytes.arrayUnsafe(), bytes.arrayOffset(), n);
        }
        if (!s.isNative()) {
            // a read-only heap view whose array is not known: copied
            return new HeapBytes(bytes.toArrayUnsafe(), 0, n);
        }
        byte[][] holder = COPY.get();
        if (holder[0].length < n) {
            holder[0] = new byte[n];
        }
        MemorySegment.copy(s, ValueLayout.JAVA_BYTE, 0, holder[0], 0, n);
        return new HeapBytes(holder[0], 0, n);
    }
}
