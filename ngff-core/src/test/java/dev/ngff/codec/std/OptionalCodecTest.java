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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The zarrs.optional codec: the contract on optional types, its layout against chunks zarrs wrote
 * ({@code zarrs/v3/array_optional*.zarr}), and whole arrays through the public API.
 */
class OptionalCodecTest extends ArrayToBytesCodecContract {
    private static final DataType OPT_U8 = DataType.optional(DataType.UINT8);
    private static final DataType OPT_OPT_U8 = DataType.optional(OPT_U8);

    private static CodecPipeline pipeline(ArrayToBytesCodec c) throws Exception {
        return CodecPipeline.of(List.of(c), "test");
    }

    /** Masks and values both through the bytes codec: one byte per mask element. */
    private static OptionalCodec plain() throws Exception {
        return new OptionalCodec("zarrs.optional", pipeline(BytesCodec.littleEndian()), pipeline(BytesCodec.littleEndian()));
    }

    @Override
    protected ArrayToBytesCodec codec() throws Exception {
        return new OptionalCodec("zarrs.optional", pipeline(BytesCodec.littleEndian()),
                pipeline(new OptionalCodec("zarrs.optional", pipeline(BytesCodec.littleEndian()), pipeline(BytesCodec.littleEndian()))));
    }

    @Override
    protected List<DataType> dataTypes() {
        return List.of(DataType.optional(OPT_U8), DataType.optional(DataType.optional(DataType.FLOAT32)),
                DataType.optional(DataType.optional(DataType.COMPLEX128)));
    }

    /**
     * A bool mask packed one bit per element, least significant bit first, last byte zero-padded: what zarrs'
     * packbits writes for bool (the project's packbits codec is not on this branch; this stands in for it
     * to read zarrs' chunks, and is checked against them below).
     */
    private static final class LsbFirstBits implements ArrayToBytesCodec {
        @Override
        public CodecSpec spec() {
            return CodecSpec.of("packbits");
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
            NdBuffer b = NdBuffer.allocate(DataType.BOOL, spec.shape());
            if (encoded.size() != (spec.elementCount() + 7) / 8) {
                throw new CorruptDataException("mask of " + encoded.size() + " bytes for " + spec.elementCount() + " elements");
            }
            for (int i = 0; i < spec.elementCount(); i++) {
                b.segment().set(ValueLayout.JAVA_BYTE, i, (byte) ((encoded.get(i / 8) >> (i % 8)) & 1));
            }
            return b;
        }
    }

    private static OptionalCodec zarrsLike(DataType type) throws Exception {
        ArrayToBytesCodec values = type.optionalInner().optionalInner() != null ? zarrsLike(type.optionalInner()) : BytesCodec.littleEndian();
        return new OptionalCodec("optional", pipeline(new LsbFirstBits()), pipeline(values));
    }

    /** Element codes: -1 missing (N), -2 Some(None) (SN), else the uint8 value. */
    private static byte[] element(DataType t, int code) {
        byte[] e = new byte[t.byteSize()];
        if (code == -1) {
            return e;
        }
        e[e.length - 1] = 1;
        if (code == -2) {
            return e; // present outer, missing inner
        }
        e[0] = (byte) code;
        for (int k = 1; k < e.length; k++) {
            e[k] = 1;
        }
        return e;
    }

    private static void assertChunk(Path file, DataType t, int... codes) throws Exception {
        OptionalCodec c = zarrsLike(t);
        Bytes enc = Bytes.wrap(Files.readAllBytes(file));
        ChunkSpec spec = new ChunkSpec(new long[] {2, 2}, t, FillValue.zero(t));
        NdBuffer got = c.decode(enc, spec);
        for (int i = 0; i < 4; i++) {
            assertThat(got.elementBytes(i)).as("%s element %d", file, i).isEqualTo(element(t, codes[i]));
        }
        // and we write what zarrs wrote, byte for byte
        assertThat(c.encode(got, spec).toArray()).as("re-encoded %s", file).isEqualTo(enc.toArray());
    }

    @Test
    void readsAndRewritesZarrsOptionalChunks() throws Exception {
        Path a = Fixtures.path("zarrs/v3/array_optional.zarr/array");
        // 0 N 2 3 / N 5 N 7 / 8 9 N N / 12 N N N, chunks 2x2; c/1/1 (all missing) is not stored
        assertChunk(a.resolve("c/0/0"), OPT_U8, 0, -1, -1, 5);
        assertChunk(a.resolve("c/0/1"), OPT_U8, 2, 3, -1, 7);
        assertChunk(a.resolve("c/1/0"), OPT_U8, 8, 9, 12, -1);
        assertThat(a.resolve("c/1/1")).doesNotExist();
        Path n = Fixtures.path("zarrs/v3/array_optional_nested.zarr/array");
        // N SN 2 3 / N 5 N 7 / SN SN N N / SN SN N N; fill Some(None), so c/1/0 is not stored
        assertChunk(n.resolve("c/0/0"), OPT_OPT_U8, -1, -2, -1, 5);
        assertChunk(n.resolve("c/0/1"), OPT_OPT_U8, 2, 3, -1, 7);
        assertChunk(n.resolve("c/1/1"), OPT_OPT_U8, -1, -1, -1, -1);
        assertThat(n.resolve("c/1/0")).doesNotExist();
    }

    /**
     * zarrs' snapshot matrix cells for optional(uint8) and optional(optional(float32)) (8x24, chunks 4x6): element i
     * is T's pattern (i mod 256; 0.5 i) and missing where i % 4 == 3. Every stored chunk decodes to it and
     * re-encodes to the same bytes.
     */
    @Test
    void readsAndRewritesZarrsSnapshotChunks() throws Exception {
        for (String type : List.of("zarrs.optional(uint8)", "zarrs.optional(zarrs.optional(float32))")) {
            Path cell;
            try (var s = Files.list(Fixtures.path("zarrs/snapshots/supported/regular/" + type + "/a2b/zarrs.optional"))) {
                cell = s.findFirst().orElseThrow();
            }
            boolean nested = type.contains("float32");
            DataType t = nested ? DataType.optional(DataType.optional(DataType.FLOAT32)) : OPT_U8;
            int checked = 0;
            for (int ci = 0; ci < 2; ci++) {
                for (int cj = 0; cj < 4; cj++) {
                    Path chunk = cell.resolve("c/" + ci + "/" + cj);
                    Bytes enc = Bytes.wrap(Files.readAllBytes(chunk));
                    ChunkSpec spec = new ChunkSpec(new long[] {4, 6}, t, FillValue.zero(t));
                    NdBuffer got = zarrsLike(t).decode(enc, spec);
                    for (int r = 0; r < 4; r++) {
                        for (int c = 0; c < 6; c++) {
                            int i = (ci * 4 + r) * 24 + cj * 6 + c;
                            java.nio.ByteBuffer want = java.nio.ByteBuffer.allocate(t.byteSize()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                            if (i % 4 != 3) {
                                if (nested) {
                                    want.putFloat(0.5f * i).put((byte) 1).put((byte) 1);
                                } else {
                                    want.put((byte) i).put((byte) 1);
                                }
                            }
                            assertThat(got.elementBytes(r * 6L + c)).as("%s element %d", type, i).isEqualTo(want.array());
                        }
                    }
                    assertThat(zarrsLike(t).encode(got, spec).toArray()).as("re-encoded %s", chunk).isEqualTo(enc.toArray());
                    checked++;
                }
            }
            assertThat(checked).isEqualTo(8);
        }
    }

    @Test
    void zarrsMetadataParses() throws Exception {
        for (String dir : List.of("zarrs/v3/array_optional.zarr/array", "zarrs/v3/array_optional_nested.zarr/array")) {
            Path doc = Fixtures.path(dir).resolve("zarr.json");
            ArrayMetadata m = (ArrayMetadata) MetadataFormat.parseV3(Json.parse(Files.readString(doc), doc.toString()), doc.toString());
            boolean nested = dir.contains("nested");
            assertThat(m.dataType()).isEqualTo(nested ? OPT_OPT_U8 : OPT_U8);
            assertThat(m.dataType().toString()).isEqualTo(nested ? "zarrs.optional(zarrs.optional(uint8))" : "zarrs.optional(uint8)");
            assertThat(m.fillValue().bytes()).isEqualTo(nested ? element(OPT_OPT_U8, -2) : element(OPT_U8, -1));
            assertThat(m.fillValue().toV3(m.dataType()).toString()).isEqualTo(nested ? "[null]" : "null");
        }
    }

    @Test
    void layoutIsHeaderMaskThenPresentValues() throws Exception {
        NdBuffer b = NdBuffer.allocate(OPT_U8, 5);
        b.setElementBytes(1, element(OPT_U8, 9));
        b.setElementBytes(4, element(OPT_U8, 200));
        byte[] enc = plain().encode(b, new ChunkSpec(new long[] {5}, OPT_U8, FillValue.zero(OPT_U8))).toArray();
        assertThat(enc).containsExactly(5, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 9, (byte) 200);
    }

    @Test
    void headerLengthsMustMatch() throws Exception {
        ChunkSpec spec = new ChunkSpec(new long[] {2}, OPT_U8, FillValue.zero(OPT_U8));
        byte[] ok = {2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 7};
        assertThat(plain().decode(Bytes.wrap(ok), spec).elementBytes(0)).containsExactly(7, 1);
        byte[] huge = ok.clone();
        huge[15] = (byte) 0x80; // data length 2^63 + 1
        assertThatThrownBy(() -> plain().decode(Bytes.wrap(huge), spec)).isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("header");
        byte[] moreValues = {2, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 7, 8};
        assertThatThrownBy(() -> plain().decode(Bytes.wrap(moreValues), spec)).isInstanceOf(CorruptDataException.class);
    }

    @Test
    void nestedOptionalArraysWithDefaultCodecs(@TempDir Path dir) throws Exception {
        DataType t = DataType.optional(DataType.optional(DataType.FLOAT64));
        try (ExecutionContext ctx = ExecutionContext.create()) {
            FileSystemStore store = FileSystemStore.open(dir);
            ZarrArray a = Zarr.createArray(store, Key.of("n"), ArrayMetadata.builder(t, 10).chunks(4).build(), ctx);
            NdBuffer data = dev.ngff.testing.TestArrays.random(t, new long[] {10}, 42);
            a.write(data);
            assertThat(Zarr.openArray(store, Key.of("n"), ctx).read().contentEquals(data)).isTrue();
            assertThat(Files.readString(dir.resolve("n/zarr.json"))).contains("\"mask_codecs\"").contains("\"data_codecs\"");
        }
    }

    /** Arbitrary bytes, and valid encodings with bytes flipped, decode or fail as CorruptDataException; nothing else. */
    @Test
    void hostileInputIsCorruptDataOrDecodes() {
        Properties.forAll(500, g -> {
            byte[] noise = g.bytes(0, 64);
            int flip = g.intIn(0, 40);
            boolean fromValid = g.bool();
            DataType t = DataType.optional(OPT_U8);
            ChunkSpec spec = new ChunkSpec(new long[] {3, 2}, t, FillValue.zero(t));
            byte[] input;
            if (fromValid) {
                input = codec().encode(dev.ngff.testing.TestArrays.random(t, new long[] {3, 2}, flip), spec).toArray();
                if (input.length > 0) {
                    input[flip % input.length] ^= (byte) (noise.length == 0 ? 0x80 : noise[0] | 1);
                }
            } else {
                input = noise;
            }
            byte[] in = input;
            Throwable e = org.assertj.core.api.Assertions.catchThrowable(() -> codec().decode(Bytes.wrap(in), spec));
            if (e != null) {
                assertThat(e).as("decoding %s", java.util.HexFormat.of().formatHex(in)).isInstanceOf(CorruptDataException.class);
            }
        });
    }

    @Test
    void bytesCodecRefusesOptionalTypes() {
        assertThatThrownBy(() -> BytesCodec.littleEndian().checkDataType(OPT_U8, "a"))
                .isInstanceOf(InvalidMetadataException.class).hasMessageContaining("zarrs.optional");
    }

    @Test
    void wholeArraysThroughTheApi(@TempDir Path dir) throws Exception {
        CodecSpec spec = new CodecSpec("zarrs.optional", (com.fasterxml.jackson.databind.node.ObjectNode) Json.parse(
                "{\"mask_codecs\": [{\"name\": \"bytes\"}], \"data_codecs\": [{\"name\": \"bytes\", \"configuration\": {\"endian\": \"big\"}}]}", "t"));
        DataType t = DataType.optional(DataType.INT32);
        try (ExecutionContext ctx = ExecutionContext.create()) {
            FileSystemStore store = FileSystemStore.open(dir);
            ArrayMetadata meta = ArrayMetadata.builder(t, 7, 9).chunks(3, 4).codecs(spec).build();
            ZarrArray a = Zarr.createArray(store, Key.of("opt"), meta, ctx);
            NdBuffer data = NdBuffer.allocate(t, 7, 9);
            for (int i = 0; i < 63; i++) {
                if (i % 3 != 0) {
                    byte[] e = new byte[5];
                    java.nio.ByteBuffer.wrap(e).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(i * 1000 - 7);
                    e[4] = 1;
                    data.setElementBytes(i, e);
                }
            }
            a.write(data);
            ZarrArray back = Zarr.openArray(store, Key.of("opt"), ctx);
            assertThat(back.dataType()).isEqualTo(t);
            assertThat(back.read().contentEquals(data)).isTrue();
            String json = Files.readString(dir.resolve("opt/zarr.json"));
            assertThat(Json.parse(json, "t").get("data_type").toString())
                    .isEqualTo("{\"name\":\"zarrs.optional\",\"configuration\":{\"name\":\"int32\",\"configuration\":{}}}");
            assertThat(Json.parse(json, "t").get("fill_value").isNull()).isTrue();
        }
    }
}
