package dev.ngff.codecs.numcodecs;

import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import dev.ngff.metadata.NumpyDtype;
import dev.ngff.testing.Fixtures;
import dev.ngff.testing.Npy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code numcodecs.zfpy} on the system's zfp library: numcodecs' zfpy fixtures (float32/64, int32/64, 1 to 4
 * dimensions, one Fortran-ordered array; full-precision modes, so exact) decode to their arrays' bytes, and
 * truncated or mismatched streams are corrupt data. Skips loudly without libzfp, and fails under CI.
 */
class ZfpyCodecTest {

    @BeforeAll
    static void needsLibzfp() {
        dev.ngff.testing.Requirements.require("ZFP TESTS", ZfpyCodec.isAvailable() ? null
                : ZfpLibrary.unavailabilityCause().orElse("?") + " (scripts/native-libs.sh installs it)");
    }

    /**
     * The chunk shape zfpy's stream describes: the array's shape, reversed for a Fortran-ordered array,
     * whose memory zfpy compresses as the C-ordered transpose (as a Zarr v2 order-F chunk reaches it after
     * the transpose).
     */
    static long[] streamShape(Npy npy) {
        long[] s = npy.shape();
        if (npy.fortranOrder()) {
            for (int a = 0, b = s.length - 1; a < b; a++, b--) {
                long t = s[a];
                s[a] = s[b];
                s[b] = t;
            }
        }
        return s;
    }

    @TestFactory
    Stream<DynamicTest> numcodecsFixturesDecode() throws Exception {
        return Fixtures.numcodecs("zfpy").stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            Npy npy = Npy.read(c.array());
            DataType t = NumpyDtype.parse(npy.descr(), "npy").dataType();
            ZfpyCodec codec = (ZfpyCodec) CodecRegistry.standard().create(c.spec());
            ChunkSpec spec = new ChunkSpec(streamShape(npy), t, FillValue.zero(t));
            NdBuffer got = codec.decode(Bytes.wrap(Files.readAllBytes(c.encoded())), spec);
            assertThat(got.shape()).isEqualTo(streamShape(npy));
            assertThat(got.asBytes().toArray()).as("%s against %s", c, npy).isEqualTo(npy.data());
        }));
    }

    @Test
    void truncatedAndMismatchedStreamsAreCorrupt() throws Exception {
        var c = Fixtures.numcodecs("zfpy").get(1);
        Npy npy = Npy.read(c.array());
        DataType t = NumpyDtype.parse(npy.descr(), "npy").dataType();
        ZfpyCodec codec = (ZfpyCodec) CodecRegistry.standard().create(c.spec());
        byte[] enc = Files.readAllBytes(c.encoded());
        ChunkSpec spec = new ChunkSpec(npy.shape(), t, FillValue.zero(t));
        // (not the last bytes: zfp pads a stream to 64-bit words it may never read)
        for (int cut : new int[] {0, 3, 8, 16, enc.length / 2, enc.length * 3 / 4}) {
            assertThatThrownBy(() -> codec.decode(Bytes.wrap(Arrays.copyOf(enc, cut)), spec)).as("cut at %d", cut)
                    .isInstanceOf(CorruptDataException.class);
        }
        long[] other = npy.shape().clone();
        other[0] += 1;
        assertThatThrownBy(() -> codec.decode(Bytes.wrap(enc), new ChunkSpec(other, t, FillValue.zero(t))))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("elements");
        assertThatThrownBy(() -> codec.decode(Bytes.wrap(enc), new ChunkSpec(npy.shape(), DataType.UINT16,
                FillValue.zero(DataType.UINT16)))).isInstanceOf(UnsupportedExtensionException.class);
        assertThatThrownBy(() -> codec.encode(NdBuffer.allocate(DataType.UINT16, 4), new ChunkSpec(new long[] {4},
                DataType.UINT16, FillValue.zero(DataType.UINT16)))).isInstanceOf(UnsupportedExtensionException.class)
                .hasMessageContaining("uint16");
    }

    /**
     * Our encoder is zfpy's: numcodecs' 1-dimensional fixtures are reproduced byte for byte. (Its n-d fixtures
     * come from an older zfpy that gave zfp the axes in the other order; zfpy 1.0.1, the pinned peer, orders
     * them as we do, which the live peer test in spec-conformance checks.)
     */
    @TestFactory
    Stream<DynamicTest> ourEncodingIsZfpys() throws Exception {
        var oneDimensional = new java.util.ArrayList<Fixtures.NumcodecsCase>();
        for (var c : Fixtures.numcodecs("zfpy")) {
            if (Npy.read(c.array()).shape().length == 1) {
                oneDimensional.add(c);
            }
        }
        assertThat(oneDimensional).hasSizeGreaterThanOrEqualTo(4);
        return oneDimensional.stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            Npy npy = Npy.read(c.array());
            DataType t = NumpyDtype.parse(npy.descr(), "npy").dataType();
            ZfpyCodec codec = (ZfpyCodec) CodecRegistry.standard().create(c.spec());
            ChunkSpec spec = new ChunkSpec(npy.shape(), t, FillValue.zero(t));
            NdBuffer in = NdBuffer.wrap(t, npy.shape(), java.lang.foreign.MemorySegment.ofArray(npy.data()));
            byte[] ours = codec.encode(in, spec).toArray();
            byte[] theirs = Files.readAllBytes(c.encoded());
            assertThat(ours.length).as("length of our encoding of %s with %s", npy, c.spec()).isEqualTo(theirs.length);
            assertThat(Arrays.mismatch(ours, theirs)).as("first differing byte of our encoding of %s with %s", npy, c.spec())
                    .isEqualTo(-1);
        }));
    }

    static ZfpyCodec zfpy(String json) throws Exception {
        return (ZfpyCodec) CodecRegistry.standard().create(new dev.ngff.metadata.CodecSpec("numcodecs.zfpy",
                (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(json)));
    }

    /** A smooth field with some noise, the data zfp is made for. */
    static NdBuffer smooth(DataType t, long[] shape, long seed) {
        NdBuffer b = NdBuffer.allocate(t, shape);
        java.util.Random r = new java.util.Random(seed);
        var le = java.nio.ByteOrder.LITTLE_ENDIAN;
        for (long i = 0; i < b.elementCount(); i++) {
            double v = 1000 * Math.sin(i * 0.01) + r.nextGaussian();
            long off = i * t.byteSize();
            if (t.equals(DataType.FLOAT32)) {
                b.segment().set(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(le), off, (float) v);
            } else if (t.equals(DataType.FLOAT64)) {
                b.segment().set(java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(le), off, v);
            } else if (t.byteSize() == 4) {
                b.segment().set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED.withOrder(le), off, (int) v);
            } else {
                b.segment().set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED.withOrder(le), off, (long) v);
            }
        }
        return b;
    }

    static final java.util.List<long[]> SHAPES = java.util.List.of(new long[] {1}, new long[] {37}, new long[] {9, 13},
            new long[] {5, 6, 7}, new long[] {3, 4, 5, 6}, new long[] {1, 1, 4, 1});

    @Test
    void reversibleRoundTripsExactly() throws Exception {
        for (String cfg : java.util.List.of("{}", "{\"mode\": 5}", "{\"mode\": 2, \"rate\": -1}", "{\"mode\": 3}",
                "{\"mode\": 4, \"tolerance\": -1, \"rate\": -1, \"precision\": -1, \"compression_kwargs\": {\"tolerance\": -1}}")) {
            ZfpyCodec codec = zfpy(cfg);
            for (DataType t : java.util.List.of(DataType.INT32, DataType.INT64, DataType.FLOAT32, DataType.FLOAT64)) {
                for (long[] shape : SHAPES) {
                    ChunkSpec spec = new ChunkSpec(shape, t, FillValue.zero(t));
                    NdBuffer in = smooth(t, shape, shape.length);
                    assertThat(codec.decode(codec.encode(in, spec), spec).asBytes().toArray())
                            .as("%s %s %s", cfg, t, Arrays.toString(shape)).isEqualTo(in.asBytes().toArray());
                }
            }
        }
    }

    @Test
    void lossyModesKeepTheirPromise() throws Exception {
        long[] shape = {16, 16, 16};
        for (DataType t : java.util.List.of(DataType.FLOAT32, DataType.FLOAT64)) {
            ChunkSpec spec = new ChunkSpec(shape, t, FillValue.zero(t));
            NdBuffer in = smooth(t, shape, 9);
            Bytes acc = zfpy("{\"mode\": 4, \"tolerance\": 0.5}").encode(in, spec);
            NdBuffer back = zfpy("{}").decode(acc, spec); // the header carries the mode
            for (long i = 0; i < in.elementCount(); i++) {
                assertThat(Math.abs(back.getAsDouble(i) - in.getAsDouble(i))).as("%s element %d", t, i).isLessThanOrEqualTo(0.5);
            }
            assertThat(acc.size()).isLessThan(in.segment().byteSize() / 2);
            Bytes rate = zfpy("{\"mode\": 2, \"rate\": 8}").encode(in, spec);
            assertThat(rate.size()).as("8 bits per value plus the header").isBetween(4096L, 4096L + 24);
            NdBuffer fromRate = zfpy("{}").decode(rate, spec);
            assertThat(Math.abs(fromRate.getAsDouble(100) - in.getAsDouble(100))).isLessThan(50);
            Bytes prec = zfpy("{\"mode\": 3, \"precision\": 20}").encode(in, spec);
            NdBuffer fromPrec = zfpy("{}").decode(prec, spec);
            assertThat(Math.abs(fromPrec.getAsDouble(7) - in.getAsDouble(7))).isLessThan(1);
        }
        assertThatThrownBy(() -> zfpy("{\"mode\": 1}").encode(smooth(DataType.FLOAT32, new long[] {4}, 1),
                new ChunkSpec(new long[] {4}, DataType.FLOAT32, FillValue.zero(DataType.FLOAT32))))
                .isInstanceOf(UnsupportedExtensionException.class).hasMessageContaining("expert");
        assertThatThrownBy(() -> zfpy("{\"mode\": 7}")).isInstanceOf(dev.ngff.error.InvalidMetadataException.class);
        long[] five = {2, 2, 2, 2, 2};
        assertThatThrownBy(() -> zfpy("{}").encode(NdBuffer.allocate(DataType.FLOAT32, five),
                new ChunkSpec(five, DataType.FLOAT32, FillValue.zero(DataType.FLOAT32))))
                .isInstanceOf(UnsupportedExtensionException.class).hasMessageContaining("4 dimensions");
    }
}
