package dev.ngff.codec;

import dev.ngff.error.NgffException;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.metadata.CodecSpec;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Codecs by name, from the {@link CodecProvider}s found through {@link ServiceLoader}. Thread-safe;
 * providers are asked for their names lazily. A name that no provider answers to fails with a message that names the codec
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

    /**
     * Providers not yet asked for their names, in discovery order. Asking a provider for its names can load a
     * native library (zfp, pcodec, gdeflate), so the registry asks them in order only until one answers to the
     * name looked up: opening a zstd array never loads the zfp library. Guarded by {@code this}.
     */
    private final java.util.Iterator<CodecProvider> pending;
    /** Names answered so far; the first provider of a name wins. Guarded by {@code this}. */
    private final Map<String, CodecProvider> providers = new java.util.HashMap<>();

    private CodecRegistry(java.util.Iterator<CodecProvider> pending) {
        this.pending = pending;
    }

    private static final class Standard {
        static final CodecRegistry INSTANCE = load(CodecRegistry.class.getClassLoader());
    }

    /** The registry of every provider visible to this library's class loader and module layer (loaded once). */
    public static CodecRegistry standard() {
        return Standard.INSTANCE;
    }

    /**
     * A registry of the providers a class loader sees; the first provider of a name wins. Providers are
     * instantiated and asked for their names lazily, in discovery order, as names are looked up.
     */
    public static CodecRegistry load(ClassLoader loader) {
        ServiceLoader<CodecProvider> sl = CodecRegistry.class.getModule().isNamed()
                ? ServiceLoader.load(CodecProvider.class)
                : ServiceLoader.load(CodecProvider.class, loader);
        return new CodecRegistry(sl.iterator());
    }

    /** A registry of exactly the given providers. */
    public static CodecRegistry of(List<CodecProvider> list) {
        return new CodecRegistry(List.copyOf(list).iterator());
    }

    /** The provider of a name, asking further providers (in order) until one answers; null when none does. */
    private synchronized CodecProvider provider(String name) {
        CodecProvider p = providers.get(name);
        while (p == null && pending.hasNext()) {
            askNext();
            p = providers.get(name);
        }
        return p;
    }

    private void askNext() {
        CodecProvider next = pending.next();
        for (String n : next.names()) {
            providers.putIfAbsent(n, next);
        }
    }

    public boolean supports(String name) {
        return provider(name) != null;
    }

    /** Every name this registry answers to (asks every provider). */
    public synchronized java.util.Set<String> names() {
        while (pending.hasNext()) {
            askNext();
        }
        return new java.util.TreeSet<>(providers.keySet());
    }

    /** Makes one codec. */
    public Codec create(CodecSpec spec) throws NgffException {
        CodecProvider p = provider(spec.name());
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
