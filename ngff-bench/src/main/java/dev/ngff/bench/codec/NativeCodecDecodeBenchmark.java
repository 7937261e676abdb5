package dev.ngff.bench.codec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.bench.BenchmarkBase;
import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.codec.ArrayToBytesCodec;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Single-threaded decoding of the codecs that run in native libraries through {@code java.lang.foreign}: one
 * 32 x 256 x 256 chunk per operation, the same noisy and ramp volumes as {@link CodecDecodeBenchmark}.
 * pcodec (pco 1.1 in native/pco) and zarrs' zfp (libzfp, reversible, uint16 promoted to int32) decode the
 * uint16 chunk (4 MiB: MB/s = ops/s * 4.194); zfpy (reversible) decodes the same values as float32 (8 MiB:
 * MB/s = ops/s * 8.389), since zfpy has no 16-bit type.
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xss4m", "-Xms2g", "-Xmx2g"})
public class NativeCodecDecodeBenchmark extends BenchmarkBase {

    /** The codec under test. */
    @Param({"pcodec", "zfp-reversible", "zfpy-reversible"})
    public String codec;

    /** The chunk's content. */
    @Param({"noisy", "ramp"})
    public String data;

    private ArrayToBytesCodec ours;
    private Bytes encoded;
    private ChunkSpec spec;

    @Setup
    public void setUp() throws IOException {
        byte[] raw = data.equals("noisy") ? CodecData.noisy(CodecDecodeBenchmark.PLANES, 1) : CodecData.ramp(CodecDecodeBenchmark.PLANES);
        long[] shape = {CodecDecodeBenchmark.PLANES, 256, 256};
        NdBuffer chunk = NdBuffer.wrap(DataType.UINT16, shape, MemorySegment.ofArray(raw));
        String name;
        String config;
        switch (codec) {
            case "pcodec" -> {
                name = "numcodecs.pcodec";
                config = "{}";
            }
            case "zfp-reversible" -> {
                name = "zfp";
                config = "{\"mode\": \"reversible\"}";
            }
            case "zfpy-reversible" -> {
                name = "numcodecs.zfpy";
                config = "{\"mode\": 4, \"tolerance\": -1, \"rate\": -1, \"precision\": -1}";
                NdBuffer f = NdBuffer.allocate(DataType.FLOAT32, shape);
                var le = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
                for (long i = 0; i < f.elementCount(); i++) {
                    f.segment().set(le, 4 * i, (float) chunk.getAsDouble(i));
                }
                chunk = f;
            }
            default -> throw new IllegalArgumentException(codec);
        }
        ours = (ArrayToBytesCodec) CodecRegistry.standard().create(
                new CodecSpec(name, (ObjectNode) new ObjectMapper().readTree(config)));
        spec = new ChunkSpec(shape, chunk.dataType(), FillValue.zero(chunk.dataType()));
        encoded = ours.encode(chunk, spec);
        if (!ours.decode(encoded, spec).contentEquals(chunk)) {
            throw new IllegalStateException(codec + " does not round-trip");
        }
        System.out.printf("%n%s on %s: %d -> %d bytes (ratio %.2f)%n", codec, data, chunk.segment().byteSize(),
                encoded.size(), (double) chunk.segment().byteSize() / encoded.size());
    }

    @Benchmark
    public NdBuffer decode() throws IOException {
        return ours.decode(encoded, spec);
    }
}
