package dev.ngff.codecs.gdeflate;

import dev.ngff.codecs.internal.NativeLibrary;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * FFM bindings to the GDeflate functions of {@code libngffpco.so} (the gdeflate-sys crate, NVIDIA's
 * libdeflate-based GDeflate, behind the C ABI in {@code native/pco/src/lib.rs}), loaded by
 * {@link NativeLibrary}. The downcalls are critical: they take heap segments directly and never call back
 * into Java. Thread-safe.
 */
final class GdeflateLibrary {
    /** int64 ngff_gdeflate_compress_bound(u32 level, usize n, usize* npages) */
    final MethodHandle compressBound;
    /** int64 ngff_gdeflate_compress(u32 level, u8* src, usize n, u8* dst, usize cap, usize* pageSizes, usize maxPages,
     *  u8* err, usize errCap, usize* errLen): the page count */
    final MethodHandle compress;
    /** int64 ngff_gdeflate_decompress_page(u8* src, usize len, u8* dst, usize dstLen, u8* err, usize errCap, usize* errLen) */
    final MethodHandle decompressPage;

    private static final class Holder {
        static final Object INSTANCE = load();
    }

    private GdeflateLibrary(SymbolLookup lib) {
        Linker linker = Linker.nativeLinker();
        Linker.Option critical = Linker.Option.critical(true);
        compressBound = linker.downcallHandle(lib.findOrThrow("ngff_gdeflate_compress_bound"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, ADDRESS), critical);
        compress = linker.downcallHandle(lib.findOrThrow("ngff_gdeflate_compress"), FunctionDescriptor.of(JAVA_LONG,
                JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS), critical);
        decompressPage = linker.downcallHandle(lib.findOrThrow("ngff_gdeflate_decompress_page"), FunctionDescriptor.of(
                JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS), critical);
    }

    private static Object load() {
        try {
            return NativeLibrary.lookup().<Object>map(GdeflateLibrary::new)
                    .orElseGet(() -> NativeLibrary.unavailabilityCause().orElse("unknown"));
        } catch (RuntimeException e) {
            return "the native library " + NativeLibrary.FILE_NAME + " lacks the gdeflate functions: " + e;
        }
    }

    /** The bindings, or empty when the library could not be loaded. */
    static Optional<GdeflateLibrary> get() {
        return Holder.INSTANCE instanceof GdeflateLibrary g ? Optional.of(g) : Optional.empty();
    }

    /** Why the library is unavailable, or empty when it loaded. */
    static Optional<String> unavailabilityCause() {
        return Holder.INSTANCE instanceof String s ? Optional.of(s) : Optional.empty();
    }
}
