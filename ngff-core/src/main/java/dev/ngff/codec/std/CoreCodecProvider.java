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
 * the zarr-extensions reshape and packbits, zarrs' squeeze, the variable-length layouts vlen-utf8,
 * vlen-bytes, vlen-array, zarrs.vlen_v2 and zarrs.vlen, and zarrs' optional (validity mask plus values).
 */
public final class CoreCodecProvider implements CodecProvider {
    /** The service loader and direct callers create it; it has no state. */
    public CoreCodecProvider() {
    }


    @Override
    public Set<String> names() {
        return Set.of("bytes", "transpose", "gzip", "numcodecs.gzip", "numcodecs.zlib", "zlib", "crc32c",
                "sharding_indexed", "vlen-utf8", "vlen-bytes", "zarrs.vlen_v2", "vlen-array", "reshape", SqueezeCodec.NAME,
                ZarrsVlenCodec.NAME, ZarrPackBitsCodec.NAME, "zarrs.optional", "optional");
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
                case "vlen-utf8", "vlen-bytes", "zarrs.vlen_v2", "vlen-array" -> {
                    if (!spec.configuration().isEmpty()) {
                        throw new InvalidMetadataException(where + ": " + spec.name() + " takes no configuration");
                    }
                    yield new VlenCodec(spec.name());
                }
                case "reshape" -> {
                    onlyMembers(spec, where, "shape");
                    yield new ReshapeCodec(ReshapeCodec.parseShape(spec.get("shape"), where));
                }
                case SqueezeCodec.NAME -> {
                    onlyMembers(spec, where);
                    yield new SqueezeCodec();
                }
                case ZarrsVlenCodec.NAME -> zarrsVlen(spec, registry, where);
                case ZarrPackBitsCodec.NAME -> packbits(spec, where);
                default -> throw new IllegalStateException("not a core codec: " + spec.name());
            };
        } catch (IllegalArgumentException e) {
            throw new InvalidMetadataException(where + ": " + e.getMessage());
        }
    }

    private static void onlyMembers(CodecSpec spec, String where, String... allowed) throws InvalidMetadataException {
        var names = spec.configuration().fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!java.util.Arrays.asList(allowed).contains(n)) {
                throw new InvalidMetadataException(where + ": unknown member '" + n + "'" + (allowed.length == 0
                        ? " (" + spec.name() + " takes no configuration)" : " (allowed: " + String.join(", ", allowed) + ")"));
            }
        }
    }

    private static ZarrPackBitsCodec packbits(CodecSpec spec, String where) throws InvalidMetadataException {
        onlyMembers(spec, where, "padding_encoding", "first_bit", "last_bit", "start_bit", "end_bit");
        JsonNode p = spec.get("padding_encoding");
        if (!p.isMissingNode() && !p.isTextual()) {
            throw new InvalidMetadataException(where + ": padding_encoding must be a string");
        }
        String firstName = spec.configuration().has("start_bit") ? "start_bit" : "first_bit";
        String lastName = spec.configuration().has("end_bit") ? "end_bit" : "last_bit";
        if (spec.configuration().has("start_bit") && spec.configuration().has("first_bit")
                || spec.configuration().has("end_bit") && spec.configuration().has("last_bit")) {
            throw new InvalidMetadataException(where + ": give first_bit/last_bit or start_bit/end_bit, not both spellings");
        }
        return new ZarrPackBitsCodec(ZarrPackBitsCodec.Padding.parse(p.isMissingNode() ? "none" : p.textValue()),
                optionalBit(spec.get(firstName), where + ": " + firstName), optionalBit(spec.get(lastName), where + ": " + lastName),
                firstName, lastName);
    }

    private static Integer optionalBit(JsonNode n, String where) throws InvalidMetadataException {
        if (n.isMissingNode() || n.isNull()) {
            return null;
        }
        if (!n.canConvertToExactIntegral() || !n.canConvertToInt() || n.intValue() < 0) {
            throw new InvalidMetadataException(where + " must be a non-negative integer or null, got " + n);
        }
        return n.intValue();
    }

    private static ZarrsVlenCodec zarrsVlen(CodecSpec spec, CodecRegistry registry, String where) throws NgffException {
        onlyMembers(spec, where, "index_codecs", "data_codecs", "index_data_type", "index_location");
        for (String required : new String[] {"index_codecs", "data_codecs", "index_data_type"}) {
            if (spec.get(required).isMissingNode()) {
                throw new InvalidMetadataException(where + ": " + required + " is required");
            }
        }
        CodecPipeline index = registry.pipeline(MetadataFormat.parseCodecList(spec.get("index_codecs"), "index_codecs", ZarrsVlenCodec.NAME),
                ZarrsVlenCodec.NAME + " index_codecs");
        CodecPipeline data = registry.pipeline(MetadataFormat.parseCodecList(spec.get("data_codecs"), "data_codecs", ZarrsVlenCodec.NAME),
                ZarrsVlenCodec.NAME + " data_codecs");
        String type = spec.get("index_data_type").asText();
        dev.ngff.metadata.DataType indexType = switch (type) {
            case "uint32" -> dev.ngff.metadata.DataType.UINT32;
            case "uint64" -> dev.ngff.metadata.DataType.UINT64;
            default -> throw new InvalidMetadataException(where + ": index_data_type must be \"uint32\" or \"uint64\", got " + spec.get("index_data_type"));
        };
        JsonNode loc = spec.get("index_location");
        String location = loc.isMissingNode() || loc.isNull() ? "start" : loc.asText();
        if (!location.equals("start") && !location.equals("end")) {
            throw new InvalidMetadataException(where + ": index_location must be \"start\" or \"end\", got " + loc);
        }
        return new ZarrsVlenCodec(index, data, indexType,
                location.equals("start") ? ZarrsVlenCodec.IndexLocation.START : ZarrsVlenCodec.IndexLocation.END);
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
