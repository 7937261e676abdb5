package dev.ngff.codecs.pcodec;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * FFM bindings to {@code libngffpco.so}, the C ABI over the pco crate that {@code native/pco} builds (see its
 * {@code src/lib.rs} for the contract of each function). The library is taken from this jar's resources
 * ({@code linux-x86_64/libngffpco.so}), or from the file named by the environment variable
 * {@code NGFF_PCO_LIBRARY}. Loaded once; when it cannot be, {@link #get()} is empty and
 * {@link #unavailabilityCause()} says why (the build writes the reason it skipped the library next to it).
 * The downcalls are critical: they take heap segments directly, and pco never calls back into Java.
 * Thread-safe.
 */
final class PcodecLibrary {
    private static final String RESOURCE = "linux-x86_64/libngffpco.so";
    private static final String SKIPPED = "linux-x86_64/unavailable.txt";

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
        String override = System.getenv("NGFF_PCO_LIBRARY");
        try {
            if (override != null) {
                return new PcodecLibrary(SymbolLookup.libraryLookup(Path.of(override), Arena.global()));
            }
            String platform = System.getProperty("os.name") + "-" + System.getProperty("os.arch");
            if (!platform.equals("Linux-amd64")) {
                return "the pcodec library is bundled for linux-x86_64 only, this is " + platform
                        + " (build native/pco with cargo and set NGFF_PCO_LIBRARY)";
            }
            try (InputStream in = PcodecLibrary.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    return "this build of ngff-codecs has no pcodec library (" + RESOURCE + "): " + skippedReason();
                }
                Path tmp = Files.createTempFile("ngffpco", ".so");
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                tmp.toFile().deleteOnExit();
                return new PcodecLibrary(SymbolLookup.libraryLookup(tmp, Arena.global()));
            }
        } catch (IOException | RuntimeException e) {
            return "cannot load the pcodec library libngffpco.so" + (override != null ? " from NGFF_PCO_LIBRARY=" + override : "")
                    + ": " + e;
        }
    }

    private static String skippedReason() {
        try (InputStream in = PcodecLibrary.class.getResourceAsStream(SKIPPED)) {
            return in == null ? "no reason recorded" : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "no reason readable: " + e;
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
