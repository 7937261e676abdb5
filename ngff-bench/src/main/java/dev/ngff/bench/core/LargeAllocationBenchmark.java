package dev.ngff.bench.core;

import dev.ngff.bench.BenchmarkBase;
import dev.ngff.buffer.internal.AnonymousMemory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * What a large read result costs before and while it is filled: allocate {@code mib} MiB and have {@code writers}
 * threads write all of it (each its own contiguous part, in 1 MiB pieces, as decode workers write their chunks).
 * {@code arena}: the JDK's native allocation, which zeroes everything on the allocating thread first;
 * {@code mapping}: an anonymous mapping, pages zero-filled by the kernel at first write in the writing thread;
 * {@code mapping-hugepages}: the same with the {@code MADV_HUGEPAGE} hint ({@code Buffers.allocate}'s choice).
 * One shot per invocation; the result is freed (GC) between invocations, outside the timing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 6)
public class LargeAllocationBenchmark extends BenchmarkBase {
    private static final long PIECE = 1L << 20;

    /** Where the memory comes from. */
    @Param({"arena", "mapping", "mapping-hugepages"})
    public String source;

    /** Threads writing the memory. */
    @Param({"1", "2"})
    public int writers;

    /** Size in MiB. */
    @Param({"1024"})
    public int mib;

    private MemorySegment last;

    @Benchmark
    public long allocateAndFill() throws InterruptedException {
        long size = (long) mib << 20;
        MemorySegment m = switch (source) {
            case "arena" -> Arena.ofAuto().allocate(size, 8);
            case "mapping" -> AnonymousMemory.allocate(size, false).orElseThrow();
            case "mapping-hugepages" -> AnonymousMemory.allocate(size, true).orElseThrow();
            default -> throw new IllegalArgumentException("unknown source " + source);
        };
        long part = size / writers;
        Thread[] threads = new Thread[writers];
        for (int w = 0; w < writers; w++) {
            long from = w * part;
            long to = w == writers - 1 ? size : from + part;
            threads[w] = Thread.ofPlatform().start(() -> {
                for (long at = from; at < to; at += PIECE) {
                    m.asSlice(at, Math.min(PIECE, to - at)).fill((byte) 1);
                }
            });
        }
        for (Thread t : threads) {
            t.join();
        }
        last = m;
        return m.byteSize();
    }

    /** Frees the result outside the timing, so the next shot does not pay for this one's unmapping. */
    @TearDown(Level.Invocation)
    public void free() throws InterruptedException {
        last = null;
        System.gc();
        Thread.sleep(200);
    }
}
