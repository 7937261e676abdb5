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
import dev.ngff.testing.TestArrays;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.ValueLayout;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The zarr-extensions {@code packbits}: the codec contract over every type it packs (whole width, and with
 * a padding byte), exact bit layouts worked out by hand, the bit-range law over random data, and hostile input.
 */
class ZarrPackBitsCodecTest extends ArrayToBytesCodecContract {
    private static final List<DataType> PACKABLE = List.of(DataType.BOOL, DataType.INT8, DataType.INT16, DataType.INT32,
            DataType.INT64, DataType.UINT8, DataType.UINT16, DataType.UINT32, DataType.UINT64, DataType.FLOAT16,
            DataType.FLOAT32, DataType.FLOAT64, DataType.COMPLEX64, DataType.COMPLEX128, DataType.datetime64("s", 1));

    @Override
    protected ArrayToBytesCodec codec() throws Exception {
        return create("{}");
    }

    @Override
    protected List<DataType> dataTypes() {
        return PACKABLE;
    }

    /** With the count of padding bits in a leading byte. */
    @Nested
    class FirstByteContract extends ArrayToBytesCodecContract {
        @Override
        protected ArrayToBytesCodec codec() throws Exception {
            return create("{\"padding_encoding\": \"first_byte\"}");
        }

        @Override
        protected List<DataType> dataTypes() {
            return PACKABLE;
        }
    }

    static ZarrPackBitsCodec create(String configuration) throws Exception {
        return (ZarrPackBitsCodec) CodecRegistry.standard().create(new CodecSpec("packbits", (ObjectNode) Json.parse(configuration, "test")));
    }

    private static ChunkSpec spec(DataType t, long... shape) {
        return new ChunkSpec(shape, t, FillValue.zero(t));
    }

    private static NdBuffer bytesOf(DataType t, int... values) {
        NdBuffer b = NdBuffer.allocate(t, values.length);
        for (int i = 0; i < values.length; i++) {
            for (int k = 0; k < t.byteSize(); k++) {
                b.segment().set(ValueLayout.JAVA_BYTE, (long) i * t.byteSize() + k, (byte) (values[i] >> (8 * k)));
            }
        }
        return b;
    }

    private static byte[] enc(String configuration, NdBuffer b) throws Exception {
        return create(configuration).encode(b, spec(b.dataType(), b.shape())).toArray();
    }

    @Test
    void boolsPackOneBitEachLeastSignificantFirst() throws Exception {
        // zarrs' snapshot pattern i % 2 over 24 elements is 0xaa 0xaa 0xaa
        int[] alternating = new int[24];
        for (int i = 0; i < 24; i++) {
            alternating[i] = i % 2;
        }
        assertThat(enc("{}", bytesOf(DataType.BOOL, alternating))).containsExactly(0xaa, 0xaa, 0xaa);
        // 1,1,0,0,0,0,0,0 then 1: 0x03, then 0x01 with 7 padding bits
        NdBuffer nine = bytesOf(DataType.BOOL, 1, 1, 0, 0, 0, 0, 0, 0, 1);
        assertThat(enc("{}", nine)).containsExactly(0x03, 0x01);
        assertThat(enc("{\"padding_encoding\": \"first_byte\"}", nine)).containsExactly(7, 0x03, 0x01);
        assertThat(enc("{\"padding_encoding\": \"last_byte\"}", nine)).containsExactly(0x03, 0x01, 7);
        assertThat(enc("{\"padding_encoding\": \"start_byte\"}", nine)).containsExactly(7, 0x03, 0x01);
    }

    @Test
    void bitRangesPackOnlyThoseBits() throws Exception {
        // uint8 bits 0..3: 1, 2, 3 -> nibbles 1, 2, 3 -> 0x21 0x03 (4 padding bits)
        assertThat(enc("{\"last_bit\": 3, \"padding_encoding\": \"last_byte\"}", bytesOf(DataType.UINT8, 1, 2, 3)))
                .containsExactly(0x21, 0x03, 4);
        // uint8 bits 4..7 of 0xab, 0xcd -> 0xa, 0xc -> 0xca; decoding shifts them back: 0xa0, 0xc0
        ZarrPackBitsCodec high = create("{\"first_bit\": 4, \"last_bit\": 7}");
        byte[] e = high.encode(bytesOf(DataType.UINT8, 0xab, 0xcd), spec(DataType.UINT8, 2)).toArray();
        assertThat(e).containsExactly(0xca);
        NdBuffer d = high.decode(Bytes.wrap(e), spec(DataType.UINT8, 2));
        assertThat(d.getAsLong(0)).isEqualTo(0xa0);
        assertThat(d.getAsLong(1)).isEqualTo(0xc0);
        // int8 bits 0..3 are sign-extended from bit 3: -1 -> 0xf -> -1; 7 -> 7; -8 -> -8
        ZarrPackBitsCodec nibble = create("{\"start_bit\": 0, \"end_bit\": 3}");
        NdBuffer ints = bytesOf(DataType.INT8, -1, 7, -8);
        NdBuffer back = nibble.decode(nibble.encode(ints, spec(DataType.INT8, 3)), spec(DataType.INT8, 3));
        assertThat(back.contentEquals(ints)).isTrue();
        // int16 bits 2..5 of 32 (0b100000): 4 bits 1000 shift back to bit 2 and extend from bit 5 -> -32
        ZarrPackBitsCodec mid = create("{\"first_bit\": 2, \"last_bit\": 5}");
        NdBuffer v = mid.decode(mid.encode(bytesOf(DataType.INT16, 32), spec(DataType.INT16, 1)), spec(DataType.INT16, 1));
        assertThat(v.getShort(0)).isEqualTo((short) -32);
    }

    @Test
    void complexValuesPackTheirTwoComponents() throws Exception {
        NdBuffer c = NdBuffer.allocate(DataType.COMPLEX64, 2);
        c.segment().set(ValueLayout.JAVA_INT_UNALIGNED, 0, 0x3);
        c.segment().set(ValueLayout.JAVA_INT_UNALIGNED, 4, 0x1);
        c.segment().set(ValueLayout.JAVA_INT_UNALIGNED, 8, 0x2);
        c.segment().set(ValueLayout.JAVA_INT_UNALIGNED, 12, 0x0);
        // two bits per component: 11, 01, 10, 00 -> 0b00_10_01_11
        assertThat(enc("{\"last_bit\": 1}", c)).containsExactly(0b00100111);
    }

    /** Decode(encode(x)) keeps exactly bits lo..hi of every uint16 and int16 (sign-extended from hi). */
    @Test
    void bitRangeLaw() {
        Properties.forAll(200, g -> {
            int a = g.intIn(0, 15);
            int b = g.intIn(0, 15);
            boolean signed = g.bool();
            int n = g.intIn(0, 40);
            long seed = g.anyLong();
            int lo = Math.min(a, b);
            int hi = Math.max(a, b);
            DataType t = signed ? DataType.INT16 : DataType.UINT16;
            ZarrPackBitsCodec codec = create("{\"first_bit\": " + lo + ", \"last_bit\": " + hi + ", \"padding_encoding\": \"first_byte\"}");
            NdBuffer x = TestArrays.random(t, new long[] {n}, seed);
            Bytes e = codec.encode(x, spec(t, n));
            assertThat(e.size()).isEqualTo(1 + ((long) n * (hi - lo + 1) + 7) / 8);
            NdBuffer y = codec.decode(e, spec(t, n));
            for (int i = 0; i < n; i++) {
                int v = x.getShort(i) & 0xffff;
                int want = ((v >>> lo) & ((1 << (hi - lo + 1)) - 1)) << lo;
                if (signed) {
                    want = (want << (31 - hi)) >> (31 - hi);
                }
                assertThat(y.getShort(i)).as("element %d of %s, bits %d..%d", i, t, lo, hi).isEqualTo((short) want);
            }
        });
    }

    @Test
    void hostileInputIsCorruptData() throws Exception {
        ChunkSpec s = spec(DataType.BOOL, 9);
        ZarrPackBitsCodec first = create("{\"padding_encoding\": \"first_byte\"}");
        assertThatThrownBy(() -> first.decode(Bytes.wrap(new byte[] {7, 3}), s)).isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("3 bytes");
        assertThatThrownBy(() -> first.decode(Bytes.wrap(new byte[] {7, 3, 1, 0}), s)).isInstanceOf(CorruptDataException.class);
        assertThatThrownBy(() -> first.decode(Bytes.wrap(new byte[] {5, 3, 1}), s)).isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("padding byte 0 says 5");
        ZarrPackBitsCodec last = create("{\"padding_encoding\": \"last_byte\"}");
        assertThatThrownBy(() -> last.decode(Bytes.wrap(new byte[] {3, 1, (byte) 200}), s)).isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("padding byte 2 says 200");
        // a chunk spec of 2^40 elements does not make the decoder allocate before the size check
        assertThatThrownBy(() -> create("{}").decode(Bytes.wrap(new byte[16]), spec(DataType.UINT8, 1L << 20, 1L << 20)))
                .isInstanceOf(CorruptDataException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"padding_encoding\": \"middle\"}", "{\"padding_encoding\": 1}", "{\"first_bit\": -1}",
            "{\"first_bit\": 4, \"last_bit\": 3}", "{\"last_bit\": 1.5}", "{\"first_bit\": 0, \"start_bit\": 0}", "{\"bits\": 3}"})
    void invalidConfigurationsAreInvalidMetadata(String configuration) {
        assertThatThrownBy(() -> create(configuration)).isInstanceOf(InvalidMetadataException.class).hasMessageContaining("packbits");
    }

    @Test
    void typesAndBitRangesThatDoNotFitAreRefusedWhenTheArrayOpens() throws Exception {
        assertThatThrownBy(() -> create("{\"last_bit\": 8}").checkDataType(DataType.UINT8, "array 'a'"))
                .isInstanceOf(InvalidMetadataException.class).hasMessageContaining("array 'a'").hasMessageContaining("8-bit");
        assertThatThrownBy(() -> create("{\"last_bit\": 1}").checkDataType(DataType.BOOL, "array 'a'"))
                .isInstanceOf(InvalidMetadataException.class);
        assertThatThrownBy(() -> create("{}").checkDataType(DataType.STRING, "array 'a'")).isInstanceOf(InvalidMetadataException.class);
        assertThatThrownBy(() -> create("{}").checkDataType(DataType.rawBits(24), "array 'a'")).isInstanceOf(InvalidMetadataException.class);
        create("{\"last_bit\": 63}").checkDataType(DataType.FLOAT64, "array 'a'");
    }

    @Test
    void specWritesBackTheSpellingItRead() throws Exception {
        assertThat(create("{}").spec().configuration().toString()).isEqualTo("{}");
        assertThat(create("{\"padding_encoding\": \"end_byte\", \"start_bit\": 1, \"end_bit\": 2}").spec().configuration().toString())
                .isEqualTo("{\"padding_encoding\":\"end_byte\",\"start_bit\":1,\"end_bit\":2}");
        assertThat(create("{\"padding_encoding\": \"none\", \"first_bit\": null}").spec().configuration().toString()).isEqualTo("{}");
    }
}
