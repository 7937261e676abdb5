package dev.ngff.codecs;

import dev.ngff.codec.Codec;
import dev.ngff.codec.CodecProvider;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.codecs.internal.CodecConfig;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.CodecSpec;

import java.util.Set;

/**
 * Provides {@link ZstdCodec} under {@code zstd} (Zarr v3, and Zarr v2's {@code "id": "zstd"}) and
 * {@code numcodecs.zstd}. The configuration is {@code {"level": int, "checksum": bool}}: {@code level} is
 * an integer of at least {@value ZstdCodec#MIN_LEVEL} (0, libzstd's default level, when absent; values
 * above {@value ZstdCodec#MAX_LEVEL} compress at {@value ZstdCodec#MAX_LEVEL}), {@code checksum} a
 * boolean (false when absent). Any other key, or a value of the wrong kind, is an
 * {@link InvalidMetadataException} that names the codec.
 */
public final class ZstdCodecProvider implements CodecProvider {
    private static final Set<String> NAMES = Set.of("zstd", "numcodecs.zstd");

    /** The service loader and direct callers create it; it has no state. */
    public ZstdCodecProvider() {
    }

    @Override
    public Set<String> names() {
        return NAMES;
    }

    @Override
    public Codec create(CodecSpec spec, CodecRegistry registry) throws InvalidMetadataException {
        if (!NAMES.contains(spec.name())) {
            throw new IllegalArgumentException("not a zstd codec name: " + spec.name());
        }
        CodecConfig config = CodecConfig.numcodecs(spec, Set.of("level", "checksum"));
        int level = config.intValue("level", 0, ZstdCodec.MIN_LEVEL, Integer.MAX_VALUE);
        boolean checksum = config.bool("checksum", false);
        return new ZstdCodec(spec.name(), level, checksum);
    }
}
