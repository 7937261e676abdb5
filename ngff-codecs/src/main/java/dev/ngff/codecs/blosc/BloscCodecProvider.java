package dev.ngff.codecs.blosc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ngff.codec.Codec;
import dev.ngff.codec.CodecProvider;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.codecs.internal.CodecConfig;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.CodecSpec;

import java.util.Set;

/**
 * Provides {@link BloscCodec} under {@code blosc} (Zarr v3, and Zarr v2's {@code "id": "blosc"}) and
 * {@code numcodecs.blosc}. A string {@code shuffle} ({@code noshuffle}, {@code shuffle}, {@code bitshuffle})
 * selects the v3 style, where {@code typesize} is required unless the shuffle is {@code noshuffle}; an
 * integer {@code shuffle} (-1, 0, 1, 2; default 1 as in numcodecs) selects the numcodecs style, where
 * {@code typesize} is not a key. {@code cname} defaults to {@code lz4}, {@code clevel} to 5 and
 * {@code blocksize} to 0, as in numcodecs. Anything else is an {@link InvalidMetadataException} naming the key.
 */
public final class BloscCodecProvider implements CodecProvider {
    private static final Set<String> NAMES = Set.of("blosc", "numcodecs.blosc");
    private static final Set<String> KEYS = Set.of("cname", "clevel", "shuffle", "typesize", "blocksize");

    /** The service loader and direct callers create it; it has no state. */
    public BloscCodecProvider() {
    }

    @Override
    public Set<String> names() {
        return NAMES;
    }

    @Override
    public Codec create(CodecSpec spec, CodecRegistry registry) throws InvalidMetadataException {
        if (!NAMES.contains(spec.name())) {
            throw new IllegalArgumentException("not a blosc codec name: " + spec.name());
        }
        CodecConfig config = CodecConfig.of(spec, KEYS);
        String where = config.where();
        BloscCompressor cname = BloscCompressor.LZ4;
        JsonNode c = spec.get("cname");
        if (!c.isMissingNode()) {
            cname = c.isTextual() ? BloscCompressor.fromName(c.textValue()) : null;
            if (cname == null) {
                throw new InvalidMetadataException(where + ": cname must be one of blosclz, lz4, lz4hc, snappy, zlib, zstd; got " + c);
            }
        }
        int clevel = config.intValue("clevel", 5, 0, 9);
        int blocksize = config.intValue("blocksize", 0, 0, Integer.MAX_VALUE);
        JsonNode sh = spec.get("shuffle");
        if (sh.isTextual()) {
            BloscShuffle shuffle = BloscShuffle.fromV3Name(sh.textValue());
            if (shuffle == null) {
                throw new InvalidMetadataException(where + ": shuffle must be \"noshuffle\", \"shuffle\" or \"bitshuffle\", got " + sh);
            }
            JsonNode t = spec.get("typesize");
            if (t.isMissingNode() && shuffle != BloscShuffle.NOSHUFFLE) {
                throw new InvalidMetadataException(where + ": typesize is required when shuffle is \"" + sh.textValue() + "\"");
            }
            int typesize = config.intValue("typesize", 0, 1, Integer.MAX_VALUE);
            return new BloscCodec(spec.name(), BloscCodec.Style.V3, cname, clevel, shuffle, typesize, blocksize);
        }
        if (spec.configuration().has("typesize")) {
            throw new InvalidMetadataException(where + ": typesize goes with a string shuffle (the v3 blosc codec); "
                    + "an integer shuffle is numcodecs' style, which takes the element size from the data type");
        }
        int code = config.intValue("shuffle", 1, -1, 2);
        return new BloscCodec(spec.name(), BloscCodec.Style.NUMCODECS, cname, clevel,
                code == -1 ? null : BloscShuffle.fromCode(code), 0, blocksize);
    }

}
