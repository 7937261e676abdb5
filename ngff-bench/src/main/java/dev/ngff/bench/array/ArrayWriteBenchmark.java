package dev.ngff.bench.array;

import dev.ngff.bench.BenchmarkBase;
import dev.ngff.bench.Layout;
import dev.ngff.bench.core.ByteCounter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;

/**
 * Writes the whole 256^3 uint16 array over itself on the file store (no fsync: the store's default),
 * in each layout: encode, shard assembly and atomic file replacement.
 */
@State(Scope.Thread)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class ArrayWriteBenchmark extends BenchmarkBase {

    @Param({"UNCOMPRESSED", "ZSTD", "SHARDED"})
    public Layout layout;

    private ArrayFixture fx;

    @Setup
    public void setUp() throws IOException {
        fx = ArrayFixture.create(layout);
    }

    @TearDown
    public void tearDown() throws IOException {
        fx.close();
    }

    @Benchmark
    public void writeAll(ByteCounter counter) throws IOException {
        fx.array.write(fx.expected);
        counter.bytes += fx.expected.segment().byteSize();
    }
}
