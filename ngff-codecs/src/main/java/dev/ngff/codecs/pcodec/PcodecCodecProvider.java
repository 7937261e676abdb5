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
 * configuration is numcodecs' {@code PCodec.get_config()}, or the older one of numcodecs 0.12 and zarrs 0.11-0.14
 * ({@code int_mult_spec}, {@code float_mult_spec}, {@code max_page_n}); unknown fields are refused. Lists no names while
 * the native library is missing, so that the registry's error says what is needed. Stateless.
 */
public final class PcodecCodecProvider implements CodecProvider {
    private static final Set<String> FIELDS = Set.of("level", "mode_spec", "delta_spec", "paging_spec",
            "delta_encoding_order", "equal_pages_up_to", "int_mult_spec", "float_mult_spec", "max_page_n");

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
        // numcodecs 0.12 (and zarrs up to 0.14) wrote int_mult_spec/float_mult_spec and max_page_n instead of
        // mode_spec and equal_pages_up_to; both only steer the encoder
        boolean multEnabled = legacyEnabled(c, "int_mult_spec") || legacyEnabled(c, "float_mult_spec");
        PcodecCodec.Mode mode = choice(c, "mode_spec", PcodecCodec.Mode.values(),
                multEnabled ? PcodecCodec.Mode.AUTO : PcodecCodec.Mode.CLASSIC);
        PcodecCodec.Delta delta = choice(c, "delta_spec", PcodecCodec.Delta.values(), PcodecCodec.Delta.AUTO);
        String paging = c.string("paging_spec", "equal_pages_up_to");
        if (!paging.equals("equal_pages_up_to")) {
            throw c.invalid("paging_spec must be \"equal_pages_up_to\", got \"" + paging + "\"");
        }
        Integer order = c.has("delta_encoding_order") ? c.intValue("delta_encoding_order", 0, 0, 7) : null;
        try {
            return new PcodecCodec(spec.name(), new PcodecCodec.Config(c.intValue("level", 8, 0, 12), mode, delta, order,
                    c.intValue("equal_pages_up_to", c.intValue("max_page_n", 262144, 1, Integer.MAX_VALUE), 1, Integer.MAX_VALUE)));
        } catch (IllegalArgumentException e) {
            throw c.invalid(e.getMessage());
        }
    }

    /** A legacy multiplier spec: "enabled" / "disabled" (numcodecs 0.12) or a boolean (zarrs); enabled when absent. */
    private static boolean legacyEnabled(CodecConfig c, String field) throws InvalidMetadataException {
        com.fasterxml.jackson.databind.JsonNode n = c.node(field);
        if (n.isMissingNode() || n.isNull()) {
            return true;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isTextual() && (n.textValue().equals("enabled") || n.textValue().equals("disabled"))) {
            return n.textValue().equals("enabled");
        }
        throw c.invalid(field + " must be \"enabled\", \"disabled\" or a boolean, got " + n);
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
