package dev.ngff.codecs.lz4;

import dev.ngff.codec.Codec;
import dev.ngff.codec.CodecProvider;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.codecs.internal.CodecConfig;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.CodecSpec;

import java.util.Set;

/**
 * Provides {@link Lz4Codec} under {@code numcodecs.lz4} (what Zarr v2's {@code "id": "lz4"} becomes) and
 * {@code lz4}. The configuration is {@code {"acceleration": int}} (1 when absent, as in numcodecs); other keys
 * or a non-integer are an {@link InvalidMetadataException} naming the codec.
 */
public final class Lz4CodecProvider implements CodecProvider {
    private static final Set<String> NAMES = Set.of("numcodecs.lz4", "lz4");

    /** The service loader and direct callers create it; it has no state. */
    public Lz4CodecProvider() {
    }

    @Override
    public Set<String> names() {
        return NAMES;
    }

    @Override
    public Codec create(CodecSpec spec, CodecRegistry registry) throws InvalidMetadataException {
        if (!NAMES.contains(spec.name())) {
            throw new IllegalArgumentException("not an lz4 codec name: " + spec.name());
        }
        int acceleration = CodecConfig.numcodecs(spec, Set.of("acceleration"))
                .intValue("acceleration", 1, Integer.MIN_VALUE, Integer.MAX_VALUE);
        return new Lz4Codec(spec.name(), acceleration);
    }
}
