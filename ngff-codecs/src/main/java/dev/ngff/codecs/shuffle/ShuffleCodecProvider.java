package dev.ngff.codecs.shuffle;

import dev.ngff.codec.Codec;
import dev.ngff.codec.CodecProvider;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.codecs.internal.CodecConfig;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.CodecSpec;

import java.util.Set;

/**
 * Provides {@link ShuffleCodec} under {@code numcodecs.shuffle} (Zarr v2's {@code "id": "shuffle"}) and
 * {@code shuffle}. The configuration is {@code {"elementsize": int >= 0}} (4 when absent, numcodecs' default).
 */
public final class ShuffleCodecProvider implements CodecProvider {
    private static final Set<String> NAMES = Set.of("numcodecs.shuffle", "shuffle");

    /** The service loader and direct callers create it; it has no state. */
    public ShuffleCodecProvider() {
    }

    @Override
    public Set<String> names() {
        return NAMES;
    }

    @Override
    public Codec create(CodecSpec spec, CodecRegistry registry) throws InvalidMetadataException {
        if (!NAMES.contains(spec.name())) {
            throw new IllegalArgumentException("not a shuffle codec name: " + spec.name());
        }
        int size = CodecConfig.numcodecs(spec, Set.of("elementsize")).intValue("elementsize", 4, 0, Integer.MAX_VALUE);
        return new ShuffleCodec(spec.name(), size);
    }
}
