package dev.ngff.codecs.numcodecs;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * FFM bindings to the system's zfp library ({@code libzfp.so.1}, Debian package {@code libzfp1}), or the
 * file named by the environment variable {@code NGFF_ZFP_LIBRARY}. Looked up once; when it cannot be
 * loaded, {@link #isAvailable()} is false and {@link #unavailabilityCause()} says why. Only the calls the
 * zfpy and zfp codecs need are bound; zfp's streams are opaque pointers here. The handles are thread-safe; the
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
    final MethodHandle compress;        // size_t zfp_compress(zfp_stream*, const zfp_field*)
    final MethodHandle writeHeader;     // size_t zfp_write_header(zfp_stream*, const zfp_field*, uint)
    final MethodHandle setBitStream;    // void zfp_stream_set_bit_stream(zfp_stream*, bitstream*)
    final MethodHandle rewind;          // void zfp_stream_rewind(zfp_stream*)
    final MethodHandle setRate;         // double zfp_stream_set_rate(zfp_stream*, double, zfp_type, uint dims, zfp_bool align)
    final MethodHandle setPrecision;    // uint zfp_stream_set_precision(zfp_stream*, uint)
    final MethodHandle setAccuracy;     // double zfp_stream_set_accuracy(zfp_stream*, double)
    final MethodHandle setReversible;   // void zfp_stream_set_reversible(zfp_stream*)
    final MethodHandle setParams;       // zfp_bool zfp_stream_set_params(zfp_stream*, uint, uint, uint, int)
    final MethodHandle field1d;         // zfp_field* zfp_field_1d(void*, zfp_type, size_t nx)
    final MethodHandle field2d;         // zfp_field* zfp_field_2d(void*, zfp_type, size_t nx, size_t ny)
    final MethodHandle field3d;         // zfp_field* zfp_field_3d(void*, zfp_type, size_t nx, size_t ny, size_t nz)
    final MethodHandle field4d;         // zfp_field* zfp_field_4d(void*, zfp_type, size_t nx, ny, nz, nw)

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
        compress = bind(linker, lib, "zfp_compress", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS));
        writeHeader = bind(linker, lib, "zfp_write_header", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_INT));
        setBitStream = bind(linker, lib, "zfp_stream_set_bit_stream", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        rewind = bind(linker, lib, "zfp_stream_rewind", FunctionDescriptor.ofVoid(ADDRESS));
        setRate = bind(linker, lib, "zfp_stream_set_rate",
                FunctionDescriptor.of(JAVA_DOUBLE, ADDRESS, JAVA_DOUBLE, JAVA_INT, JAVA_INT, JAVA_INT));
        setPrecision = bind(linker, lib, "zfp_stream_set_precision", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        setAccuracy = bind(linker, lib, "zfp_stream_set_accuracy", FunctionDescriptor.of(JAVA_DOUBLE, ADDRESS, JAVA_DOUBLE));
        setReversible = bind(linker, lib, "zfp_stream_set_reversible", FunctionDescriptor.ofVoid(ADDRESS));
        setParams = bind(linker, lib, "zfp_stream_set_params",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        field1d = bind(linker, lib, "zfp_field_1d", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG));
        field2d = bind(linker, lib, "zfp_field_2d", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG));
        field3d = bind(linker, lib, "zfp_field_3d",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        field4d = bind(linker, lib, "zfp_field_4d",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
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
