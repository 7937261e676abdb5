package dev.ngff.codecs;

import dev.ngff.buffer.Bytes;
import dev.ngff.codec.BytesToBytesCodec;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.codec.Codec;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import dev.ngff.testing.Fixtures;
import dev.ngff.testing.Npy;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * numcodecs' own backwards-compatibility fixtures for {@code zstd} (levels -1..22 and 100, with and
 * without content checksums): every {@code encoded.NN.dat}, decoded with the codec its {@code config.json}
 * names, gives exactly the data bytes of {@code array.NN.npy}; our encoding of the array decodes back.
 */
class ZstdNumcodecsFixtureTest {

    @TestFactory
    Stream<DynamicTest> zstd() throws IOException {
        return Fixtures.numcodecs("zstd").stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            Npy npy = Npy.read(c.array());
            Codec made = CodecRegistry.standard().create(c.spec());
            assertThat(made).isInstanceOf(ZstdCodec.class);
            BytesToBytesCodec codec = (BytesToBytesCodec) made;
            int n = npy.data().length;
            ChunkSpec spec = new ChunkSpec(new long[] {n}, DataType.UINT8, FillValue.zero(DataType.UINT8));
            Bytes decoded = codec.decode(Bytes.wrap(Files.readAllBytes(c.encoded())), spec, n);
            assertThat(decoded.toArray()).as("%s against %s", c, npy).isEqualTo(npy.data());
            Bytes again = codec.encode(Bytes.wrap(npy.data()), spec);
            assertThat(codec.decode(again, spec, n).toArray()).as("our encoding of %s", npy).isEqualTo(npy.data());
        }));
    }
}
