package dev.ngff.metadata;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Factories for the specs of the common codecs, as metadata writes them. */
public final class Codecs {
    private Codecs() {
    }

    public static CodecSpec bytes(String endian) {
        ObjectNode c = Json.object();
        c.put("endian", endian);
        return new CodecSpec("bytes", c);
    }

    public static CodecSpec gzip(int level) {
        ObjectNode c = Json.object();
        c.put("level", level);
        return new CodecSpec("gzip", c);
    }

    public static CodecSpec zstd(int level, boolean checksum) {
        ObjectNode c = Json.object();
        c.put("level", level);
        c.put("checksum", checksum);
        return new CodecSpec("zstd", c);
    }

    /** The variable-length text codec (numcodecs' layout), the array-to-bytes codec of {@link DataType#STRING}. */
    public static CodecSpec vlenUtf8() {
        return CodecSpec.of("vlen-utf8");
    }

    /** The variable-length bytes codec (numcodecs' layout), the array-to-bytes codec of {@link DataType#BYTES}. */
    public static CodecSpec vlenBytes() {
        return CodecSpec.of("vlen-bytes");
    }

    /**
     * The array-to-bytes codec a new array of {@code type} gets by default: vlen for text and bytes,
     * {@code zarrs.optional} for optional types (mask through {@code bytes}, values through their own default),
     * else little-endian bytes.
     */
    public static CodecSpec defaultArrayToBytes(DataType type) {
        if (type.optionalInner() != null) {
            // zarrs packs the mask with packbits; bytes (one byte per element) needs no extension codec
            return optional(java.util.List.of(bytes("little")), java.util.List.of(defaultArrayToBytes(type.optionalInner())));
        }
        if (type.isVariableLength()) {
            return type.kind() == DataType.Kind.STRING ? vlenUtf8() : vlenBytes();
        }
        return bytes("little");
    }

    /** zarrs' {@code zarrs.optional} codec: the validity mask through {@code maskCodecs}, present values through {@code dataCodecs}. */
    public static CodecSpec optional(java.util.List<CodecSpec> maskCodecs, java.util.List<CodecSpec> dataCodecs) {
        com.fasterxml.jackson.databind.node.ObjectNode c = Json.object();
        var mask = c.putArray("mask_codecs");
        maskCodecs.forEach(m -> mask.add(m.toJson()));
        var data = c.putArray("data_codecs");
        dataCodecs.forEach(d -> data.add(d.toJson()));
        return new CodecSpec("zarrs.optional", c);
    }

    public static CodecSpec crc32c() {
        return CodecSpec.of("crc32c");
    }

    public static CodecSpec transpose(int... order) {
        ObjectNode c = Json.object();
        ArrayNode a = c.putArray("order");
        for (int o : order) {
            a.add(o);
        }
        return new CodecSpec("transpose", c);
    }

    /**
     * A {@code sharding_indexed} spec: inner chunk shape, inner chain, index chain
     * ({@code bytes} + {@code crc32c} is what other implementations write) and index location.
     */
    public static CodecSpec sharding(long[] innerChunkShape, java.util.List<CodecSpec> inner,
                                     java.util.List<CodecSpec> index, boolean indexAtEnd) {
        ObjectNode c = Json.object();
        ArrayNode s = c.putArray("chunk_shape");
        for (long x : innerChunkShape) {
            s.add(x);
        }
        ArrayNode ic = c.putArray("codecs");
        inner.forEach(spec -> ic.add(spec.toJson()));
        ArrayNode xc = c.putArray("index_codecs");
        index.forEach(spec -> xc.add(spec.toJson()));
        c.put("index_location", indexAtEnd ? "end" : "start");
        return new CodecSpec("sharding_indexed", c);
    }

    /** The default index chain: little-endian bytes and a CRC32C checksum. */
    public static java.util.List<CodecSpec> defaultShardIndexCodecs() {
        return java.util.List.of(bytes("little"), crc32c());
    }
}
