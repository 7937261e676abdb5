package dev.ngff.codec.std;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ngff.codec.Codec;
import dev.ngff.codec.CodecPipeline;
import dev.ngff.codec.CodecProvider;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.error.NgffException;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.MetadataFormat;

import java.util.Set;

/**
 * Provides the codecs that need nothing beyond the JDK: bytes, transpose, gzip, zlib, crc32c, sharding_indexed,
 * the variable-length layouts vlen-utf8, vlen-bytes, zarrs.vlen_v2, and zarrs' optional (validity mask plus values).
 */
public final class CoreCodecProvider implements CodecProvider {
    /** The service loader and direct callers create it; it has no state. */
    public CoreCodecProvider() {
    }


    @Override
    public Set<String> names() {
        return Set.of("bytes", "transpose", "gzip", "numcodecs.gzip", "numcodecs.zlib", "zlib", "crc32c",
                "sharding_indexed", "vlen-utf8", "vlen-bytes", "zarrs.vlen_v2", "zarrs.optional", "optional");
    }

    @Override
    public Codec create(CodecSpec spec, CodecRegistry registry) throws NgffException {
        String where = "codec '" + spec.name() + "' configuration " + spec.configuration();
        try {
            return switch (spec.name()) {
                case "bytes" -> {
                    JsonNode e = spec.get("endian");
                    if (!e.isMissingNode() && !e.isNull() && !e.isTextual()) {
                        throw new InvalidMetadataException(where + ": endian must be a string");
                    }
                    yield new BytesCodec(e.isTextual() ? e.textValue() : null);
                }
                case "transpose" -> new TransposeCodec(intArray(spec.get("order"), where + ": order"));
                case "gzip", "numcodecs.gzip" -> new DeflateCodec(DeflateCodec.Wrapper.GZIP, spec.name(), level(spec, where, 6));
                case "numcodecs.zlib", "zlib" -> new DeflateCodec(DeflateCodec.Wrapper.ZLIB, spec.name(), level(spec, where, 1));
                case "crc32c" -> new Crc32cCodec();
                case "sharding_indexed" -> sharding(spec, registry, where);
                case "zarrs.optional", "optional" -> new OptionalCodec(spec.name(),
                        subPipeline(spec, "mask_codecs", registry, where), subPipeline(spec, "data_codecs", registry, where));
                case "vlen-utf8", "vlen-bytes", "zarrs.vlen_v2" -> {
                    if (!spec.configuration().isEmpty()) {
                        throw new InvalidMetadataException(where + ": " + spec.name() + " takes no configuration");
                    }
                    yield new VlenCodec(spec.name());
                }
                default -> throw new IllegalStateException("not a core codec: " + spec.name());
            };
        } catch (IllegalArgumentException e) {
            throw new InvalidMetadataException(where + ": " + e.getMessage());
        }
    }

    /** A codec chain nested in a codec's configuration (the optional codec's mask_codecs and data_codecs). */
    private static CodecPipeline subPipeline(CodecSpec spec, String member, CodecRegistry registry, String where) throws NgffException {
        JsonNode list = spec.get(member);
        if (!list.isArray() || list.isEmpty()) {
            throw new InvalidMetadataException(where + ": " + member + " must be a non-empty array of codecs");
        }
        return CodecPipeline.build(MetadataFormat.parseCodecList(list, "/" + member, where), registry, where + " " + member);
    }

    private static int level(CodecSpec spec, String where, int dflt) throws InvalidMetadataException {
        JsonNode l = spec.get("level");
        if (l.isMissingNode() || l.isNull()) {
            return dflt;
        }
        if (!l.isIntegralNumber()) {
            throw new InvalidMetadataException(where + ": level must be an integer");
        }
        return l.intValue();
    }

    private static int[] intArray(JsonNode n, String where) throws InvalidMetadataException {
        if (n.isTextual() && (n.textValue().equals("C") || n.textValue().equals("F"))) {
            throw new InvalidMetadataException(where + ": the old \"C\"/\"F\" form is not supported; give a permutation");
        }
        if (!n.isArray()) {
            throw new InvalidMetadataException(where + " must be an array of integers");
        }
        int[] out = new int[n.size()];
        for (int i = 0; i < out.length; i++) {
            if (!n.get(i).isIntegralNumber()) {
                throw new InvalidMetadataException(where + "/" + i + " must be an integer");
            }
            out[i] = n.get(i).intValue();
        }
        return out;
    }

    private static ShardingCodec sharding(CodecSpec spec, CodecRegistry registry, String where) throws NgffException {
        JsonNode shapeNode = spec.get("chunk_shape");
        if (!shapeNode.isArray()) {
            throw new InvalidMetadataException(where + ": chunk_shape must be an array");
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode v = shapeNode.get(i);
            if (!v.canConvertToExactIntegral() || v.longValue() <= 0) {
                throw new InvalidMetadataException(where + ": chunk_shape/" + i + " must be a positive integer");
            }
            shape[i] = v.longValue();
        }
        CodecPipeline inner = registry.pipeline(
                MetadataFormat.parseCodecList(spec.get("codecs"), "codecs", "sharding_indexed"), "sharding_indexed codecs");
        JsonNode ic = spec.get("index_codecs");
        CodecPipeline index = registry.pipeline(ic.isMissingNode()
                ? dev.ngff.metadata.Codecs.defaultShardIndexCodecs()
                : MetadataFormat.parseCodecList(ic, "index_codecs", "sharding_indexed"), "sharding_indexed index_codecs");
        JsonNode loc = spec.get("index_location");
        String location = loc.isMissingNode() || loc.isNull() ? "end" : loc.asText();
        if (!location.equals("start") && !location.equals("end")) {
            throw new InvalidMetadataException(where + ": index_location must be \"start\" or \"end\", got " + loc);
        }
        return new ShardingCodec(shape, inner, index, location.equals("end"));
    }
}
