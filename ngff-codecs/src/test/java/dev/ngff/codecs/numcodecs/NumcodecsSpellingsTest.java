package dev.ngff.codecs.numcodecs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.codec.ArrayToArrayCodec;
import dev.ngff.codec.ArrayToBytesCodec;
import dev.ngff.codec.BytesToBytesCodec;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.codec.Codec;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.codecs.pcodec.PcodecCodec;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.error.NgffException;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import dev.ngff.metadata.Json;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every spelling zarr-python and numcodecs have written for a field makes the same codec as the canonical one
 * (same encoding of the same seeded data), and values that are no spelling of anything fail on one line naming
 * the codec and the field's pointer. NumcodecsSpellingsPeerTest in spec-conformance has zarr-python write them.
 */
class NumcodecsSpellingsTest {
    private static final long SEED = 20261207L;
    private static final CodecRegistry REGISTRY = CodecRegistry.standard();

    private static Codec codec(String name, String json) throws NgffException {
        return REGISTRY.create(new CodecSpec(name, (ObjectNode) Json.parse(json, name)));
    }

    private static byte[] encode(Codec c, DataType t) throws Exception {
        long[] shape = {17, 23};
        ChunkSpec spec = new ChunkSpec(shape, t, FillValue.zero(t));
        byte[] data = new byte[(int) (spec.elementCount() * t.byteSize())];
        new Random(SEED).nextBytes(data);
        if (t.kind() == DataType.Kind.FLOAT || t.kind() == DataType.Kind.BOOL) {
            for (int i = 0; i < data.length; i++) { // finite floats and 0/1 bools: every byte small
                data[i] = (byte) (data[i] & (t.kind() == DataType.Kind.BOOL ? 1 : 0x3f));
            }
        }
        NdBuffer in = NdBuffer.wrap(t, shape, MemorySegment.ofArray(data));
        return switch (c) {
            case ArrayToArrayCodec a -> a.encode(in, spec).asBytes().toArray();
            case ArrayToBytesCodec a -> a.encode(in, spec).toArray();
            case BytesToBytesCodec b -> b.encode(Bytes.wrap(data), spec).toArray();
        };
    }

    private static void sameAs(String name, String canonical, List<String> spellings, DataType t) throws Exception {
        System.out.println("seed " + SEED + ": " + name + " " + canonical);
        byte[] expected = encode(codec(name, canonical), t);
        for (String s : spellings) {
            assertThat(encode(codec(name, s), t)).as(name + " " + s).isEqualTo(expected);
        }
    }

    private static List<String> dtypeField(String template, List<String> spellings) {
        return spellings.stream().map(s -> template.replace("$", s)).toList();
    }

    @Test
    void dtypesInEverySpellingNumPyTakes() throws Exception {
        String d = "{\"dtype\":\"$\"}";
        sameAs("numcodecs.delta", "{\"dtype\":\"<i4\"}",
                dtypeField(d, List.of("int32", "i4", "=i4", "|i4", ">i4", "i", "intc")), DataType.INT32);
        sameAs("numcodecs.delta", "{\"dtype\":\"|u1\"}", dtypeField(d, List.of("uint8", "u1", "<u1", "B", "ubyte")), DataType.UINT8);
        sameAs("numcodecs.delta", "{\"dtype\":\"|i1\"}", dtypeField(d, List.of("int8", "i1", "b", "byte")), DataType.INT8);
        sameAs("numcodecs.delta", "{\"dtype\":\"<u2\"}", dtypeField(d, List.of("uint16", "u2", "H", "ushort")), DataType.UINT16);
        sameAs("numcodecs.delta", "{\"dtype\":\"<i2\"}", dtypeField(d, List.of("int16", "i2", "h", "short")), DataType.INT16);
        sameAs("numcodecs.delta", "{\"dtype\":\"<u4\"}", dtypeField(d, List.of("uint32", "u4", "I", "uintc")), DataType.UINT32);
        sameAs("numcodecs.delta", "{\"dtype\":\"<i8\"}",
                dtypeField(d, List.of("int64", "i8", "q", "l", "long", "int", "longlong", "intp")), DataType.INT64);
        sameAs("numcodecs.delta", "{\"dtype\":\"<u8\"}", dtypeField(d, List.of("uint64", "u8", "Q", "L", "uint")), DataType.UINT64);
        sameAs("numcodecs.delta", "{\"dtype\":\"<f8\"}",
                dtypeField(d, List.of("float64", "f8", "d", "double", "float", "float_")), DataType.FLOAT64);
        sameAs("numcodecs.delta", "{\"dtype\":\"<f4\"}", dtypeField(d, List.of("float32", "f4", "f", "single")), DataType.FLOAT32);
        sameAs("numcodecs.delta", "{\"dtype\":\"<f2\"}", dtypeField(d, List.of("float16", "f2", "e", "half")), DataType.FLOAT16);
        sameAs("numcodecs.delta", "{\"dtype\":\"|b1\"}", dtypeField(d, List.of("bool", "b1", "?", "bool_")), DataType.BOOL);
        sameAs("numcodecs.delta", "{\"dtype\":\"<i4\",\"astype\":\"<i2\"}",
                List.of("{\"dtype\":\"int32\",\"astype\":\"int16\"}", "{\"dtype\":\"i\",\"astype\":\"h\"}"), DataType.INT32);
        sameAs("numcodecs.fixedscaleoffset", "{\"offset\":1,\"scale\":4,\"dtype\":\"<f8\",\"astype\":\"|u1\"}",
                List.of("{\"offset\":1,\"scale\":4,\"dtype\":\"float64\",\"astype\":\"uint8\"}",
                        "{\"offset\":1,\"scale\":4,\"dtype\":\"d\",\"astype\":\"B\"}",
                        "{\"offset\":1.0,\"scale\":4.0,\"dtype\":\"f8\",\"astype\":\"u1\"}"), DataType.FLOAT64);
        sameAs("numcodecs.quantize", "{\"digits\":2,\"dtype\":\"<f8\",\"astype\":\"<f4\"}",
                List.of("{\"digits\":2,\"dtype\":\"float64\",\"astype\":\"float32\"}", "{\"digits\":2.0,\"dtype\":\"d\",\"astype\":\"f\"}"),
                DataType.FLOAT64);
        sameAs("numcodecs.astype", "{\"encode_dtype\":\"<f4\",\"decode_dtype\":\"<f8\"}",
                List.of("{\"encode_dtype\":\"float32\",\"decode_dtype\":\"float64\"}", "{\"encode_dtype\":\"f\",\"decode_dtype\":\"double\"}",
                        "{\"id\":\"astype\",\"encode_dtype\":\"f4\",\"decode_dtype\":\"f8\"}"), DataType.FLOAT64);
    }

    @Test
    void bloscShuffleAndTypesizeSpellings() throws Exception {
        sameAs("numcodecs.blosc", "{\"cname\":\"zstd\",\"clevel\":5,\"shuffle\":2,\"blocksize\":0}",
                List.of("{\"cname\":\"zstd\",\"clevel\":5,\"shuffle\":\"2\"}", "{\"cname\":\"zstd\",\"clevel\":5,\"shuffle\":2,\"typesize\":4}",
                        "{\"cname\":\"zstd\",\"clevel\":5,\"shuffle\":\"bitshuffle\",\"typesize\":4,\"blocksize\":null}",
                        "{\"id\":\"blosc\",\"cname\":\"zstd\",\"clevel\":5,\"shuffle\":2}"), DataType.INT32);
        sameAs("blosc", "{\"cname\":\"lz4\",\"clevel\":5,\"shuffle\":\"shuffle\",\"typesize\":4,\"blocksize\":0}",
                List.of("{\"cname\":\"lz4\",\"shuffle\":1}", "{\"cname\":\"lz4\",\"shuffle\":-1}", "{\"cname\":\"lz4\",\"shuffle\":\"-1\"}",
                        "{\"cname\":\"lz4\",\"shuffle\":\"autoshuffle\"}", "{\"shuffle\":\"autoshuffle\",\"typesize\":4}", "{}"),
                DataType.INT32);
        // a typesize beside numcodecs' integer shuffle is kept and written back
        assertThat(codec("numcodecs.blosc", "{\"cname\":\"zstd\",\"shuffle\":1,\"typesize\":2}").spec().configuration().path("typesize").asInt())
                .isEqualTo(2);
        assertThat(codec("numcodecs.blosc", "{\"shuffle\":\"autoshuffle\"}").spec().configuration().path("shuffle").asInt()).isEqualTo(-1);
    }

    @Test
    void compressorLevelsAndBooleans() throws Exception {
        sameAs("numcodecs.zstd", "{\"level\":3,\"checksum\":true}", List.of("{\"level\":3,\"checksum\":1}"), DataType.INT32);
        sameAs("numcodecs.zstd", "{\"level\":0,\"checksum\":false}", List.of("{}", "{\"checksum\":0}", "{\"level\":null}"), DataType.INT32);
        sameAs("numcodecs.lz4", "{\"acceleration\":1}", List.of("{}", "{\"acceleration\":null}"), DataType.INT32);
        sameAs("numcodecs.gzip", "{\"level\":1}", List.of("{\"level\":null}", "{\"id\":\"gzip\",\"level\":1}"), DataType.INT32);
        sameAs("numcodecs.zlib", "{\"level\":1}", List.of("{}"), DataType.INT32);
        sameAs("numcodecs.bitround", "{\"keepbits\":5}", List.of("{\"keepbits\":5.0}", "{\"id\":\"bitround\",\"keepbits\":5}"),
                DataType.FLOAT32);
    }

    @Test
    void pcodecFieldsOfNumcodecs012() throws Exception {
        if (!PcodecCodec.isAvailable()) {
            System.err.println("*** pcodec spellings SKIPPED: " + PcodecCodec.unavailabilityCause().orElse("") + " ***");
            return; // PcodecCodecTest fails under CI when the library is absent
        }
        sameAs("numcodecs.pcodec", "{\"level\":8,\"mode_spec\":\"auto\",\"equal_pages_up_to\":262144}",
                List.of("{\"level\":8,\"delta_encoding_order\":null,\"int_mult_spec\":\"enabled\",\"float_mult_spec\":\"enabled\",\"max_page_n\":262144}",
                        "{\"level\":8,\"int_mult_spec\":true,\"float_mult_spec\":true}"), DataType.INT32);
        sameAs("numcodecs.pcodec", "{\"level\":8,\"mode_spec\":\"classic\",\"equal_pages_up_to\":1000}",
                List.of("{\"int_mult_spec\":\"disabled\",\"float_mult_spec\":\"disabled\",\"max_page_n\":1000}"), DataType.INT32);
    }

    @Test
    void invalidValuesFailOnOneLineNamingTheField() {
        for (String[] bad : new String[][] {
                {"numcodecs.delta", "{\"dtype\":\"int33\"}", "/configuration/dtype"},
                {"numcodecs.delta", "{\"dtype\":\"<i4\",\"astype\":\"\"}", "/configuration/astype"},
                {"numcodecs.astype", "{\"encode_dtype\":\"f4\",\"decode_dtype\":\"doublе\"}", "/configuration/decode_dtype"},
                {"numcodecs.blosc", "{\"shuffle\":3}", "shuffle"},
                {"numcodecs.blosc", "{\"shuffle\":\"bytes\"}", "shuffle"},
                {"blosc", "{\"shuffle\":\"bitshuffle\"}", "typesize is required"},
                {"numcodecs.zstd", "{\"checksum\":2}", "checksum"},
                {"numcodecs.zstd", "{\"level\":\"3\"}", "level"}}) {
            assertThatThrownBy(() -> codec(bad[0], bad[1])).as(bad[1])
                    .isInstanceOf(InvalidMetadataException.class)
                    .hasMessageContaining("codec '" + bad[0] + "'")
                    .hasMessageContaining(bad[2])
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("Exception"));
        }
    }
}
