package dev.ngff.bench.core;

import dev.ngff.bench.BenchmarkBase;
import dev.ngff.bench.TempDirs;
import dev.ngff.buffer.Bytes;
import dev.ngff.store.ByteRange;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import dev.ngff.store.MemoryStore;
import dev.ngff.store.Store;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Range reads from one 64 MiB object at pseudo-random offsets, and whole reads of a {@code size}-byte
 * object, from the file store (page cache warm: the object is written in set-up and read repeatedly)
 * and the memory store.
 */
@State(Scope.Thread)
public class StoreReadBenchmark extends BenchmarkBase {
    private static final long BIG = 64L << 20;

    @Param({"file", "memory"})
    public String store;

    @Param({"4096", "1048576"})
    public int size;

    private Path dir;
    private Store s;
    private final Key big = Key.of("big");
    private final Key small = Key.of("c/0/0/0");
    private SplittableRandom random;

    @Setup
    public void setUp() throws IOException {
        if (store.equals("file")) {
            dir = TempDirs.create("ngff-bench-store");
            s = FileSystemStore.open(dir);
        } else {
            s = new MemoryStore();
        }
        byte[] data = new byte[(int) BIG];
        new SplittableRandom(7).nextBytes(data);
        s.write(big, Bytes.wrap(data));
        s.write(small, Bytes.wrap(java.util.Arrays.copyOf(data, size)));
        random = new SplittableRandom(11);
    }

    @TearDown
    public void tearDown() throws IOException {
        s.close();
        TempDirs.delete(dir);
    }

    @Benchmark
    public Optional<Bytes> rangeRead(ByteCounter counter) throws IOException {
        long offset = random.nextLong(BIG - size);
        counter.bytes += size;
        return s.read(big, ByteRange.of(offset, size));
    }

    @Benchmark
    public Optional<Bytes> wholeRead(ByteCounter counter) throws IOException {
        counter.bytes += size;
        return s.read(small);
    }
}
