package dev.ngff.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.error.UnsupportedExtensionException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes the metadata documents: v3 {@code zarr.json}; v2 {@code .zarray}, {@code .zgroup},
 * {@code .zattrs}. Every error names the document and the JSON pointer at fault.
 */
public final class MetadataFormat {
    private static final Set<String> V3_ARRAY_FIELDS = Set.of("zarr_format", "node_type", "shape", "data_type",
            "chunk_grid", "chunk_key_encoding", "fill_value", "codecs", "attributes", "dimension_names",
            "storage_transformers");
    private static final Set<String> V3_GROUP_FIELDS = Set.of("zarr_format", "node_type", "attributes",
            "consolidated_metadata");
    /**
     * The stages of numcodecs ids (as v3 names) for codecs a {@link CodecStages} lookup cannot build (this
     * build lacks them, or metadata is parsed without a registry): bytes-to-bytes checksums and compressors,
     * the object codecs and the compressors that serialise the array themselves. An id found neither by the
     * lookup nor here is taken for an array filter (numcodecs' delta, fixedscaleoffset, quantize, ...); its
     * pipeline fails naming it if nothing provides it.
     */
    private static final Map<String, CodecStages.Stage> NUMCODECS_STAGES = stages();
    private static final Set<String> V2_ARRAY_FIELDS = Set.of("zarr_format", "shape", "chunks", "dtype",
            "compressor", "fill_value", "order", "filters", "dimension_separator");

    private MetadataFormat() {
    }

    private static Map<String, CodecStages.Stage> stages() {
        Map<String, CodecStages.Stage> m = new java.util.HashMap<>();
        for (String b2b : List.of("gzip", "zstd", "blosc", "crc32c", "numcodecs.zlib", "numcodecs.gzip", "numcodecs.bz2",
                "numcodecs.lzma", "numcodecs.lz4", "numcodecs.zstd", "numcodecs.blosc", "numcodecs.shuffle", "numcodecs.crc32",
                "numcodecs.crc32c", "numcodecs.adler32", "numcodecs.fletcher32", "numcodecs.jenkins_lookup3", "numcodecs.lzf",
                "numcodecs.base64")) {
            m.put(b2b, CodecStages.Stage.BYTES_TO_BYTES);
        }
        for (String a2b : List.of("numcodecs.zfpy", "numcodecs.pcodec", "vlen-utf8", "vlen-bytes")) {
            m.put(a2b, CodecStages.Stage.ARRAY_TO_BYTES);
        }
        return Map.copyOf(m);
    }

    private static CodecStages.Stage stageOf(CodecSpec spec, CodecStages stages) {
        return stages.stageOf(spec).orElse(NUMCODECS_STAGES.getOrDefault(spec.name(), CodecStages.Stage.ARRAY_TO_ARRAY));
    }

    // ---- v3 ------------------------------------------------------------------------------------

    /** Parses a v3 {@code zarr.json}; {@code doc} names it in errors (store and key). */
    public static NodeMetadata parseV3(JsonNode root, String doc) throws InvalidMetadataException, UnsupportedExtensionException {
        if (!root.isObject()) {
            throw new InvalidMetadataException(doc + ": expected a JSON object at /");
        }
        JsonNode fmt = root.get("zarr_format");
        if (fmt == null || !fmt.isIntegralNumber() || fmt.intValue() != 3) {
            throw new InvalidMetadataException(doc + ": /zarr_format must be 3, got " + fmt);
        }
        String nodeType = requireText(root, "node_type", doc);
        return switch (nodeType) {
            case "array" -> parseV3Array((ObjectNode) root, doc);
            case "group" -> {
                ObjectNode extra = extensionFields((ObjectNode) root, V3_GROUP_FIELDS, doc);
                JsonNode consolidated = root.get("consolidated_metadata");
                if (consolidated != null && !consolidated.isNull() && !consolidated.isObject()) {
                    throw new InvalidMetadataException(doc + ": /consolidated_metadata must be an object or null");
                }
                yield new GroupMetadata(3, attributesOf(root, doc), consolidated, extra);
            }
            default -> throw new InvalidMetadataException(doc + ": /node_type must be \"array\" or \"group\", got \"" + nodeType + "\"");
        };
    }

    private static ArrayMetadata parseV3Array(ObjectNode root, String doc) throws InvalidMetadataException, UnsupportedExtensionException {
        ObjectNode extra = extensionFields(root, V3_ARRAY_FIELDS, doc);
        long[] shape = longArray(root.get("shape"), "/shape", doc, true);
        DataType type = parseV3DataType(root.get("data_type"), doc);

        JsonNode grid = root.get("chunk_grid");
        if (grid == null || !grid.isObject()) {
            throw new InvalidMetadataException(doc + ": /chunk_grid must be an object");
        }
        String gridName = requireText(grid, "name", doc + " /chunk_grid");
        if (!gridName.equals("regular")) {
            throw new UnsupportedExtensionException(doc + ": /chunk_grid/name '" + gridName
                    + "' is not supported (only 'regular')");
        }
        long[] chunks = longArray(grid.path("configuration").get("chunk_shape"), "/chunk_grid/configuration/chunk_shape", doc, false);
        if (chunks.length != shape.length) {
            throw new InvalidMetadataException(doc + ": /chunk_grid/configuration/chunk_shape has rank " + chunks.length
                    + ", /shape has rank " + shape.length);
        }

        ChunkKeyEncoding enc = ChunkKeyEncoding.DEFAULT_SLASH;
        JsonNode cke = root.get("chunk_key_encoding");
        if (cke != null) {
            String name;
            JsonNode sepNode = null;
            if (cke.isTextual()) { // short form: just the name
                name = cke.textValue();
            } else if (cke.isObject() && cke.path("name").isTextual()) {
                name = cke.get("name").textValue();
                sepNode = cke.path("configuration").get("separator");
            } else {
                throw new InvalidMetadataException(doc + ": /chunk_key_encoding must be a name or an object with a name, got " + cke);
            }
            String sep = sepNode == null || sepNode.isNull() ? (name.equals("v2") ? "." : "/") : sepNode.asText();
            if (!sep.equals("/") && !sep.equals(".")) {
                throw new InvalidMetadataException(doc + ": /chunk_key_encoding/configuration/separator must be \"/\" or \".\", got " + sepNode);
            }
            enc = switch (name) {
                case "default" -> new ChunkKeyEncoding(ChunkKeyEncoding.Kind.DEFAULT, sep.charAt(0));
                case "v2" -> new ChunkKeyEncoding(ChunkKeyEncoding.Kind.V2, sep.charAt(0));
                default -> throw new UnsupportedExtensionException(doc + ": /chunk_key_encoding/name '" + name + "' is not supported");
            };
        }

        FillValue fill = FillValue.fromV3(root.get("fill_value"), type, doc + " /fill_value");
        List<CodecSpec> codecs = parseCodecList(root.get("codecs"), "/codecs", doc);

        List<String> dimNames = null;
        JsonNode dn = root.get("dimension_names");
        if (dn != null && !dn.isNull()) {
            if (!dn.isArray() || dn.size() != shape.length) {
                throw new InvalidMetadataException(doc + ": /dimension_names must be an array of " + shape.length + " entries");
            }
            dimNames = new ArrayList<>();
            for (int i = 0; i < dn.size(); i++) {
                JsonNode n = dn.get(i);
                if (!n.isNull() && !n.isTextual()) {
                    throw new InvalidMetadataException(doc + ": /dimension_names/" + i + " must be a string or null");
                }
                dimNames.add(n.isNull() ? null : n.textValue());
            }
        }
        JsonNode st = root.get("storage_transformers");
        if (st != null && !st.isNull()) {
            if (!st.isArray()) {
                throw new InvalidMetadataException(doc + ": /storage_transformers must be an array");
            }
            if (!st.isEmpty()) {
                throw new UnsupportedExtensionException(doc + ": /storage_transformers/0 '"
                        + st.get(0).path("name").asText("?") + "' is not supported (no storage transformers are)");
            }
        }
        try {
            return new ArrayMetadata(3, shape, chunks, type, fill, codecs, enc, dimNames, attributesOf(root, doc), null, extra);
        } catch (IllegalArgumentException e) {
            throw new InvalidMetadataException(doc + ": " + e.getMessage());
        }
    }

    private static DataType parseV3DataType(JsonNode node, String doc) throws InvalidMetadataException, UnsupportedExtensionException {
        if (node == null) {
            throw new InvalidMetadataException(doc + ": /data_type is required");
        }
        String name;
        if (node.isTextual()) {
            name = node.textValue();
        } else if (node.isObject() && node.path("name").isTextual()) {
            name = node.get("name").textValue();
        } else {
            throw new InvalidMetadataException(doc + ": /data_type must be a string or an object with a name, got " + node);
        }
        if (name.equals("numpy.datetime64") || name.equals("numpy.timedelta64")) {
            return parseTemporal(name, node.path("configuration"), doc);
        }
        if (name.equals("zarrs.optional") || name.equals("optional")) {
            JsonNode conf = node.path("configuration");
            if (!conf.isObject() || !conf.path("name").isTextual()) {
                throw new InvalidMetadataException(doc + ": /data_type: " + name
                        + " needs a configuration naming the inner data type ({\"name\": ..., \"configuration\": ...}), got " + conf);
            }
            DataType inner = parseV3DataType(conf, doc);
            if (inner.isOptionalVariableLength()) {
                throw new UnsupportedExtensionException(doc + ": /data_type: '" + name + "(" + inner
                        + ")' is not supported: an optional over a variable-length optional type");
            }
            return DataType.optional(inner);
        }
        if (name.equals("fixed_length_utf32")) {
            JsonNode len = node.path("configuration").path("length_bytes");
            if (!len.canConvertToExactIntegral() || !len.canConvertToInt() || len.intValue() % 4 != 0) {
                throw new InvalidMetadataException(doc + ": /data_type: fixed_length_utf32 needs a configuration with "
                        + "length_bytes, a positive multiple of 4, got " + node.path("configuration"));
            }
            try {
                return DataType.fixedUtf32(len.intValue() / 4);
            } catch (IllegalArgumentException e) {
                throw new InvalidMetadataException(doc + ": /data_type/configuration/length_bytes: " + e.getMessage());
            }
        }
        try {
            return DataType.fromName(name);
        } catch (UnsupportedExtensionException e) {
            throw new UnsupportedExtensionException(doc + ": /data_type: " + e.getMessage());
        }
    }

    /** {@code {"name": "numpy.datetime64", "configuration": {"unit": "ms", "scale_factor": 10}}}, as zarr-python writes it. */
    private static DataType parseTemporal(String name, JsonNode conf, String doc) throws InvalidMetadataException {
        JsonNode unit = conf.path("unit");
        JsonNode scale = conf.path("scale_factor");
        if (!unit.isTextual() || !scale.canConvertToExactIntegral() || !scale.canConvertToInt()) {
            throw new InvalidMetadataException(doc + ": /data_type: " + name
                    + " needs a configuration with a string unit and an integer scale_factor, got " + conf);
        }
        try {
            DataType.Temporal t = new DataType.Temporal(name.equals("numpy.timedelta64"), unit.textValue(), scale.intValue());
            return new DataType(DataType.Kind.INT, 8, t);
        } catch (IllegalArgumentException e) {
            throw new InvalidMetadataException(doc + ": /data_type/configuration: " + e.getMessage());
        }
    }

    /** The v3 {@code data_type} JSON: a name, or an object with the unit of a datetime type. */
    static JsonNode dataTypeJson(DataType type) {
        ObjectNode n = Json.object();
        n.put("name", type.name());
        if (type.isFixedUtf32()) {
            n.putObject("configuration").put("length_bytes", type.byteSize());
            return n;
        }
        if (type.optionalInner() != null) {
            JsonNode inner = dataTypeJson(type.optionalInner());
            ObjectNode c = n.putObject("configuration");
            if (inner.isTextual()) {
                c.put("name", inner.textValue());
                c.putObject("configuration");
            } else {
                c.setAll((ObjectNode) inner);
            }
            return n;
        }
        if (type.temporal() == null) {
            return Json.nodes().textNode(type.name());
        }
        ObjectNode c = n.putObject("configuration");
        c.put("unit", type.temporal().unit());
        c.put("scale_factor", type.temporal().scaleFactor());
        return n;
    }

    /** Parses a v3 codec list (objects, or bare names). */
    public static List<CodecSpec> parseCodecList(JsonNode node, String pointer, String doc) throws InvalidMetadataException {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw new InvalidMetadataException(doc + ": " + pointer + " must be a non-empty array");
        }
        List<CodecSpec> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode c = node.get(i);
            JsonNode name = c.isTextual() ? c : c.path("name");
            if (name.isTextual() && name.textValue().isEmpty()) {
                throw new InvalidMetadataException(doc + ": " + pointer + "/" + i + (c.isTextual() ? "" : "/name")
                        + " must not be empty");
            }
            if (c.isTextual()) {
                out.add(CodecSpec.of(c.textValue()));
            } else if (c.isObject() && c.path("name").isTextual()) {
                JsonNode conf = c.get("configuration");
                if (conf != null && !conf.isNull() && !conf.isObject()) {
                    throw new InvalidMetadataException(doc + ": " + pointer + "/" + i + "/configuration must be an object");
                }
                out.add(new CodecSpec(c.get("name").textValue(), conf == null || conf.isNull() ? null : (ObjectNode) conf));
            } else {
                throw new InvalidMetadataException(doc + ": " + pointer + "/" + i + " must be a codec object with a name");
            }
        }
        return out;
    }

    /** Writes a v3 {@code zarr.json} for an array or group. */
    public static ObjectNode toV3(NodeMetadata meta) {
        ObjectNode n = Json.object();
        n.put("zarr_format", 3);
        switch (meta) {
            case ArrayMetadata a -> {
                n.put("node_type", "array");
                putLongs(n.putArray("shape"), a.shape());
                n.set("data_type", dataTypeJson(a.dataType()));
                ObjectNode grid = n.putObject("chunk_grid");
                grid.put("name", "regular");
                putLongs(grid.putObject("configuration").putArray("chunk_shape"), a.chunkShape());
                ObjectNode cke = n.putObject("chunk_key_encoding");
                cke.put("name", a.chunkKeyEncoding().name());
                cke.putObject("configuration").put("separator", String.valueOf(a.chunkKeyEncoding().separator()));
                n.set("fill_value", a.fillValue().toV3(a.dataType()));
                ArrayNode codecs = n.putArray("codecs");
                a.codecs().forEach(c -> codecs.add(c.toJson()));
                n.set("attributes", a.attributes());
                if (a.dimensionNames() != null) {
                    ArrayNode dn = n.putArray("dimension_names");
                    a.dimensionNames().forEach(dn::add);
                }
                n.setAll(a.extraFields());
            }
            case GroupMetadata g -> {
                n.put("node_type", "group");
                n.set("attributes", g.attributes());
                if (g.consolidated() != null) {
                    n.set("consolidated_metadata", g.consolidated());
                }
                n.setAll(g.extraFields());
            }
        }
        return n;
    }

    // ---- v2 ------------------------------------------------------------------------------------

    /** Parses a v2 {@code .zarray} with its {@code .zattrs} (null when absent), knowing codec stages from numcodecs ids alone. */
    public static ArrayMetadata parseV2Array(JsonNode root, JsonNode attrs, String doc)
            throws InvalidMetadataException, UnsupportedExtensionException {
        return parseV2Array(root, attrs, doc, CodecStages.NONE);
    }

    /**
     * Parses a v2 {@code .zarray} with its {@code .zattrs} (null when absent); {@code stages} (usually the
     * {@link dev.ngff.codec.CodecRegistry} that will build the pipeline) says which filters and compressor
     * work on the array, serialise it, or work on bytes.
     */
    public static ArrayMetadata parseV2Array(JsonNode root, JsonNode attrs, String doc, CodecStages stages)
            throws InvalidMetadataException, UnsupportedExtensionException {
        if (!root.isObject()) {
            throw new InvalidMetadataException(doc + ": expected a JSON object at /");
        }
        JsonNode fmt = root.get("zarr_format");
        if (fmt == null || !fmt.isIntegralNumber() || fmt.intValue() != 2) {
            throw new InvalidMetadataException(doc + ": /zarr_format must be 2, got " + fmt);
        }
        long[] shape = longArray(root.get("shape"), "/shape", doc, true);
        long[] chunks = longArray(root.get("chunks"), "/chunks", doc, false);
        if (chunks.length != shape.length) {
            throw new InvalidMetadataException(doc + ": /chunks has rank " + chunks.length + ", /shape has rank " + shape.length);
        }
        JsonNode dtypeNode = root.get("dtype");
        if (dtypeNode == null) {
            throw new InvalidMetadataException(doc + ": /dtype is required");
        }
        if (!dtypeNode.isTextual()) {
            throw new UnsupportedExtensionException(doc + ": /dtype " + dtypeNode + " (structured dtypes) is not supported");
        }
        JsonNode filters = root.get("filters");
        NumpyDtype dtype = isObjectDtype(dtypeNode.textValue())
                ? new NumpyDtype(objectDataType(filters, dtypeNode.textValue(), doc), false)
                : NumpyDtype.parse(dtypeNode.textValue(), doc + " /dtype");
        String orderText = root.path("order").asText("C");
        if (!orderText.equals("C") && !orderText.equals("F")) {
            throw new InvalidMetadataException(doc + ": /order must be \"C\" or \"F\", got " + root.get("order"));
        }
        char order = orderText.charAt(0);
        JsonNode sepNode = root.get("dimension_separator");
        String sep = null;
        if (sepNode != null && !sepNode.isNull()) {
            sep = sepNode.asText();
            if (!sep.equals(".") && !sep.equals("/")) {
                throw new InvalidMetadataException(doc + ": /dimension_separator must be \".\" or \"/\", got " + sepNode);
            }
        }
        JsonNode compressor = root.get("compressor");
        FillValue fill = FillValue.fromV2(root.get("fill_value"), dtype.dataType(), doc + " /fill_value");

        List<CodecSpec> chain = new ArrayList<>();
        if (order == 'F' && shape.length > 1) {
            int[] rev = new int[shape.length];
            for (int i = 0; i < rev.length; i++) {
                rev[i] = rev.length - 1 - i;
            }
            chain.add(Codecs.transpose(rev));
        }
        CodecSpec comp = compressor != null && !compressor.isNull() ? v2CodecSpec(compressor, "/compressor", doc) : null;
        // numcodecs' zfpy and pcodec take the array itself: they stand in for the bytes codec
        boolean compressorSerialises = comp != null && stageOf(comp, stages) == CodecStages.Stage.ARRAY_TO_BYTES;
        CodecSpec bytes = Codecs.bytes(dtype.bigEndian() ? "big" : "little");
        boolean bytesPlaced = false;
        if (filters != null && !filters.isNull()) {
            if (!filters.isArray()) {
                throw new InvalidMetadataException(doc + ": /filters must be an array or null");
            }
            // numcodecs hands each filter the previous one's buffer: array filters see the array, and once a
            // bytes-to-bytes filter (a checksum, a compressor) has run, only bytes follow. In the v3 model
            // the 'bytes' codec marks that switch, so it goes before the first bytes-to-bytes filter.
            for (int i = 0; i < filters.size(); i++) {
                CodecSpec f = v2CodecSpec(filters.get(i), "/filters/" + i, doc);
                CodecStages.Stage stage = stageOf(f, stages);
                if (stage == CodecStages.Stage.ARRAY_TO_BYTES && !bytesPlaced) {
                    // a filter that serialises the array (the object codec of a |O array) takes the place of 'bytes'
                    if (compressorSerialises) {
                        throw new UnsupportedExtensionException(doc + ": /compressor '" + comp.name()
                                + "' serialises the array itself, but filter '" + f.name() + "' already did");
                    }
                    chain.add(f);
                    bytesPlaced = true;
                    continue;
                }
                boolean bytesToBytes = stage != CodecStages.Stage.ARRAY_TO_ARRAY;
                if (bytesToBytes && !bytesPlaced) {
                    if (compressorSerialises) {
                        throw new UnsupportedExtensionException(doc + ": /filters/" + i + " '" + f.name()
                                + "' works on bytes, but the compressor '" + comp.name()
                                + "' serialises the array itself and must come first");
                    }
                    chain.add(bytes);
                    bytesPlaced = true;
                } else if (!bytesToBytes && bytesPlaced) {
                    throw new UnsupportedExtensionException(doc + ": /filters/" + i + " '" + f.name()
                            + "' is an array filter after a bytes-to-bytes filter; this build cannot model"
                            + " an array filter applied to encoded bytes");
                }
                chain.add(f);
            }
        }
        if (!bytesPlaced && !compressorSerialises) {
            chain.add(bytes);
        } else if (bytesPlaced && compressorSerialises) {
            throw new UnsupportedExtensionException(doc + ": /compressor '" + comp.name()
                    + "' serialises the array itself but follows bytes-to-bytes filters");
        }
        if (comp != null) {
            chain.add(comp);
        }
        ObjectNode extra = Json.object();
        root.properties().forEach(e -> {
            if (!V2_ARRAY_FIELDS.contains(e.getKey())) {
                extra.set(e.getKey(), e.getValue());
            }
        });
        V2Details v2 = new V2Details(dtypeNode.textValue(), order, compressor, filters,
                root.has("fill_value") ? root.get("fill_value") : NullNode.instance, sep, extra);
        ObjectNode attributes = attrsObject(attrs, doc);
        ChunkKeyEncoding enc = new ChunkKeyEncoding(ChunkKeyEncoding.Kind.V2, sep == null ? '.' : sep.charAt(0));
        try {
            return new ArrayMetadata(2, shape, chunks, dtype.dataType(), fill, chain, enc, null, attributes, v2, null);
        } catch (IllegalArgumentException e) {
            throw new InvalidMetadataException(doc + ": " + e.getMessage());
        }
    }

    /** NumPy's object dtype, which zarr-python writes as {@code |O}. */
    private static boolean isObjectDtype(String dtype) {
        return dtype.equals("|O") || dtype.equals("O") || dtype.equals("<O") || dtype.equals(">O");
    }

    /**
     * The element type of a v2 object array, from its object codec among the filters ({@code vlen-utf8}: text,
     * {@code vlen-bytes}: bytes). numcodecs pickles and msgpack-encoded objects are Python-only.
     */
    private static DataType objectDataType(JsonNode filters, String dtype, String doc)
            throws InvalidMetadataException, UnsupportedExtensionException {
        if (filters != null && filters.isArray()) {
            for (int i = 0; i < filters.size(); i++) {
                String id = filters.get(i).path("id").asText("");
                switch (id) {
                    case "vlen-utf8":
                        return DataType.STRING;
                    case "vlen-bytes":
                        return DataType.BYTES;
                    case "vlen-array", "pickle", "msgpack2", "json2", "categorize":
                        throw new UnsupportedExtensionException(doc + ": /filters/" + i + " object codec '" + id
                                + "' of dtype '" + dtype + "' is not supported (only vlen-utf8 strings and vlen-bytes)");
                    default:
                        break;
                }
            }
        }
        throw new InvalidMetadataException(doc + ": /dtype '" + dtype + "' (Python objects) needs an object codec"
                + " such as vlen-utf8 or vlen-bytes in /filters, found " + filters);
    }

    private static CodecSpec v2CodecSpec(JsonNode node, String pointer, String doc) throws InvalidMetadataException {
        if (!node.isObject() || !node.path("id").isTextual()) {
            throw new InvalidMetadataException(doc + ": " + pointer + " must be an object with a string \"id\"");
        }
        ObjectNode conf = ((ObjectNode) node).deepCopy();
        String id = conf.remove("id").textValue();
        return new CodecSpec(V2Details.v3Name(id), conf);
    }

    /** Parses a v2 {@code .zgroup} with its {@code .zattrs} (null when absent). */
    public static GroupMetadata parseV2Group(JsonNode root, JsonNode attrs, String doc) throws InvalidMetadataException {
        if (!root.isObject() || !root.path("zarr_format").isIntegralNumber() || root.get("zarr_format").intValue() != 2) {
            throw new InvalidMetadataException(doc + ": /zarr_format must be 2");
        }
        return new GroupMetadata(2, attrsObject(attrs, doc), null, null);
    }

    /** The v2 {@code .zarray} document of an array (attributes go to {@code .zattrs}). */
    public static ObjectNode toV2Array(ArrayMetadata a) {
        V2Details v2 = a.v2() != null ? a.v2()
                : V2Details.derive(a.dataType(), a.codecs(), a.chunkKeyEncoding(), a.fillValue(), 'C');
        ObjectNode n = Json.object();
        n.put("zarr_format", 2);
        putLongs(n.putArray("shape"), a.shape());
        putLongs(n.putArray("chunks"), a.chunkShape());
        n.put("dtype", v2.dtype());
        n.set("compressor", v2.compressor());
        n.set("fill_value", v2.fillValue());
        n.put("order", String.valueOf(v2.order()));
        n.set("filters", v2.filters());
        if (v2.dimensionSeparator() != null) {
            n.put("dimension_separator", v2.dimensionSeparator());
        }
        n.setAll(v2.extraFields());
        return n;
    }

    public static ObjectNode toV2Group() {
        ObjectNode n = Json.object();
        n.put("zarr_format", 2);
        return n;
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static ObjectNode attrsObject(JsonNode attrs, String doc) throws InvalidMetadataException {
        if (attrs == null || attrs.isNull()) {
            return Json.object();
        }
        if (!attrs.isObject()) {
            throw new InvalidMetadataException(doc + ": .zattrs must hold a JSON object");
        }
        return (ObjectNode) attrs;
    }

    private static ObjectNode attributesOf(JsonNode root, String doc) throws InvalidMetadataException {
        JsonNode a = root.get("attributes");
        if (a == null || a.isNull()) {
            return Json.object();
        }
        if (!a.isObject()) {
            throw new InvalidMetadataException(doc + ": /attributes must be an object");
        }
        return (ObjectNode) a;
    }

    private static ObjectNode extensionFields(ObjectNode root, Set<String> known, String doc) throws UnsupportedExtensionException {
        ObjectNode extra = Json.object();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (known.contains(e.getKey())) {
                continue;
            }
            JsonNode v = e.getValue();
            if (v.isObject() && v.path("must_understand").isBoolean() && !v.get("must_understand").booleanValue()) {
                extra.set(e.getKey(), v);
            } else {
                throw new UnsupportedExtensionException(doc + ": /" + e.getKey()
                        + " is an extension this build does not understand (it does not say \"must_understand\": false)");
            }
        }
        return extra;
    }

    private static String requireText(JsonNode node, String field, String doc) throws InvalidMetadataException {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new InvalidMetadataException(doc + ": /" + field + " must be a string, got " + v);
        }
        return v.textValue();
    }

    private static long[] longArray(JsonNode node, String pointer, String doc, boolean zeroAllowed) throws InvalidMetadataException {
        if (node == null || !node.isArray()) {
            throw new InvalidMetadataException(doc + ": " + pointer + " must be an array of integers");
        }
        if (node.size() > 64) {
            throw new InvalidMetadataException(doc + ": " + pointer + " has rank " + node.size() + " (at most 64 is supported)");
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.canConvertToExactIntegral() || !v.canConvertToLong() || v.longValue() < (zeroAllowed ? 0 : 1)) {
                throw new InvalidMetadataException(doc + ": " + pointer + "/" + i + " must be an integer "
                        + (zeroAllowed ? ">= 0" : ">= 1") + ", got " + v);
            }
            out[i] = v.longValue();
        }
        return out;
    }

    private static void putLongs(ArrayNode a, long[] values) {
        for (long v : values) {
            a.add(v);
        }
    }
}
