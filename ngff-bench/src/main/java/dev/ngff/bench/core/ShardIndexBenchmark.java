package dev.ngff.bench.core;

import dev.ngff.bench.BenchmarkBase;
import dev.ngff.bench.Volumes;
import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.codec.ChunkSource;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.codec.CodecPipeline;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import dev.ngff.store.ByteRange;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Shard index decode: a partial read of an empty box from an in-memory shard whose index is not
 * cached does exactly one suffix read (a slice here), the bytes+crc32c index decode and the entry
 * validation, and nothing else. {@code grid} is inner chunks per dimension (4: 64 entries, as in a
 * 256^3 shard of 64^3; 32: 32768 entries, a large shard of small chunks).
 */
@State(Scope.Benchmark)
public class ShardIndexBenchmark extends BenchmarkBase {

    @Param({"4", "32"})
    public int grid;

    private CodecPipeline sharding;
    private ChunkSpec spec;
    private Bytes shard;
    private final long[] zeroShape = {0, 0, 0};
    private final long[] origin = {0, 0, 0};

    @Setup
    public void setUp() throws IOException {
        long inner = 4;
        long edge = grid * inner;
        sharding = CodecRegistry.standard().pipeline(List.of(Codecs.sharding(new long[] {inner, inner, inner},
                List.of(Codecs.bytes("little")), Codecs.defaultShardIndexCodecs(), true)), "benchmark");
        spec = new ChunkSpec(new long[] {edge, edge, edge}, DataType.UINT16, FillValue.zero(DataType.UINT16));
        NdBuffer data = Volumes.NOISY.block(edge, edge, edge);
        shard = sharding.encode(data, spec);
    }

    /** A chunk source over the shard bytes with no index cache. */
    private ChunkSource source() {
        return new ChunkSource() {
            @Override
            public Optional<Bytes> read(ByteRange range) {
                long start = range.start(shard.size());
                return Optional.of(shard.slice(start, range.end(shard.size()) - start));
            }

            @Override
            public Optional<List<Bytes>> readRanges(List<ByteRange> ranges) {
                List<Bytes> out = new ArrayList<>(ranges.size());
                for (ByteRange r : ranges) {
                    out.add(read(r).orElseThrow());
                }
                return Optional.of(out);
            }

            @Override
            public String describe() {
                return "in-memory shard";
            }
        };
    }

    @Benchmark
    public Optional<NdBuffer> decodeIndex() throws IOException {
        return sharding.partialDecoder(source(), spec).decode(origin, zeroShape);
    }
}
