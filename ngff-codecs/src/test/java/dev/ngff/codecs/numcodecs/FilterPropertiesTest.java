package dev.ngff.codecs.numcodecs;

import dev.ngff.buffer.NdBuffer;
import dev.ngff.codec.ArrayToArrayCodec;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import dev.ngff.testing.Fixtures;
import dev.ngff.testing.Gen;
import dev.ngff.testing.Properties;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Properties of the numcodecs filters: lossless ones round-trip exactly (delta on integers, widening
 * astype, packbits), lossy ones stay within their stated error (quantize, fixedscaleoffset) and are
 * idempotent (bitround). Byte-for-byte equality with numcodecs is checked against its fixtures in
 * {@link NumcodecsFixtureTest} and against live numcodecs in spec-conformance.
 */
class FilterPropertiesTest {
    private static final List<DataType> INTEGERS = List.of(DataType.INT8, DataType.INT16, DataType.INT32, DataType.INT64,
            DataType.UINT8, DataType.UINT16, DataType.UINT32, DataType.UINT64);

    static ChunkSpec spec(DataType t, long... shape) {
        return new ChunkSpec(shape, t, FillValue.zero(t));
    }

    static NdBuffer random(DataType t, long[] shape, long seed) {
        NdBuffer b = NdBuffer.allocate(t, shape);
        byte[] bytes = new byte[(int) b.segment().byteSize()];
        new Random(seed).nextBytes(bytes);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, b.segment(), 0, bytes.length);
        return b;
    }

    static NdBuffer doubles(DataType t, double[] values) {
        NdBuffer b = NdBuffer.allocate(t, values.length);
        for (int i = 0; i < values.length; i++) {
            NumpyScalars.putFloat(b.segment(), i, t, values[i]);
        }
        return b;
    }

    static NdBuffer roundTrip(ArrayToArrayCodec c, NdBuffer a, ChunkSpec s) throws Exception {
        NdBuffer e = c.encode(a, s);
        ChunkSpec es = c.encodedSpec(s);
        assertThat(e.dataType()).isEqualTo(es.dataType());
        assertThat(e.elementCount()).isEqualTo(es.elementCount());
        return c.decode(NdBuffer.wrap(es.dataType(), es.shape(), e.segment()), s);
    }

    static DataType integers(Gen g) {
        return g.oneOf(INTEGERS);
    }

    @Test
    void deltaOnIntegersIsLossless() {
        Properties.forAll(200, g -> {
            DataType t = integers(g);
            int n = g.intIn(0, 300);
            long seed = g.anyLong();
            NdBuffer a = random(t, new long[] {n}, seed);
            NdBuffer back = roundTrip(new DeltaCodec(t, t), a, spec(t, n));
            assertThat(back.contentEquals(a)).as("%s n=%d seed=%d", t, n, seed).isTrue();
        });
    }

    @Test
    void deltaKeepsTheChunkShape() {
        Properties.forAll(100, g -> {
            int rows = g.intIn(1, 9);
            int cols = g.intIn(1, 9);
            long seed = g.anyLong();
            NdBuffer a = random(DataType.INT32, new long[] {rows, cols}, seed);
            DeltaCodec d = new DeltaCodec(DataType.INT32, DataType.INT64);
            NdBuffer back = roundTrip(d, a, spec(DataType.INT32, rows, cols));
            assertThat(back.shape()).containsExactly(rows, cols);
            assertThat(back.contentEquals(a)).isTrue();
        });
    }

    @Test
    void widenAsTypeIsLossless() {
        Properties.forAll(200, g -> {
            DataType t = integers(g);
            int n = g.intIn(0, 200);
            long seed = g.anyLong();
            DataType wide = t.kind() == DataType.Kind.INT ? DataType.INT64 : DataType.UINT64;
            NdBuffer a = random(t, new long[] {n}, seed);
            assertThat(roundTrip(new AsTypeCodec(wide, t), a, spec(t, n)).contentEquals(a)).isTrue();
            if (t.byteSize() <= 2) { // exact in float32 too
                assertThat(roundTrip(new AsTypeCodec(DataType.FLOAT32, t), a, spec(t, n)).contentEquals(a)).isTrue();
            }
        });
    }

    @Test
    void packbitsIsLossless() {
        Properties.forAll(200, g -> {
            int n = g.intIn(0, 100);
            long seed = g.anyLong();
            NdBuffer a = NdBuffer.allocate(DataType.BOOL, n);
            Random r = new Random(seed);
            for (int i = 0; i < n; i++) {
                a.segment().set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) (r.nextBoolean() ? 1 : 0));
            }
            PackBitsCodec p = new PackBitsCodec();
            NdBuffer e = p.encode(a, spec(DataType.BOOL, n));
            assertThat(e.elementCount()).isEqualTo(1 + (n + 7) / 8);
            assertThat(e.getAsLong(0)).as("padding bits").isEqualTo((8 - n % 8) % 8);
            assertThat(roundTrip(p, a, spec(DataType.BOOL, n)).contentEquals(a)).isTrue();
        });
    }

    @Test
    void quantizeStaysWithinItsPrecision() {
        Properties.forAll(200, g -> {
            int digits = g.intIn(0, 6);
            long seed = g.anyLong();
            Random r = new Random(seed);
            double[] v = new double[50];
            for (int i = 0; i < v.length; i++) {
                v[i] = (r.nextDouble() - 0.5) * 2000;
            }
            NdBuffer a = doubles(DataType.FLOAT64, v);
            NdBuffer back = roundTrip(new QuantizeCodec(digits, DataType.FLOAT64, DataType.FLOAT64), a, spec(DataType.FLOAT64, 50));
            for (int i = 0; i < v.length; i++) {
                assertThat(Math.abs(back.getAsDouble(i) - v[i])).as("digits=%d seed=%d i=%d", digits, seed, i)
                        .isLessThanOrEqualTo(Math.pow(10, -digits));
            }
        });
    }

    @Test
    void fixedScaleOffsetStaysWithinHalfAStep() {
        Properties.forAll(200, g -> {
            int decimals = g.intIn(0, 4);
            long seed = g.anyLong();
            double scale = Math.pow(10, decimals);
            Random r = new Random(seed);
            double[] v = new double[50];
            for (int i = 0; i < v.length; i++) {
                v[i] = 1000 + (r.nextDouble() - 0.5) * 10;
            }
            NdBuffer a = doubles(DataType.FLOAT64, v);
            FixedScaleOffsetCodec c = new FixedScaleOffsetCodec(1000, scale, DataType.FLOAT64, DataType.INT32);
            NdBuffer back = roundTrip(c, a, spec(DataType.FLOAT64, 50));
            for (int i = 0; i < v.length; i++) {
                assertThat(Math.abs(back.getAsDouble(i) - v[i])).as("scale=%s seed=%d i=%d", scale, seed, i)
                        .isLessThanOrEqualTo(0.5 / scale + 1e-9);
            }
        });
    }

    @Test
    void bitroundIsIdempotentAndKeepsItsBits() {
        Properties.forAll(200, g -> {
            int keepbits = g.intIn(0, 23);
            long seed = g.anyLong();
            NdBuffer a = random(DataType.FLOAT32, new long[] {64}, seed);
            BitRoundCodec c = new BitRoundCodec("numcodecs.bitround", keepbits);
            ChunkSpec s = spec(DataType.FLOAT32, 64);
            NdBuffer once = c.encode(a, s);
            assertThat(c.encode(once, s).contentEquals(once)).as("keepbits=%d seed=%d", keepbits, seed).isTrue();
            int dropped = 23 - keepbits;
            for (int i = 0; i < 64; i++) {
                int bits = (int) once.getAsLong(i);
                assertThat(bits & ((1 << dropped) - 1)).as("dropped mantissa bits are zero").isZero();
            }
            assertThat(c.decode(once, s).contentEquals(once)).isTrue();
        });
    }

    /**
     * bfloat16 is the upper half of a float32, so rounding it to k mantissa bits must equal rounding the
     * widened float32 to k bits and keeping its upper half: every one of the 65536 patterns, k = 0..7.
     */
    @Test
    void bitroundOfBfloat16AgreesWithFloat32() throws Exception {
        NdBuffer bf = NdBuffer.allocate(DataType.BFLOAT16, 65536);
        NdBuffer f32 = NdBuffer.allocate(DataType.FLOAT32, 65536);
        for (int i = 0; i < 65536; i++) {
            bf.segment().set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, 2L * i, (short) i);
            f32.segment().set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 4L * i, i << 16);
        }
        for (int k = 0; k <= 7; k++) {
            NdBuffer r16 = new BitRoundCodec("bitround", k).encode(bf, spec(DataType.BFLOAT16, 65536));
            NdBuffer r32 = new BitRoundCodec("bitround", k).encode(f32, spec(DataType.FLOAT32, 65536));
            for (int i = 0; i < 65536; i++) {
                short got = r16.segment().get(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, 2L * i);
                int wide = r32.segment().get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 4L * i);
                assertThat(got).as("keepbits %d, pattern %04x", k, i).isEqualTo((short) (wide >>> 16));
            }
        }
        assertThatThrownBy(() -> new BitRoundCodec("bitround", 8).encode(bf, spec(DataType.BFLOAT16, 65536)))
                .isInstanceOf(UnsupportedExtensionException.class).hasMessageContaining("keepbits 8");
    }

    /** zarrs' bitround fixtures (keepbits 3): our encoding of the documented inputs is the stored chunk. */
    @Test
    void bitroundMatchesTheZarrsFixtures() throws Exception {
        byte[] f32 = Files.readAllBytes(Fixtures.path("zarrs/codec/bitround/bitround_float32.zarr/c/0"));
        NdBuffer in = doubles(DataType.FLOAT32, new double[] {0, 0.1, 1.2, 12.3, 123.4, 1234.5, Double.NaN,
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY});
        BitRoundCodec c = new BitRoundCodec("bitround", 3);
        assertThat(c.encode(in, spec(DataType.FLOAT32, 9)).asBytes().toArray()).isEqualTo(f32);
        byte[] u8 = Files.readAllBytes(Fixtures.path("zarrs/codec/bitround/bitround_uint8.zarr/c/0"));
        NdBuffer ints = NdBuffer.allocate(DataType.UINT8, 10);
        int[] values = {0, 1, 10, 11, 100, 123, 200, 208, 209, 255};
        for (int i = 0; i < values.length; i++) {
            ints.segment().set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) values[i]);
        }
        assertThat(c.encode(ints, spec(DataType.UINT8, 10)).asBytes().toArray()).isEqualTo(u8);
        assertThatThrownBy(() -> new BitRoundCodec("numcodecs.bitround", 3).encode(ints, spec(DataType.UINT8, 10)))
                .isInstanceOf(UnsupportedExtensionException.class);
    }

    @Test
    void numpyCastsOfOutOfRangeFloatsFollowX86() {
        // NumPy 2.4 on x86-64: nan/inf/1e20 -> int32 INT_MIN; 300.7 -> int8 44; 70000.2 -> int16 4464
        assertThat(NumpyScalars.floatToIntegerBits(Double.NaN, DataType.INT32)).isEqualTo(Integer.MIN_VALUE);
        assertThat(NumpyScalars.floatToIntegerBits(1e20, DataType.INT64)).isEqualTo(Long.MIN_VALUE);
        assertThat((byte) NumpyScalars.floatToIntegerBits(300.7, DataType.INT8)).isEqualTo((byte) 44);
        assertThat((short) NumpyScalars.floatToIntegerBits(70000.2, DataType.INT16)).isEqualTo((short) 4464);
        assertThat((byte) NumpyScalars.floatToIntegerBits(3e9, DataType.INT8)).isEqualTo((byte) 0);
        assertThat(NumpyScalars.floatToIntegerBits(-300.7, DataType.UINT64)).isEqualTo(-300L);
        assertThat(NumpyScalars.floatToIntegerBits(1.5e19, DataType.UINT64)).isEqualTo(Long.parseUnsignedLong("15000000000000000000"));
        // NumPy: inf and 1e20 -> uint64 0, nan -> 2^63; uint32: nan -> 2^31, inf -> 0, 3e9 exact
        assertThat(NumpyScalars.floatToIntegerBits(Double.POSITIVE_INFINITY, DataType.UINT64)).isZero();
        assertThat(NumpyScalars.floatToIntegerBits(Double.NaN, DataType.UINT64)).isEqualTo(Long.MIN_VALUE);
        assertThat(NumpyScalars.floatToIntegerBits(Double.NaN, DataType.UINT32)).isEqualTo(1L << 31);
        assertThat(NumpyScalars.floatToIntegerBits(1e20, DataType.UINT32)).isZero();
        assertThat(NumpyScalars.floatToIntegerBits(3e9, DataType.UINT32)).isEqualTo(3_000_000_000L);
        assertThat(NumpyScalars.floatToIntegerBits(-300.7, DataType.UINT32)).isEqualTo(4294966996L);
    }
}
