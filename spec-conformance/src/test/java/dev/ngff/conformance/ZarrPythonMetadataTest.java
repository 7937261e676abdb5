package dev.ngff.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrGroup;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.ChunkKeyEncoding;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import dev.ngff.metadata.GroupMetadata;
import dev.ngff.metadata.Json;
import dev.ngff.metadata.MetadataFormat;
import dev.ngff.metadata.NodeMetadata;
import dev.ngff.store.Key;
import dev.ngff.store.MemoryStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.stream.Stream;

import static dev.ngff.conformance.FixtureSupport.assertUnsupportedThrowable;
import static dev.ngff.conformance.FixtureSupport.ctx;
import static dev.ngff.conformance.FixtureSupport.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * zarr-python main {@code packages/zarr-metadata/tests} JSON: every document and case is valid upstream.
 * Each must parse with our model (and round-trip), or be one of the extensions we knowingly do not
 * support, which must then fail with an {@link dev.ngff.error.UnsupportedExtensionException} naming it.
 */
class ZarrPythonMetadataTest {
    static final String BASE = "zarr-python/main-zarr-metadata";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Documents / cases that name an extension we do not support, with the name the error must give. */
    static final Map<String, String> NOT_MAPPED = Map.ofEntries(
            Map.entry("v3/array/rectilinear_grid.json", "rectilinear"),
            Map.entry("v3/array/rectilinear_grid_with_rle.json", "rectilinear"),
            Map.entry("v2/array/structured_dtype.json", "structured"),
            Map.entry("v3/chunk_grid/rectilinear/cases.json#explicit_per_dim", "rectilinear"),
            Map.entry("v3/chunk_grid/rectilinear/cases.json#uniform_dim_shorthand", "rectilinear"),
            Map.entry("v3/chunk_grid/rectilinear/cases.json#with_rle_pair", "rectilinear"));
    /** Parse fine, but a codec in them is not supported (yet): building the pipeline must name it. */
    static final Map<String, List<String>> CODEC_NOT_MAPPED = Map.of(
            "v3/array/blosc_codec.json", List.of("blosc"),
            "v2/array/blosc_compressor_with_filters.json", List.of("blosc"),
            "v3/codec/blosc/cases.json", List.of("blosc"),
            "v3/codec/cast_value/cases.json", List.of("cast_value"),
            "v3/codec/scale_offset/cases.json", List.of("scale_offset"));
    /** Fill-value files for data types we do not model. */
    static final Set<String> FILL_TYPES_NOT_MAPPED = Set.of("struct");

    static final Set<String> UNMAPPED_SEEN = new ConcurrentSkipListSet<>();

    @AfterAll
    static void report() {
        System.out.println("zarr-python main-zarr-metadata: could not map " + UNMAPPED_SEEN.size() + " documents/cases:");
        UNMAPPED_SEEN.forEach(s -> System.out.println("  - " + s));
    }

    static JsonNode read(Path p) throws IOException {
        return JSON.readTree(Files.readString(p, StandardCharsets.UTF_8));
    }

    static Stream<String> documents(String sub) throws IOException {
        Path base = fixture(BASE);
        Path dir = base.resolve(sub);
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted()
                    .map(p -> base.relativize(p).toString()).toList().stream();
        }
    }

    // ---- whole documents -----------------------------------------------------------------------------

    static Stream<String> v3Documents() throws IOException {
        return Stream.concat(documents("v3/array"), documents("v3/group"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("v3Documents")
    void v3Document(String rel) throws IOException {
        JsonNode doc = read(fixture(BASE).resolve(rel));
        if (NOT_MAPPED.containsKey(rel)) {
            Throwable t = catchThrowable(() -> MetadataFormat.parseV3(doc, rel));
            assertUnsupportedThrowable(t, rel, NOT_MAPPED.get(rel));
            UNMAPPED_SEEN.add(rel + " (" + NOT_MAPPED.get(rel) + ")");
            return;
        }
        NodeMetadata m = MetadataFormat.parseV3(doc, rel);
        assertThat(m.zarrFormat()).isEqualTo(3);
        NodeMetadata again = MetadataFormat.parseV3(MetadataFormat.toV3(m), rel + " (rewritten)");
        assertThat(again).as("%s: parse(toV3(parse(doc))) == parse(doc)", rel).isEqualTo(m);
        if (m instanceof ArrayMetadata a) {
            assertThat(a.shape()).containsExactly(longs(doc.get("shape")));
            checkPipeline(rel, a);
        } else {
            assertThat(((GroupMetadata) m).attributes()).isEqualTo(doc.has("attributes") ? doc.get("attributes") : Json.object());
        }
    }

    static Stream<String> v2ArrayDocuments() throws IOException {
        return documents("v2/array");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("v2ArrayDocuments")
    void v2ArrayDocument(String rel) throws IOException {
        JsonNode doc = read(fixture(BASE).resolve(rel));
        if (NOT_MAPPED.containsKey(rel)) {
            Throwable t = catchThrowable(() -> MetadataFormat.parseV2Array(doc, null, rel));
            assertUnsupportedThrowable(t, rel, NOT_MAPPED.get(rel));
            UNMAPPED_SEEN.add(rel + " (" + NOT_MAPPED.get(rel) + ")");
            return;
        }
        ArrayMetadata a = MetadataFormat.parseV2Array(doc, null, rel);
        assertThat(a.zarrFormat()).isEqualTo(2);
        assertThat(a.shape()).containsExactly(longs(doc.get("shape")));
        assertThat(a.chunkShape()).containsExactly(longs(doc.get("chunks")));
        ObjectNode back = MetadataFormat.toV2Array(a);
        assertThat(MetadataFormat.parseV2Array(back, null, rel + " (rewritten)")).isEqualTo(a);
        // v2 -> model -> v2 is the identity (the written document equals the original field by field)
        // (compared as re-read JSON text: Jackson's IntNode(5) and LongNode(5) are not equal())
        assertThat(JSON.readTree(back.toString())).as("%s rewritten", rel).isEqualTo(doc);
        checkPipeline(rel, a);
    }

    @Test
    void v2Group() throws IOException {
        JsonNode doc = read(fixture(BASE).resolve("v2/group/minimal.json"));
        GroupMetadata g = MetadataFormat.parseV2Group(doc, null, "v2/group/minimal.json");
        assertThat(g.zarrFormat()).isEqualTo(2);
        assertThat(g.attributes()).isEmpty();
    }

    private static void checkPipeline(String rel, ArrayMetadata a) {
        Throwable t = catchThrowable(() -> ctx().codecs().pipeline(a.codecs(), rel));
        if (CODEC_NOT_MAPPED.containsKey(rel) && !allSupported(CODEC_NOT_MAPPED.get(rel))) {
            assertUnsupportedThrowable(t, rel, CODEC_NOT_MAPPED.get(rel).toArray(String[]::new));
            UNMAPPED_SEEN.add(rel + " (codec " + String.join("/", CODEC_NOT_MAPPED.get(rel)) + ")");
            return;
        }
        assertThat(t).as("%s: building the codec pipeline %s", rel, a.codecs()).isNull();
    }

    private static boolean allSupported(List<String> names) {
        return names.stream().allMatch(n -> ctx().codecs().supports(n) || ctx().codecs().supports("numcodecs." + n));
    }

    // ---- consolidated metadata -----------------------------------------------------------------------

    @Test
    void v3Consolidated() throws IOException {
        for (String name : List.of("minimal.json", "with_array_and_group.json")) {
            JsonNode cons = read(fixture(BASE).resolve("v3/consolidated/" + name));
            ObjectNode group = Json.object();
            group.put("zarr_format", 3);
            group.put("node_type", "group");
            group.set("consolidated_metadata", cons);
            MemoryStore store = new MemoryStore("consolidated-v3");
            store.write(Key.of("zarr.json"), Json.write(group));
            ZarrGroup g = Zarr.openGroup(store, Key.ROOT, ctx());
            Map<String, NodeMetadata> entries = g.consolidated().orElseThrow();
            assertThat(entries.keySet()).as(name).containsExactlyInAnyOrderElementsOf(
                    iterable(cons.get("metadata").fieldNames()));
            if (name.startsWith("with")) {
                assertThat(g.childNames()).containsExactly("child_array", "child_group");
                assertThat(entries.get("child_array")).isInstanceOf(ArrayMetadata.class);
                assertThat(((ArrayMetadata) entries.get("child_array")).dataType()).isEqualTo(DataType.INT32);
                assertThat(entries.get("child_group")).isInstanceOf(GroupMetadata.class);
            }
        }
    }

    @Test
    void v2Consolidated() throws IOException {
        for (String name : List.of("minimal.json", "with_array_and_group.json")) {
            JsonNode cons = read(fixture(BASE).resolve("v2/consolidated/" + name));
            MemoryStore store = new MemoryStore("consolidated-v2");
            store.write(Key.of(".zgroup"), Json.write(JSON.readTree("{\"zarr_format\": 2}")));
            store.write(Key.of(".zmetadata"), Json.write(cons));
            ZarrGroup g = Zarr.openGroup(store, Key.ROOT, ctx());
            Map<String, NodeMetadata> entries = g.consolidated().orElseThrow();
            if (name.startsWith("with")) {
                assertThat(entries).containsOnlyKeys("data");
                ArrayMetadata data = (ArrayMetadata) entries.get("data");
                assertThat(data.shape()).containsExactly(100);
                assertThat(data.attributes().path("units").asText()).isEqualTo("meters");
                assertThat(g.childNames()).containsExactly("data");
            } else {
                assertThat(entries).isEmpty();
            }
        }
    }

    // ---- named cases: codecs, chunk grids, chunk key encodings -------------------------------------------

    static Stream<Arguments> cases() throws IOException {
        Path base = fixture(BASE);
        List<Arguments> out = new ArrayList<>();
        for (String kind : List.of("v3/codec", "v3/chunk_grid", "v3/chunk_key_encoding")) {
            List<Path> dirs;
            try (Stream<Path> s = Files.list(base.resolve(kind))) {
                dirs = s.sorted().toList();
            }
            for (Path d : dirs) {
                Path file = d.resolve("cases.json");
                JsonNode all = read(file);
                for (var it = all.fieldNames(); it.hasNext(); ) {
                    String c = it.next();
                    out.add(Arguments.of(base.relativize(file) + "#" + c, kind, all.get(c)));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void namedCase(String id, String kind, JsonNode value) throws IOException {
        String file = id.substring(0, id.indexOf('#'));
        switch (kind) {
            case "v3/codec" -> {
                var arr = Json.nodes().arrayNode().add(value);
                List<CodecSpec> specs = MetadataFormat.parseCodecList(arr, "/codecs", id);
                assertThat(specs).hasSize(1);
                String expectedName = value.isTextual() ? value.textValue() : value.get("name").textValue();
                assertThat(specs.get(0).name()).isEqualTo(expectedName);
                if (CODEC_NOT_MAPPED.containsKey(file) && !allSupported(CODEC_NOT_MAPPED.get(file))) {
                    Throwable t = catchThrowable(() -> ctx().codecs().create(specs.get(0)));
                    assertUnsupportedThrowable(t, id, CODEC_NOT_MAPPED.get(file).toArray(String[]::new));
                    UNMAPPED_SEEN.add(id + " (codec " + expectedName + ")");
                    return;
                }
                Throwable t = catchThrowable(() -> ctx().codecs().create(specs.get(0)));
                assertThat(t).as("%s: creating codec %s", id, specs.get(0)).isNull();
                // and inside a whole array document of a matching rank and type
                int rank = expectedName.equals("transpose") ? value.path("configuration").path("order").size()
                        : expectedName.equals("sharding_indexed") ? value.path("configuration").path("chunk_shape").size() : 1;
                ObjectNode doc = arrayDoc(rank, 128);
                var codecs = doc.putArray("codecs");
                boolean a2b = Set.of("bytes", "sharding_indexed").contains(expectedName);
                if (!a2b && !expectedName.equals("transpose")) {
                    codecs.addObject().put("name", "bytes");
                }
                codecs.add(value);
                if (expectedName.equals("transpose")) {
                    codecs.addObject().put("name", "bytes");
                }
                ArrayMetadata a = (ArrayMetadata) MetadataFormat.parseV3(doc, id);
                assertThat(catchThrowable(() -> ctx().codecs().pipeline(a.codecs(), id))).as(id).isNull();
            }
            case "v3/chunk_grid" -> {
                int rank = value.path("configuration").has("chunk_shape")
                        ? value.path("configuration").path("chunk_shape").size()
                        : value.path("configuration").path("chunk_shapes").size();
                ObjectNode doc = arrayDoc(rank, 100);
                doc.set("chunk_grid", value);
                doc.putArray("codecs").addObject().put("name", "bytes");
                if (NOT_MAPPED.containsKey(id)) {
                    Throwable t = catchThrowable(() -> MetadataFormat.parseV3(doc, id));
                    assertUnsupportedThrowable(t, id, NOT_MAPPED.get(id));
                    UNMAPPED_SEEN.add(id + " (" + NOT_MAPPED.get(id) + ")");
                    return;
                }
                ArrayMetadata a = (ArrayMetadata) MetadataFormat.parseV3(doc, id);
                assertThat(a.chunkShape()).containsExactly(longs(value.path("configuration").path("chunk_shape")));
            }
            default -> {
                ObjectNode doc = arrayDoc(2, 100);
                doc.set("chunk_key_encoding", value);
                doc.putArray("codecs").addObject().put("name", "bytes");
                Throwable t = catchThrowable(() -> MetadataFormat.parseV3(doc, id));
                assertThat(t).as("%s: chunk_key_encoding %s must parse (the short-hand name form is valid v3)", id, value)
                        .isNull();
                ArrayMetadata a = (ArrayMetadata) MetadataFormat.parseV3(doc, id);
                String name = value.isTextual() ? value.textValue() : value.get("name").textValue();
                char expectedSep = value.path("configuration").has("separator")
                        ? value.path("configuration").get("separator").textValue().charAt(0)
                        : name.equals("v2") ? '.' : '/';
                assertThat(a.chunkKeyEncoding()).isEqualTo(new ChunkKeyEncoding(
                        name.equals("v2") ? ChunkKeyEncoding.Kind.V2 : ChunkKeyEncoding.Kind.DEFAULT, expectedSep));
            }
        }
    }

    private static ObjectNode arrayDoc(int rank, long extent) {
        ObjectNode doc = Json.object();
        doc.put("zarr_format", 3);
        doc.put("node_type", "array");
        var shape = doc.putArray("shape");
        var chunks = Json.nodes().arrayNode();
        for (int i = 0; i < rank; i++) {
            shape.add(extent);
            chunks.add(extent);
        }
        doc.put("data_type", "uint16");
        ObjectNode grid = doc.putObject("chunk_grid");
        grid.put("name", "regular");
        grid.putObject("configuration").set("chunk_shape", chunks);
        doc.put("fill_value", 0);
        return doc;
    }

    // ---- fill values ---------------------------------------------------------------------------------

    static Stream<Arguments> fillValues() throws IOException {
        Path base = fixture(BASE).resolve("v3/data_type");
        List<Arguments> out = new ArrayList<>();
        List<Path> dirs;
        try (Stream<Path> s = Files.list(base)) {
            dirs = s.sorted().toList();
        }
        for (Path d : dirs) {
            String type = d.getFileName().toString();
            JsonNode all = read(d.resolve("fill_values.json"));
            for (var it = all.fieldNames(); it.hasNext(); ) {
                String c = it.next();
                out.add(Arguments.of(type + "#" + c, type, all.get(c)));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fillValues")
    void fillValue(String id, String typeName, JsonNode value) throws IOException {
        if (FILL_TYPES_NOT_MAPPED.contains(typeName)) {
            UNMAPPED_SEEN.add("v3/data_type/" + id + " (data type " + typeName + ")");
            return;
        }
        DataType type;
        byte[] expected;
        if (typeName.startsWith("numpy_")) { // datetime64/timedelta64: int64 counts, "NaT" is -2^63
            JsonNode dt = read(fixture(BASE).resolve("v3/data_type/" + typeName + "/data_type.json"));
            String unit = dt.path("configuration").path("unit").asText();
            int scale = dt.path("configuration").path("scale_factor").asInt();
            type = typeName.equals("numpy_datetime64") ? DataType.datetime64(unit, scale) : DataType.timedelta64(unit, scale);
            long v = value.isTextual() && value.asText().equals("NaT") ? Long.MIN_VALUE : value.longValue();
            expected = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
        } else if (typeName.equals("string")) { // the text's UTF-8
            type = DataType.STRING;
            expected = value.textValue().getBytes(StandardCharsets.UTF_8);
        } else if (typeName.equals("bytes")) { // byte values, or base64 text
            type = DataType.BYTES;
            expected = value.isTextual() ? java.util.Base64.getDecoder().decode(value.textValue()) : new byte[value.size()];
            for (int i = 0; !value.isTextual() && i < value.size(); i++) {
                expected[i] = (byte) value.get(i).intValue();
            }
        } else {
            type = typeName.equals("raw") ? DataType.rawBits(8 * value.size()) : DataType.fromName(typeName);
            expected = expectedFillBytes(type, value);
        }
        FillValue f = FillValue.fromV3(value, type, id);
        assertThat(HexFormat.of().formatHex(f.bytes())).as("%s: %s parsed as %s", id, value, type)
                .isEqualTo(HexFormat.of().formatHex(expected));
        JsonNode written = f.toV3(type);
        FillValue again = FillValue.fromV3(written, type, id + " (rewritten " + written + ")");
        assertThat(again).as("%s: fromV3(toV3(x)) == x, toV3 gave %s", id, written).isEqualTo(f);
    }

    /** An independent reading of a v3 fill value: the element's little-endian bytes. */
    static byte[] expectedFillBytes(DataType t, JsonNode v) {
        ByteBuffer b = ByteBuffer.allocate(t.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        switch (t.kind()) {
            case BOOL -> b.put((byte) (v.booleanValue() ? 1 : 0));
            case INT, UINT -> {
                long x = v.bigIntegerValue().longValue(); // two's complement low 64 bits
                switch (t.byteSize()) {
                    case 1 -> b.put((byte) x);
                    case 2 -> b.putShort((short) x);
                    case 4 -> b.putInt((int) x);
                    default -> b.putLong(x);
                }
            }
            case FLOAT -> putFloat(b, t.byteSize(), v);
            case COMPLEX -> {
                putFloat(b, t.byteSize() / 2, v.get(0));
                putFloat(b, t.byteSize() / 2, v.get(1));
            }
            case RAW -> v.forEach(x -> b.put((byte) x.intValue()));
        }
        return b.array();
    }

    private static void putFloat(ByteBuffer b, int size, JsonNode v) {
        if (v.isTextual() && v.textValue().startsWith("0x")) {
            long bits = Long.parseUnsignedLong(v.textValue().substring(2), 16);
            switch (size) {
                case 2 -> b.putShort((short) bits);
                case 4 -> b.putInt((int) bits);
                default -> b.putLong(bits);
            }
            return;
        }
        double d = v.isNumber() ? v.doubleValue() : switch (v.textValue()) {
            case "NaN" -> Double.NaN;
            case "Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity" -> Double.NEGATIVE_INFINITY;
            default -> throw new AssertionError("unexpected fill value " + v);
        };
        switch (size) {
            case 2 -> b.putShort(Float.floatToFloat16((float) d)); // canonical NaN 0x7e00
            case 4 -> b.putInt(Float.floatToRawIntBits((float) d)); // NaN -> 0x7fc00000
            default -> b.putLong(Double.doubleToRawLongBits(d)); // NaN -> 0x7ff8000000000000
        }
    }

    private static long[] longs(JsonNode arr) {
        long[] out = new long[arr.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = arr.get(i).longValue();
        }
        return out;
    }

    private static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
        List<T> l = new ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }
}
