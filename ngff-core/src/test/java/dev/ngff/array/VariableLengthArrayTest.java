package dev.ngff.array;

import dev.ngff.buffer.NdBuffer;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import dev.ngff.metadata.Json;
import dev.ngff.metadata.MetadataFormat;
import dev.ngff.store.Key;
import dev.ngff.store.MemoryStore;
import dev.ngff.testing.Properties;
import dev.ngff.testing.TestArrays;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Text and bytes arrays through whole pipelines: every pipeline shape, v2 and v3, fill values, bad chains. */
class VariableLengthArrayTest {

    /** The pipeline shapes a string array can have: plain, compressed, transposed, sharded (and combinations). */
    enum Shape {
        PLAIN, GZIP, TRANSPOSE_GZIP, SHARDED, SHARDED_GZIP, SHARDED_TRANSPOSE_GZIP, V2_PLAIN, V2_GZIP, V2_ORDER_F;

        List<CodecSpec> codecs(DataType t) {
            CodecSpec vlen = Codecs.defaultArrayToBytes(t);
            return switch (this) {
                case PLAIN, V2_PLAIN -> List.of(vlen);
                case GZIP, V2_GZIP -> List.of(vlen, Codecs.gzip(5));
                case TRANSPOSE_GZIP -> List.of(Codecs.transpose(1, 0), vlen, Codecs.gzip(1));
                case V2_ORDER_F -> List.of(Codecs.transpose(1, 0), vlen);
                case SHARDED -> List.of(Codecs.sharding(new long[] {2, 3}, List.of(vlen), Codecs.defaultShardIndexCodecs(), true));
                // a compressor after the vlen codec inside a shard: the encoder's gather-into-scratch path
                case SHARDED_GZIP -> List.of(Codecs.sharding(new long[] {2, 3}, List.of(vlen, Codecs.gzip(1)),
                        Codecs.defaultShardIndexCodecs(), true));
                case SHARDED_TRANSPOSE_GZIP -> List.of(Codecs.sharding(new long[] {2, 3},
                        List.of(Codecs.transpose(1, 0), vlen, Codecs.gzip(1)), Codecs.defaultShardIndexCodecs(), false));
            };
        }

        int format() {
            return name().startsWith("V2") ? 2 : 3;
        }
    }

    @Test
    void randomStringArraysRoundTripThroughEveryPipelineShape() {
        Properties.forAll(60, g -> {
            Shape shape = g.oneOf(Shape.values());
            long seed = g.anyLong();
            Random r = new Random(seed);
            DataType type = r.nextInt(4) == 0 ? DataType.BYTES : DataType.STRING;
            long rows = 1 + r.nextInt(9);
            long cols = 1 + r.nextInt(13);
            NdBuffer data = TestArrays.random(type, new long[] {rows, cols}, seed);
            try (ExecutionContext ctx = ExecutionContext.create(ExecutionContext.Config.defaults())) {
                MemoryStore store = new MemoryStore();
                ArrayMetadata meta = ArrayMetadata.builder(type, rows, cols).zarrFormat(shape.format()).chunks(4, 6)
                        .codecs(shape.codecs(type)).build();
                ZarrArray a = Zarr.createArray(store, Key.of("s"), meta, ctx);
                a.write(data);
                ZarrArray again = Zarr.openArray(store, Key.of("s"), ctx);
                assertThat(again.dataType()).isEqualTo(type);
                NdBuffer back = again.read();
                assertThat(back.contentEquals(data)).as("%s %s seed %d", shape, type, seed).isTrue();
                long[] off = {r.nextInt((int) rows), r.nextInt((int) cols)};
                long[] box = {1 + r.nextInt((int) (rows - off[0])), 1 + r.nextInt((int) (cols - off[1]))};
                assertThat(again.read(off, box).contentEquals(data.copyRegion(off, box))).as("region of %s seed %d", shape, seed).isTrue();
            }
        });
    }

    @Test
    void partialWritesMergeAndFillChunksAreNotStored() throws Exception {
        try (ExecutionContext ctx = ExecutionContext.create(ExecutionContext.Config.defaults())) {
            MemoryStore store = new MemoryStore();
            ZarrArray a = Zarr.createArray(store, Key.of("t"), ArrayMetadata.builder(DataType.STRING, 4, 4).chunks(2, 2)
                    .fillValue(FillValue.ofText("n/a")).codecs(Codecs.vlenUtf8(), Codecs.gzip(1)).build(), ctx);
            assertThat(a.read().toStrings()).containsOnly("n/a");
            a.write(new long[] {1, 1}, NdBuffer.ofStrings(new String[] {"ü", "", "日本", "\uD83E\uDD80"}, 2, 2));
            NdBuffer all = a.read();
            assertThat(all.getString(1, 1)).isEqualTo("ü");
            assertThat(all.getString(1, 2)).isEqualTo("");
            assertThat(all.getString(2, 1)).isEqualTo("日本");
            assertThat(all.getString(2, 2)).isEqualTo("\uD83E\uDD80");
            assertThat(all.getString(0, 0)).isEqualTo("n/a");
            assertThat(all.getString(3, 3)).isEqualTo("n/a");
            assertThat(store.list(Key.of("t/c"))).hasSize(4);
            // writing the fill value back removes the chunk
            a.write(new long[] {0, 0}, NdBuffer.ofStrings(new String[] {"n/a", "n/a", "n/a", "n/a"}, 2, 2));
            assertThat(store.list(Key.of("t/c"))).hasSize(3);
            assertThat(a.read().getString(1, 1)).isEqualTo("n/a");
        }
    }

    @Test
    void metadataIsWhatZarrPythonWrites() throws Exception {
        ArrayMetadata v3 = ArrayMetadata.builder(DataType.STRING, 5).chunks(2).build();
        var json = MetadataFormat.toV3(v3);
        assertThat(json.get("data_type").textValue()).isEqualTo("string");
        assertThat(json.get("fill_value").textValue()).isEqualTo("");
        assertThat(json.get("codecs").toString()).isEqualTo("[{\"name\":\"vlen-utf8\",\"configuration\":{}}]");
        ArrayMetadata bytes = ArrayMetadata.builder(DataType.BYTES, 5).fillValue(FillValue.ofBytes(new byte[] {1, 2})).build();
        var bj = MetadataFormat.toV3(bytes);
        assertThat(bj.get("data_type").textValue()).isEqualTo("variable_length_bytes");
        assertThat(bj.get("fill_value").textValue()).isEqualTo("AQI=");
        ArrayMetadata v2 = ArrayMetadata.builder(DataType.STRING, 5).zarrFormat(2).chunks(2)
                .codecs(Codecs.vlenUtf8(), Codecs.gzip(1)).build();
        var z = MetadataFormat.toV2Array(v2);
        assertThat(z.get("dtype").textValue()).isEqualTo("|O");
        assertThat(z.get("filters").toString()).isEqualTo("[{\"id\":\"vlen-utf8\"}]");
        assertThat(z.get("compressor").path("id").textValue()).isEqualTo("gzip");
        // read back: the filter is the array-to-bytes codec again
        ArrayMetadata parsed = MetadataFormat.parseV2Array(z, null, "test");
        assertThat(parsed.dataType()).isEqualTo(DataType.STRING);
        assertThat(parsed.codecs()).extracting(CodecSpec::name).containsExactly("vlen-utf8", "gzip");
        assertThat(MetadataFormat.toV2Array(parsed)).isEqualTo(z);
    }

    @Test
    void v2ObjectFillValuesReadAsZarrPythonReadsThem() throws Exception {
        String base = "{\"zarr_format\":2,\"shape\":[3],\"chunks\":[2],\"dtype\":\"|O\",\"compressor\":null,\"order\":\"C\",";
        assertThat(fill(base + "\"filters\":[{\"id\":\"vlen-utf8\"}],\"fill_value\":0}")).isEqualTo("0".getBytes());
        assertThat(fill(base + "\"filters\":[{\"id\":\"vlen-utf8\"}],\"fill_value\":null}")).isEmpty();
        assertThat(fill(base + "\"filters\":[{\"id\":\"vlen-utf8\"}],\"fill_value\":\"x\"}")).isEqualTo("x".getBytes());
        assertThat(fill(base + "\"filters\":[{\"id\":\"vlen-bytes\"}],\"fill_value\":0}")).isEmpty();
        assertThat(fill(base + "\"filters\":[{\"id\":\"vlen-bytes\"}],\"fill_value\":\"AQI=\"}")).containsExactly(1, 2);
        assertThatThrownBy(() -> fill(base + "\"filters\":[{\"id\":\"vlen-array\",\"dtype\":\"<i4\"}],\"fill_value\":null}"))
                .isInstanceOf(dev.ngff.error.UnsupportedExtensionException.class).hasMessageContaining("vlen-array");
        assertThatThrownBy(() -> fill(base + "\"filters\":null,\"fill_value\":null}"))
                .isInstanceOf(InvalidMetadataException.class).hasMessageContaining("object codec");
    }

    private static byte[] fill(String zarray) throws Exception {
        return MetadataFormat.parseV2Array(Json.parse(dev.ngff.buffer.Bytes.wrap(zarray.getBytes(StandardCharsets.UTF_8)), "t"),
                null, "t").fillValue().bytes();
    }

    @Test
    void fixedSizeCodecsRefuseVariableLengthTypesWhenTheArrayIsOpened() {
        try (ExecutionContext ctx = ExecutionContext.create(ExecutionContext.Config.defaults())) {
            MemoryStore store = new MemoryStore();
            assertThatThrownBy(() -> Zarr.createArray(store, Key.of("x"),
                    ArrayMetadata.builder(DataType.STRING, 4).codecs(Codecs.bytes("little")).build(), ctx))
                    .isInstanceOf(InvalidMetadataException.class).hasMessageContaining("'bytes'").hasMessageContaining("string");
            assertThatThrownBy(() -> Zarr.createArray(store, Key.of("x"),
                    ArrayMetadata.builder(DataType.STRING, 4).codecs(Codecs.sharding(new long[] {2},
                            List.of(Codecs.bytes("little")), Codecs.defaultShardIndexCodecs(), true)).build(), ctx))
                    .isInstanceOf(InvalidMetadataException.class).hasMessageContaining("sharding_indexed inner");
            assertThatThrownBy(() -> Zarr.createArray(store, Key.of("x"),
                    ArrayMetadata.builder(DataType.INT16, 4).codecs(Codecs.vlenUtf8()).build(), ctx))
                    .isInstanceOf(InvalidMetadataException.class).hasMessageContaining("vlen-utf8").hasMessageContaining("int16");
            assertThat(store.list(Key.of(""))).isEmpty();
        }
    }

    @Test
    void bufferAccessorsAndLimits() {
        NdBuffer b = NdBuffer.ofStrings(new String[] {"a", "b", "c", "d", "e", "f"}, 2, 3);
        assertThat(b.isVariableLength()).isTrue();
        assertThat(b.copyRegion(new long[] {0, 1}, new long[] {2, 2}).toStrings()).containsExactly("b", "c", "e", "f");
        assertThatThrownBy(b::segment).isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("string");
        assertThatThrownBy(() -> b.getInt(0, 0)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> b.setString("\uD800", 0, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("surrogate");
        assertThatThrownBy(() -> b.setBytes(new byte[] {(byte) 0xff}, 0, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("UTF-8");
        byte[] mine = {1, 2};
        NdBuffer bytes = NdBuffer.ofBytes(new byte[][] {mine}, 1);
        mine[0] = 9;
        assertThat(bytes.getBytes(0)).containsExactly(1, 2);
        bytes.getBytes(0)[1] = 7;
        assertThat(bytes.getBytes(0)).containsExactly(1, 2);
        assertThatThrownBy(() -> NdBuffer.allocate(DataType.STRING, 1L << 31))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(String.valueOf(NdBuffer.MAX_VARIABLE_LENGTH_ELEMENTS));
        b.fill("z".getBytes());
        assertThat(b.allEqual("z".getBytes())).isTrue();
        assertThat(b.contentEquals(NdBuffer.ofStrings(new String[] {"z", "z", "z", "z", "z", "z"}, 2, 3))).isTrue();
    }
}
