package dev.ngff.array;

import dev.ngff.buffer.Bytes;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.store.Key;
import dev.ngff.store.MemoryStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Hostile keys in consolidated metadata (v3 inline, v2 .zmetadata) are invalid metadata naming their pointer. */
class ConsolidatedMetadataTest {
    private static final String ARRAY = """
            {"zarr_format":3,"node_type":"array","shape":[4],"data_type":"uint8",
             "chunk_grid":{"name":"regular","configuration":{"chunk_shape":[4]}},
             "chunk_key_encoding":{"name":"default"},"fill_value":0,"codecs":[{"name":"bytes"}]}""";
    private static final String GROUP = "{\"zarr_format\":3,\"node_type\":\"group\"}";
    private static final String V2_ARRAY = """
            {"zarr_format":2,"shape":[4],"chunks":[4],"dtype":"|u1","compressor":null,"fill_value":0,"order":"C","filters":null}""";

    private final ExecutionContext ctx = ExecutionContext.create();
    private final MemoryStore store = new MemoryStore("mem");

    @AfterEach
    void close() {
        ctx.close();
    }

    private ZarrGroup v3(String entries) throws Exception {
        put("zarr.json", "{\"zarr_format\":3,\"node_type\":\"group\",\"consolidated_metadata\":"
                + "{\"kind\":\"inline\",\"must_understand\":false,\"metadata\":{" + entries + "}}}");
        return Zarr.openGroup(store, Key.ROOT, ctx);
    }

    private ZarrGroup v2(String entries) throws Exception {
        put(".zgroup", "{\"zarr_format\":2}");
        put(".zmetadata", "{\"zarr_consolidated_format\":1,\"metadata\":{" + entries + "}}");
        return Zarr.openGroup(store, Key.ROOT, ctx);
    }

    private void put(String key, String json) {
        store.write(Key.of(key), Bytes.wrap(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anEmptyKeyIsRejectedInsteadOfNamingTheGroupItself() throws Exception {
        // before: childNames() returned "" and open("") returned the root again, so a walk never ended
        ZarrGroup g = v3("\"\":" + ARRAY + ",\"a\":" + ARRAY);
        assertThatThrownBy(g::childNames).isInstanceOf(InvalidMetadataException.class)
                .hasMessage("memory:mem 'zarr.json': /consolidated_metadata/metadata/: entry with an empty key"
                        + " (it would name the group itself)");
        assertThatThrownBy(() -> g.open("a")).isInstanceOf(InvalidMetadataException.class);
    }

    @Test
    void keysThatLeaveTheGroupOrAreNoPathsAreRejected() throws Exception {
        for (String key : new String[] {"..", "a/..", "../x", ".", "a//b", "a\\\\b", "/", "a/", "a\\u0000b"}) {
            store.clear();
            ZarrGroup g = v3("\"" + key + "\":" + GROUP);
            assertThatThrownBy(g::consolidated).as(key).isInstanceOf(InvalidMetadataException.class)
                    .hasMessageStartingWith("memory:mem 'zarr.json': /consolidated_metadata/metadata/")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "\0"));
        }
    }

    @Test
    void aPointerEscapesSlashesAndTildes() throws Exception {
        ZarrGroup g = v3("\"a~/../b\":" + GROUP);
        assertThatThrownBy(g::consolidated).isInstanceOf(InvalidMetadataException.class)
                .hasMessageContaining("/consolidated_metadata/metadata/a~0~1..~1b: 'a~/../b' is not a valid node path");
    }

    @Test
    void aLeadingSlashIsToleratedButMayNotDuplicateAnEntry() throws Exception {
        ZarrGroup ok = v3("\"/a\":" + ARRAY);
        assertThat(ok.childNames()).containsExactly("a");
        assertThat(ok.open("a")).isInstanceOf(ZarrArray.class);
        store.clear();
        ZarrGroup dup = v3("\"a\":" + ARRAY + ",\"/a\":" + GROUP);
        assertThatThrownBy(dup::childNames).isInstanceOf(InvalidMetadataException.class)
                .hasMessage("memory:mem 'zarr.json': /consolidated_metadata/metadata/~1a: a second entry for node 'a'");
    }

    @Test
    void entriesMustBeObjects() throws Exception {
        ZarrGroup g = v3("\"a\":[1,2]");
        assertThatThrownBy(g::childNames).isInstanceOf(InvalidMetadataException.class)
                .hasMessage("memory:mem 'zarr.json': /consolidated_metadata/metadata/a must be a JSON object, got array");
        store.clear();
        ZarrGroup m = v3("\"a\":{\"zarr_format\":3}");
        assertThatThrownBy(m::childNames).isInstanceOf(InvalidMetadataException.class)
                .hasMessageStartingWith("memory:mem 'zarr.json' /consolidated_metadata/metadata/a: ");
    }

    @Test
    void validEntriesStillIndexTheHierarchy() throws Exception {
        ZarrGroup g = v3("\"a\":" + GROUP + ",\"a/x\":" + ARRAY + ",\"b\":" + ARRAY);
        assertThat(g.childNames()).containsExactly("a", "b");
        assertThat(g.openGroup("a").path()).isEqualTo(Key.of("a"));
        assertThat(g.open("a/x")).isInstanceOf(ZarrArray.class);
    }

    @Test
    void v2HostileKeysAreRejected() throws Exception {
        for (String key : new String[] {"../.zarray", "a//.zarray", "a\\\\b/.zgroup", "/a/.zarray", ""}) {
            store.clear();
            ZarrGroup g = v2("\"" + key + "\":" + V2_ARRAY);
            assertThatThrownBy(g::childNames).as(key).isInstanceOf(InvalidMetadataException.class)
                    .hasMessageStartingWith("memory:mem '.zmetadata': /metadata/");
        }
        store.clear();
        ZarrGroup both = v2("\"a/.zarray\":" + V2_ARRAY + ",\"a/.zgroup\":{\"zarr_format\":2}");
        assertThatThrownBy(both::childNames).isInstanceOf(InvalidMetadataException.class)
                .hasMessageContaining("node 'a' has both a .zarray and a .zgroup entry");
        store.clear();
        ZarrGroup notObject = v2("\"a/.zattrs\":\"x\",\"a/.zarray\":" + V2_ARRAY);
        assertThatThrownBy(notObject::childNames).isInstanceOf(InvalidMetadataException.class)
                .hasMessage("memory:mem '.zmetadata': /metadata/a~1.zattrs must be a JSON object, got string");
    }

    @Test
    void v2RootDocumentsAreNotChildren() throws Exception {
        ZarrGroup g = v2("\".zgroup\":{\"zarr_format\":2},\".zattrs\":{},\"a/.zarray\":" + V2_ARRAY
                + ",\"a/.zattrs\":{\"k\":1},\"b/.zgroup\":{\"zarr_format\":2}");
        assertThat(g.childNames()).containsExactly("a", "b");
        assertThat(g.openArray("a").metadata().attributes().get("k").intValue()).isEqualTo(1);
    }
}
