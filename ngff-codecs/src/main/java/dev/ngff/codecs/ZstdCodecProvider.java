package dev.ngff.codecs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ngff.codec.Codec;
import dev.ngff.codec.CodecProvider;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.CodecSpec;

import java.util.Iterator;
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
        String where = "codec '" + spec.name() + "' configuration " + spec.configuration();
        for (Iterator<String> it = spec.configuration().fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.equals("level") && !key.equals("checksum")) {
                throw new InvalidMetadataException(where + ": unknown key \"" + key + "\" (expected \"level\" and \"checksum\")");
            }
        }
        int level = 0;
        JsonNode l = spec.get("level");
        if (!l.isMissingNode() && !l.isNull()) {
            if (!l.isNumber() || !l.canConvertToExactIntegral() || !l.canConvertToInt()) {
                throw new InvalidMetadataException(where + ": level must be an integer in "
                        + ZstdCodec.MIN_LEVEL + ".." + ZstdCodec.MAX_LEVEL + ", got " + l);
            }
            level = l.intValue();
            if (level < ZstdCodec.MIN_LEVEL) {
                throw new InvalidMetadataException(where + ": level must be an integer in "
                        + ZstdCodec.MIN_LEVEL + ".." + ZstdCodec.MAX_LEVEL + ", got " + level);
            }
        }
        boolean checksum = false;
        JsonNode c = spec.get("checksum");
        if (!c.isMissingNode() && !c.isNull()) {
            if (!c.isBoolean()) {
                throw new InvalidMetadataException(where + ": checksum must be a boolean, got " + c);
            }
            checksum = c.booleanValue();
        }
        return new ZstdCodec(spec.name(), level, checksum);
    }
}
