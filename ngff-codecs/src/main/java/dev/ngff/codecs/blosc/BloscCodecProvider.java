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
 * {@code numcodecs.blosc}. A shuffle name ({@code noshuffle}, {@code shuffle}, {@code bitshuffle}) selects the v3
 * style, where {@code typesize} is required unless the shuffle is {@code noshuffle}; numcodecs' integer
 * {@code shuffle} (-1 auto, 0, 1, 2; default 1; also written as a string such as {@code "1"}) selects the
 * numcodecs style, with an optional {@code typesize} (numcodecs 0.16 takes one). {@code "autoshuffle"} is
 * numcodecs' -1 by name. {@code cname} defaults to {@code lz4}, {@code clevel} to 5 and {@code blocksize} to 0
 * (absent, null and 0 all mean automatic), as in numcodecs. Anything else is an {@link InvalidMetadataException}
 * naming the key.
 */
public final class BloscCodecProvider implements CodecProvider {
    private static final Set<String> NAMES = Set.of("blosc", "numcodecs.blosc");
    private static final Set<String> KEYS = Set.of("cname", "clevel", "shuffle", "typesize", "blocksize");
    private static final java.util.regex.Pattern NUMERIC = java.util.regex.Pattern.compile("-?\\d{1,2}");

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
        CodecConfig config = CodecConfig.numcodecs(spec, KEYS); // numcodecs.blosc may keep its id
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
        boolean hasTypesize = config.has("typesize");
        int typesize = config.intValue("typesize", 0, 1, Integer.MAX_VALUE);
        if (sh.isTextual() && !NUMERIC.matcher(sh.textValue()).matches()) {
            String name = sh.textValue();
            if (name.equals("autoshuffle")) { // numcodecs' AUTOSHUFFLE, by name
                return hasTypesize
                        ? new BloscCodec(spec.name(), BloscCodec.Style.V3, cname, clevel, BloscShuffle.auto(typesize), typesize, blocksize)
                        : new BloscCodec(spec.name(), BloscCodec.Style.NUMCODECS, cname, clevel, null, 0, blocksize);
            }
            BloscShuffle shuffle = BloscShuffle.fromV3Name(name);
            if (shuffle == null) {
                throw new InvalidMetadataException(where + ": shuffle must be \"noshuffle\", \"shuffle\", \"bitshuffle\", "
                        + "\"autoshuffle\" or one of numcodecs' -1, 0, 1, 2; got " + sh);
            }
            if (!hasTypesize && shuffle != BloscShuffle.NOSHUFFLE) {
                throw new InvalidMetadataException(where + ": typesize is required when shuffle is \"" + name + "\"");
            }
            return new BloscCodec(spec.name(), BloscCodec.Style.V3, cname, clevel, shuffle, typesize, blocksize);
        }
        // numcodecs' integer (also as a string); numcodecs 0.16 takes an optional typesize beside it
        int code = 1;
        if (sh.isTextual()) {
            code = Integer.parseInt(sh.textValue());
        } else if (!sh.isMissingNode() && !sh.isNull()) {
            code = config.intValue("shuffle", 1, -1, 2);
        }
        if (code < -1 || code > 2) {
            throw new InvalidMetadataException(where + ": shuffle must be one of -1, 0, 1, 2, got " + sh);
        }
        return new BloscCodec(spec.name(), BloscCodec.Style.NUMCODECS, cname, clevel,
                code == -1 ? null : BloscShuffle.fromCode(code), typesize, blocksize);
    }

}
