package dev.ngff.codecs.pcodec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.codec.Codec;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import dev.ngff.metadata.NumpyDtype;
import dev.ngff.testing.Fixtures;
import dev.ngff.testing.Gen;
import dev.ngff.testing.Npy;
import dev.ngff.testing.Properties;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * pcodec through the pco crate: numcodecs' own pcodec fixtures decode to their arrays (and our encoding of
 * them decodes back), every supported type round-trips under every configuration numcodecs exposes,
 * streams of the wrong type or count, truncated or corrupted streams are {@link CorruptDataException}s
 * naming the codec, and unsupported types and configurations are refused. Skips loudly without the native
 * library (no cargo at build time), and fails under CI.
 */
class PcodecCodecTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static void needsLibrary() {
        dev.ngff.testing.Requirements.require("PCODEC TESTS", PcodecCodec.isAvailable() ? null
                : PcodecCodec.unavailabilityCause().orElse("?") + " (the ngff-codecs build needs cargo; scripts/native-libs.sh installs it)");
    }

    @BeforeAll
    static void beforeAll() {
        needsLibrary();
    }

    static PcodecCodec codec(PcodecCodec.Config config) throws UnsupportedExtensionException {
        return new PcodecCodec("numcodecs.pcodec", config);
    }

    static ChunkSpec spec(DataType t, long... shape) {
        return new ChunkSpec(shape, t, FillValue.zero(t));
    }

    @TestFactory
    Stream<DynamicTest> numcodecsFixturesDecode() throws Exception {
        List<Fixtures.NumcodecsCase> cases = Fixtures.numcodecs("pcodec");
        assertThat(cases).hasSizeGreaterThanOrEqualTo(10);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            Npy npy = Npy.read(c.array());
            DataType t = NumpyDtype.parse(npy.descr(), "npy").dataType();
            Codec made = CodecRegistry.standard().create(c.spec());
            assertThat(made).isInstanceOf(PcodecCodec.class);
            PcodecCodec codec = (PcodecCodec) made;
            ChunkSpec spec = spec(t, npy.shape());
            NdBuffer got = codec.decode(Bytes.wrap(Files.readAllBytes(c.encoded())), spec);
            assertThat(got.asBytes().toArray()).as("%s against %s", c, npy).isEqualTo(npy.data());
            NdBuffer expected = NdBuffer.wrap(t, npy.shape(), MemorySegment.ofArray(npy.data()));
            Bytes ours = codec.encode(expected, spec);
            assertThat(codec.decode(ours, spec).asBytes().toArray()).as("our encoding of %s", npy).isEqualTo(npy.data());
        }));
    }

    static final List<DataType> TYPES = List.of(DataType.UINT16, DataType.UINT32, DataType.UINT64, DataType.INT16,
            DataType.INT32, DataType.INT64, DataType.FLOAT16, DataType.FLOAT32, DataType.FLOAT64, DataType.COMPLEX64,
            DataType.COMPLEX128, DataType.datetime64("s", 1), DataType.timedelta64("ms", 10));

    static DataType types(Gen g) {
        return g.oneOf(TYPES);
    }

    static PcodecCodec.Config configs(Gen g) {
        int level = g.intIn(0, 12);
        PcodecCodec.Mode mode = g.oneOf(PcodecCodec.Mode.values());
        Object[] delta = g.oneOf(
                new Object[] {PcodecCodec.Delta.AUTO, null}, new Object[] {PcodecCodec.Delta.NONE, null},
                new Object[] {PcodecCodec.Delta.TRY_LOOKBACK, null}, new Object[] {PcodecCodec.Delta.TRY_CONSECUTIVE, 0},
                new Object[] {PcodecCodec.Delta.TRY_CONSECUTIVE, 3}, new Object[] {PcodecCodec.Delta.TRY_CONSECUTIVE, 7},
                new Object[] {PcodecCodec.Delta.AUTO, 2});
        int pages = g.intIn(1, 5000);
        return new PcodecCodec.Config(level, mode, (PcodecCodec.Delta) delta[0], (Integer) delta[1], pages);
    }

    /** Random bytes for the chunk, or a smooth ramp (the kind of data pco's modes and deltas are for). */
    static NdBuffer data(DataType t, long[] shape, long seed, boolean smooth) {
        NdBuffer b = NdBuffer.allocate(t, shape);
        Random r = new Random(seed);
        MemorySegment s = b.segment();
        if (!smooth) {
            for (long i = 0; i < s.byteSize(); i++) {
                s.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) r.nextInt());
            }
            return b;
        }
        int c = t.kind() == DataType.Kind.COMPLEX ? 2 : 1;
        int size = t.byteSize() / c;
        var le = java.nio.ByteOrder.LITTLE_ENDIAN;
        for (long i = 0; i < b.elementCount() * c; i++) {
            long v = 1000 + 3 * i + r.nextInt(4);
            double d = i * 0.1 + r.nextInt(3) * 0.01;
            long off = i * size;
            boolean fp = t.kind() == DataType.Kind.FLOAT || t.kind() == DataType.Kind.COMPLEX;
            switch (size) {
                case 2 -> s.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(le), off,
                        fp ? Float.floatToFloat16((float) d) : (short) v);
                case 4 -> {
                    if (fp) {
                        s.set(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(le), off, (float) d);
                    } else {
                        s.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED.withOrder(le), off, (int) v);
                    }
                }
                default -> {
                    if (fp) {
                        s.set(java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(le), off, d);
                    } else {
                        s.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED.withOrder(le), off, v);
                    }
                }
            }
        }
        return b;
    }

    @Test
    void everyTypeAndConfigurationRoundTrips() {
        Properties.forAll(150, g -> {
            DataType t = types(g);
            PcodecCodec.Config config = configs(g);
            int n = g.intIn(1, 3000);
            long seed = g.anyLong();
            boolean smooth = g.bool();
            PcodecCodec codec = codec(config);
            long[] shape = n % 7 == 0 ? new long[] {7, n / 7} : new long[] {n};
            ChunkSpec spec = spec(t, shape);
            NdBuffer in = data(t, shape, seed, smooth);
            Bytes enc = codec.encode(in, spec);
            assertThat(enc.size()).isLessThanOrEqualTo(codec.encodedSizeBound(spec));
            assertThat(codec.decode(enc, spec).asBytes().toArray()).isEqualTo(in.asBytes().toArray());
        });
    }

    @Test
    void compressesSmoothDataWell() throws Exception {
        ChunkSpec spec = spec(DataType.UINT16, 64, 64, 16);
        NdBuffer in = data(DataType.UINT16, spec.shape(), 7, true);
        Bytes enc = codec(PcodecCodec.Config.DEFAULT).encode(in, spec);
        assertThat(enc.size()).as("a noisy ramp of 65536 uint16 (2 bits of noise)").isLessThan(in.segment().byteSize() / 4);
    }

    @Test
    void unalignedBuffersWork() throws Exception {
        PcodecCodec codec = codec(PcodecCodec.Config.DEFAULT);
        ChunkSpec spec = spec(DataType.FLOAT64, 300);
        NdBuffer in = data(DataType.FLOAT64, spec.shape(), 3, true);
        byte[] raw = new byte[2401];
        MemorySegment.copy(in.segment(), 0, MemorySegment.ofArray(raw), 1, 2400);
        NdBuffer shifted = NdBuffer.wrap(DataType.FLOAT64, spec.shape(), MemorySegment.ofArray(raw).asSlice(1, 2400));
        Bytes enc = codec.encode(shifted, spec);
        byte[] encRaw = new byte[(int) enc.size() + 3];
        MemorySegment.copy(enc.segment(), 0, MemorySegment.ofArray(encRaw), 3, enc.size());
        assertThat(codec.decode(Bytes.wrap(encRaw, 3, (int) enc.size()), spec).asBytes().toArray())
                .isEqualTo(in.asBytes().toArray());
    }

    @Test
    void wrongTypeOrCountIsCorrupt() throws Exception {
        PcodecCodec codec = codec(PcodecCodec.Config.DEFAULT);
        ChunkSpec spec = spec(DataType.INT32, 100);
        Bytes enc = codec.encode(data(DataType.INT32, spec.shape(), 1, true), spec);
        for (ChunkSpec wrong : List.of(spec(DataType.INT32, 99), spec(DataType.INT32, 101), spec(DataType.UINT32, 100),
                spec(DataType.FLOAT32, 100), spec(DataType.INT64, 50), spec(DataType.INT32, 1000, 1000))) {
            assertThatThrownBy(() -> codec.decode(enc, wrong)).as("decoding 100 int32 as %s", wrong)
                    .isInstanceOf(CorruptDataException.class).hasMessageContaining("numcodecs.pcodec");
        }
    }

    @Test
    void truncatedAndGarbageStreamsAreCorrupt() throws Exception {
        PcodecCodec codec = codec(PcodecCodec.Config.DEFAULT);
        ChunkSpec spec = spec(DataType.FLOAT32, 2000);
        byte[] enc = codec.encode(data(DataType.FLOAT32, spec.shape(), 5, false), spec).toArray();
        for (int len = 0; len < enc.length; len += Math.max(1, enc.length / 97)) {
            int l = len;
            assertThatThrownBy(() -> codec.decode(Bytes.wrap(java.util.Arrays.copyOf(enc, l)), spec))
                    .as("truncated to %d of %d bytes", len, enc.length)
                    .isInstanceOf(CorruptDataException.class).hasMessageContaining("numcodecs.pcodec");
        }
        assertThatThrownBy(() -> codec.decode(Bytes.wrap("not a pco stream at all".getBytes()), spec))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("magic");
    }

    /** Random corruption of a valid stream: a value or a CorruptDataException, never a crash or a hang. */
    @Test
    void corruptedStreamsFailCleanly() {
        Properties.forAll(300, g -> {
            DataType t = types(g);
            long seed = g.anyLong();
            int flips = g.intIn(1, 8);
            PcodecCodec codec = codec(PcodecCodec.Config.DEFAULT);
            ChunkSpec spec = spec(t, 500);
            byte[] enc = codec.encode(data(t, spec.shape(), seed, seed % 2 == 0), spec).toArray();
            Random r = new Random(seed);
            for (int i = 0; i < flips; i++) {
                enc[r.nextInt(enc.length)] ^= (byte) (1 << r.nextInt(8));
            }
            Throwable e = catchThrowable(() -> codec.decode(Bytes.wrap(enc), spec));
            if (e != null) {
                assertThat(e).isInstanceOf(CorruptDataException.class).hasMessageContaining("numcodecs.pcodec");
            }
        });
    }

    @Test
    void unsupportedTypesAreRefusedNamingTypeAndCodec() throws Exception {
        PcodecCodec codec = codec(PcodecCodec.Config.DEFAULT);
        for (DataType t : List.of(DataType.UINT8, DataType.INT8, DataType.BOOL, DataType.rawBits(24), DataType.fixedUtf32(2))) {
            ChunkSpec spec = spec(t, 4);
            assertThatThrownBy(() -> codec.decode(Bytes.wrap(new byte[16]), spec)).isInstanceOf(UnsupportedExtensionException.class)
                    .hasMessageContaining("pcodec").hasMessageContaining(t.name());
            assertThatThrownBy(() -> codec.encode(NdBuffer.allocate(t, 4), spec)).isInstanceOf(UnsupportedExtensionException.class)
                    .hasMessageContaining(t.name());
        }
    }

    @Test
    void configurationIsNumcodecs() throws Exception {
        CodecRegistry reg = CodecRegistry.standard();
        ObjectNode full = (ObjectNode) JSON.readTree("""
                {"id": "pcodec", "level": 3, "mode_spec": "classic", "delta_spec": "try_consecutive", "paging_spec": "equal_pages_up_to",
                 "delta_encoding_order": 2, "equal_pages_up_to": 1000}""");
        PcodecCodec c = (PcodecCodec) reg.create(new CodecSpec("numcodecs.pcodec", full));
        assertThat(c.config()).isEqualTo(new PcodecCodec.Config(3, PcodecCodec.Mode.CLASSIC, PcodecCodec.Delta.TRY_CONSECUTIVE, 2, 1000));
        full.remove("id");
        assertThat(c.spec().configuration()).isEqualTo(full);
        assertThat(reg.create(new CodecSpec("pcodec", JSON.createObjectNode()))).isEqualTo(
                new PcodecCodec("pcodec", PcodecCodec.Config.DEFAULT));
        for (String bad : List.of("{\"level\": 13}", "{\"mode_spec\": \"try_float_mult\"}", "{\"delta_spec\": \"conv1\"}",
                "{\"paging_spec\": \"exact\"}", "{\"equal_pages_up_to\": 0}", "{\"delta_encoding_order\": 8}",
                "{\"delta_spec\": \"none\", \"delta_encoding_order\": 1}", "{\"delta_spec\": \"try_consecutive\"}",
                "{\"levels\": 3}")) {
            assertThatThrownBy(() -> reg.create(new CodecSpec("numcodecs.pcodec", (ObjectNode) JSON.readTree(bad))))
                    .as(bad).isInstanceOf(InvalidMetadataException.class).hasMessageContaining("numcodecs.pcodec");
        }
    }

    /** Through a real array, v2 and v3: writes, reads back, and refuses a type pcodec cannot store when opening. */
    @Test
    void arraysUsePcodecAndRefuseUnsupportedTypesWhenOpening() throws Exception {
        try (var ctx = dev.ngff.exec.ExecutionContext.create()) {
            var store = new dev.ngff.store.MemoryStore();
            for (int format : new int[] {2, 3}) {
                var meta = dev.ngff.metadata.ArrayMetadata.builder(DataType.INT64, 30, 40).zarrFormat(format).chunks(8, 16)
                        .codecs(new CodecSpec("numcodecs.pcodec", (ObjectNode) JSON.readTree("{\"level\": 4}"))).build();
                var key = dev.ngff.store.Key.of("v" + format);
                var a = dev.ngff.array.Zarr.createArray(store, key, meta, ctx);
                NdBuffer data = data(DataType.INT64, new long[] {30, 40}, format, true);
                a.write(data);
                assertThat(dev.ngff.array.Zarr.openArray(store, key, ctx).read().contentEquals(data)).as("v%d", format).isTrue();
                var bad = dev.ngff.metadata.ArrayMetadata.builder(DataType.UINT8, 30).zarrFormat(format).chunks(8)
                        .codecs(new CodecSpec("numcodecs.pcodec", JSON.createObjectNode())).build();
                assertThatThrownBy(() -> dev.ngff.array.Zarr.createArray(store, dev.ngff.store.Key.of("bad" + format), bad, ctx))
                        .isInstanceOf(InvalidMetadataException.class).hasMessageContaining("uint8").hasMessageContaining("pcodec");
            }
            String v2 = new String(store.read(dev.ngff.store.Key.of("v2/.zarray"), dev.ngff.store.ByteRange.WHOLE).orElseThrow().toArray(),
                    java.nio.charset.StandardCharsets.UTF_8);
            assertThat(JSON.readTree(v2).path("compressor").path("id").asText()).isEqualTo("pcodec");
        }
    }
}
