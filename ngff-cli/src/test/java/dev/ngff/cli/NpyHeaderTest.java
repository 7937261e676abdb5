package dev.ngff.cli;

import dev.ngff.metadata.DataType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class NpyHeaderTest {

    @Test
    void headerIsWhatNumpyWrites() {
        // numpy.lib.format.write_array(f, numpy.zeros((2, 3), '<f8')) writes exactly these 128 bytes
        String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }";
        byte[] expected = new byte[128];
        byte[] prefix = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 118, 0};
        System.arraycopy(prefix, 0, expected, 0, 10);
        byte[] d = dict.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(d, 0, expected, 10, d.length);
        Arrays.fill(expected, 10 + d.length, 127, (byte) ' ');
        expected[127] = '\n';
        assertThat(NpyHeader.bytes(DataType.FLOAT64, new long[] {2, 3})).isEqualTo(expected);
    }

    @Test
    void shapesOfRankZeroAndOne() {
        assertThat(NpyHeader.dict(DataType.UINT8, new long[0])).contains("'shape': (), }");
        assertThat(NpyHeader.dict(DataType.UINT8, new long[] {5})).contains("'shape': (5,), }");
    }

    @Test
    void descriptors() {
        assertThat(NpyHeader.descr(DataType.UINT16)).isEqualTo("<u2");
        assertThat(NpyHeader.descr(DataType.UINT8)).isEqualTo("|u1");
        assertThat(NpyHeader.descr(DataType.INT8)).isEqualTo("|i1");
        assertThat(NpyHeader.descr(DataType.INT64)).isEqualTo("<i8");
        assertThat(NpyHeader.descr(DataType.FLOAT32)).isEqualTo("<f4");
        assertThat(NpyHeader.descr(DataType.FLOAT16)).isEqualTo("<f2");
        assertThat(NpyHeader.descr(DataType.BOOL)).isEqualTo("|b1");
        assertThat(NpyHeader.descr(DataType.COMPLEX64)).isEqualTo("<c8");
        assertThat(NpyHeader.descr(DataType.COMPLEX128)).isEqualTo("<c16");
        assertThat(NpyHeader.descr(DataType.rawBits(24))).isEqualTo("|V3");
    }

    @Test
    void everyHeaderIsAlignedTo64AndEndsWithNewline() {
        for (int rank = 0; rank < 40; rank++) {
            long[] shape = new long[rank];
            Arrays.fill(shape, 123456789L);
            byte[] h = NpyHeader.bytes(DataType.COMPLEX128, shape);
            assertThat(h.length % 64).isZero();
            assertThat(h[h.length - 1]).isEqualTo((byte) '\n');
            int len = (h[8] & 0xFF) | (h[9] & 0xFF) << 8;
            assertThat(len).isEqualTo(h.length - 10);
        }
    }
}
