package dev.ngff.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * What a Zarr v2 {@code .zarray} says beyond the common model, kept so it can be written back as read.
 *
 * @param dtype              the NumPy dtype string as written
 * @param order              'C' or 'F'
 * @param compressor         the compressor object, or a null node
 * @param filters            the filters array, or a null node
 * @param fillValue          the fill_value JSON as written (null stays null)
 * @param dimensionSeparator "." or "/", or null when the key was absent
 * @param extraFields        other top-level fields, written back unchanged
 */
public record V2Details(String dtype, char order, JsonNode compressor, JsonNode filters, JsonNode fillValue,
                        String dimensionSeparator, ObjectNode extraFields) {

    public V2Details {
        if (order != 'C' && order != 'F') {
            throw new IllegalArgumentException("order must be 'C' or 'F', got '" + order + "'");
        }
        compressor = compressor == null ? NullNode.instance : compressor.deepCopy();
        filters = filters == null ? NullNode.instance : filters.deepCopy();
        fillValue = fillValue == null ? NullNode.instance : fillValue.deepCopy();
        extraFields = extraFields == null ? Json.object() : extraFields.deepCopy();
    }

    /** The v2 codec id for a v3 codec name ({@code numcodecs.zlib} is {@code zlib}). */
    public static String v2Id(String v3Name) {
        return v3Name.startsWith("numcodecs.") ? v3Name.substring("numcodecs.".length()) : v3Name;
    }

    /** numcodecs codecs that serialise the array themselves: in v2 they are the compressor, with no bytes codec. */
    private static final java.util.Set<String> ARRAY_TO_BYTES_COMPRESSORS = java.util.Set.of("numcodecs.zfpy", "numcodecs.pcodec");

    /** The v3 codec name for a v2 codec id, as zarr-python 3 names them. */
    public static String v3Name(String v2Id) {
        return switch (v2Id) {
            case "gzip", "zstd", "blosc", "crc32c", "transpose", "bytes", "vlen-utf8", "vlen-bytes" -> v2Id;
            default -> "numcodecs." + v2Id;
        };
    }

    /** Derives v2 details for a new array from the normalised model. */
    static V2Details derive(DataType type, List<CodecSpec> chain, ChunkKeyEncoding enc, FillValue fill, char order) {
        int i = 0;
        char ord = order;
        if (i < chain.size() && chain.get(i).name().equals("transpose")) {
            JsonNode o = chain.get(i).get("order");
            boolean reversed = o.isArray();
            for (int k = 0; reversed && k < o.size(); k++) {
                reversed = o.get(k).asInt() == o.size() - 1 - k;
            }
            if (!reversed) {
                throw new IllegalArgumentException("Zarr v2 can only express a transpose that reverses the axes (order F)");
            }
            ord = 'F';
            i++;
        }
        ArrayNode filters = Json.nodes().arrayNode();
        boolean big = false;
        int bytesAt = -1;
        for (int k = i; k < chain.size(); k++) {
            if (chain.get(k).name().equals("bytes")) {
                bytesAt = k;
                big = "big".equals(chain.get(k).get("endian").asText("little"));
                break;
            }
            if (type.isVariableLength() && (chain.get(k).name().equals("vlen-utf8") || chain.get(k).name().equals("vlen-bytes"))) {
                bytesAt = k; // the object codec is the first filter of a |O array
                filters.add(toV2Codec(chain.get(k)));
                break;
            }
            if (ARRAY_TO_BYTES_COMPRESSORS.contains(chain.get(k).name())) {
                // numcodecs' array-to-bytes codecs are v2 compressors that take the (little-endian) array itself
                if (k != chain.size() - 1) {
                    throw new IllegalArgumentException("Zarr v2 has one compressor: nothing can follow '"
                            + chain.get(k).name() + "', got " + chain);
                }
                return new V2Details(new NumpyDtype(type, false).format(), ord, toV2Codec(chain.get(k)),
                        filters.isEmpty() ? NullNode.instance : filters, fill.toV2(type), String.valueOf(enc.separator()), null);
            }
            filters.add(toV2Codec(chain.get(k)));
        }
        if (bytesAt < 0) {
            throw new IllegalArgumentException("Zarr v2 needs the 'bytes' codec in the chain"
                    + (type.isVariableLength() ? " (vlen-utf8 or vlen-bytes for " + type + ")" : "") + ", got " + chain);
        }
        JsonNode compressor = NullNode.instance;
        for (int k = bytesAt + 1; k < chain.size(); k++) {
            if (k == chain.size() - 1) {
                compressor = toV2Codec(chain.get(k));
            } else {
                filters.add(toV2Codec(chain.get(k)));
            }
        }
        String dtype = new NumpyDtype(type, big).format();
        return new V2Details(dtype, ord, compressor, filters.isEmpty() ? NullNode.instance : filters,
                fill.toV2(type), String.valueOf(enc.separator()), null);
    }

    private static ObjectNode toV2Codec(CodecSpec spec) {
        ObjectNode n = Json.object();
        n.put("id", v2Id(spec.name()));
        n.setAll(spec.configuration());
        // numcodecs' Zstd default; numcodecs before 0.13 and tensorstore's zarr driver reject the member
        if (spec.name().equals("zstd") && n.path("checksum").isBoolean() && !n.get("checksum").booleanValue()) {
            n.remove("checksum");
        }
        return n;
    }
}
