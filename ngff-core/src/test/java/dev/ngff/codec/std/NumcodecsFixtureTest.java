package dev.ngff.codec.std;

import dev.ngff.buffer.Bytes;
import dev.ngff.codec.BytesToBytesCodec;
import dev.ngff.codec.Codec;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.testing.Fixtures;
import dev.ngff.testing.Npy;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * numcodecs' own backwards-compatibility fixtures for {@code gzip} and {@code zlib}: every
 * {@code encoded.NN.dat}, decoded with the codec its {@code config.json} names (as Zarr v2 metadata would
 * name it), gives exactly the data bytes of {@code array.NN.npy}; and our encoding of that array decodes
 * back to the same bytes.
 *
 * <p>{@code vlen-utf8} and {@code vlen-bytes}: the {@code .npy} files are pickles, so each case is checked
 * against the collector's {@code expected.NN.json} (elements in numcodecs' encode order, bytes in base64):
 * decoding gives exactly those elements, and encoding them gives numcodecs' bytes, byte for byte.
 */
class NumcodecsFixtureTest {

    @TestFactory
    Stream<DynamicTest> gzip() throws IOException {
        return cases("gzip");
    }

    @TestFactory
    Stream<DynamicTest> zlib() throws IOException {
        return cases("zlib");
    }

    @TestFactory
    Stream<DynamicTest> vlenUtf8() throws IOException {
        return vlenCases("vlen-utf8", DataType.STRING);
    }

    @TestFactory
    Stream<DynamicTest> vlenBytes() throws IOException {
        return vlenCases("vlen-bytes", DataType.BYTES);
    }

    static Stream<DynamicTest> vlenCases(String codec, DataType type) throws IOException {
        return Fixtures.numcodecs(codec).stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> checkVlen(c, type)));
    }

    static void checkVlen(Fixtures.NumcodecsCase c, DataType type) throws IOException {
        java.nio.file.Path sidecar = c.array().resolveSibling(c.array().getFileName().toString()
                .replace("array.", "expected.").replace(".npy", ".json"));
        var expected = dev.ngff.metadata.Json.parse(Bytes.wrap(Files.readAllBytes(sidecar)), sidecar.toString());
        var elements = expected.get("elements");
        byte[][] want = new byte[elements.size()][];
        for (int i = 0; i < want.length; i++) {
            String e = elements.get(i).textValue();
            want[i] = type == DataType.STRING ? e.getBytes(java.nio.charset.StandardCharsets.UTF_8)
                    : java.util.Base64.getDecoder().decode(e);
        }
        Codec made = CodecRegistry.standard().create(c.spec());
        assertThat(made).isInstanceOf(VlenCodec.class);
        VlenCodec codec = (VlenCodec) made;
        // numcodecs encodes the flattened array: one chunk of all elements in encode order
        ChunkSpec spec = new ChunkSpec(new long[] {want.length}, type, FillValue.zero(type));
        byte[] encoded = Files.readAllBytes(c.encoded());
        var decoded = codec.decode(Bytes.wrap(encoded), spec);
        assertThat(decoded.toByteArrays()).as("%s against %s", c, sidecar.getFileName()).isEqualTo(want);
        var ours = type == DataType.STRING ? dev.ngff.buffer.NdBuffer.ofStrings(decoded.toStrings(), want.length)
                : dev.ngff.buffer.NdBuffer.ofBytes(want, want.length);
        assertThat(codec.encode(ours, spec).toArray()).as("our encoding of %s", c).isEqualTo(encoded);
    }

    static Stream<DynamicTest> cases(String codec) throws IOException {
        List<Fixtures.NumcodecsCase> cases = Fixtures.numcodecs(codec);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> check(c)));
    }

    static void check(Fixtures.NumcodecsCase c) throws IOException {
        Npy npy = Npy.read(c.array());
        Codec made = CodecRegistry.standard().create(c.spec());
        assertThat(made).isInstanceOf(BytesToBytesCodec.class);
        BytesToBytesCodec codec = (BytesToBytesCodec) made;
        ChunkSpec spec = new ChunkSpec(new long[] {npy.data().length}, DataType.UINT8, FillValue.zero(DataType.UINT8));
        Bytes decoded = codec.decode(Bytes.wrap(Files.readAllBytes(c.encoded())), spec, npy.data().length);
        assertThat(decoded.toArray()).as("%s against %s", c, npy).isEqualTo(npy.data());
        Bytes again = codec.encode(Bytes.wrap(npy.data()), spec);
        assertThat(codec.decode(again, spec, npy.data().length).toArray()).as("our encoding of %s", npy).isEqualTo(npy.data());
    }
}
