package dev.ngff.codec.std;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.codec.ArrayToBytesCodec;
import dev.ngff.codec.ArrayToBytesCodecContract;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import dev.ngff.metadata.Json;
import dev.ngff.testing.Properties;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * zarrs' {@code zarrs.vlen}: the contract with the index at the start (uint64, zarrs' default) and at the end
 * (uint32 offsets, gzip data), the exact layout, and hostile index lengths and offsets.
 */
class ZarrsVlenCodecTest extends ArrayToBytesCodecContract {
    static final String START = "{\"index_codecs\": [{\"name\": \"bytes\", \"configuration\": {\"endian\": \"little\"}}],"
            + " \"data_codecs\": [{\"name\": \"bytes\"}], \"index_data_type\": \"uint64\", \"index_location\": \"start\"}";
    static final String END = "{\"index_codecs\": [{\"name\": \"bytes\", \"configuration\": {\"endian\": \"big\"}}, {\"name\": \"crc32c\"}],"
            + " \"data_codecs\": [{\"name\": \"bytes\"}, {\"name\": \"gzip\", \"configuration\": {\"level\": 1}}],"
            + " \"index_data_type\": \"uint32\", \"index_location\": \"end\"}";

    @Override
    protected ArrayToBytesCodec codec() throws Exception {
        return create(START);
    }

    @Override
    protected List<DataType> dataTypes() {
        return List.of(DataType.STRING, DataType.BYTES);
    }

    @Nested
    class IndexAtTheEndContract extends ArrayToBytesCodecContract {
        @Override
        protected ArrayToBytesCodec codec() throws Exception {
            return create(END);
        }

        @Override
        protected List<DataType> dataTypes() {
            return List.of(DataType.STRING, DataType.BYTES);
        }
    }

    static ZarrsVlenCodec create(String configuration) throws Exception {
        return (ZarrsVlenCodec) CodecRegistry.standard().create(new CodecSpec("zarrs.vlen", (ObjectNode) Json.parse(configuration, "test")));
    }

    private static ChunkSpec spec(DataType t, long... shape) {
        return new ChunkSpec(shape, t, FillValue.zero(t));
    }

    @Test
    void layoutIsIndexLengthIndexThenData() throws Exception {
        NdBuffer b = NdBuffer.ofStrings(new String[] {"ab", "", "Grüße"}, 3);
        byte[] enc = create(START).encode(b, spec(DataType.STRING, 3)).toArray();
        byte[] text = "abGrüße".getBytes(StandardCharsets.UTF_8);
        ByteBuffer want = ByteBuffer.allocate(8 + 32 + text.length).order(ByteOrder.LITTLE_ENDIAN);
        want.putLong(32).putLong(0).putLong(2).putLong(2).putLong(2 + 7).put(text);
        assertThat(enc).isEqualTo(want.array());
        // at the end: data (gzip), then index (big-endian uint32 + crc32c), then its length
        byte[] end = create(END).encode(b, spec(DataType.STRING, 3)).toArray();
        long indexLength = ByteBuffer.wrap(end, end.length - 8, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(indexLength).isEqualTo(4 * 4 + 4);
        assertThat(ByteBuffer.wrap(end).getInt(end.length - 8 - 20 + 12)).as("last offset, big-endian").isEqualTo(9);
        assertThat(create(END).decode(Bytes.wrap(end), spec(DataType.STRING, 3)).toStrings()).containsExactly("ab", "", "Grüße");
    }

    @Test
    void allEmptyElementsWriteNoData() throws Exception {
        NdBuffer b = NdBuffer.ofBytes(new byte[][] {{}, {}}, 2);
        byte[] enc = create(START).encode(b, spec(DataType.BYTES, 2)).toArray();
        assertThat(enc).hasSize(8 + 24);
        assertThat(create(START).decode(Bytes.wrap(enc), spec(DataType.BYTES, 2)).toByteArrays()).isDeepEqualTo(new byte[][] {{}, {}});
    }

    private static byte[] startChunk(long indexLength, long[] offsets, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + 8 * offsets.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(indexLength);
        for (long o : offsets) {
            b.putLong(o);
        }
        return b.put(data).array();
    }

    @Test
    void hostileChunksAreCorruptData() throws Exception {
        ZarrsVlenCodec c = create(START);
        ChunkSpec s = spec(DataType.STRING, 2);
        assertThatThrownBy(() -> c.decode(Bytes.wrap(new byte[5]), s)).isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("8-byte index length");
        // index length beyond the chunk, and "negative" as a signed long
        assertThatThrownBy(() -> c.decode(Bytes.wrap(startChunk(1000, new long[] {0, 1, 2}, "ab".getBytes())), s))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("index length 1000");
        assertThatThrownBy(() -> c.decode(Bytes.wrap(startChunk(-1, new long[] {0, 1, 2}, "ab".getBytes())), s))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("18446744073709551615");
        // decreasing offsets, a first offset that is not 0, an offset far beyond any chunk (no allocation)
        assertThatThrownBy(() -> c.decode(Bytes.wrap(startChunk(24, new long[] {0, 2, 1}, "ab".getBytes())), s))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("offset 2");
        assertThatThrownBy(() -> c.decode(Bytes.wrap(startChunk(24, new long[] {1, 2, 2}, "ab".getBytes())), s))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("first offset");
        assertThatThrownBy(() -> c.decode(Bytes.wrap(startChunk(24, new long[] {0, 1, 1L << 50}, "ab".getBytes())), s))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("offset 2");
        // offsets that promise more or fewer bytes than follow; data where the offsets say none
        assertThatThrownBy(() -> c.decode(Bytes.wrap(startChunk(24, new long[] {0, 1, 3}, "ab".getBytes())), s))
                .isInstanceOf(CorruptDataException.class);
        assertThatThrownBy(() -> c.decode(Bytes.wrap(startChunk(24, new long[] {0, 0, 0}, "ab".getBytes())), s))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("no data");
        // an index of the wrong length for the chunk
        assertThatThrownBy(() -> c.decode(Bytes.wrap(startChunk(16, new long[] {0, 2}, "ab".getBytes())), s))
                .isInstanceOf(CorruptDataException.class);
        // invalid UTF-8 in a text array, named by element
        assertThatThrownBy(() -> c.decode(Bytes.wrap(startChunk(24, new long[] {0, 1, 2}, new byte[] {'a', (byte) 0xff})), s))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("element 1");
    }

    /** Any corruption of a valid chunk decodes to something or is a CorruptDataException; nothing else escapes. */
    @Test
    void mutatedChunksFailOnlyAsCorruptData() {
        Properties.forAll(300, g -> {
            long seed = g.anyLong();
            boolean end = g.bool();
            int flips = g.intIn(1, 8);
            java.util.Random r = new java.util.Random(seed);
            ZarrsVlenCodec c = create(end ? END : START);
            ChunkSpec s = spec(DataType.STRING, 3, 4);
            byte[] enc = c.encode(dev.ngff.testing.TestArrays.random(DataType.STRING, new long[] {3, 4}, seed), s).toArray();
            for (int k = 0; k < flips; k++) {
                enc[r.nextInt(enc.length)] ^= (byte) (1 << r.nextInt(8));
            }
            try {
                NdBuffer out = c.decode(Bytes.wrap(enc), s);
                assertThat(out.shape()).containsExactly(3, 4);
            } catch (CorruptDataException expected) {
                // the checked error is the only acceptable failure
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"index_codecs\": [{\"name\": \"bytes\"}], \"data_codecs\": [{\"name\": \"bytes\"}]}",
            "{\"index_codecs\": [{\"name\": \"bytes\"}], \"data_codecs\": [{\"name\": \"bytes\"}], \"index_data_type\": \"int64\"}",
            "{\"index_codecs\": [{\"name\": \"bytes\"}], \"data_codecs\": [{\"name\": \"bytes\"}], \"index_data_type\": \"uint64\","
                    + " \"index_location\": \"middle\"}",
            "{\"index_codecs\": [{\"name\": \"bytes\"}], \"data_codecs\": [{\"name\": \"bytes\"}], \"index_data_type\": \"uint64\", \"extra\": 1}",
            "{\"index_codecs\": [{\"name\": \"nope\"}], \"data_codecs\": [{\"name\": \"bytes\"}], \"index_data_type\": \"uint64\"}"})
    void invalidConfigurationsAreRefused(String configuration) {
        assertThatThrownBy(() -> create(configuration)).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void onlyVariableLengthTypes() throws Exception {
        assertThatThrownBy(() -> create(START).checkDataType(DataType.UINT8, "array 'a'")).isInstanceOf(InvalidMetadataException.class)
                .hasMessageContaining("array 'a'");
        create(START).checkDataType(DataType.BYTES, "array 'a'");
    }

    @Test
    void specRoundTrips() throws Exception {
        ZarrsVlenCodec c = create(END);
        assertThat(create(c.spec().configuration().toString()).spec()).isEqualTo(c.spec());
        assertThat(c.spec().configuration().path("index_location").asText()).isEqualTo("end");
    }
}
