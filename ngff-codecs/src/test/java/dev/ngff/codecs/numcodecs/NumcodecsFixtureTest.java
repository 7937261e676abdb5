package dev.ngff.codecs.numcodecs;

import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.codec.ArrayToArrayCodec;
import dev.ngff.codec.BytesToBytesCodec;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.codec.Codec;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import dev.ngff.testing.Fixtures;
import dev.ngff.testing.Npy;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * numcodecs' own backwards-compatibility fixtures ({@code numcodecs/fixture/<codec>}): every
 * {@code encoded.NN.dat}, decoded with the codec its {@code config.json} names (found by its v3 name
 * through the registry), gives the data of {@code array.NN.npy} in its own memory order: exactly, or for
 * the lossy filters within numcodecs' own tolerance ({@code assert_array_almost_equal} at the decimal
 * stated in the fixture README). Our encoding of each array must decode back, and for the filters it must
 * equal numcodecs' encoding byte for byte.
 *
 * <p>Not covered here: {@code blosc}, {@code lz4} and {@code shuffle} (another module's codecs), and the
 * Python-object codecs ({@code vlen-utf8} and {@code vlen-bytes} are core array-to-bytes codecs, checked by core's
 * NumcodecsFixtureTest; {@code vlen-array} is out of scope), which are not
 * array-to-array or bytes-to-bytes codecs; {@code zfpy} and {@code pcodec} need native libraries.
 */
class NumcodecsFixtureTest {

    /** Compressors and checksums: the folder and the codec class the registry must produce. */
    private static final Map<String, Class<?>> BYTES_CODECS = Map.of(
            "bz2", Bz2Codec.class, "lzma", LzmaCodec.class, "crc32", Checksum32Codec.class,
            "adler32", Checksum32Codec.class, "crc32c", Codec.class, "zlib", Codec.class, "gzip", Codec.class,
            "zstd", Codec.class);

    @TestFactory
    Stream<DynamicNode> compressorsAndChecksums() throws IOException {
        List<DynamicNode> out = new ArrayList<>();
        for (String dir : new java.util.TreeSet<>(BYTES_CODECS.keySet())) {
            out.add(DynamicContainer.dynamicContainer(dir, Fixtures.numcodecs(dir).stream()
                    .map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
                        Npy npy = Npy.read(c.array());
                        Codec made = CodecRegistry.standard().create(c.spec());
                        assertThat(made).isInstanceOf(BYTES_CODECS.get(dir)).isInstanceOf(BytesToBytesCodec.class);
                        BytesToBytesCodec codec = (BytesToBytesCodec) made;
                        int n = npy.data().length;
                        ChunkSpec spec = new ChunkSpec(new long[] {n}, DataType.UINT8, FillValue.zero(DataType.UINT8));
                        Bytes decoded = codec.decode(Bytes.wrap(Files.readAllBytes(c.encoded())), spec, n);
                        assertThat(decoded.toArray()).as("%s against %s", c, npy).isEqualTo(npy.data());
                        Bytes again = codec.encode(Bytes.wrap(npy.data()), spec);
                        assertThat(codec.decode(again, spec, n).toArray()).as("our encoding of %s", npy).isEqualTo(npy.data());
                    }))));
        }
        return out.stream();
    }

    /** Filters: folder, and the decimal precision per codec.JJ for the lossy ones (empty: exact). */
    @TestFactory
    Stream<DynamicNode> filters() throws IOException {
        List<DynamicNode> out = new ArrayList<>();
        for (String dir : List.of("delta/bool", "delta/float32", "delta/float64", "delta/int32", "delta/uint16",
                "astype/i", "astype/f", "packbits", "fixedscaleoffset", "quantize")) {
            out.add(DynamicContainer.dynamicContainer(dir, Fixtures.numcodecs(dir).stream()
                    .map(c -> DynamicTest.dynamicTest(c.toString(), () -> checkFilter(dir, c)))));
        }
        return out.stream();
    }

    private static int decimal(String dir, String codecDir) {
        int j = Integer.parseInt(codecDir.substring("codec.".length()));
        return switch (dir) {
            case "fixedscaleoffset" -> new int[] {1, 2, 6, 12, 12}[j];
            case "quantize" -> new int[] {-1, 0, 1, 5, 12}[j];
            case "astype/f" -> 3;
            default -> -1000; // exact
        };
    }

    private static void checkFilter(String dir, Fixtures.NumcodecsCase c) throws Exception {
        Npy npy = Npy.read(c.array());
        ArrayToArrayCodec codec = (ArrayToArrayCodec) CodecRegistry.standard().create(c.spec());
        DataType type = dataType(npy.descr());
        long n = npy.data().length / type.byteSize();
        ChunkSpec spec = new ChunkSpec(new long[] {n}, type, FillValue.zero(type));
        ChunkSpec encSpec = codec.encodedSpec(spec);
        byte[] encoded = Files.readAllBytes(c.encoded());
        NdBuffer enc = NdBuffer.wrap(encSpec.dataType(), encSpec.shape(), MemorySegment.ofArray(encoded));
        NdBuffer dec = codec.decode(enc, spec);
        assertThat(dec.shape()).isEqualTo(new long[] {n});
        int decimal = decimal(dir, c.encoded().getParent().getFileName().toString());
        NdBuffer expected = NdBuffer.wrap(type, new long[] {n}, MemorySegment.ofArray(npy.data()));
        if (decimal == -1000) {
            assertThat(dec.asBytes().toArray()).as("%s against %s", c, npy).isEqualTo(npy.data());
        } else {
            double tol = 1.5 * Math.pow(10, -decimal);
            for (long i = 0; i < n; i++) {
                double want = expected.getAsDouble(i);
                double got = dec.getAsDouble(i);
                if (!(Double.isNaN(want) && Double.isNaN(got))) {
                    assertThat(Math.abs(want - got)).as("%s element %d: %s vs %s", c, i, got, want).isLessThan(tol);
                }
            }
        }
        // our encoder is numcodecs' encoder, byte for byte
        NdBuffer ours = codec.encode(expected, spec);
        assertThat(ours.asBytes().toArray()).as("our encoding of %s with %s", npy, c.spec()).isEqualTo(encoded);
    }

    static DataType dataType(String descr) throws Exception {
        return dev.ngff.metadata.NumpyDtype.parse(descr, "npy").dataType();
    }
}
