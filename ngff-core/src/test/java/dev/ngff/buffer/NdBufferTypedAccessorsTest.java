package dev.ngff.buffer;

import dev.ngff.metadata.DataType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** getAsDouble / getImagAsDouble / setAsDouble / setComplex / setAsLong / elementBytes across the data types. */
class NdBufferTypedAccessorsTest {

    @Test
    void floatsRoundPerTheirFormat() {
        for (DataType t : new DataType[] {DataType.FLOAT16, DataType.FLOAT32, DataType.FLOAT64, DataType.BFLOAT16,
                DataType.FLOAT8_E4M3, DataType.FLOAT8_E5M2}) {
            NdBuffer b = NdBuffer.allocate(t, 3);
            b.setAsDouble(0, 1.5);
            b.setAsDouble(1, Double.NaN);
            b.setAsDouble(2, 1e300);
            assertThat(b.getAsDouble(0)).as("%s", t).isEqualTo(1.5);
            assertThat(b.getAsDouble(1)).as("%s", t).isNaN();
            assertThat(b.getAsDouble(2)).as("%s", t).isEqualTo(t == DataType.FLOAT64 ? 1e300 : Double.POSITIVE_INFINITY);
        }
        NdBuffer b = NdBuffer.allocate(DataType.FLOAT8_E4M3, 2);
        b.setAsDouble(0, 0.1); // between 0.09375 (0x1c) and 0.1015625 (0x1d): nearest is 0x1d
        assertThat(b.elementBytes(0)).containsExactly(0x1d);
        b.setAsDouble(1, 1.0625); // tie between 1.0 (0x38, even) and 1.125 (0x39)
        assertThat(b.elementBytes(1)).containsExactly(0x38);
    }

    @Test
    void complexParts() {
        for (DataType t : new DataType[] {DataType.COMPLEX64, DataType.COMPLEX128, DataType.COMPLEX_FLOAT16,
                DataType.COMPLEX_BFLOAT16, DataType.COMPLEX_FLOAT8_E4M3, DataType.COMPLEX_FLOAT8_E5M2}) {
            NdBuffer b = NdBuffer.allocate(t, 2);
            b.setComplex(1, -0.75, 3);
            assertThat(b.getAsDouble(1)).as("%s", t).isEqualTo(-0.75);
            assertThat(b.getImagAsDouble(1)).as("%s", t).isEqualTo(3.0);
            assertThat(b.getImagAsDouble(0)).as("%s", t).isZero();
        }
    }

    @Test
    void wrongKindsAreRefused() {
        assertThatThrownBy(() -> NdBuffer.allocate(DataType.FLOAT32, 1).getImagAsDouble(0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> NdBuffer.allocate(DataType.INT8, 1).setAsDouble(0, 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> NdBuffer.allocate(DataType.FLOAT32, 1).setComplex(0, 1, 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> NdBuffer.allocate(DataType.FLOAT32, 1).setAsLong(0, 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> NdBuffer.allocate(DataType.INT16, 1).setElementBytes(0, new byte[3]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void subByteIntegers() {
        NdBuffer b = NdBuffer.allocate(DataType.INT4, 2);
        b.setAsLong(0, -8);
        b.setAsLong(1, 7);
        assertThat(b.getAsLong(0)).isEqualTo(-8);
        assertThat(b.getAsDouble(1)).isEqualTo(7.0);
        assertThat(b.elementBytes(0)).containsExactly(0xf8);
        assertThatThrownBy(() -> b.setAsLong(0, 8)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("int4");
        NdBuffer u = NdBuffer.allocate(DataType.UINT2, 1);
        u.setAsLong(0, 3);
        assertThat(u.getAsLong(0)).isEqualTo(3);
        assertThatThrownBy(() -> u.setAsLong(0, 4)).isInstanceOf(IllegalArgumentException.class);
        NdBuffer wide = NdBuffer.allocate(DataType.UINT16, 1);
        wide.setAsLong(0, 65535);
        assertThat(wide.getAsLong(0)).isEqualTo(65535);
    }
}
