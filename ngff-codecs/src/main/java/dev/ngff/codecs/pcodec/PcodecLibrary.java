package dev.ngff.codecs.pcodec;

import dev.ngff.codecs.internal.NativeLibrary;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * FFM bindings to the pcodec functions of {@code libngffpco.so}, the C ABI that {@code native/pco} builds (see
 * its {@code src/lib.rs} for the contract of each function), loaded by {@link NativeLibrary}. When it cannot
 * be loaded, {@link #get()} is empty and {@link #unavailabilityCause()} says why.
 * The downcalls are critical: they take heap segments directly, and pco never calls back into Java.
 * Thread-safe.
 */
final class PcodecLibrary {
    /** int64 ngff_pco_decompress(u8 type, u8* src, usize len, u8* dst, usize n, u8* err, usize cap, usize* errLen) */
    final MethodHandle decompress;
    /** int64 ngff_pco_compress(u8 type, u8* src, usize n, u32 level, u32 mode, u32 delta, u32 order, usize pageN,
     *  u8* dst, usize cap, u8* err, usize errCap, usize* errLen) */
    final MethodHandle compress;
    /** int64 ngff_pco_max_compressed_size(u8 type, usize n, usize pageN) */
    final MethodHandle maxCompressedSize;

    private static final class Holder {
        static final Object INSTANCE = load();
    }

    private PcodecLibrary(SymbolLookup lib) {
        Linker linker = Linker.nativeLinker();
        Linker.Option critical = Linker.Option.critical(true);
        decompress = linker.downcallHandle(lib.findOrThrow("ngff_pco_decompress"), FunctionDescriptor.of(JAVA_LONG,
                JAVA_BYTE, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS), critical);
        compress = linker.downcallHandle(lib.findOrThrow("ngff_pco_compress"), FunctionDescriptor.of(JAVA_LONG,
                JAVA_BYTE, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG,
                ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS), critical);
        maxCompressedSize = linker.downcallHandle(lib.findOrThrow("ngff_pco_max_compressed_size"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_BYTE, JAVA_LONG, JAVA_LONG));
    }

    private static Object load() {
        try {
            return NativeLibrary.lookup().<Object>map(PcodecLibrary::new)
                    .orElseGet(() -> NativeLibrary.unavailabilityCause().orElse("unknown"));
        } catch (RuntimeException e) {
            return "the native library " + NativeLibrary.FILE_NAME + " lacks the pcodec functions: " + e;
        }
    }

    /** The bindings, or empty when the library could not be loaded. */
    static Optional<PcodecLibrary> get() {
        return Holder.INSTANCE instanceof PcodecLibrary p ? Optional.of(p) : Optional.empty();
    }

    /** Why the library is unavailable, or empty when it loaded. */
    static Optional<String> unavailabilityCause() {
        return Holder.INSTANCE instanceof String s ? Optional.of(s) : Optional.empty();
    }
}
