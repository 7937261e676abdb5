package dev.ngff.codec;

import dev.ngff.buffer.NdBuffer;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import dev.ngff.testing.Gen;
import dev.ngff.testing.Properties;
import dev.ngff.testing.TestArrays;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract every {@link ArrayToArrayCodec} keeps, as properties over random data types (fixed-size
 * and variable-length), shapes (rank 0 to 4, empty extents included) and contents; each prints its seed
 * ({@link Properties}). A subclass supplies the codec and narrows {@link #dataTypes()} or
 * {@link #supportsShape(long[])} where the codec cannot take every case.
 *
 * <ul>
 * <li>{@code encode(x)} has exactly the shape and data type {@link ArrayToArrayCodec#encodedSpec} announces;</li>
 * <li>{@code decode(encode(x)) == x} for lossless codecs ({@link #lossless()});</li>
 * <li>encoding leaves its input unchanged.</li>
 * </ul>
 */
public abstract class ArrayToArrayCodecContract {

    /** For subclasses, which supply the codec. */
    protected ArrayToArrayCodecContract() {
    }

    /** The codec under test. */
    protected abstract ArrayToArrayCodec codec() throws Exception;

    /** The data types the codec must handle; every fixed-size type and both variable-length ones by default. */
    protected List<DataType> dataTypes() {
        return List.of(DataType.BOOL, DataType.INT8, DataType.INT16, DataType.INT32, DataType.INT64, DataType.UINT8,
                DataType.UINT16, DataType.UINT32, DataType.UINT64, DataType.FLOAT16, DataType.FLOAT32, DataType.FLOAT64,
                DataType.COMPLEX64, DataType.COMPLEX128, DataType.rawBits(24), DataType.STRING, DataType.BYTES);
    }

    /** Whether the codec takes chunks of this shape; shapes of rank 0 to 4 with extents 0 to 9 are tried. */
    protected boolean supportsShape(long[] shape) {
        return true;
    }

    /** Whether decoding restores the input exactly; lossy codecs keep only the shape and type laws. */
    protected boolean lossless() {
        return true;
    }

    /** One random chunk: its type, shape and the seed of its contents. */
    public record Case(DataType type, long[] shape, long seed) {
        public ChunkSpec spec() {
            return new ChunkSpec(shape, type, FillValue.zero(type));
        }

        public NdBuffer chunk() {
            return TestArrays.random(type, shape, seed);
        }

        @Override
        public String toString() {
            return type + " " + Arrays.toString(shape) + " seed " + seed;
        }
    }

    private Case cases(Gen g) {
        DataType type = g.oneOf(dataTypes());
        long[] shape = g.filtered(s -> s.longs(s.intIn(0, 4), 0, 9), this::supportsShape);
        return new Case(type, shape, g.anyLong());
    }

    private void forAll(String property, int cases, Properties.Check<Case> check) {
        Properties.forAll(Properties.name(getClass(), property), cases, this::cases, check);
    }

    @Test
    void encodedChunkMatchesEncodedSpec() {
        forAll("encodedChunkMatchesEncodedSpec", 150, c -> {
            ArrayToArrayCodec codec = codec();
            ChunkSpec encodedSpec = codec.encodedSpec(c.spec());
            NdBuffer enc = codec.encode(c.chunk(), c.spec());
            assertThat(enc.shape()).as("encoded shape for %s", c).isEqualTo(encodedSpec.shape());
            assertThat(enc.dataType()).as("encoded type for %s", c).isEqualTo(encodedSpec.dataType());
        });
    }

    @Test
    void decodeInvertsEncode() {
        forAll("decodeInvertsEncode", 150, c -> {
            ArrayToArrayCodec codec = codec();
            NdBuffer chunk = c.chunk();
            NdBuffer back = codec.decode(codec.encode(chunk, c.spec()), c.spec());
            assertThat(back.shape()).as("%s", c).isEqualTo(c.shape());
            assertThat(back.dataType()).as("%s", c).isEqualTo(c.type());
            if (lossless()) {
                assertThat(back.contentEquals(chunk)).as("decoded equals the original for %s", c).isTrue();
            }
        });
    }

    @Test
    void encodingLeavesTheInputUnchanged() {
        forAll("encodingLeavesTheInputUnchanged", 100, c -> {
            NdBuffer chunk = c.chunk();
            codec().encode(chunk, c.spec());
            assertThat(chunk.contentEquals(c.chunk())).as("input unchanged for %s", c).isTrue();
        });
    }
}
