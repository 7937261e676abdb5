package dev.ngff.codecs.pcodec;

import dev.ngff.codec.Codec;
import dev.ngff.codec.CodecProvider;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.codecs.internal.CodecConfig;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.error.NgffException;
import dev.ngff.metadata.CodecSpec;

import java.util.Arrays;
import java.util.Set;

/**
 * Makes {@link PcodecCodec} from {@code numcodecs.pcodec} (zarr-python 3, zarrs, and v2 {@code .zarray}
 * compressors with id {@code pcodec} as the core normalises them) and zarrs' alias {@code pcodec}. The
 * configuration is numcodecs' {@code PCodec.get_config()}; unknown fields are refused. Lists no names while
 * the native library is missing, so that the registry's error says what is needed. Stateless.
 */
public final class PcodecCodecProvider implements CodecProvider {
    private static final Set<String> FIELDS = Set.of("level", "mode_spec", "delta_spec", "paging_spec",
            "delta_encoding_order", "equal_pages_up_to");

    /** The service loader and direct callers create it; it has no state. */
    public PcodecCodecProvider() {
    }

    @Override
    public Set<String> names() {
        return PcodecCodec.isAvailable() ? Set.of("numcodecs.pcodec", "pcodec") : Set.of();
    }

    @Override
    public Codec create(CodecSpec spec, CodecRegistry registry) throws NgffException {
        CodecConfig c = CodecConfig.numcodecs(spec, FIELDS);
        PcodecCodec.Mode mode = choice(c, "mode_spec", PcodecCodec.Mode.values(), PcodecCodec.Mode.AUTO);
        PcodecCodec.Delta delta = choice(c, "delta_spec", PcodecCodec.Delta.values(), PcodecCodec.Delta.AUTO);
        String paging = c.string("paging_spec", "equal_pages_up_to");
        if (!paging.equals("equal_pages_up_to")) {
            throw c.invalid("paging_spec must be \"equal_pages_up_to\", got \"" + paging + "\"");
        }
        Integer order = c.has("delta_encoding_order") ? c.intValue("delta_encoding_order", 0, 0, 7) : null;
        try {
            return new PcodecCodec(spec.name(), new PcodecCodec.Config(c.intValue("level", 8, 0, 12), mode, delta, order,
                    c.intValue("equal_pages_up_to", 262144, 1, Integer.MAX_VALUE)));
        } catch (IllegalArgumentException e) {
            throw c.invalid(e.getMessage());
        }
    }

    private static <E extends Enum<E>> E choice(CodecConfig c, String field, E[] values, E dflt) throws InvalidMetadataException {
        String s = c.string(field, null);
        if (s == null) {
            return dflt;
        }
        for (E e : values) {
            if (e.toString().equalsIgnoreCase(s)) {
                return e;
            }
        }
        throw c.invalid(field + " must be one of " + Arrays.stream(values).map(v -> "\"" + v.name().toLowerCase() + "\"").toList()
                + ", got \"" + s + "\"");
    }
}
