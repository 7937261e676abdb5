package dev.ngff.buffer.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Large writable memory that reads as zero, from private anonymous mappings ({@code mmap} through
 * {@code java.lang.foreign}, Linux on x86-64 and AArch64 only).
 *
 * <p>Why: the JDK's native allocation ({@code Arena.allocate}) zeroes the whole size on the allocating thread
 * before it returns; for a 2 GiB read result that is about 2 s on one core before the first chunk is read. The
 * kernel instead hands out zero pages lazily, at first touch, in the thread that touches them, so the decode
 * workers that fill a result fault its pages in parallel, each while writing its own chunk. Mappings of at least
 * {@link #HUGE_PAGE} bytes get an {@code madvise(MADV_HUGEPAGE)} hint (fewer, larger faults where transparent
 * huge pages are in "madvise" mode; a no-op where they are off). The system property
 * {@code dev.ngff.buffer.hugePages=false} turns the hint off (where the kernel's direct compaction on huge-page
 * faults costs more than the smaller faults save, e.g. on a host with fragmented memory).
 *
 * <p>Contract: {@link #allocate} gives a segment of exactly the size asked, page-aligned, every byte zero,
 * readable and writable by any thread, or empty when mappings are unavailable here ({@link #unavailabilityCause()})
 * or the kernel refused this one (out of address space or commit limit): callers then fall back to the JDK's
 * allocation. The mapping is unmapped by a cleaner once the segment (and every slice of it) is unreachable, like
 * memory of {@code Arena.ofAuto()}; using a slice after that cannot happen, since the slice keeps it reachable.
 * Thread-safe.
 *
 * <p>Mapped memory is outside the Java heap, so the garbage collector does not see its pressure. Like the JDK's
 * direct-memory accounting, this class counts the bytes still mapped (process-wide, as the resource is) and asks
 * for a collection before a new mapping would take the total above the heap's maximum size, so that results a
 * program has dropped are unmapped rather than piling up; it never refuses a mapping on that count.
 */
public final class AnonymousMemory {
    /** Size from which a mapping is advised to use transparent huge pages (one huge page on x86-64 / AArch64). */
    public static final long HUGE_PAGE = 2L << 20;

    private static final int PROT_READ = 0x1;
    private static final int PROT_WRITE = 0x2;
    private static final int MAP_PRIVATE = 0x02;
    private static final int MAP_ANONYMOUS = 0x20; // the generic Linux value, shared by x86-64 and AArch64
    private static final int MADV_HUGEPAGE = 14;
    private static final long MAP_FAILED = -1L;

    private static final MethodHandle MMAP;
    private static final MethodHandle MUNMAP;
    private static final MethodHandle MADVISE;
    private static final String CAUSE;
    /** Whether {@link #allocate(long)} gives the huge-page hint (read once: a deployment setting, not state). */
    private static final boolean HUGE_PAGES = !"false".equals(System.getProperty("dev.ngff.buffer.hugePages"));

    /** Bytes and count of mappings made here and not yet unmapped. */
    private static final AtomicLong MAPPED_BYTES = new AtomicLong();
    private static final AtomicLong MAPPINGS = new AtomicLong();

    static {
        MethodHandle mmap = null;
        MethodHandle munmap = null;
        MethodHandle madvise = null;
        String cause = null;
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        if (!os.equals("Linux") || !(arch.equals("amd64") || arch.equals("aarch64"))) {
            cause = "anonymous mappings are used on Linux x86-64 and AArch64 only, not " + os + " " + arch;
        } else {
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                mmap = linker.downcallHandle(libc.findOrThrow("mmap"), FunctionDescriptor.of(ValueLayout.ADDRESS,
                        ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
                munmap = linker.downcallHandle(libc.findOrThrow("munmap"), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
                madvise = linker.downcallHandle(libc.findOrThrow("madvise"), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
            } catch (RuntimeException | LinkageError e) { // e.g. IllegalCallerException when native access is denied
                mmap = null;
                munmap = null;
                madvise = null;
                cause = "libc's mmap could not be linked: " + e.getMessage();
            }
        }
        MMAP = mmap;
        MUNMAP = munmap;
        MADVISE = madvise;
        CAUSE = cause;
    }

    private AnonymousMemory() {
    }

    /** Whether mappings can be made on this platform. */
    public static boolean isAvailable() {
        return MMAP != null;
    }

    /** Why mappings cannot be made here, or null when they can. */
    public static String unavailabilityCause() {
        return CAUSE;
    }

    /**
     * Zero-reading writable memory of {@code byteSize} bytes from a private anonymous mapping, with the huge-page
     * hint from {@link #HUGE_PAGE} bytes unless turned off; empty when unavailable or refused by the kernel.
     *
     * @throws IllegalArgumentException if {@code byteSize} is not positive
     */
    public static Optional<MemorySegment> allocate(long byteSize) {
        return allocate(byteSize, HUGE_PAGES && byteSize >= HUGE_PAGE);
    }

    /** As {@link #allocate(long)}, with the huge-page hint chosen by the caller (benchmarks compare both). */
    public static Optional<MemorySegment> allocate(long byteSize, boolean hugePages) {
        if (byteSize <= 0) {
            throw new IllegalArgumentException("mapping size must be positive, got " + byteSize);
        }
        if (MMAP == null) {
            return Optional.empty();
        }
        long mapped = MAPPED_BYTES.get();
        if (mapped > 0 && mapped > Runtime.getRuntime().maxMemory() - byteSize) {
            // Dropped results are unmapped only after a collection notices them; heap garbage alone may not
            // trigger one for a long time. The cleaners run shortly after; no need to wait for them here.
            System.gc();
        }
        long address;
        try {
            address = ((MemorySegment) MMAP.invokeExact(MemorySegment.NULL, byteSize, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0L)).address();
        } catch (Throwable e) {
            throw new IllegalStateException("mmap call failed", e); // a linkage bug, not a refusal
        }
        if (address == MAP_FAILED) {
            return Optional.empty();
        }
        if (hugePages) {
            try {
                int ignored = (int) MADVISE.invokeExact(MemorySegment.ofAddress(address), byteSize, MADV_HUGEPAGE);
            } catch (Throwable e) {
                unmap(address, byteSize);
                throw new IllegalStateException("madvise call failed", e);
            }
        }
        MAPPED_BYTES.addAndGet(byteSize);
        MAPPINGS.incrementAndGet();
        // The cleanup captures only the address and size: capturing the segment would keep it reachable forever.
        return Optional.of(MemorySegment.ofAddress(address).reinterpret(byteSize, Arena.ofAuto(),
                unused -> release(address, byteSize)));
    }

    private static void release(long address, long byteSize) {
        unmap(address, byteSize);
        MAPPED_BYTES.addAndGet(-byteSize);
        MAPPINGS.decrementAndGet();
    }

    private static void unmap(long address, long byteSize) {
        try {
            int ignored = (int) MUNMAP.invokeExact(MemorySegment.ofAddress(address), byteSize);
        } catch (Throwable e) {
            // munmap of a range we mapped cannot fail short of a JVM bug; a cleaner has nowhere to report it
        }
    }

    /** Mappings made here and not yet unmapped (for tests). */
    static long liveMappings() {
        return MAPPINGS.get();
    }

    /** Bytes of the mappings made here and not yet unmapped (for tests). */
    static long mappedBytes() {
        return MAPPED_BYTES.get();
    }
}
