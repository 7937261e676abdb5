package dev.ngff.metadata;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.buffer.Bytes;
import dev.ngff.codec.BytesToBytesCodec;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.codec.Codec;
import dev.ngff.codec.CodecProvider;
import dev.ngff.codec.CodecRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The registry, not a fixed list of ids, says where a v2 filter list turns from array to bytes. */
class V2CodecStagesTest {

    /** A bytes-to-bytes codec under a name no numcodecs table knows: it reverses the bytes. */
    record Reverse() implements BytesToBytesCodec {
        @Override
        public CodecSpec spec() {
            return CodecSpec.of("test.reverse");
        }

        @Override
        public Bytes encode(Bytes decoded, ChunkSpec spec) {
            return reverse(decoded);
        }

        @Override
        public Bytes decode(Bytes encoded, ChunkSpec spec, long maxDecodedSize) {
            return reverse(encoded);
        }

        private static Bytes reverse(Bytes b) {
            byte[] a = b.toArray();
            for (int i = 0, j = a.length - 1; i < j; i++, j--) {
                byte t = a[i];
                a[i] = a[j];
                a[j] = t;
            }
            return Bytes.wrap(a);
        }
    }

    private static ObjectNode zarray(String dtype, String... filterIds) {
        ObjectNode root = Json.object();
        root.put("zarr_format", 2);
        root.putArray("shape").add(4);
        root.putArray("chunks").add(2);
        root.put("dtype", dtype);
        root.putNull("fill_value");
        root.put("order", "C");
        root.putNull("compressor");
        var f = root.putArray("filters");
        for (String id : filterIds) {
            f.addObject().put("id", id);
        }
        return root;
    }

    @Test
    void aBytesFilterOnlyTheRegistryKnowsStartsTheBytesStage() throws Exception {
        CodecProvider provider = new CodecProvider() {
            @Override
            public Set<String> names() {
                return Set.of("numcodecs.test.reverse");
            }

            @Override
            public Codec create(CodecSpec spec, CodecRegistry registry) {
                return new Reverse();
            }
        };
        CodecRegistry registry = CodecRegistry.of(List.of(provider, new dev.ngff.codec.std.CoreCodecProvider()));
        ObjectNode doc = zarray("<i4", "test.reverse");
        // without the registry the unknown id is taken for an array filter, before 'bytes'
        assertThat(MetadataFormat.parseV2Array(doc, null, "t").codecs()).extracting(CodecSpec::name)
                .containsExactly("numcodecs.test.reverse", "bytes");
        ArrayMetadata m = MetadataFormat.parseV2Array(doc, null, "t", registry);
        assertThat(m.codecs()).extracting(CodecSpec::name).containsExactly("bytes", "numcodecs.test.reverse");
        assertThat(Json.parse(Json.write(MetadataFormat.toV2Array(m)), "out")).as("written back unchanged").isEqualTo(doc);
        // and the pipeline the registry builds from it works on real chunks
        var pipeline = registry.pipeline(m.codecs(), "t");
        ChunkSpec spec = new ChunkSpec(new long[] {2}, DataType.INT32, FillValue.zero(DataType.INT32));
        var chunk = dev.ngff.testing.TestArrays.arangeInt32(2);
        assertThat(pipeline.decode(pipeline.encode(chunk, spec), spec).contentEquals(chunk)).isTrue();
    }

    @Test
    void theObjectCodecOfAnObjectArrayIsItsArrayToBytesCodec() throws Exception {
        ArrayMetadata m = MetadataFormat.parseV2Array(zarray("|O", "vlen-utf8", "crc32"), null, "t", CodecRegistry.standard());
        assertThat(m.dataType()).isEqualTo(DataType.STRING);
        assertThat(m.codecs()).extracting(CodecSpec::name).containsExactly("vlen-utf8", "numcodecs.crc32");
        assertThat(CodecRegistry.standard().stageOf(CodecSpec.of("vlen-bytes"))).contains(CodecStages.Stage.ARRAY_TO_BYTES);
        assertThat(CodecRegistry.standard().stageOf(CodecSpec.of("gzip"))).contains(CodecStages.Stage.BYTES_TO_BYTES);
        assertThat(CodecRegistry.standard().stageOf(CodecSpec.of("no.such.codec"))).isEmpty();
    }
}
