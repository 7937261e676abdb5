package dev.ngff.bench.codec;

import com.scalableminds.bloscjava.Blosc;
import dev.ngff.bench.BenchmarkBase;
import dev.ngff.buffer.Bytes;
import dev.ngff.codec.BytesToBytesCodec;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.codec.std.DeflateCodec;
import dev.ngff.codecs.ZstdCodec;
import dev.ngff.codecs.blosc.BloscCodec;
import dev.ngff.codecs.blosc.BloscCompressor;
import dev.ngff.codecs.blosc.BloscShuffle;
import dev.ngff.codecs.lz4.Lz4Codec;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.io.IOException;

/**
 * Single-threaded decoding of one 2 MiB uint16 chunk (32 x 256 x 256) per operation: MB/s of decoded data
 * per core is {@code ops/s * 2.097}. Our codecs against the native libraries' own calls on the same bytes:
 * c-blosc 1.21.4 through blosc-java (which also pays its JNI copies and allocations, as a Java user would).
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xss4m", "-Xms2g", "-Xmx2g",
        "--add-modules", "jdk.incubator.vector"})
public class CodecDecodeBenchmark extends BenchmarkBase {

    /** The codec under test. */
    @Param({"blosc-lz4-shuffle", "blosc-zstd-bitshuffle", "zstd", "lz4", "gzip"})
    public String codec;

    /** The chunk's content. */
    @Param({"noisy", "ramp"})
    public String data;

    static final int PLANES = 32;

    private BytesToBytesCodec ours;
    private Bytes encoded;
    private byte[] encodedArray;
    private ChunkSpec spec;
    private int size;
    private java.lang.foreign.MemorySegment destination;

    @Setup
    public void setUp() throws IOException {
        byte[] raw = data.equals("noisy") ? CodecData.noisy(PLANES, 1) : CodecData.ramp(PLANES);
        size = raw.length;
        destination = java.lang.foreign.MemorySegment.ofArray(new byte[size]);
        spec = new ChunkSpec(new long[] {PLANES, 256, 256}, DataType.UINT16, FillValue.zero(DataType.UINT16));
        ours = switch (codec) {
            case "blosc-lz4-shuffle" -> BloscCodec.v3(BloscCompressor.LZ4, 5, BloscShuffle.SHUFFLE, 2, 0);
            case "blosc-zstd-bitshuffle" -> BloscCodec.v3(BloscCompressor.ZSTD, 5, BloscShuffle.BITSHUFFLE, 2, 0);
            case "zstd" -> new ZstdCodec("zstd", 3, false);
            case "lz4" -> new Lz4Codec("numcodecs.lz4", 1);
            case "gzip" -> new DeflateCodec(DeflateCodec.Wrapper.GZIP, "gzip", 5);
            default -> throw new IllegalArgumentException(codec);
        };
        if (codec.startsWith("blosc")) {
            // the frame c-blosc itself writes, so both sides decode identical bytes
            Blosc.Compressor c = codec.contains("lz4") ? Blosc.Compressor.LZ4 : Blosc.Compressor.ZSTD;
            Blosc.Shuffle s = codec.contains("bitshuffle") ? Blosc.Shuffle.BIT_SHUFFLE : Blosc.Shuffle.BYTE_SHUFFLE;
            encodedArray = Blosc.compress(raw, 2, c, 5, s, 0, 1);
            encoded = Bytes.wrap(encodedArray);
        } else {
            encoded = ours.encode(Bytes.wrap(raw), spec);
            encodedArray = encoded.toArray();
        }
        if (!java.util.Arrays.equals(ours.decode(encoded, spec, size).toArray(), raw)) {
            throw new IllegalStateException(codec + " does not round-trip");
        }
        System.out.printf("%n%s on %s: %d -> %d bytes (ratio %.2f)%n", codec, data, size, encodedArray.length,
                (double) size / encodedArray.length);
    }

    @Benchmark
    public Bytes ours() throws IOException {
        return ours.decode(encoded, spec, size);
    }

    /** Decoding into a caller-given destination (the read path's decode-into): ~0 B/op in steady state. */
    @Benchmark
    public java.lang.foreign.MemorySegment oursInto() throws IOException {
        ours.decodeInto(encoded, spec, destination);
        return destination;
    }

    /** c-blosc's own decompression of the same frame (blosc codecs only; others report the same as ours). */
    @Benchmark
    public byte[] nativeBlosc() throws IOException {
        if (!codec.startsWith("blosc")) {
            return null;
        }
        return Blosc.decompress(encodedArray);
    }
}
