package dev.ngff.codec.std;

import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.codec.ArrayToBytesCodec;
import dev.ngff.codec.ArrayToBytesCodecContract;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.codec.CodecPipeline;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import dev.ngff.metadata.Json;
import dev.ngff.metadata.MetadataFormat;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import dev.ngff.testing.Fixtures;
import dev.ngff.testing.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * zarrs.optional over variable-length types (string, bytes): the codec contract on them, zarrs' snapshot
 * chunks decoded and re-encoded byte for byte, the null-for-missing buffer form, and hostile input.
 */
class OptionalVariableLengthTest extends ArrayToBytesCodecContract {
    private static final DataType OPT_STR = DataType.optional(DataType.STRING);
    private static final DataType OPT_BYTES = DataType.optional(DataType.BYTES);

    private static CodecPipeline pipeline(ArrayToBytesCodec c) throws Exception {
        return CodecPipeline.of(List.of(c), "test");
    }

    /** Mask through bytes (one byte per element), values through vlen-utf8 / vlen-bytes (same layout). */
    @Override
    protected ArrayToBytesCodec codec() throws Exception {
        return new OptionalCodec("zarrs.optional", pipeline(BytesCodec.littleEndian()), pipeline(VlenCodec.utf8()));
    }

    @Override
    protected List<DataType> dataTypes() {
        return List.of(OPT_STR, OPT_BYTES);
    }

    /** zarrs' packbits for bool: one bit per element, least significant first. */
    private static final class LsbFirstBits implements ArrayToBytesCodec {
        @Override
        public dev.ngff.metadata.CodecSpec spec() {
            return dev.ngff.metadata.CodecSpec.of("packbits");
        }

        @Override
        public Bytes encode(NdBuffer chunk, ChunkSpec spec) {
            byte[] out = new byte[(int) ((chunk.elementCount() + 7) / 8)];
            for (int i = 0; i < chunk.elementCount(); i++) {
                if (chunk.segment().get(ValueLayout.JAVA_BYTE, i) != 0) {
                    out[i / 8] |= (byte) (1 << (i % 8));
                }
            }
            return Bytes.wrap(out);
        }

        @Override
        public NdBuffer decode(Bytes encoded, ChunkSpec spec) throws CorruptDataException {
            if (encoded.size() != (spec.elementCount() + 7) / 8) {
                throw new CorruptDataException("mask of " + encoded.size() + " bytes for " + spec.elementCount() + " elements");
            }
            NdBuffer b = NdBuffer.allocate(DataType.BOOL, spec.shape());
            for (int i = 0; i < spec.elementCount(); i++) {
                b.segment().set(ValueLayout.JAVA_BYTE, i, (byte) ((encoded.get(i / 8) >> (i % 8)) & 1));
            }
            return b;
        }
    }

    /**
     * zarrs' a2b/zarrs.optional cell of optional(string) (8x24, chunks 4x6): element i is "str_%04d" of i,
     * missing where i % 4 == 3. Every chunk decodes to it and re-encodes to zarrs' bytes.
     */
    @Test
    void readsAndRewritesZarrsSnapshotChunks() throws Exception {
        Path cell;
        try (var s = Files.list(Fixtures.path("zarrs/snapshots/supported/regular/zarrs.optional(string)/a2b/zarrs.optional"))) {
            cell = s.findFirst().orElseThrow();
        }
        Path doc = cell.resolve("zarr.json");
        ArrayMetadata m = (ArrayMetadata) MetadataFormat.parseV3(Json.parse(Files.readString(doc), doc.toString()), doc.toString());
        assertThat(m.dataType()).isEqualTo(OPT_STR);
        assertThat(m.dataType().isVariableLength()).isTrue();
        assertThat(m.fillValue().bytes()).containsExactly(0);
        OptionalCodec c = new OptionalCodec("zarrs.optional", pipeline(new LsbFirstBits()), pipeline(VlenCodec.utf8()));
        int checked = 0;
        for (int ci = 0; ci < 2; ci++) {
            for (int cj = 0; cj < 4; cj++) {
                Path chunk = cell.resolve("c/" + ci + "/" + cj);
                Bytes enc = Bytes.wrap(Files.readAllBytes(chunk));
                ChunkSpec spec = new ChunkSpec(new long[] {4, 6}, OPT_STR, m.fillValue());
                NdBuffer got = c.decode(enc, spec);
                for (int r = 0; r < 4; r++) {
                    for (int k = 0; k < 6; k++) {
                        int i = (ci * 4 + r) * 24 + cj * 6 + k;
                        assertThat(got.getString(r, k)).as("element %d", i).isEqualTo(i % 4 == 3 ? null : String.format("str_%04d", i));
                    }
                }
                assertThat(c.encode(got, spec).toArray()).as("re-encoded %s", chunk).isEqualTo(enc.toArray());
                checked++;
            }
        }
        assertThat(checked).isEqualTo(8);
    }

    @Test
    void layoutIsHeaderMaskThenPresentElementsThroughVlen() throws Exception {
        OptionalCodec c = new OptionalCodec("zarrs.optional", pipeline(BytesCodec.littleEndian()), pipeline(VlenCodec.bytes()));
        NdBuffer b = NdBuffer.allocate(OPT_BYTES, 3);
        b.setBytes(new byte[] {7, 8}, 0);
        b.setBytes(new byte[0], 2); // present and empty: not the same as missing
        byte[] enc = c.encode(b, new ChunkSpec(new long[] {3}, OPT_BYTES, FillValue.zero(OPT_BYTES))).toArray();
        assertThat(enc).containsExactly(3, 0, 0, 0, 0, 0, 0, 0, 14, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1,
                2, 0, 0, 0, 2, 0, 0, 0, 7, 8, 0, 0, 0, 0);
        NdBuffer back = c.decode(Bytes.wrap(enc), new ChunkSpec(new long[] {3}, OPT_BYTES, FillValue.zero(OPT_BYTES)));
        assertThat(back.getBytes(0)).containsExactly(7, 8);
        assertThat(back.getBytes(1)).isNull();
        assertThat(back.getBytes(2)).isEmpty();
    }

    @Test
    void allMissingChunkHasNoDataBytes() throws Exception {
        NdBuffer b = NdBuffer.allocate(OPT_STR, 2, 2);
        assertThat(b.toStrings()).containsExactly(null, null, null, null);
        ChunkSpec spec = new ChunkSpec(new long[] {2, 2}, OPT_STR, FillValue.zero(OPT_STR));
        byte[] enc = codec().encode(b, spec).toArray();
        assertThat(enc).hasSize(16 + 4);
        assertThat(codec().decode(Bytes.wrap(enc), spec).contentEquals(b)).isTrue();
    }

    @Test
    void maskAndDataCountsMustAgree() throws Exception {
        ChunkSpec spec = new ChunkSpec(new long[] {2}, OPT_STR, FillValue.zero(OPT_STR));
        // mask says one present, vlen data holds two elements
        byte[] bad = {2, 0, 0, 0, 0, 0, 0, 0, 14, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 0, 0, 0, 1, 0, 0, 0, 'a', 1, 0, 0, 0, 'b'};
        assertThatThrownBy(() -> codec().decode(Bytes.wrap(bad), spec)).isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("elements");
        // invalid UTF-8 in a present element
        byte[] badText = {2, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, (byte) 0xff};
        assertThatThrownBy(() -> codec().decode(Bytes.wrap(badText), spec)).isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("UTF-8");
    }

    /** Arbitrary bytes, and valid encodings with a byte flipped, decode or fail as CorruptDataException; nothing else. */
    @Test
    void hostileInputIsCorruptDataOrDecodes() {
        Properties.forAll(500, g -> {
            byte[] noise = g.bytes(0, 80);
            int flip = g.intIn(0, 60);
            boolean fromValid = g.bool();
            ChunkSpec spec = new ChunkSpec(new long[] {3, 2}, OPT_STR, FillValue.zero(OPT_STR));
            byte[] input = noise;
            if (fromValid) {
                input = codec().encode(dev.ngff.testing.TestArrays.random(OPT_STR, new long[] {3, 2}, flip), spec).toArray();
                input[flip % input.length] ^= (byte) (noise.length == 0 ? 0x80 : noise[0] | 1);
            }
            byte[] in = input;
            Throwable e = org.assertj.core.api.Assertions.catchThrowable(() -> codec().decode(Bytes.wrap(in), spec));
            if (e != null) {
                assertThat(e).as("decoding %s", java.util.HexFormat.of().formatHex(in)).isInstanceOf(CorruptDataException.class);
            }
        });
    }

    @Test
    void plainVlenCodecsRefuseMissingElements() {
        assertThatThrownBy(() -> VlenCodec.utf8().checkDataType(OPT_STR, "a")).isInstanceOf(InvalidMetadataException.class)
                .hasMessageContaining("zarrs.optional");
        NdBuffer b = NdBuffer.allocate(OPT_STR, 2);
        b.setString("x", 0);
        assertThatThrownBy(() -> VlenCodec.utf8().encode(b, new ChunkSpec(new long[] {2}, OPT_STR, FillValue.zero(OPT_STR))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("element 1").hasMessageContaining("missing");
        assertThatThrownBy(() -> NdBuffer.allocate(DataType.STRING, 1).setString(null, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no missing elements");
    }

    @Test
    void fillCopyAndAllEqualKeepMissing() {
        NdBuffer b = NdBuffer.allocate(OPT_STR, 2, 3);
        assertThat(b.allEqual(new byte[] {0})).isTrue();
        byte[] presentX = {'x', 1};
        b.fill(presentX);
        assertThat(b.toStrings()).containsOnly("x");
        assertThat(b.allEqual(presentX)).isTrue();
        assertThat(b.allEqual(new byte[] {0})).isFalse();
        b.setString(null, 1, 2);
        assertThat(b.allEqual(presentX)).isFalse();
        NdBuffer copy = b.copyRegion(new long[] {1, 1}, new long[] {1, 2});
        assertThat(copy.toStrings()).containsExactly("x", null);
        b.fill(new byte[] {0});
        assertThat(b.toStrings()).containsOnly((String) null);
        assertThat(DataType.optional(DataType.STRING).toString()).isEqualTo("zarrs.optional(string)");
        assertThatThrownBy(() -> DataType.optional(OPT_STR)).isInstanceOf(IllegalArgumentException.class);
    }

    private static ArrayMetadata parse(String dataType, String fill) throws Exception {
        String doc = "{\"zarr_format\": 3, \"node_type\": \"array\", \"shape\": [4], \"data_type\": " + dataType
                + ", \"chunk_grid\": {\"name\": \"regular\", \"configuration\": {\"chunk_shape\": [2]}},"
                + " \"chunk_key_encoding\": {\"name\": \"default\"}, \"fill_value\": " + fill + ", \"codecs\": [{\"name\":"
                + " \"zarrs.optional\", \"configuration\": {\"mask_codecs\": [{\"name\": \"bytes\"}], \"data_codecs\":"
                + " [{\"name\": \"vlen-utf8\"}]}}]}";
        return (ArrayMetadata) MetadataFormat.parseV3(Json.parse(doc, "t"), "t");
    }

    @Test
    void metadataFillValuesAndRefusals() throws Exception {
        String optStr = "{\"name\": \"zarrs.optional\", \"configuration\": {\"name\": \"string\", \"configuration\": {}}}";
        assertThat(parse(optStr, "null").fillValue().bytes()).containsExactly(0);
        assertThat(parse(optStr, "[\"\"]").fillValue().bytes()).containsExactly(1);
        assertThat(parse(optStr, "[\"ab\"]").fillValue().bytes()).containsExactly('a', 'b', 1);
        assertThat(parse(optStr, "[\"ab\"]").fillValue().toV3(OPT_STR).toString()).isEqualTo("[\"ab\"]");
        assertThatThrownBy(() -> parse(optStr, "[5]")).isInstanceOf(InvalidMetadataException.class)
                .hasMessageContaining("/fill_value/0");
        String nested = "{\"name\": \"zarrs.optional\", \"configuration\": " + optStr + "}";
        assertThatThrownBy(() -> parse(nested, "null")).isInstanceOf(dev.ngff.error.UnsupportedExtensionException.class)
                .hasMessageContaining("zarrs.optional(string)");
        assertThatThrownBy(() -> ArrayMetadata.builder(OPT_STR, 4).fillValue(FillValue.ofText("x")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be [0] (missing)");
        // the plain vlen codec as the array-to-bytes codec of an optional type is refused when the array opens
        assertThatThrownBy(() -> CodecPipeline.of(List.of(VlenCodec.utf8()), "t").checkDataType(OPT_STR, "t"))
                .isInstanceOf(InvalidMetadataException.class).hasMessageContaining("missing elements");
    }

    @Test
    void transposeMovesMissingElements() {
        NdBuffer b = NdBuffer.allocate(OPT_STR, 2, 3);
        b.setString("a", 0, 0);
        b.setString("c", 0, 2);
        b.setString("e", 1, 1);
        TransposeCodec t = new TransposeCodec(new int[] {1, 0});
        NdBuffer moved = t.encode(b, new ChunkSpec(new long[] {2, 3}, OPT_STR, FillValue.zero(OPT_STR)));
        assertThat(moved.toStrings()).containsExactly("a", null, null, "e", "c", null);
        assertThat(t.decode(moved, new ChunkSpec(new long[] {2, 3}, OPT_STR, FillValue.zero(OPT_STR))).contentEquals(b)).isTrue();
    }

    /** Sharded optional text with transpose and gzip inside: inner chunks all missing are not stored. */
    @Test
    void shardedWithTransposeAndGzip(@TempDir Path dir) throws Exception {
        CodecSpec optional = Codecs.optional(List.of(Codecs.bytes("little")), List.of(Codecs.vlenUtf8()));
        try (ExecutionContext ctx = ExecutionContext.create()) {
            FileSystemStore store = FileSystemStore.open(dir);
            ArrayMetadata meta = ArrayMetadata.builder(OPT_STR, 8, 8).chunks(8, 8)
                    .codecs(Codecs.sharding(new long[] {4, 4}, List.of(Codecs.transpose(1, 0), optional, Codecs.gzip(5)),
                            Codecs.defaultShardIndexCodecs(), true)).build();
            ZarrArray a = Zarr.createArray(store, Key.of("s"), meta, ctx);
            NdBuffer data = NdBuffer.allocate(OPT_STR, 8, 8);
            for (int r = 0; r < 8; r++) {
                for (int k = 0; k < 8; k++) {
                    if (r >= 4 && k < 4) {
                        continue; // one inner chunk wholly missing: the fill value
                    }
                    data.setString((r + k) % 3 == 0 ? null : r + "," + k, r, k);
                }
            }
            a.write(data);
            assertThat(Zarr.openArray(store, Key.of("s"), ctx).read().contentEquals(data)).isTrue();
            NdBuffer region = Zarr.openArray(store, Key.of("s"), ctx).read(new long[] {3, 2}, new long[] {2, 3});
            assertThat(region.toStrings()).containsExactly("3,2", null, "3,4", null, null, "4,4");
        }
    }

    /** Whole arrays with default codecs: missing elements, present empty text, a present fill value, transpose. */
    @Test
    void wholeArraysThroughTheApi(@TempDir Path dir) throws Exception {
        try (ExecutionContext ctx = ExecutionContext.create()) {
            FileSystemStore store = FileSystemStore.open(dir);
            ArrayMetadata meta = ArrayMetadata.builder(OPT_STR, 5, 7).chunks(2, 3)
                    .fillValue(FillValue.fromV3(Json.parse("[\"fill\"]", "t"), OPT_STR, "/fill_value")).build();
            ZarrArray a = Zarr.createArray(store, Key.of("s"), meta, ctx);
            NdBuffer data = NdBuffer.allocate(OPT_STR, 5, 7);
            for (int i = 0; i < 35; i++) {
                data.setElementBytes(i, i % 5 == 0 ? null : (i % 7 == 1 ? "" : "v" + i).getBytes(StandardCharsets.UTF_8));
            }
            a.write(new long[] {0, 0}, data.copyRegion(new long[] {0, 0}, new long[] {5, 6}));
            ZarrArray back = Zarr.openArray(store, Key.of("s"), ctx);
            NdBuffer got = back.read();
            for (int r = 0; r < 5; r++) {
                for (int k = 0; k < 7; k++) {
                    assertThat(got.getString(r, k)).as("[%d][%d]", r, k).isEqualTo(k == 6 ? "fill" : data.getString(r, k));
                }
            }
            String json = Files.readString(dir.resolve("s/zarr.json"));
            assertThat(Json.parse(json, "t").get("fill_value").toString()).isEqualTo("[\"fill\"]");
            assertThat(Json.parse(json, "t").get("data_type").toString())
                    .isEqualTo("{\"name\":\"zarrs.optional\",\"configuration\":{\"name\":\"string\",\"configuration\":{}}}");
        }
    }
}
