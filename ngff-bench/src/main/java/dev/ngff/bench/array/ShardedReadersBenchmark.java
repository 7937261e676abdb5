package dev.ngff.bench.array;

import dev.ngff.bench.BenchmarkBase;
import dev.ngff.bench.Layout;
import dev.ngff.bench.core.ByteCounter;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.metadata.DataType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Every inner chunk of a sharded 256^3 array (512 inner chunks of 32^3 in 8 shards), read one inner
 * chunk per call by {@code readers} concurrent platform threads sharing one array handle (and its
 * shard index cache), as viewers and training loaders do. One op reads the whole array once.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class ShardedReadersBenchmark extends BenchmarkBase {
    private static final long E = ArrayFixture.EDGE;
    private static final long S = ArrayFixture.INNER;

    @Param({"1", "8"})
    public int readers;

    private ArrayFixture fx;
    private ExecutorService pool;
    private NdBuffer[] dest;

    @Setup
    public void setUp() throws IOException {
        fx = ArrayFixture.create(Layout.SHARDED);
        pool = Executors.newFixedThreadPool(readers);
        dest = new NdBuffer[readers];
        for (int r = 0; r < readers; r++) {
            dest[r] = NdBuffer.allocate(DataType.UINT16, S, S, S);
        }
    }

    @TearDown
    public void tearDown() throws IOException {
        pool.shutdownNow();
        fx.close();
    }

    @Benchmark
    public void readInnerChunks(ByteCounter counter) throws Exception {
        long per = E / S;
        long total = per * per * per;
        List<Future<?>> running = new ArrayList<>(readers);
        for (int r = 0; r < readers; r++) {
            int reader = r;
            running.add(pool.submit(() -> {
                for (long i = reader; i < total; i += readers) {
                    long[] at = {(i / (per * per)) * S, (i / per % per) * S, (i % per) * S};
                    fx.array.read(at, dest[reader]);
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (ExecutionException e) {
                throw new IOException("reader failed", e.getCause());
            }
        }
        counter.bytes += total * S * S * S * 2;
    }
}
