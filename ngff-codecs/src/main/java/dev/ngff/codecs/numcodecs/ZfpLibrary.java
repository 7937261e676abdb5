package dev.ngff.codecs.numcodecs;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * FFM bindings to the system's zfp library ({@code libzfp.so.1}, Debian package {@code libzfp1}), or the
 * file named by the environment variable {@code NGFF_ZFP_LIBRARY}. Looked up once; when it cannot be
 * loaded, {@link #isAvailable()} is false and {@link #unavailabilityCause()} says why. Only the calls the
 * zfpy decoder needs are bound; zfp's streams are opaque pointers here. The handles are thread-safe; the
 * zfp objects they make are used by one thread at a time.
 */
final class ZfpLibrary {
    /** The library file looked for when no override is set. */
    static final String DEFAULT_NAME = "libzfp.so.1";
    /** zfp_read_header's mask for a full header (magic, field, mode). */
    static final int HEADER_FULL = 0x7;

    final MethodHandle streamOpen;      // bitstream* stream_open(void*, size_t)
    final MethodHandle streamClose;     // void stream_close(bitstream*)
    final MethodHandle zfpStreamOpen;   // zfp_stream* zfp_stream_open(bitstream*)
    final MethodHandle zfpStreamClose;  // void zfp_stream_close(zfp_stream*)
    final MethodHandle fieldAlloc;      // zfp_field* zfp_field_alloc()
    final MethodHandle fieldFree;       // void zfp_field_free(zfp_field*)
    final MethodHandle readHeader;      // size_t zfp_read_header(zfp_stream*, zfp_field*, uint)
    final MethodHandle fieldType;       // zfp_type zfp_field_type(const zfp_field*)
    final MethodHandle fieldSize;       // size_t zfp_field_size(const zfp_field*, size_t*)
    final MethodHandle fieldSetPointer; // void zfp_field_set_pointer(zfp_field*, void*)
    final MethodHandle maximumSize;     // size_t zfp_stream_maximum_size(const zfp_stream*, const zfp_field*)
    final MethodHandle decompress;      // size_t zfp_decompress(zfp_stream*, zfp_field*)

    private static final class Holder {
        static final Object INSTANCE = load();
    }

    private ZfpLibrary(SymbolLookup lib) {
        Linker linker = Linker.nativeLinker();
        streamOpen = bind(linker, lib, "stream_open", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG));
        streamClose = bind(linker, lib, "stream_close", FunctionDescriptor.ofVoid(ADDRESS));
        zfpStreamOpen = bind(linker, lib, "zfp_stream_open", FunctionDescriptor.of(ADDRESS, ADDRESS));
        zfpStreamClose = bind(linker, lib, "zfp_stream_close", FunctionDescriptor.ofVoid(ADDRESS));
        fieldAlloc = bind(linker, lib, "zfp_field_alloc", FunctionDescriptor.of(ADDRESS));
        fieldFree = bind(linker, lib, "zfp_field_free", FunctionDescriptor.ofVoid(ADDRESS));
        readHeader = bind(linker, lib, "zfp_read_header", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_INT));
        fieldType = bind(linker, lib, "zfp_field_type", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        fieldSize = bind(linker, lib, "zfp_field_size", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS));
        fieldSetPointer = bind(linker, lib, "zfp_field_set_pointer", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        maximumSize = bind(linker, lib, "zfp_stream_maximum_size", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS));
        decompress = bind(linker, lib, "zfp_decompress", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS));
    }

    private static MethodHandle bind(Linker linker, SymbolLookup lib, String name, FunctionDescriptor fd) {
        MemorySegment symbol = lib.find(name).orElseThrow(() -> new IllegalStateException("zfp library lacks " + name));
        return linker.downcallHandle(symbol, fd);
    }

    private static Object load() {
        String name = Optional.ofNullable(System.getenv("NGFF_ZFP_LIBRARY")).orElse(DEFAULT_NAME);
        try {
            return new ZfpLibrary(SymbolLookup.libraryLookup(name, Arena.global()));
        } catch (RuntimeException e) { // IllegalArgumentException: not found; IllegalStateException: wrong library
            return "cannot load the zfp library '" + name + "' (install Debian's libzfp1, or set NGFF_ZFP_LIBRARY): "
                    + e.getMessage();
        }
    }

    /** Whether the native zfp library was loaded. */
    static boolean isAvailable() {
        return Holder.INSTANCE instanceof ZfpLibrary;
    }

    /** Why the library is unavailable, or empty when it is available. */
    static Optional<String> unavailabilityCause() {
        return Holder.INSTANCE instanceof String s ? Optional.of(s) : Optional.empty();
    }

    /** The bindings, or empty when the library could not be loaded. */
    static Optional<ZfpLibrary> get() {
        return Holder.INSTANCE instanceof ZfpLibrary z ? Optional.of(z) : Optional.empty();
    }
}
