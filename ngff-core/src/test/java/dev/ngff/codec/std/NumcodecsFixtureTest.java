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
