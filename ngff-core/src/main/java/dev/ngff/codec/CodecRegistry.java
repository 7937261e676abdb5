package dev.ngff.codec;

import dev.ngff.error.NgffException;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.metadata.CodecSpec;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Codecs by name, from the {@link CodecProvider}s found through {@link ServiceLoader}. Immutable and
 * thread-safe once built. A name that no provider answers to fails with a message that names the codec
 * and, where known, the artifact that brings it.
 */
public final class CodecRegistry implements dev.ngff.metadata.CodecStages {
    /** Codecs that other artifacts or later releases provide, with what to add. */
    private static final Map<String, String> HINTS = Map.ofEntries(
            Map.entry("zstd", "add the dev.ngff:ngff-codecs artifact"),
            Map.entry("numcodecs.zstd", "add the dev.ngff:ngff-codecs artifact"),
            Map.entry("blosc", "add the dev.ngff:ngff-codecs artifact"),
            Map.entry("numcodecs.blosc", "add the dev.ngff:ngff-codecs artifact"),
            Map.entry("numcodecs.lz4", "add the dev.ngff:ngff-codecs artifact"),
            Map.entry("numcodecs.shuffle", "add the dev.ngff:ngff-codecs artifact"),
            Map.entry("numcodecs.bz2", "add the dev.ngff:ngff-codecs artifact"),
            Map.entry("numcodecs.zfpy", "needs dev.ngff:ngff-codecs and the native zfp library (libzfp.so.1, "
                    + "Debian package libzfp1, or NGFF_ZFP_LIBRARY)"),
            Map.entry("zfp", "needs dev.ngff:ngff-codecs and the native zfp library (libzfp.so.1, "
                    + "Debian package libzfp1, or NGFF_ZFP_LIBRARY)"),
            Map.entry("numcodecs.pcodec", "needs dev.ngff:ngff-codecs built with its native pcodec library (native/pco, built by "
                    + "cargo for linux-x86_64, or NGFF_PCO_LIBRARY)"),
            Map.entry("pcodec", "needs dev.ngff:ngff-codecs built with its native pcodec library (native/pco, built by "
                    + "cargo for linux-x86_64, or NGFF_PCO_LIBRARY)"),
            Map.entry("zarrs.gdeflate", "needs dev.ngff:ngff-codecs built with its native library libngffpco.so (native/pco, "
                    + "built by cargo for linux-x86_64, or NGFF_PCO_LIBRARY)"));

    private final Map<String, CodecProvider> providers;

    private CodecRegistry(Map<String, CodecProvider> providers) {
        this.providers = Map.copyOf(providers);
    }

    private static final class Standard {
        static final CodecRegistry INSTANCE = load(CodecRegistry.class.getClassLoader());
    }

    /** The registry of every provider visible to this library's class loader and module layer (loaded once). */
    public static CodecRegistry standard() {
        return Standard.INSTANCE;
    }

    /** A registry of the providers a class loader sees; the first provider of a name wins. */
    public static CodecRegistry load(ClassLoader loader) {
        Map<String, CodecProvider> map = new TreeMap<>();
        ServiceLoader<CodecProvider> sl = CodecRegistry.class.getModule().isNamed()
                ? ServiceLoader.load(CodecProvider.class)
                : ServiceLoader.load(CodecProvider.class, loader);
        for (CodecProvider p : sl) {
            for (String name : p.names()) {
                map.putIfAbsent(name, p);
            }
        }
        return new CodecRegistry(map);
    }

    /** A registry of exactly the given providers. */
    public static CodecRegistry of(List<CodecProvider> list) {
        Map<String, CodecProvider> map = new TreeMap<>();
        for (CodecProvider p : list) {
            for (String name : p.names()) {
                map.putIfAbsent(name, p);
            }
        }
        return new CodecRegistry(map);
    }

    public boolean supports(String name) {
        return providers.containsKey(name);
    }

    public java.util.Set<String> names() {
        return new java.util.TreeSet<>(providers.keySet());
    }

    /** Makes one codec. */
    public Codec create(CodecSpec spec) throws NgffException {
        CodecProvider p = providers.get(spec.name());
        if (p == null) {
            String hint = HINTS.get(spec.name());
            throw new UnsupportedExtensionException("unsupported codec '" + spec.name() + "'"
                    + (hint != null ? ": " + hint : " (no codec provider of that name is on the class path)"));
        }
        return p.create(spec, this);
    }

    /** The stage of the codec this registry builds for {@code spec}; empty when it cannot build it. */
    @Override
    public java.util.Optional<Stage> stageOf(CodecSpec spec) {
        try {
            return java.util.Optional.of(switch (create(spec)) {
                case ArrayToArrayCodec a -> Stage.ARRAY_TO_ARRAY;
                case ArrayToBytesCodec b -> Stage.ARRAY_TO_BYTES;
                case BytesToBytesCodec b -> Stage.BYTES_TO_BYTES;
            });
        } catch (NgffException | RuntimeException e) {
            return java.util.Optional.empty(); // the pipeline reports it when it is built
        }
    }

    /** Builds and validates a codec chain; {@code location} names the metadata in errors. */
    public CodecPipeline pipeline(List<CodecSpec> specs, String location) throws NgffException {
        return CodecPipeline.build(specs, this, location);
    }
}
