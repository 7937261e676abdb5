package dev.ngff.codecs.shuffle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ngff.codec.Codec;
import dev.ngff.codec.CodecProvider;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.CodecSpec;

import java.util.Iterator;
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
        String where = "codec '" + spec.name() + "' configuration " + spec.configuration();
        for (Iterator<String> it = spec.configuration().fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.equals("elementsize")) {
                throw new InvalidMetadataException(where + ": unknown key \"" + key + "\" (expected \"elementsize\")");
            }
        }
        JsonNode e = spec.get("elementsize");
        int size = 4;
        if (!e.isMissingNode() && !e.isNull()) {
            if (!e.isNumber() || !e.canConvertToExactIntegral() || !e.canConvertToInt() || e.intValue() < 0) {
                throw new InvalidMetadataException(where + ": elementsize must be a non-negative integer, got " + e);
            }
            size = e.intValue();
        }
        return new ShuffleCodec(spec.name(), size);
    }
}
