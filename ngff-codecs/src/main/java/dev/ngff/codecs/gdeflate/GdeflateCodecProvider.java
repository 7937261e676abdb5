package dev.ngff.codecs.gdeflate;

import dev.ngff.codec.Codec;
import dev.ngff.codec.CodecProvider;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.codecs.internal.CodecConfig;
import dev.ngff.error.NgffException;
import dev.ngff.metadata.CodecSpec;

import java.util.Set;

/**
 * Makes {@link GdeflateCodec} from {@code zarrs.gdeflate} with configuration {@code {"level": 0..12}} (zarrs
 * requires the level; unknown fields are refused). Lists no names while the native library is missing, so
 * that the registry's error says what is needed. Stateless.
 */
public final class GdeflateCodecProvider implements CodecProvider {

    /** The service loader and direct callers create it; it has no state. */
    public GdeflateCodecProvider() {
    }

    @Override
    public Set<String> names() {
        return GdeflateCodec.isAvailable() ? Set.of(GdeflateCodec.NAME) : Set.of();
    }

    @Override
    public Codec create(CodecSpec spec, CodecRegistry registry) throws NgffException {
        if (!spec.name().equals(GdeflateCodec.NAME)) {
            throw new IllegalArgumentException("not a gdeflate codec name: " + spec.name());
        }
        CodecConfig c = CodecConfig.of(spec, Set.of("level"));
        if (!c.has("level")) {
            throw c.invalid("needs \"level\" (0.." + GdeflateCodec.MAX_LEVEL + ")");
        }
        return new GdeflateCodec(c.intValue("level", 0, 0, GdeflateCodec.MAX_LEVEL));
    }
}
