package dev.ngff.bench.harness;

import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.bench.Layout;
import dev.ngff.bench.Volumes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.DataType;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import dev.ngff.store.Store;
import dev.ngff.store.Stores;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * ngff-engine's side of the side-by-side harness ({@code ngff-bench/harness/harness.py}): one
 * operation per process, timed inside the process, printed as one JSON line
 * {@code {"seconds": ..., "checksum": ..., "bytes": ...}}. The checksum (sum of all uint16 values
 * read, computed after the clock stops) lets the driver check that every tool read the same data.
 *
 * <pre>
 * generate   DIR LAYOUT SIZE CHUNK INNER [VOLUME]  a volume of {@link Volumes} (default ramp), uncompressed|zstd|sharded
 * read-all   DIR                             the whole array in one call
 * read-chunks DIR [READERS]                  one call per stored chunk (shard), in order; READERS threads (default 1)
 * read-inner DIR READERS EDGE                EDGE^3 blocks, READERS threads sharing one handle
 * roundtrip  SRC DST                         copy chunk (shard) by chunk into a new array of the same layout
 * train      DIR [DST]                       the AOT cache's training workload: read-all of DIR; with DST (an
 *                                            s3:// location), also roundtrip DIR to DST and read-all of DST, so
 *                                            the S3 client's classes and request path are in the cache too
 * </pre>
 * DIR (SRC, DST) may also be a location that {@link Stores} opens, such as
 * {@code s3://bucket/prefix?endpoint=http://127.0.0.1:9000} (with ngff-s3 on the class path).
 */
public final class HarnessPeer {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private HarnessPeer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: HarnessPeer generate|read-all|read-chunks|read-inner|roundtrip DIR ...");
            System.exit(2);
        }
        int repeat = Math.max(1, Integer.parseInt(System.getenv().getOrDefault("NGFF_HARNESS_REPEAT", "1")));
        try (ExecutionContext ctx = ExecutionContext.create()) {
            String op = args[0];
            String dir = args[1];
            Result first = null;
            Result last = null;
            for (int i = 0; i < (op.equals("generate") ? 1 : repeat); i++) {
                last = switch (op) {
                    case "generate" -> generate(ctx, dir, Layout.valueOf(args[2].toUpperCase(Locale.ROOT)),
                            Long.parseLong(args[3]), Long.parseLong(args[4]), Long.parseLong(args[5]),
                            args.length > 6 ? Volumes.valueOf(args[6].toUpperCase(Locale.ROOT)) : Volumes.RAMP);
                    case "read-all" -> readAll(ctx, dir);
                    case "read-chunks" -> readChunks(ctx, dir, args.length > 2 ? Integer.parseInt(args[2]) : 1);
                    case "read-inner" -> readInner(ctx, dir, Integer.parseInt(args[2]), Long.parseLong(args[3]));
                    case "roundtrip" -> roundtrip(ctx, dir, args[2]);
                    case "train" -> train(ctx, dir, args.length > 2 ? args[2] : null);
                    default -> throw new IllegalArgumentException("unknown operation " + op);
                };
                first = first == null ? last : first;
            }
            // seconds: the first call in a fresh process; seconds_repeat: the last of NGFF_HARNESS_REPEAT calls
            System.out.printf(Locale.ROOT, "{\"seconds\": %.6f, \"seconds_repeat\": %.6f, \"checksum\": %d, \"bytes\": %d}%n",
                    first.seconds(), last.seconds(), first.checksum(), first.bytes());
        }
        if (Arrays.stream(args).anyMatch(HarnessPeer::isUri)) {
            System.exit(0); // an S3 client's event-loop threads would keep the process alive
        }
    }

    /** One timed operation. */
    private record Result(double seconds, long checksum, long bytes) {
    }

    /** Prints the result line; {@code excludedNanos} is time spent on checksums that the clock must not count. */
    private static Result report(long startNanos, long excludedNanos, long checksum, long bytes) {
        return new Result((System.nanoTime() - startNanos - excludedNanos) / 1e9, checksum, bytes);
    }

    static long sum(NdBuffer b) {
        MemorySegment s = b.segment();
        long n = s.byteSize() / 2;
        long total = 0;
        for (long i = 0; i < n; i++) {
            total += Short.toUnsignedInt(s.get(U16, 2 * i));
        }
        return total;
    }

    private static ZarrArray open(ExecutionContext ctx, String location) throws IOException {
        return Zarr.openArray(isUri(location) ? Stores.open(location) : FileSystemStore.open(Path.of(location)),
                Key.ROOT, ctx);
    }

    /** A store location with a scheme (s3://...); anything else is a directory. */
    private static boolean isUri(String location) {
        return location.contains("://");
    }

    private static Store openWritable(String location) throws IOException {
        return isUri(location) ? Stores.openWritable(location) : FileSystemStore.open(Path.of(location));
    }

    /** Writes the volume slab by slab (one chunk thick), so memory stays at one slab. */
    private static Result generate(ExecutionContext ctx, String dir, Layout layout, long size, long chunk, long inner,
            Volumes volume) throws IOException {
        long start = System.nanoTime();
        ZarrArray a = Zarr.createArray(openWritable(dir), Key.ROOT, layout.metadata(size, chunk, inner), ctx);
        for (long z = 0; z < size; z += chunk) {
            long depth = Math.min(chunk, size - z);
            NdBuffer slab = NdBuffer.allocate(DataType.UINT16, depth, size, size);
            volume.render(new long[] {z, 0, 0}, slab);
            a.write(new long[] {z, 0, 0}, slab);
        }
        return report(start, 0, 0, size * size * size * 2);
    }

    private static Result readAll(ExecutionContext ctx, String dir) throws IOException {
        long start = System.nanoTime();
        ZarrArray a = open(ctx, dir);
        NdBuffer all = a.read();
        long t = System.nanoTime();
        long checksum = sum(all);
        return report(start, System.nanoTime() - t, checksum, all.segment().byteSize());
    }

    /** The box of every stored chunk (shard) in C order. */
    private static List<long[][]> chunkBoxes(ZarrArray a) {
        long[] shape = a.shape();
        long[] chunk = a.chunkShape();
        List<long[][]> boxes = new ArrayList<>();
        long[] c = new long[shape.length];
        while (true) {
            long[] off = new long[shape.length];
            long[] ext = new long[shape.length];
            for (int d = 0; d < shape.length; d++) {
                off[d] = c[d] * chunk[d];
                ext[d] = Math.min(chunk[d], shape[d] - off[d]);
            }
            boxes.add(new long[][] {off, ext});
            int d = shape.length - 1;
            while (d >= 0 && ++c[d] * chunk[d] >= shape[d]) {
                c[d] = 0;
                d--;
            }
            if (d < 0) {
                return boxes;
            }
        }
    }

    /**
     * One read call per stored chunk (shard). With more than one reader, READERS threads share the handle and
     * take chunks in turn (as zarrs_benchmark_read_sync --concurrent-chunks does); their checksums then count
     * in the time, as in read-inner, since the threads overlap.
     */
    private static Result readChunks(ExecutionContext ctx, String dir, int readers) throws Exception {
        long start = System.nanoTime();
        ZarrArray a = open(ctx, dir);
        List<long[][]> boxes = chunkBoxes(a);
        if (readers <= 1) {
            long checksumNanos = 0;
            long checksum = 0;
            long bytes = 0;
            for (long[][] box : boxes) {
                NdBuffer b = a.read(box[0], box[1]);
                long t = System.nanoTime();
                checksum += sum(b);
                bytes += b.segment().byteSize();
                checksumNanos += System.nanoTime() - t;
            }
            return report(start, checksumNanos, checksum, bytes);
        }
        long[][] sums = new long[readers][2];
        inReaders(readers, reader -> {
            for (int i = reader; i < boxes.size(); i += readers) {
                NdBuffer b = a.read(boxes.get(i)[0], boxes.get(i)[1]);
                sums[reader][0] += sum(b);
                sums[reader][1] += b.segment().byteSize();
            }
        });
        long checksum = 0;
        long bytes = 0;
        for (long[] s : sums) {
            checksum += s[0];
            bytes += s[1];
        }
        return report(start, 0, checksum, bytes);
    }

    /** The work of one reader thread, told its index among the readers. */
    private interface ReaderBody {
        void run(int reader) throws Exception;
    }

    /** Runs {@code body} on READERS threads at once (reader 0 .. readers-1) and waits for all of them. */
    private static void inReaders(int readers, ReaderBody body) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(readers)) {
            List<Future<?>> running = new ArrayList<>();
            for (int r = 0; r < readers; r++) {
                int reader = r;
                running.add(pool.submit(() -> {
                    body.run(reader);
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
        }
    }

    private static Result readInner(ExecutionContext ctx, String dir, int readers, long edge) throws Exception {
        long start = System.nanoTime();
        ZarrArray a = open(ctx, dir);
        long[] shape = a.shape();
        long[] per = {shape[0] / edge, shape[1] / edge, shape[2] / edge};
        long total = per[0] * per[1] * per[2];
        long[][] sums = new long[readers][1];
        inReaders(readers, reader -> {
            NdBuffer dest = NdBuffer.allocate(DataType.UINT16, edge, edge, edge);
            long[] at = new long[3];
            for (long i = reader; i < total; i += readers) {
                at[0] = i / (per[1] * per[2]) * edge;
                at[1] = i / per[2] % per[1] * edge;
                at[2] = i % per[2] * edge;
                a.read(at, dest);
                sums[reader][0] += sum(dest); // included in the time: every peer sums its blocks too
            }
        });
        long checksum = 0;
        for (long[] s : sums) {
            checksum += s[0];
        }
        return report(start, 0, checksum, total * edge * edge * edge * 2);
    }

    private static Result roundtrip(ExecutionContext ctx, String src, String dst) throws IOException {
        long start = System.nanoTime();
        ZarrArray a = open(ctx, src);
        ZarrArray b = Zarr.createArray(openWritable(dst), Key.ROOT, a.metadata(), ctx);
        long bytes = 0;
        for (long[][] box : chunkBoxes(a)) {
            NdBuffer chunk = a.read(box[0], box[1]);
            b.write(box[0], chunk);
            bytes += chunk.segment().byteSize();
        }
        return report(start, 0, 0, bytes);
    }

    /**
     * What the AOT training run executes (one process, see harness.py's train_aot_cache): the local read-all
     * the cache always had, then, given an S3 destination, a write and a read-all through S3. Without the S3
     * part a process's first GetObject spends about a second loading and linking the SDK's request pipeline.
     */
    private static Result train(ExecutionContext ctx, String local, String s3) throws IOException {
        long start = System.nanoTime();
        Result r = readAll(ctx, local);
        if (s3 != null) {
            roundtrip(ctx, local, s3);
            Result back = readAll(ctx, s3);
            if (back.checksum() != r.checksum()) {
                throw new IOException("AOT training: read back checksum " + back.checksum() + " from " + s3
                        + ", expected " + r.checksum());
            }
        }
        return report(start, 0, r.checksum(), r.bytes());
    }
}
