package dev.ngff.tiff;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * zlib streams (TIFF deflate, compression 8 and 32946) decoded by the system's libdeflate ({@code libdeflate.so.0},
 * Debian package {@code libdeflate0}; the environment variable {@code NGFF_LIBDEFLATE_LIBRARY} names another file,
 * {@code NGFF_LIBDEFLATE=0} turns it off), about twice as fast as the JDK's zlib on deflate tiles. Only whole
 * streams that decode cleanly within the output are taken from it ({@link #zlibDecompress} returns -1 otherwise),
 * so the caller's zlib path still decides every malformed, truncated or oversized stream, with the same results
 * and messages as without the library. Thread-safe: each call takes a decompressor from a pool (at most one per
 * thread decoding at once, kept for the life of the process).
 */
final class Libdeflate {
    /** The library file looked for when no override is set. */
    static final String DEFAULT_NAME = "libdeflate.so.0";
    private static final int SUCCESS = 0;

    private final MethodHandle alloc;      // struct libdeflate_decompressor *libdeflate_alloc_decompressor(void)
    private final MethodHandle decompress; // enum libdeflate_result libdeflate_zlib_decompress(d, in, in_n, out, out_n, size_t *actual)
    private final ConcurrentLinkedQueue<MemorySegment> idle = new ConcurrentLinkedQueue<>();

    private static final class Holder {
        static final Object INSTANCE = load();
    }

    private Libdeflate(SymbolLookup lib) {
        Linker linker = Linker.nativeLinker();
        alloc = linker.downcallHandle(find(lib, "libdeflate_alloc_decompressor"), FunctionDescriptor.of(ADDRESS));
        // critical with heap access: the tile and output arrays are passed in place (a call lasts about a millisecond)
        decompress = linker.downcallHandle(find(lib, "libdeflate_zlib_decompress"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS),
                Linker.Option.critical(true));
    }

    private static MemorySegment find(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new IllegalStateException("the library lacks " + name));
    }

    private static Object load() {
        if ("0".equals(System.getenv("NGFF_LIBDEFLATE"))) {
            return "turned off by NGFF_LIBDEFLATE=0";
        }
        String name = Optional.ofNullable(System.getenv("NGFF_LIBDEFLATE_LIBRARY")).orElse(DEFAULT_NAME);
        try {
            return new Libdeflate(SymbolLookup.libraryLookup(name, Arena.global()));
        } catch (RuntimeException e) { // IllegalArgumentException: not found; IllegalStateException: wrong library
            return "cannot load libdeflate '" + name + "' (Debian's libdeflate0): " + e.getMessage();
        }
    }

    /** Why libdeflate is not used (null when it is). */
    static String unavailabilityCause() {
        return Holder.INSTANCE instanceof String s ? s : null;
    }

    /**
     * Decodes the zlib stream {@code in} into {@code out}; returns the bytes written, or -1 when it did not (no
     * library, or a stream that is malformed, truncated or larger than {@code out}: then {@code out} may hold
     * anything and the caller decodes it another way).
     */
    static int zlibDecompress(byte[] in, byte[] out) {
        return Holder.INSTANCE instanceof Libdeflate lib ? lib.decode(in, out) : -1;
    }

    private int decode(byte[] in, byte[] out) {
        MemorySegment d = idle.poll();
        try {
            if (d == null) {
                d = (MemorySegment) alloc.invokeExact();
                if (d.address() == 0) {
                    return -1; // out of native memory: the zlib path
                }
            }
            long[] actual = new long[1];
            int r = (int) decompress.invokeExact(d, MemorySegment.ofArray(in), (long) in.length, MemorySegment.ofArray(out),
                    (long) out.length, MemorySegment.ofArray(actual));
            return r == SUCCESS ? (int) actual[0] : -1;
        } catch (Throwable t) {
            throw new IllegalStateException("libdeflate call failed: " + t.getMessage(), t); // a binding bug
        } finally {
            if (d != null && d.address() != 0) {
                idle.offer(d);
            }
        }
    }
}
