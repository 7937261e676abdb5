package dev.ngff.codecs.internal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Loads {@code libngffpco.so} once per JVM: the Rust cdylib that {@code native/pco} builds, which carries the
 * C ABI over the pco crate (pcodec) and the gdeflate-sys crate (GDeflate). Taken from this jar's resources
 * ({@code dev/ngff/codecs/pcodec/linux-x86_64/libngffpco.so}, where the ngff-codecs build puts it), or from the
 * file named by the environment variable {@code NGFF_PCO_LIBRARY}. When it cannot be loaded, {@link #lookup()} is empty and
 * {@link #unavailabilityCause()} says why (the build writes the reason it skipped the library next to it).
 * Thread-safe; the library stays loaded for the JVM's life.
 */
public final class NativeLibrary {
    /** Where the build puts the library, relative to the pcodec package's resources. */
    private static final String RESOURCE = "/dev/ngff/codecs/pcodec/linux-x86_64/libngffpco.so";
    private static final String SKIPPED = "/dev/ngff/codecs/pcodec/linux-x86_64/unavailable.txt";
    /** The file name users see in messages. */
    public static final String FILE_NAME = "libngffpco.so";

    private NativeLibrary() {
    }

    private static final class Holder {
        static final Object INSTANCE = load();
    }

    private static Object load() {
        String override = System.getenv("NGFF_PCO_LIBRARY");
        try {
            if (override != null) {
                return SymbolLookup.libraryLookup(Path.of(override), Arena.global());
            }
            String platform = System.getProperty("os.name") + "-" + System.getProperty("os.arch");
            if (!platform.equals("Linux-amd64")) {
                return "the native library " + FILE_NAME + " is bundled for linux-x86_64 only, this is " + platform
                        + " (build native/pco with cargo and set NGFF_PCO_LIBRARY)";
            }
            try (InputStream in = NativeLibrary.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    return "this build of ngff-codecs has no native library " + FILE_NAME + ": " + skippedReason();
                }
                Path tmp = Files.createTempFile("ngffpco", ".so");
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                tmp.toFile().deleteOnExit();
                return SymbolLookup.libraryLookup(tmp, Arena.global());
            }
        } catch (IOException | RuntimeException e) {
            return "cannot load the native library " + FILE_NAME
                    + (override != null ? " from NGFF_PCO_LIBRARY=" + override : "") + ": " + e;
        }
    }

    private static String skippedReason() {
        try (InputStream in = NativeLibrary.class.getResourceAsStream(SKIPPED)) {
            return in == null ? "no reason recorded" : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "no reason readable: " + e;
        }
    }

    /** The loaded library's symbols, or empty when it could not be loaded. */
    public static Optional<SymbolLookup> lookup() {
        return Holder.INSTANCE instanceof SymbolLookup s ? Optional.of(s) : Optional.empty();
    }

    /** Why the library is unavailable, or empty when it loaded. */
    public static Optional<String> unavailabilityCause() {
        return Holder.INSTANCE instanceof String s ? Optional.of(s) : Optional.empty();
    }
}
