package dev.ngff.conformance.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.codec.ArrayToArrayCodec;
import dev.ngff.codec.ArrayToBytesCodec;
import dev.ngff.codec.BytesToBytesCodec;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.codec.Codec;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import dev.ngff.metadata.Json;
import dev.ngff.metadata.NumpyDtype;
import dev.ngff.metadata.V2Details;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * numcodecs (the Python peer) against our numcodecs codecs, both ways, on seeded random data:
 * numcodecs decodes every encoding we make to the original bytes (lossless codecs) or to what it decodes
 * from its own encoding (lossy filters); we decode numcodecs' encodings to what numcodecs decodes; and for
 * filters, checksums and zfpy our encoding equals numcodecs' byte for byte. pcodec and zfpy need the
 * pip packages {@code pcodec} and {@code zfpy} in the venv (scripts/peers-venv.sh). Skips loudly without the
 * venv and fails under CI.
 */
class NumcodecsPeerTest {

    record Case(String config, String dtype, long[] shape, boolean byteExact) {
    }

    private static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        // compressors: any valid stream is fine, numcodecs must decode it
        for (String cfg : List.of("{\"id\":\"bz2\",\"level\":1}", "{\"id\":\"bz2\",\"level\":9}",
                "{\"id\":\"lzma\",\"format\":1,\"check\":-1,\"preset\":null,\"filters\":null}",
                "{\"id\":\"lzma\",\"format\":1,\"check\":0,\"preset\":3,\"filters\":null}",
                "{\"id\":\"lzma\",\"format\":1,\"check\":10,\"preset\":1,\"filters\":null}",
                "{\"id\":\"lzma\",\"format\":2,\"check\":-1,\"preset\":2,\"filters\":null}",
                "{\"id\":\"lzma\",\"format\":3,\"check\":-1,\"preset\":null,\"filters\":[{\"id\":33,\"preset\":1}]}",
                "{\"id\":\"lzma\",\"format\":3,\"check\":-1,\"preset\":null,\"filters\":[{\"id\":3,\"dist\":4},{\"id\":33,\"preset\":2}]}",
                "{\"id\":\"lzma\",\"format\":3,\"check\":-1,\"preset\":null,\"filters\":[{\"id\":4611686018427387905,\"preset\":1}]}")) {
            c.add(new Case(cfg, "<i4", new long[] {3000}, false));
        }
        for (String id : List.of("crc32", "adler32", "crc32c", "fletcher32")) {
            c.add(new Case("{\"id\":\"" + id + "\"}", "<u2", new long[] {1001}, true));
            c.add(new Case("{\"id\":\"" + id + "\"}", "|u1", new long[] {777}, true)); // odd length for fletcher32
        }
        c.add(new Case("{\"id\":\"crc32\",\"location\":\"end\"}", "<i4", new long[] {100}, true));
        // filters: byte-exact numcodecs behaviour, lossy ones included
        for (String t : List.of("<i1", "<i2", "<i4", "<i8", "<u1", "<u2", "<u4", "<u8", "<f2", "<f4", "<f8")) {
            c.add(new Case("{\"id\":\"delta\",\"dtype\":\"" + t + "\"}", t, new long[] {20, 30}, true));
        }
        c.add(new Case("{\"id\":\"delta\",\"dtype\":\"<i4\",\"astype\":\"<i2\"}", "<i4", new long[] {500}, true));
        c.add(new Case("{\"id\":\"delta\",\"dtype\":\"<u1\",\"astype\":\"<f8\"}", "|u1", new long[] {500}, true));
        c.add(new Case("{\"id\":\"delta\",\"dtype\":\"|b1\"}", "|b1", new long[] {400}, true));
        for (String[] fso : new String[][] {{"<f8", "|u1", "1000", "10"}, {"<f8", "<i2", "1000.5", "100"},
                {"<f4", "<i4", "0", "1000.25"}, {"<f8", "<f4", "-3", "7"}, {"<i4", "<i2", "100", "3"},
                {"<i2", "<i4", "2.5", "4"}, {"<f2", "<i1", "1", "2"}, {"<f8", "<u8", "0", "1e12"}, {"<f8", "<u4", "0", "1e7"}, {"<f4", "<u2", "0", "100"}}) {
            c.add(new Case("{\"id\":\"fixedscaleoffset\",\"dtype\":\"" + fso[0] + "\",\"astype\":\"" + fso[1]
                    + "\",\"offset\":" + fso[2] + ",\"scale\":" + fso[3] + "}", fso[0], new long[] {600}, true));
        }
        for (String[] q : new String[][] {{"<f8", "<f2", "-1"}, {"<f8", "<f4", "3"}, {"<f4", "<f4", "2"},
                {"<f8", "<f8", "12"}, {"<f2", "<f2", "1"}}) {
            c.add(new Case("{\"id\":\"quantize\",\"dtype\":\"" + q[0] + "\",\"astype\":\"" + q[1] + "\",\"digits\":" + q[2] + "}",
                    q[0], new long[] {600}, true));
        }
        for (String[] a : new String[][] {{"<i2", "<i4"}, {"<f4", "<f8"}, {"<u1", "<f4"}, {"<i4", "<f8"},
                {"<i1", "<u2"}, {"|b1", "<i4"}, {"<f2", "<f8"}}) {
            c.add(new Case("{\"id\":\"astype\",\"encode_dtype\":\"" + a[0] + "\",\"decode_dtype\":\"" + a[1] + "\"}",
                    a[1], new long[] {600}, true));
        }
        for (int keep : new int[] {0, 3, 10}) {
            for (String t : List.of("<f2", "<f4", "<f8")) {
                c.add(new Case("{\"id\":\"bitround\",\"keepbits\":" + keep + "}", t, new long[] {400}, true));
            }
        }
        c.add(new Case("{\"id\":\"bitround\",\"keepbits\":23}", "<f4", new long[] {100}, true));
        for (long n : new long[] {1, 8, 9, 15, 333}) {
            c.add(new Case("{\"id\":\"packbits\"}", "|b1", new long[] {n}, true));
        }
        // pcodec (array-to-bytes, lossless): every type it takes, the configurations numcodecs exposes. numcodecs
        // runs pcodec 0.3 (pco 0.4), we run pco 1.1: the streams differ, each side must decode the other's
        for (String t : List.of("<u2", "<u4", "<u8", "<i2", "<i4", "<i8", "<f2", "<f4", "<f8")) {
            c.add(new Case("{\"id\":\"pcodec\"}", t, new long[] {40, 30}, false));
        }
        for (String cfg : List.of("\"level\":0", "\"level\":12", "\"mode_spec\":\"classic\"", "\"delta_spec\":\"none\"",
                "\"delta_spec\":\"try_lookback\"", "\"delta_spec\":\"try_consecutive\",\"delta_encoding_order\":2",
                "\"delta_encoding_order\":1", "\"equal_pages_up_to\":100")) {
            for (String t : List.of("<i4", "<f8")) {
                c.add(new Case("{\"id\":\"pcodec\"," + cfg + "}", t, new long[] {1000}, false));
            }
        }
        // zfpy (array-to-bytes, with a zfp header): numcodecs' defaults are zfp's reversible mode; the lossy modes
        // on floats. Same zfp algorithm on both sides, so the same stream
        for (String t : List.of("<i4", "<i8", "<f4", "<f8")) {
            for (long[] shape : List.of(new long[] {100}, new long[] {13, 17}, new long[] {5, 6, 7}, new long[] {3, 4, 5, 6})) {
                c.add(new Case("{\"id\":\"zfpy\",\"mode\":4,\"tolerance\":-1,\"rate\":-1,\"precision\":-1}", t, shape, true));
            }
        }
        for (String t : List.of("<f4", "<f8")) {
            c.add(new Case("{\"id\":\"zfpy\",\"mode\":4,\"tolerance\":0.5}", t, new long[] {20, 20}, true));
            c.add(new Case("{\"id\":\"zfpy\",\"mode\":2,\"rate\":8}", t, new long[] {20, 20}, true));
            c.add(new Case("{\"id\":\"zfpy\",\"mode\":3,\"precision\":12}", t, new long[] {6, 7, 8}, true));
        }
        return c;
    }

    /** Seeded data for a dtype: floats spread over magnitudes (with NaN and infinities), integers over their range. */
    private static byte[] data(DataType t, long n, long seed, boolean finite) {
        Random r = new Random(seed);
        ByteBuffer b = ByteBuffer.allocate((int) (n * t.byteSize())).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < n; i++) {
            if (t.kind() == DataType.Kind.FLOAT) {
                double v = switch (finite ? 2 + r.nextInt(18) : r.nextInt(20)) {
                    case 0 -> Double.NaN;
                    case 1 -> r.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
                    case 2, 3 -> r.nextGaussian() * 1e6;
                    case 4 -> (r.nextInt(2001) - 1000) / 2.0; // exact halves: rounding ties
                    default -> 1000 + r.nextGaussian() * 50;
                };
                switch (t.byteSize()) {
                    case 2 -> b.putShort(Float.floatToFloat16((float) v));
                    case 4 -> b.putFloat((float) v);
                    default -> b.putDouble(v);
                }
            } else if (t.kind() == DataType.Kind.BOOL) {
                b.put((byte) (r.nextInt(3) == 0 ? 1 : 0));
            } else {
                long v = r.nextInt(4) == 0 ? r.nextLong() : 1000 + r.nextInt(200) - 100;
                switch (t.byteSize()) {
                    case 1 -> b.put((byte) v);
                    case 2 -> b.putShort((short) v);
                    case 4 -> b.putInt((int) v);
                    default -> b.putLong(v);
                }
            }
        }
        return b.array();
    }

    @Test
    void numcodecsAndWeAgree(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("cases"));
        List<Case> cases = cases();
        List<Codec> codecs = new ArrayList<>();
        List<ChunkSpec> specs = new ArrayList<>();
        for (int k = 0; k < cases.size(); k++) {
            Case c = cases.get(k);
            ObjectNode cfg = (ObjectNode) Json.parse(c.config(), "case " + k);
            ObjectNode conf = cfg.deepCopy();
            String id = conf.remove("id").textValue();
            Codec codec = CodecRegistry.standard().create(new CodecSpec(V2Details.v3Name(id), conf));
            DataType t = NumpyDtype.parse(c.dtype(), "case").dataType();
            ChunkSpec spec = new ChunkSpec(c.shape(), t, FillValue.zero(t));
            byte[] data = data(t, spec.elementCount(), 1000 + k, c.config().contains("zfpy")); // zfp: finite values only
            Path d = Files.createDirectories(dir.resolve(String.format("case%03d", k)));
            ObjectNode caseJson = Json.object();
            caseJson.set("config", cfg);
            caseJson.put("dtype", c.dtype());
            var shape = caseJson.putArray("shape");
            for (long s : c.shape()) {
                shape.add(s);
            }
            byte[] ours;
            if (codec instanceof BytesToBytesCodec b) {
                ours = b.encode(Bytes.wrap(data), spec).toArray();
            } else if (codec instanceof ArrayToBytesCodec a) {
                ours = a.encode(NdBuffer.wrap(t, c.shape(), MemorySegment.ofArray(data)), spec).toArray();
            } else {
                ArrayToArrayCodec a = (ArrayToArrayCodec) codec;
                ours = a.encode(NdBuffer.wrap(t, c.shape(), MemorySegment.ofArray(data)), spec).asBytes().toArray();
                caseJson.put("encoded_dtype", new NumpyDtype(a.encodedSpec(spec).dataType(), false).format());
            }
            Files.writeString(d.resolve("case.json"), caseJson.toString());
            Files.write(d.resolve("data.bin"), data);
            Files.write(d.resolve("ours.bin"), ours);
            codecs.add(codec);
            specs.add(spec);
        }
        Path script = Peers.script("numcodecs_cases.py", tmp.resolve("script"));
        JsonNode report = Json.parse(Peers.run(script, List.of(dir.toString())), "numcodecs_cases.py output");
        assertThat(report.path("cases").asInt()).isEqualTo(cases.size());
        for (int k = 0; k < cases.size(); k++) {
            Case c = cases.get(k);
            Path d = dir.resolve(String.format("case%03d", k));
            String what = "case " + k + " " + c.config() + " on " + c.dtype() + " (numcodecs " + report.path("numcodecs").asText() + ")";
            assertThat(d.resolve("error.txt")).as("numcodecs refused our encoding: %s", what).doesNotExist();
            byte[] data = Files.readAllBytes(d.resolve("data.bin"));
            byte[] ours = Files.readAllBytes(d.resolve("ours.bin"));
            byte[] theirs = Files.readAllBytes(d.resolve("theirs.bin"));
            byte[] oursDecoded = Files.readAllBytes(d.resolve("ours_decoded.bin"));
            byte[] theirsDecoded = Files.readAllBytes(d.resolve("theirs_decoded.bin"));
            Codec codec = codecs.get(k);
            ChunkSpec spec = specs.get(k);
            DataType encodedType = codec instanceof ArrayToArrayCodec a ? a.encodedSpec(spec).dataType() : DataType.UINT8;
            if (c.byteExact()) {
                assertSame(ours, theirs, encodedType, "our encoding equals numcodecs', " + what);
            }
            assertSame(oursDecoded, theirsDecoded, spec.dataType(), "numcodecs decodes our encoding as its own, " + what);
            byte[] weDecode;
            if (codec instanceof BytesToBytesCodec b) {
                weDecode = b.decode(Bytes.wrap(theirs), spec, spec.byteSize()).toArray();
                assertThat(weDecode).as("lossless, %s", what).isEqualTo(data);
            } else if (codec instanceof ArrayToBytesCodec a) {
                weDecode = a.decode(Bytes.wrap(theirs), spec).asBytes().toArray();
                if (c.config().contains("pcodec") || c.config().contains("\"tolerance\":-1")) {
                    assertSame(weDecode, data, spec.dataType(), "lossless, " + what);
                }
            } else {
                ArrayToArrayCodec a = (ArrayToArrayCodec) codec;
                ChunkSpec es = a.encodedSpec(spec);
                weDecode = a.decode(NdBuffer.wrap(es.dataType(), es.shape(), MemorySegment.ofArray(theirs)), spec)
                        .asBytes().toArray();
            }
            assertSame(weDecode, theirsDecoded, spec.dataType(), "we decode numcodecs' encoding as numcodecs does, " + what);
        }
    }

    /**
     * Byte equality, except that for float types any NaN equals any NaN: NaN payloads and signs that
     * arithmetic propagates are not fixed by IEEE 754, and neither the JIT nor NumPy's loops promise them.
     */
    private static void assertSame(byte[] got, byte[] want, DataType t, String what) {
        assertThat(got.length).as("length, %s", what).isEqualTo(want.length);
        if (t.kind() != DataType.Kind.FLOAT) {
            assertThat(got).as(what).isEqualTo(want);
            return;
        }
        NdBuffer g = NdBuffer.wrap(t, new long[] {got.length / t.byteSize()}, MemorySegment.ofArray(got));
        NdBuffer w = NdBuffer.wrap(t, new long[] {want.length / t.byteSize()}, MemorySegment.ofArray(want));
        for (long i = 0; i < g.elementCount(); i++) {
            double a = g.getAsDouble(i);
            double b = w.getAsDouble(i);
            if (!(Double.isNaN(a) && Double.isNaN(b))) {
                assertThat(g.getAsLong(i)).as("element %d (%s vs %s), %s", i, a, b, what).isEqualTo(w.getAsLong(i));
            }
        }
    }
}
