package dev.ngff.codec;

import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.error.CorruptDataException;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import dev.ngff.testing.Gen;
import dev.ngff.testing.Properties;
import dev.ngff.testing.TestArrays;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The contract every {@link ArrayToBytesCodec} keeps, as properties over random data types, shapes
 * (rank 0 to 4, empty extents included) and contents; each prints its seed ({@link Properties}). A
 * subclass supplies the codec and, where it cannot take every case, narrows {@link #dataTypes()} or
 * {@link #supportsShape(long[])}.
 *
 * <ul>
 * <li>{@code decode(encode(x)) == x}, with the data type and shape of the spec;</li>
 * <li>the encoded size respects {@link ArrayToBytesCodec#encodedSizeBound} when the codec states one;</li>
 * <li>a truncated encoding of a non-empty chunk is a {@link CorruptDataException};</li>
 * <li>the calls with {@link CodecOptions} give the plain calls' results, do their work through the runner,
 *     and never call the runner from inside a task.</li>
 * </ul>
 */
public abstract class ArrayToBytesCodecContract {

    /** For subclasses, which supply the codec. */
    protected ArrayToBytesCodecContract() {
    }

    /** The codec under test. */
    protected abstract ArrayToBytesCodec codec() throws Exception;

    /** The data types the codec must handle; all fixed-size types by default. */
    protected List<DataType> dataTypes() {
        return List.of(DataType.BOOL, DataType.INT8, DataType.INT16, DataType.INT32, DataType.INT64, DataType.UINT8,
                DataType.UINT16, DataType.UINT32, DataType.UINT64, DataType.FLOAT16, DataType.FLOAT32, DataType.FLOAT64,
                DataType.COMPLEX64, DataType.COMPLEX128, DataType.rawBits(24), DataType.rawBits(8));
    }

    /** Whether the codec takes chunks of this shape; shapes of rank 0 to 4 with extents 0 to 9 are tried. */
    protected boolean supportsShape(long[] shape) {
        return true;
    }

    /** One random chunk: its type, shape and the seed of its contents. */
    record Case(DataType type, long[] shape, long seed) {
        ChunkSpec spec() {
            return new ChunkSpec(shape, type, FillValue.zero(type));
        }

        NdBuffer chunk() {
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

    @Test
    void decodeInvertsEncode() {
        Properties.forAll(Properties.name(getClass(), "decodeInvertsEncode"), 100, this::cases, c -> {
            ArrayToBytesCodec codec = codec();
            NdBuffer chunk = c.chunk();
            Bytes enc = codec.encode(chunk, c.spec());
            long bound = codec.encodedSizeBound(c.spec());
            if (bound >= 0) {
                assertThat(enc.size()).as("encoded size within encodedSizeBound for %s", c).isLessThanOrEqualTo(bound);
            }
            NdBuffer back = codec.decode(enc, c.spec());
            assertThat(back.dataType()).as("%s", c).isEqualTo(c.type());
            assertThat(back.shape()).as("%s", c).isEqualTo(c.shape());
            assertThat(back.contentEquals(chunk)).as("decoded equals the original for %s", c).isTrue();
        });
    }

    @Test
    void callsWithOptionsEqualThePlainCalls() {
        Properties.forAll(Properties.name(getClass(), "callsWithOptionsEqualThePlainCalls"), 50, this::cases, c -> {
            ArrayToBytesCodec codec = codec();
            NdBuffer chunk = c.chunk();
            Bytes plain = codec.encode(chunk, c.spec());
            RecordingRunner runner = new RecordingRunner();
            CodecOptions options = CodecOptions.withRunner(runner);
            List<Bytes> pieces = codec.encodePieces(chunk, c.spec(), options);
            assertThat(Bytes.concat(pieces.toArray(Bytes[]::new)).toArray()).as("encodePieces with options for %s", c)
                    .isEqualTo(plain.toArray());
            if (NdBuffer.elementCount(c.shape()) > 0) {
                NdBuffer dest = NdBuffer.allocate(c.type(), c.shape());
                long[] zero = new long[c.shape().length];
                boolean stored = codec.decodeInto(ChunkSource.ofBytes(plain, "test chunk"), c.spec(), zero, c.shape(), dest,
                        zero, options);
                if (stored) {
                    assertThat(dest.contentEquals(chunk)).as("decodeInto with options for %s", c).isTrue();
                } else { // only a chunk made of parts, none of them stored (all fill), may say so
                    assertThat(codec.encodesInParts() && chunk.allEqual(c.spec().fillValue().bytesUnsafe()))
                            .as("decodeInto found the chunk for %s", c).isTrue();
                }
            }
            if (NdBuffer.elementCount(c.shape()) > 0 || !codec.encodesInParts()) {
                assertThat(runner.tasks()).as("work went through the runner for %s", c).isPositive();
            }
            assertThat(runner.nested.get()).as("no task called the runner for %s", c).isZero();
        });
    }

    @Test
    void truncatedEncodingIsCorruptData() {
        Properties.forAll(Properties.name(getClass(), "truncatedEncodingIsCorruptData"), 100, g -> {
            Case c = cases(g);
            double cut = g.doubleIn(0, 1); // where to cut, as a fraction of the encoding
            ArrayToBytesCodec codec = codec();
            Bytes enc = codec.encode(c.chunk(), c.spec());
            if (enc.isEmpty()) {
                return; // nothing to cut
            }
            long k = (long) (Math.abs(cut % 1.0) * enc.size()) % enc.size();
            Throwable t = catchThrowable(() -> codec.decode(enc.slice(0, k), c.spec()));
            assertThat(t).as("prefix of %d of %d bytes for %s", k, enc.size(), c).isInstanceOf(CorruptDataException.class);
        });
    }
}
