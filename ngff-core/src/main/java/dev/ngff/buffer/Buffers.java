package dev.ngff.buffer;

import dev.ngff.buffer.internal.AnonymousMemory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * Allocation of writable memory: Java heap arrays below 2 GiB, automatically freed native memory above.
 *
 * <p>Native memory comes, where the platform allows (Linux), from an anonymous mapping whose pages the kernel
 * zero-fills lazily at first touch, so a large read result costs nothing before the decode workers fill it (the
 * JDK's own native allocation zeroes all of it first, on the calling thread); elsewhere, or when the kernel refuses
 * the mapping, from {@code Arena.ofAuto()}. Either way the memory reads as zero and is freed once unreachable.
 */
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
        return allocateNative(byteSize, AnonymousMemory::allocate);
    }

    /** Native memory from {@code mapper}, or from the JDK's zeroing allocation when it gives none. */
    static MemorySegment allocateNative(long byteSize, LongFunction<Optional<MemorySegment>> mapper) {
        return mapper.apply(byteSize).orElseGet(() -> Arena.ofAuto().allocate(byteSize, 8));
    }
}
