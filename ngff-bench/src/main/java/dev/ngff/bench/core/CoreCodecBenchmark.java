package dev.ngff.bench.core;

import dev.ngff.bench.BenchmarkBase;
import dev.ngff.bench.Volumes;
import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.codec.CodecPipeline;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.io.IOException;
import java.util.List;

/**
 * Encode and decode of one 1 MiB uint16 chunk (8x256x256) through the codecs of ngff-core and zstd:
 * a chain of {@code bytes} plus one bytes-to-bytes codec. The {@code bytes} auxiliary counter is the
 * decoded size, so its rate is MB/s of decoded data. Blosc, lz4 and the shuffle kernels live in
 * {@code dev.ngff.bench.codec}.
 */
@State(Scope.Benchmark)
public class CoreCodecBenchmark extends BenchmarkBase {
    static final long[] CHUNK = {8, 256, 256};

    @Param({"bytes", "crc32c", "gzip1", "zstd3"})
    public String codec;

    @Param({"noisy", "ramp"})
    public String data;

    private CodecPipeline pipeline;
    private ChunkSpec spec;
    private NdBuffer decoded;
    private Bytes encoded;

    @Setup
    public void setUp() throws IOException {
        List<CodecSpec> chain = switch (codec) {
            case "bytes" -> List.of(Codecs.bytes("little"));
            case "crc32c" -> List.of(Codecs.bytes("little"), Codecs.crc32c());
            case "gzip1" -> List.of(Codecs.bytes("little"), Codecs.gzip(1));
            case "zstd3" -> List.of(Codecs.bytes("little"), Codecs.zstd(3, false));
            default -> throw new IllegalArgumentException("unknown codec " + codec);
        };
        pipeline = CodecRegistry.standard().pipeline(chain, "benchmark");
        spec = new ChunkSpec(CHUNK, DataType.UINT16, FillValue.zero(DataType.UINT16));
        decoded = Volumes.valueOf(data.toUpperCase(java.util.Locale.ROOT)).block(CHUNK);
        encoded = pipeline.encode(decoded, spec);
        if (!pipeline.decode(encoded, spec).contentEquals(decoded)) {
            throw new IllegalStateException(codec + " does not round-trip");
        }
    }

    @Benchmark
    public Bytes encode(ByteCounter counter) throws IOException {
        counter.bytes += decoded.segment().byteSize();
        return pipeline.encode(decoded, spec);
    }

    @Benchmark
    public NdBuffer decode(ByteCounter counter) throws IOException {
        counter.bytes += decoded.segment().byteSize();
        return pipeline.decode(encoded, spec);
    }
}
