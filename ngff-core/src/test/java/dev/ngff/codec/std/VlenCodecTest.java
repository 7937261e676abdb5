package dev.ngff.codec.std;

import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.codec.ArrayToBytesCodec;
import dev.ngff.codec.ArrayToBytesCodecContract;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import dev.ngff.testing.Properties;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The numcodecs variable-length layout: the codec contract over text and bytes, the exact layout, hostile headers. */
class VlenCodecTest extends ArrayToBytesCodecContract {

    @Override
    protected ArrayToBytesCodec codec() {
        return VlenCodec.utf8();
    }

    @Override
    protected List<DataType> dataTypes() {
        return List.of(DataType.STRING, DataType.BYTES);
    }

    private static ChunkSpec spec(DataType t, long... shape) {
        return new ChunkSpec(shape, t, FillValue.zero(t));
    }

    @Test
    void layoutIsCountThenLengthPrefixedElements() throws Exception {
        NdBuffer b = NdBuffer.ofStrings(new String[] {"a", "", "Grüße", "\uD83D\uDE00"}, 2, 2);
        byte[] enc = VlenCodec.utf8().encode(b, spec(DataType.STRING, 2, 2)).toArray();
        ByteBuffer want = ByteBuffer.allocate(4 + 4 * 4 + 1 + 0 + 7 + 4).order(ByteOrder.LITTLE_ENDIAN);
        want.putInt(4).putInt(1).put((byte) 'a').putInt(0).putInt(7).put("Grüße".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .putInt(4).put(new byte[] {(byte) 0xf0, (byte) 0x9f, (byte) 0x98, (byte) 0x80});
        assertThat(enc).isEqualTo(want.array());
        NdBuffer back = VlenCodec.bytes().decode(Bytes.wrap(enc), spec(DataType.STRING, 2, 2));
        assertThat(back.toStrings()).containsExactly("a", "", "Grüße", "\uD83D\uDE00");
        assertThat(back.getString(1, 1)).isEqualTo("\uD83D\uDE00");
    }

    @Test
    void hostileHeadersAreCorruptDataNamingElementAndOffset() {
        ChunkSpec s = spec(DataType.BYTES, 3);
        // count that does not match the chunk
        assertCorrupt(le(7), s, "7 elements");
        // count 0xffffffff (negative as i32) for a chunk of that size is refused before allocating
        ChunkSpec huge = spec(DataType.BYTES, 0xffffffffL >>> 1);
        assertCorrupt(le(-1), huge, "4294967295");
        assertCorrupt(le(Integer.MAX_VALUE >>> 1 + 0), new ChunkSpec(new long[] {Integer.MAX_VALUE >>> 1}, DataType.BYTES,
                FillValue.zero(DataType.BYTES)), "bytes, the chunk has 4");
        // a length past the end, and a length of 2^32-1
        assertCorrupt(cat(cat(le(3, 1), new byte[] {'a'}), le(50, 0)), s, "element 1 at byte 9 claims 50 bytes, only 4 remain");
        assertCorrupt(le(3, -1, 0, 0), s, "element 0 at byte 4 claims 4294967295 bytes");
        // trailing garbage
        assertCorrupt(cat(le(3, 0, 0, 0), new byte[] {1}), s, "1 bytes follow");
        // too short for the count
        assertCorrupt(new byte[] {3, 0}, s, "element count");
        // invalid UTF-8 in a text chunk: names element and byte
        assertCorrupt(cat(le(1, 2), new byte[] {(byte) 0xc3, (byte) 0x28}), spec(DataType.STRING, 1), "element 0 is not valid UTF-8 (byte 8");
        // ... and a lone surrogate encoded as UTF-8 (CESU) is invalid too
        assertCorrupt(cat(le(1, 3), new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}), spec(DataType.STRING, 1), "not valid UTF-8");
    }

    /** Random headers and bodies never escape as anything but CorruptDataException or a valid buffer. */
    @Test
    void arbitraryBytesDecodeOrFailCleanly() {
        Properties.forAll(500, g -> {
            byte[] junk = g.bytes(0, 255);
            int n = g.intIn(0, 40);
            Throwable t = catchThrowable(() -> {
                NdBuffer b = VlenCodec.utf8().decode(Bytes.wrap(junk), spec(DataType.STRING, n));
                assertThat(b.elementCount()).isEqualTo(n);
            });
            if (t != null) {
                assertThat(t).isInstanceOf(CorruptDataException.class);
            }
        });
    }

    @Test
    void fixedSizeTypesAreRefusedAtPipelineCheck() {
        assertThatThrownBy(() -> VlenCodec.utf8().checkDataType(DataType.INT32, "array 'x'"))
                .isInstanceOf(InvalidMetadataException.class).hasMessageContaining("vlen-utf8").hasMessageContaining("int32");
        assertThatThrownBy(() -> BytesCodec.littleEndian().checkDataType(DataType.STRING, "array 'x'"))
                .isInstanceOf(InvalidMetadataException.class).hasMessageContaining("'bytes'").hasMessageContaining("string");
    }

    private static void assertCorrupt(byte[] enc, ChunkSpec s, String message) {
        assertThatThrownBy(() -> VlenCodec.bytes().decode(Bytes.wrap(enc), s))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining(message).hasMessageContaining("vlen-bytes");
    }

    /** Little-endian u32s. */
    private static byte[] le(int... words) {
        ByteBuffer b = ByteBuffer.allocate(4 * words.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int w : words) {
            b.putInt(w);
        }
        return b.array();
    }

    private static byte[] cat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
