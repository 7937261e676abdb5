package dev.ngff.buffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Allocation of writable memory: Java heap arrays below 2 GiB, automatically freed native memory above. */
public final class Buffers {
    private Buffers() {
    }

    /** Largest allocation that goes onto the Java heap. */
    public static final long MAX_HEAP_ARRAY = Integer.MAX_VALUE - 16;

    /** Zeroed, writable memory of the given size; heap-backed when it fits in a Java array. */
    public static MemorySegment allocate(long byteSize) {
        if (byteSize < 0) {
            throw new IllegalArgumentException("negative size " + byteSize);
        }
        if (byteSize <= MAX_HEAP_ARRAY) {
            return MemorySegment.ofArray(new byte[(int) byteSize]);
        }
        return Arena.ofAuto().allocate(byteSize, 8);
    }
}
