package dev.ngff.codecs.numcodecs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import dev.ngff.testing.Gen;
import dev.ngff.testing.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * zarrs' header-less {@code zfp} codec and the zfpy decoder against hostile input: every type zarrs maps
 * round-trips exactly in reversible mode (8/16-bit through zfp's promotion, unsigned through clamping),
 * lossy modes stay in bounds, configurations follow the zarr-extensions schema, and truncated or corrupted
 * streams of both codecs fail with a {@link CorruptDataException} or decode to something (never crash or
 * read out of bounds). Skips loudly without libzfp, and fails under CI.
 */
class ZfpCodecTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void needsLibzfp() {
        ZfpyCodecTest.needsLibzfp();
    }

    static ZfpCodec zfp(String json) throws Exception {
        return (ZfpCodec) CodecRegistry.standard().create(new CodecSpec("zfp", (ObjectNode) JSON.readTree(json)));
    }

    static ChunkSpec spec(DataType t, long... shape) {
        return new ChunkSpec(shape, t, FillValue.zero(t));
    }

    static NdBuffer random(DataType t, long[] shape, long seed) {
        NdBuffer b = NdBuffer.allocate(t, shape);
        Random r = new Random(seed);
        for (long i = 0; i < b.segment().byteSize(); i++) {
            b.segment().set(ValueLayout.JAVA_BYTE, i, (byte) r.nextInt());
        }
        if (t.equals(DataType.FLOAT32) || t.equals(DataType.FLOAT64)) { // no NaN payloads: compare values
            for (long i = 0; i < b.elementCount(); i++) {
                double v = r.nextGaussian() * 1e6;
                if (t.equals(DataType.FLOAT32)) {
                    b.segment().set(ValueLayout.JAVA_FLOAT_UNALIGNED, i * 4, (float) v);
                } else {
                    b.segment().set(ValueLayout.JAVA_DOUBLE_UNALIGNED, i * 8, v);
                }
            }
        }
        if (t.equals(DataType.UINT32)) { // zarrs clamps above 2^31-1
            for (long i = 0; i < b.elementCount(); i++) {
                b.segment().set(ValueLayout.JAVA_INT_UNALIGNED, i * 4, r.nextInt() & 0x7fffffff);
            }
        }
        if (t.equals(DataType.UINT64)) {
            for (long i = 0; i < b.elementCount(); i++) {
                b.segment().set(ValueLayout.JAVA_LONG_UNALIGNED, i * 8, r.nextLong() & Long.MAX_VALUE);
            }
        }
        return b;
    }

    static final List<DataType> TYPES = List.of(DataType.INT8, DataType.UINT8, DataType.INT16, DataType.UINT16,
            DataType.INT32, DataType.UINT32, DataType.INT64, DataType.UINT64, DataType.FLOAT32, DataType.FLOAT64,
            DataType.datetime64("ns", 1), DataType.timedelta64("D", 1));

    @Test
    void reversibleRoundTripsEveryZarrsType() throws Exception {
        ZfpCodec codec = zfp("{\"mode\": \"reversible\"}");
        for (DataType t : TYPES) {
            for (long[] shape : ZfpyCodecTest.SHAPES) {
                NdBuffer in = random(t, shape, t.hashCode());
                Bytes enc = codec.encode(in, spec(t, shape));
                assertThat(codec.decode(enc, spec(t, shape)).asBytes().toArray()).as("%s %s", t, Arrays.toString(shape))
                        .isEqualTo(in.asBytes().toArray());
            }
        }
    }

    @Test
    void unsignedValuesAboveTheSignedRangeAreClampedAsZarrsDoes() throws Exception {
        ZfpCodec codec = zfp("{\"mode\": \"reversible\"}");
        NdBuffer in = NdBuffer.allocate(DataType.UINT32, 4);
        in.segment().set(ValueLayout.JAVA_INT_UNALIGNED, 0, -1); // 2^32-1
        NdBuffer back = codec.decode(codec.encode(in, spec(DataType.UINT32, 4)), spec(DataType.UINT32, 4));
        assertThat(back.getAsDouble(0)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void lossyModesAndConfigurations() throws Exception {
        long[] shape = {8, 8, 8};
        NdBuffer in = ZfpyCodecTest.smooth(DataType.FLOAT64, shape, 3);
        for (String cfg : List.of("{\"mode\": \"fixed_accuracy\", \"tolerance\": 0.25}", "{\"mode\": \"fixed_precision\", \"precision\": 24}",
                "{\"mode\": \"fixed_rate\", \"rate\": 16.0}", "{\"mode\": \"expert\", \"minbits\": 1, \"maxbits\": 4000, \"maxprec\": 30, \"minexp\": -20}")) {
            ZfpCodec codec = zfp(cfg);
            assertThat(codec.spec().configuration()).isEqualTo(JSON.readTree(cfg));
            NdBuffer back = codec.decode(codec.encode(in, spec(DataType.FLOAT64, shape)), spec(DataType.FLOAT64, shape));
            for (long i = 0; i < in.elementCount(); i++) {
                assertThat(Math.abs(back.getAsDouble(i) - in.getAsDouble(i))).as("%s element %d", cfg, i).isLessThan(1.0);
            }
        }
        Bytes rate = zfp("{\"mode\": \"fixed_rate\", \"rate\": 16.0}").encode(in, spec(DataType.FLOAT64, shape));
        assertThat(rate.size()).as("16 bits per value, no header").isEqualTo(512 * 2);
        for (String bad : List.of("{}", "{\"mode\": \"lossless\"}", "{\"mode\": \"reversible\", \"rate\": 3}",
                "{\"mode\": \"fixed_rate\"}", "{\"mode\": \"fixed_rate\", \"rate\": -2}", "{\"mode\": \"fixed_precision\", \"precision\": 65}",
                "{\"mode\": \"expert\", \"minbits\": 1}", "{\"mode\": \"fixed_accuracy\", \"tolerance\": \"x\"}")) {
            assertThatThrownBy(() -> zfp(bad)).as(bad).isInstanceOf(InvalidMetadataException.class).hasMessageContaining("zfp");
        }
        assertThatThrownBy(() -> zfp("{\"mode\": \"fixed_accuracy\", \"tolerance\": 1}").encode(NdBuffer.allocate(DataType.INT32, 4),
                spec(DataType.INT32, 4))).isInstanceOf(UnsupportedExtensionException.class).hasMessageContaining("int32");
        for (DataType t : List.of(DataType.FLOAT16, DataType.BOOL, DataType.COMPLEX64)) {
            assertThatThrownBy(() -> zfp("{\"mode\": \"reversible\"}").decode(Bytes.wrap(new byte[8]), spec(t, 4)))
                    .isInstanceOf(UnsupportedExtensionException.class).hasMessageContaining(t.name());
        }
    }

    @Test
    void truncatedStreamsAreCorrupt() throws Exception {
        ZfpCodec codec = zfp("{\"mode\": \"reversible\"}");
        long[] shape = {20, 20};
        NdBuffer in = random(DataType.FLOAT32, shape, 5);
        byte[] enc = codec.encode(in, spec(DataType.FLOAT32, shape)).toArray();
        for (int cut : new int[] {0, 8, 64, enc.length / 2, enc.length - 64}) {
            assertThatThrownBy(() -> codec.decode(Bytes.wrap(Arrays.copyOf(enc, cut)), spec(DataType.FLOAT32, shape)))
                    .as("cut at %d of %d", cut, enc.length).isInstanceOf(CorruptDataException.class).hasMessageContaining("zfp");
        }
    }

    static DataType zfpyTypes(Gen g) {
        return g.oneOf(DataType.INT32, DataType.INT64, DataType.FLOAT32, DataType.FLOAT64);
    }

    /** Corrupted zfpy and zfp streams: a value or a CorruptDataException naming the codec, nothing else. */
    @Test
    void corruptedStreamsFailCleanly() {
        Properties.forAll(300, g -> {
            DataType t = zfpyTypes(g);
            long seed = g.anyLong();
            boolean header = g.bool();
            int flips = g.intIn(1, 12);
            int cutWords = g.intIn(0, 3);
            long[] shape = {6, 11};
            var codec = header ? ZfpyCodecTest.zfpy("{\"mode\": 4, \"tolerance\": 0.01}") : zfp("{\"mode\": \"reversible\"}");
            if (header && !(t.equals(DataType.FLOAT32) || t.equals(DataType.FLOAT64))) {
                codec = ZfpyCodecTest.zfpy("{}");
            }
            byte[] enc = codec.encode(random(t, shape, seed), spec(t, shape)).toArray();
            Random r = new Random(seed);
            for (int i = 0; i < flips; i++) {
                enc[r.nextInt(enc.length)] ^= (byte) (1 << r.nextInt(8));
            }
            byte[] cut = Arrays.copyOf(enc, Math.max(0, enc.length - 8 * cutWords));
            var c = codec;
            Throwable e = catchThrowable(() -> c.decode(Bytes.wrap(cut), spec(t, shape)));
            if (e != null) {
                assertThat(e).isInstanceOf(CorruptDataException.class).hasMessageContaining("zfp");
            }
        });
    }

    @Test
    void heapAndNativeInputAgree() throws Exception {
        ZfpCodec codec = zfp("{\"mode\": \"reversible\"}");
        NdBuffer in = random(DataType.INT16, new long[] {33}, 1);
        Bytes enc = codec.encode(in, spec(DataType.INT16, 33));
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment off = arena.allocate(enc.size());
            MemorySegment.copy(enc.segment(), 0, off, 0, enc.size());
            assertThat(codec.decode(Bytes.wrap(off), spec(DataType.INT16, 33)).asBytes().toArray()).isEqualTo(in.asBytes().toArray());
        }
    }

    /** A type or rank zfp cannot store is refused when the array opens, naming type (or rank) and codec. */
    @Test
    void arraysRefuseWhatZfpCannotStoreWhenOpening() throws Exception {
        try (var ctx = dev.ngff.exec.ExecutionContext.create()) {
            var store = new dev.ngff.store.MemoryStore();
            record Bad(String codec, String config, DataType type, long[] shape, String mentions) {
            }
            for (Bad b : List.of(new Bad("numcodecs.zfpy", "{}", DataType.UINT16, new long[] {8}, "uint16"),
                    new Bad("zfp", "{\"mode\": \"reversible\"}", DataType.FLOAT16, new long[] {8}, "float16"),
                    new Bad("zfp", "{\"mode\": \"fixed_accuracy\", \"tolerance\": 1}", DataType.INT32, new long[] {8}, "int32"),
                    new Bad("zfp", "{\"mode\": \"reversible\"}", DataType.INT32, new long[] {2, 2, 2, 2, 2}, "dimensions"))) {
                var meta = dev.ngff.metadata.ArrayMetadata.builder(b.type(), b.shape())
                        .codecs(new CodecSpec(b.codec(), (ObjectNode) JSON.readTree(b.config()))).build();
                assertThatThrownBy(() -> dev.ngff.array.Zarr.createArray(store, dev.ngff.store.Key.of("a"), meta, ctx)).as("%s", b)
                        .isInstanceOf(InvalidMetadataException.class).hasMessageContaining(b.mentions()).hasMessageContaining("zfp");
            }
            var ok = dev.ngff.metadata.ArrayMetadata.builder(DataType.UINT16, 30, 40).chunks(8, 16)
                    .codecs(new CodecSpec("zfp", (ObjectNode) JSON.readTree("{\"mode\": \"reversible\"}"))).build();
            var a = dev.ngff.array.Zarr.createArray(store, dev.ngff.store.Key.of("ok"), ok, ctx);
            NdBuffer data = random(DataType.UINT16, new long[] {30, 40}, 8);
            a.write(data);
            assertThat(dev.ngff.array.Zarr.openArray(store, dev.ngff.store.Key.of("ok"), ctx).read().contentEquals(data)).isTrue();
        }
    }
}
