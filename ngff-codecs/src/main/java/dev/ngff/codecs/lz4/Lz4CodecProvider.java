package dev.ngff.codecs.lz4;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ngff.codec.Codec;
import dev.ngff.codec.CodecProvider;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.CodecSpec;

import java.util.Iterator;
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
        String where = "codec '" + spec.name() + "' configuration " + spec.configuration();
        for (Iterator<String> it = spec.configuration().fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.equals("acceleration")) {
                throw new InvalidMetadataException(where + ": unknown key \"" + key + "\" (expected \"acceleration\")");
            }
        }
        JsonNode a = spec.get("acceleration");
        int acceleration = 1;
        if (!a.isMissingNode() && !a.isNull()) {
            if (!a.isNumber() || !a.canConvertToExactIntegral() || !a.canConvertToInt()) {
                throw new InvalidMetadataException(where + ": acceleration must be an integer, got " + a);
            }
            acceleration = a.intValue();
        }
        return new Lz4Codec(spec.name(), acceleration);
    }
}
