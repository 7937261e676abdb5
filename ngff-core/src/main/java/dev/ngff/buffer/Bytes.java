package dev.ngff.buffer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * An immutable, sliceable view of bytes over a {@link MemorySegment}. Slicing never copies. Whoever
 * creates a {@code Bytes} promises not to change the memory underneath afterwards.
 */
public final class Bytes {
    public static final Bytes EMPTY = new Bytes(MemorySegment.ofArray(new byte[0]));

    private final MemorySegment segment;
    /** The heap array under the segment when it covers a whole array exactly, for copy-free array access. */
    private final byte[] wholeArray;
    /** The heap array under the segment and where the view starts in it, or null (off-heap, or unknown). */
    private final byte[] baseArray;
    private final int baseOffset;

    private Bytes(MemorySegment segment) {
        this(segment, null, null, 0);
    }

    private Bytes(MemorySegment segment, byte[] wholeArray) {
        this(segment, wholeArray, wholeArray, 0);
    }

    private Bytes(MemorySegment segment, byte[] wholeArray, byte[] baseArray, int baseOffset) {
        byte[] base = baseArray;
        int offset = baseOffset;
        if (base == null && !segment.isReadOnly() && segment.heapBase().orElse(null) instanceof byte[] a) {
            base = a;
            offset = (int) segment.address();
        }
        this.baseArray = base;
        this.baseOffset = offset;
        this.wholeArray = wholeArray == null && base != null && offset == 0 && base.length == segment.byteSize()
                ? base : wholeArray;
        this.segment = segment.isReadOnly() ? segment : segment.asReadOnly();
    }

    /** Wraps (does not copy) an array; the caller must not modify it afterwards. */
    public static Bytes wrap(byte[] array) {
        return new Bytes(MemorySegment.ofArray(array), array);
    }

    public static Bytes wrap(byte[] array, int offset, int length) {
        return new Bytes(MemorySegment.ofArray(array).asSlice(offset, length), null, array, offset);
    }

    /** Wraps (does not copy) a segment; the caller must not modify it afterwards. */
    public static Bytes wrap(MemorySegment segment) {
        return new Bytes(segment);
    }

    /** Wraps the remaining bytes of a buffer (no copy); the caller must not modify it afterwards. */
    public static Bytes wrap(ByteBuffer buffer) {
        return new Bytes(MemorySegment.ofBuffer(buffer));
    }

    public static Bytes copyOf(byte[] array) {
        return wrap(array.clone());
    }

    public long size() {
        return segment.byteSize();
    }

    public boolean isEmpty() {
        return segment.byteSize() == 0;
    }

    public byte get(long index) {
        return segment.get(ValueLayout.JAVA_BYTE, index);
    }

    public Bytes slice(long offset, long length) {
        MemorySegment s = segment.asSlice(offset, length);
        return baseArray == null ? new Bytes(s) : new Bytes(s, null, baseArray, baseOffset + (int) offset);
    }

    public Bytes slice(long offset) {
        return slice(offset, segment.byteSize() - offset);
    }

    /**
     * The Java array under this view, for libraries with {@code byte[]} APIs, or null when the bytes
     * are off-heap (or their array is not known); the view starts at {@link #arrayOffset()}. Callers
     * must not modify the array.
     */
    public byte[] arrayUnsafe() {
        return baseArray;
    }

    /** Where this view starts in {@link #arrayUnsafe()}; 0 when there is no array. */
    public int arrayOffset() {
        return baseOffset;
    }

    /** The read-only segment underneath. */
    public MemorySegment segment() {
        return segment;
    }

    /** A read-only buffer over these bytes (position 0); only for views below 2 GiB. */
    public ByteBuffer asByteBuffer() {
        return segment.asByteBuffer();
    }

    /**
     * These bytes, or a copy of them when they share memory with {@code memory}: for results of codecs
     * that may pass their input through, when the caller reuses that input afterwards.
     */
    public Bytes detachedFrom(MemorySegment memory) {
        return segment.asOverlappingSlice(memory).isPresent() ? Bytes.wrap(toArray()) : this;
    }

    /** A fresh copy as a Java array; only for views below 2 GiB. */
    public byte[] toArray() {
        return segment.toArray(ValueLayout.JAVA_BYTE);
    }

    /**
     * The bytes as an array, without a copy when this view covers a whole heap array, else a copy.
     * Callers must not modify the result.
     */
    public byte[] toArrayUnsafe() {
        return wholeArray != null ? wholeArray : toArray();
    }

    /** Copies these bytes into {@code dst} at {@code dstOffset}. */
    public void copyTo(MemorySegment dst, long dstOffset) {
        MemorySegment.copy(segment, 0, dst, dstOffset, segment.byteSize());
    }

    /** Concatenates views into one fresh buffer. */
    public static Bytes concat(Bytes... parts) {
        long total = 0;
        for (Bytes p : parts) {
            total += p.size();
        }
        MemorySegment out = Buffers.allocate(total);
        long off = 0;
        for (Bytes p : parts) {
            p.copyTo(out, off);
            off += p.size();
        }
        return new Bytes(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes b && segment.byteSize() == b.segment.byteSize()
                && segment.mismatch(b.segment) == -1;
    }

    @Override
    public int hashCode() {
        int h = 1;
        long n = Math.min(segment.byteSize(), 4096);
        for (long i = 0; i < n; i++) {
            h = 31 * h + segment.get(ValueLayout.JAVA_BYTE, i);
        }
        return h * 31 + Long.hashCode(segment.byteSize());
    }

    @Override
    public String toString() {
        long n = Math.min(size(), 16);
        byte[] head = segment.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        return "Bytes[" + size() + "]" + Arrays.toString(head) + (n < size() ? "..." : "");
    }
}
