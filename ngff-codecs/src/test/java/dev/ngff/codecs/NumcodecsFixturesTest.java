package dev.ngff.codecs;

import dev.ngff.buffer.Bytes;
import dev.ngff.codec.BytesToBytesCodec;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.codec.Codec;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.codecs.blosc.BloscCodec;
import dev.ngff.codecs.lz4.Lz4Codec;
import dev.ngff.codecs.shuffle.ShuffleCodec;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
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
 * numcodecs' own backwards-compatibility fixtures for {@code blosc} (all six compressors, snappy included, byte
 * and bit shuffle, memcpy'd frames, block size 256), {@code lz4} and {@code shuffle}: every
 * {@code encoded.NN.dat} decodes to exactly the bytes of {@code array.NN.npy}, and our encoding of the array
 * (with the same configuration) decodes back to it.
 */
class NumcodecsFixturesTest {

    private static Stream<DynamicTest> cases(String codec, Class<? extends Codec> type) throws IOException {
        List<Fixtures.NumcodecsCase> all = Fixtures.numcodecs(codec);
        return all.stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            Npy npy = Npy.read(c.array());
            Codec made = CodecRegistry.standard().create(c.spec());
            assertThat(made).isInstanceOf(type);
            BytesToBytesCodec codecImpl = (BytesToBytesCodec) made;
            int n = npy.data().length;
            DataType dt = elementType(npy.descr());
            ChunkSpec spec = new ChunkSpec(new long[] {n / dt.byteSize()}, dt, FillValue.zero(dt));
            Bytes decoded = codecImpl.decode(Bytes.wrap(Files.readAllBytes(c.encoded())), spec, n);
            assertThat(decoded.toArray()).as("%s against %s", c, npy).isEqualTo(npy.data());
            if (!c.spec().toJson().toString().contains("snappy")) {
                Bytes again = codecImpl.encode(Bytes.wrap(npy.data()), spec);
                assertThat(codecImpl.decode(again, spec, n).toArray()).as("our encoding of %s", npy).isEqualTo(npy.data());
            }
        }));
    }

    /** An unsigned type of the array's item size: what numcodecs' blosc and shuffle see as the element size. */
    private static DataType elementType(String descr) {
        String digits = descr.replaceAll("[^0-9]", "");
        int size = digits.isEmpty() ? 1 : Integer.parseInt(digits);
        if (descr.contains("U")) {
            size *= 4;
        }
        return switch (size) {
            case 2 -> DataType.UINT16;
            case 4 -> DataType.UINT32;
            case 8 -> DataType.UINT64;
            default -> DataType.UINT8;
        };
    }

    @TestFactory
    Stream<DynamicTest> blosc() throws IOException {
        return cases("blosc", BloscCodec.class);
    }

    @TestFactory
    Stream<DynamicTest> lz4() throws IOException {
        return cases("lz4", Lz4Codec.class);
    }

    @TestFactory
    Stream<DynamicTest> shuffle() throws IOException {
        return cases("shuffle", ShuffleCodec.class);
    }
}
