package dev.ngff.codec.std;

import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.codec.ArrayToBytesCodec;
import dev.ngff.codec.ArrayToBytesCodecContract;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.error.CorruptDataException;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The big-endian {@code bytes} codec: the array-to-bytes contract and known encodings. */
class BytesCodecTest extends ArrayToBytesCodecContract {
    private static final BytesCodec BIG = new BytesCodec("big");
    private static final BytesCodec LITTLE = BytesCodec.littleEndian();

    @Override
    protected ArrayToBytesCodec codec() {
        return BIG;
    }

    private static ChunkSpec spec(DataType t, long... shape) {
        return new ChunkSpec(shape, t, FillValue.zero(t));
    }

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    @Test
    void int16BigEndian() throws Exception {
        NdBuffer a = NdBuffer.allocate(DataType.INT16, 3);
        a.setShort((short) 1, 0);
        a.setShort((short) -2, 1);
        a.setShort((short) 0x1234, 2);
        byte[] be = bytes(0x00, 0x01, 0xFF, 0xFE, 0x12, 0x34);
        assertThat(BIG.encode(a, spec(DataType.INT16, 3)).toArray()).isEqualTo(be);
        assertThat(LITTLE.encode(a, spec(DataType.INT16, 3)).toArray()).isEqualTo(bytes(0x01, 0x00, 0xFE, 0xFF, 0x34, 0x12));
        assertThat(BIG.decode(Bytes.wrap(be), spec(DataType.INT16, 3)).contentEquals(a)).isTrue();
    }

    @Test
    void float64BigEndian() throws Exception {
        NdBuffer a = NdBuffer.allocate(DataType.FLOAT64, 2);
        a.setDouble(1.5, 0);
        a.setDouble(-0.0, 1);
        byte[] be = bytes(0x3F, 0xF8, 0, 0, 0, 0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0);
        assertThat(BIG.encode(a, spec(DataType.FLOAT64, 2)).toArray()).isEqualTo(be);
        NdBuffer back = BIG.decode(Bytes.wrap(be), spec(DataType.FLOAT64, 2));
        assertThat(back.getDouble(0)).isEqualTo(1.5);
        assertThat(Double.doubleToRawLongBits(back.getDouble(1))).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void complex64SwapsEachComponent() throws Exception {
        // complex64 (1.0f, -2.0f): each float32 component is swapped on its own, real part first
        NdBuffer a = NdBuffer.allocate(DataType.COMPLEX64, 1);
        a.segment().set(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 0, 1.0f);
        a.segment().set(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 4, -2.0f);
        byte[] be = bytes(0x3F, 0x80, 0, 0, 0xC0, 0, 0, 0);
        assertThat(BIG.encode(a, spec(DataType.COMPLEX64, 1)).toArray()).isEqualTo(be);
        assertThat(BIG.decode(Bytes.wrap(be), spec(DataType.COMPLEX64, 1)).contentEquals(a)).isTrue();
    }

    @Test
    void singleBytesAreNotSwapped() throws Exception {
        NdBuffer a = NdBuffer.allocate(DataType.UINT8, 3);
        a.setByte((byte) 1, 0);
        a.setByte((byte) 2, 1);
        a.setByte((byte) 3, 2);
        assertThat(BIG.encode(a, spec(DataType.UINT8, 3)).toArray()).containsExactly(1, 2, 3);
        assertThat(new BytesCodec(null).encode(a, spec(DataType.UINT8, 3)).toArray()).containsExactly(1, 2, 3);
    }

    @Test
    void wrongSizeIsCorruptData() {
        assertThatThrownBy(() -> BIG.decode(Bytes.wrap(new byte[7]), spec(DataType.INT32, 2)))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("expected 8");
        assertThatThrownBy(() -> LITTLE.decode(Bytes.wrap(new byte[9]), spec(DataType.INT32, 2)))
                .isInstanceOf(CorruptDataException.class);
    }

    @Test
    void unknownEndiannessIsRejected() {
        assertThatThrownBy(() -> new BytesCodec("middle")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void subByteIntegersKeepOnlyTheirLowBitsOnDecode() throws Exception {
        // int4: 0x18 is 8 + a stray high bit, reads as -8; 0x07 stays 7; uint2: 0xfe reads as 2
        NdBuffer i4 = LITTLE.decode(Bytes.wrap(bytes(0x18, 0x07, 0xf9)), spec(DataType.INT4, 3));
        assertThat(new long[] {i4.getAsLong(0), i4.getAsLong(1), i4.getAsLong(2)}).containsExactly(-8, 7, -7);
        NdBuffer u2 = LITTLE.decode(Bytes.wrap(bytes(0xfe, 0x03)), spec(DataType.UINT2, 2));
        assertThat(new long[] {u2.getAsLong(0), u2.getAsLong(1)}).containsExactly(2, 3);
        // canonical bytes come back unchanged, and every canonical int2 byte survives a round trip
        for (int v = -2; v <= 1; v++) {
            NdBuffer a = NdBuffer.allocate(DataType.INT2, 1);
            a.setAsLong(0, v);
            assertThat(LITTLE.decode(LITTLE.encode(a, spec(DataType.INT2, 1)), spec(DataType.INT2, 1)).getAsLong(0)).isEqualTo(v);
        }
    }

    @Test
    void subByteIntegersOutOfRangeAreNotWritten() {
        NdBuffer a = NdBuffer.allocate(DataType.UINT4, 2);
        a.setByte((byte) 16, 1);
        assertThatThrownBy(() -> LITTLE.encode(a, spec(DataType.UINT4, 2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("element 1").hasMessageContaining("uint4");
        assertThatThrownBy(() -> a.setAsLong(0, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bfloat16AndComplexFloat8ByteOrder() throws Exception {
        NdBuffer a = NdBuffer.allocate(DataType.BFLOAT16, 1);
        a.setAsDouble(0, 1.0); // 0x3f80
        assertThat(BIG.encode(a, spec(DataType.BFLOAT16, 1)).toArray()).isEqualTo(bytes(0x3f, 0x80));
        NdBuffer c = NdBuffer.allocate(DataType.COMPLEX_FLOAT8_E4M3, 1);
        c.setComplex(0, 1.0, -2.0); // 0x38, 0xc0: one byte per component, nothing to swap
        assertThat(BIG.encode(c, spec(DataType.COMPLEX_FLOAT8_E4M3, 1)).toArray()).isEqualTo(bytes(0x38, 0xc0));
        NdBuffer back = BIG.decode(Bytes.wrap(bytes(0x38, 0xc0)), spec(DataType.COMPLEX_FLOAT8_E4M3, 1));
        assertThat(back.getAsDouble(0)).isEqualTo(1.0);
        assertThat(back.getImagAsDouble(0)).isEqualTo(-2.0);
    }
}
