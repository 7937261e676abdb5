package dev.ngff.codecs.numcodecs;

import dev.ngff.codecs.internal.CodecConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.ngff.codec.Codec;
import dev.ngff.codec.CodecProvider;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.error.NgffException;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.DataType;

import java.util.List;
import java.util.Set;

/**
 * Makes the numcodecs compressors, checksums and filters from their Zarr v3 names
 * ({@code numcodecs.<id>}, as zarr-python 3 writes them and as v2 {@code .zarray} ids are normalised), plus
 * {@code bitround} as zarrs names it. Configurations are numcodecs' {@code get_config()} without the id;
 * unknown fields are refused.
 */
public final class NumcodecsCodecProvider implements CodecProvider {
    /** The service loader and direct callers create it; it has no state. */
    public NumcodecsCodecProvider() {
    }

    @Override
    public Set<String> names() {
        Set<String> names = new java.util.TreeSet<>(Set.of("numcodecs.bz2", "numcodecs.lzma", "numcodecs.crc32",
                "numcodecs.adler32", "numcodecs.crc32c", "numcodecs.fletcher32", "numcodecs.delta",
                "numcodecs.fixedscaleoffset", "numcodecs.quantize", "numcodecs.bitround", "bitround",
                "numcodecs.packbits", "numcodecs.astype"));
        if (ZfpyCodec.isAvailable()) { // otherwise the registry's hint names the missing library
            names.add("numcodecs.zfpy");
            names.add("zfp");
            names.add("zarrs.zfp");
        }
        return Set.copyOf(names);
    }

    @Override
    public Codec create(CodecSpec spec, CodecRegistry registry) throws NgffException {
        try {
            return switch (spec.name()) {
                case "numcodecs.bz2" -> new Bz2Codec(CodecConfig.numcodecs(spec, Set.of("level")).intValue("level", 1, 1, 9));
                case "numcodecs.lzma" -> lzma(spec);
                case "numcodecs.crc32" -> checksum(spec, Checksum32Codec.Algorithm.CRC32);
                case "numcodecs.adler32" -> checksum(spec, Checksum32Codec.Algorithm.ADLER32);
                case "numcodecs.crc32c" -> checksum(spec, Checksum32Codec.Algorithm.CRC32C);
                case "numcodecs.fletcher32" -> {
                    CodecConfig.numcodecs(spec, Set.of());
                    yield Checksum32Codec.of(Checksum32Codec.Algorithm.FLETCHER32);
                }
                case "numcodecs.delta" -> {
                    CodecConfig c = CodecConfig.numcodecs(spec, Set.of("dtype", "astype"));
                    DataType dtype = NumpyScalars.dtype(c.requiredString("dtype"), c.where("dtype"));
                    String as = c.string("astype", null);
                    yield new DeltaCodec(dtype, as == null ? dtype : NumpyScalars.dtype(as, c.where("astype")));
                }
                case "numcodecs.fixedscaleoffset" -> {
                    CodecConfig c = CodecConfig.numcodecs(spec, Set.of("offset", "scale", "dtype", "astype"));
                    c.number("offset");
                    c.number("scale");
                    DataType dtype = NumpyScalars.dtype(c.requiredString("dtype"), c.where("dtype"));
                    String as = c.string("astype", null);
                    yield new FixedScaleOffsetCodec(FixedScaleOffsetCodec.Scalar.of(c.node("offset")),
                            FixedScaleOffsetCodec.Scalar.of(c.node("scale")), dtype,
                            as == null ? dtype : NumpyScalars.dtype(as, c.where("astype")));
                }
                case "numcodecs.quantize" -> {
                    CodecConfig c = CodecConfig.numcodecs(spec, Set.of("digits", "dtype", "astype"));
                    if (!c.has("digits")) {
                        throw c.invalid("digits is required");
                    }
                    int digits = c.intValue("digits", 0, -300, 300);
                    DataType dtype = NumpyScalars.dtype(c.requiredString("dtype"), c.where("dtype"));
                    String as = c.string("astype", null);
                    yield new QuantizeCodec(digits, dtype, as == null ? dtype : NumpyScalars.dtype(as, c.where("astype")));
                }
                case "numcodecs.bitround", "bitround" -> {
                    CodecConfig c = CodecConfig.numcodecs(spec, Set.of("keepbits"));
                    if (!c.has("keepbits")) {
                        throw c.invalid("keepbits is required");
                    }
                    yield new BitRoundCodec(spec.name(), c.intValue("keepbits", 0, 0, 52));
                }
                case "numcodecs.packbits" -> {
                    CodecConfig.numcodecs(spec, Set.of());
                    yield new PackBitsCodec();
                }
                case "numcodecs.astype" -> {
                    CodecConfig c = CodecConfig.numcodecs(spec, Set.of("encode_dtype", "decode_dtype"));
                    yield new AsTypeCodec(NumpyScalars.dtype(c.requiredString("encode_dtype"), c.where("encode_dtype")),
                            NumpyScalars.dtype(c.requiredString("decode_dtype"), c.where("decode_dtype")));
                }
                case "zfp", "zarrs.zfp" -> new ZfpCodec(spec.name(), zfpMode(spec));
                case "numcodecs.zfpy" -> {
                    CodecConfig.numcodecs(spec, Set.of("mode", "tolerance", "rate", "precision", "compression_kwargs"));
                    yield new ZfpyCodec(spec.configuration());
                }
                default -> throw new IllegalStateException("not a numcodecs codec of this provider: " + spec.name());
            };
        } catch (IllegalArgumentException e) {
            throw new InvalidMetadataException("codec '" + spec.name() + "': " + e.getMessage());
        }
    }

    /** zarrs' zfp configuration (zarr-extensions codecs/zfp/schema.json): a mode and exactly its parameters. */
    private static ZfpMode zfpMode(CodecSpec spec) throws NgffException {
        String mode = CodecConfig.of(spec, Set.of("mode", "rate", "precision", "tolerance", "minbits", "maxbits", "maxprec",
                "minexp")).requiredString("mode");
        return switch (mode) {
            case "reversible" -> {
                CodecConfig.of(spec, Set.of("mode"));
                yield new ZfpMode.Reversible();
            }
            case "fixed_rate" -> new ZfpMode.FixedRate(CodecConfig.of(spec, Set.of("mode", "rate")).number("rate"));
            case "fixed_precision" -> new ZfpMode.FixedPrecision(
                    required(spec, "precision").intValue("precision", 0, 0, 64));
            case "fixed_accuracy" -> new ZfpMode.FixedAccuracy(CodecConfig.of(spec, Set.of("mode", "tolerance")).number("tolerance"));
            case "expert" -> {
                CodecConfig c = CodecConfig.of(spec, Set.of("mode", "minbits", "maxbits", "maxprec", "minexp"));
                for (String f : List.of("minbits", "maxbits", "maxprec", "minexp")) {
                    if (!c.has(f)) {
                        throw c.invalid(f + " is required in expert mode");
                    }
                }
                yield new ZfpMode.Expert(c.intValue("minbits", 0, 0, Integer.MAX_VALUE), c.intValue("maxbits", 0, 0, Integer.MAX_VALUE),
                        c.intValue("maxprec", 0, 0, 64), c.intValue("minexp", 0, Integer.MIN_VALUE, Integer.MAX_VALUE));
            }
            default -> throw CodecConfig.of(spec, Set.of("mode")).invalid("mode must be one of reversible, fixed_rate, "
                    + "fixed_precision, fixed_accuracy, expert; got \"" + mode + "\"");
        };
    }

    private static CodecConfig required(CodecSpec spec, String field) throws NgffException {
        CodecConfig c = CodecConfig.of(spec, Set.of("mode", field));
        if (!c.has(field)) {
            throw c.invalid(field + " is required");
        }
        return c;
    }

    private static Checksum32Codec checksum(CodecSpec spec, Checksum32Codec.Algorithm algorithm) throws NgffException {
        CodecConfig c = CodecConfig.numcodecs(spec, Set.of("location"));
        String location = c.string("location", algorithm.atStartByDefault() ? "start" : "end");
        if (!location.equals("start") && !location.equals("end")) {
            throw c.invalid("location must be \"start\" or \"end\", got \"" + location + "\"");
        }
        return new Checksum32Codec(algorithm, location.equals("start"));
    }

    private static LzmaCodec lzma(CodecSpec spec) throws NgffException {
        CodecConfig c = CodecConfig.numcodecs(spec, Set.of("format", "check", "preset", "filters"));
        int format = c.intValue("format", 1, 0, 3);
        int check = c.intValue("check", -1, -1, 10);
        Integer preset = c.has("preset") ? (int) c.longValue("preset", 0, 0, 0xFFFFFFFFL) : null;
        JsonNode f = c.node("filters");
        ArrayNode filters = null;
        if (!f.isMissingNode() && !f.isNull()) {
            if (!f.isArray()) {
                throw c.invalid("filters must be an array or null, got " + f);
            }
            filters = (ArrayNode) f;
        }
        return new LzmaCodec(format, check, preset, filters);
    }
}
