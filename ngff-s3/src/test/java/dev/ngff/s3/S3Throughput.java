package dev.ngff.s3;

import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.store.Key;
import dev.ngff.testing.TestArrays;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Throughput of writing and reading a sharded uint16 array (1 GiB by default) against the in-process
 * S3Mock server on 127.0.0.1, for each HTTP client and in-flight limit given, plus the GETs one inner
 * chunk and one whole shard take. Not a unit test: run it by hand (docs/s3.md says how).
 *
 * <p>Arguments: {@code <netty|crt>[,...] <limit>[,...] [planes] [repetitions]}; each configuration runs
 * {@code repetitions} times (default 3) and reports the median with the range. The array is
 * {@code planes x 2048 x 1024} uint16 (256 planes = 1 GiB), shards {@code 32x512x512} (16 MiB),
 * inner chunks {@code 32x128x128} (1 MiB), uncompressed with a crc32c index, so the figures measure
 * the store and not a compressor.
 */
public final class S3Throughput {
    private S3Throughput() {
    }

    public static void main(String[] args) throws Exception {
        List<S3Options.HttpClientKind> clients = new ArrayList<>();
        for (String c : (args.length > 0 ? args[0] : "netty").split(",")) {
            clients.add(S3Options.HttpClientKind.valueOf(c.toUpperCase(Locale.ROOT)));
        }
        List<Integer> limits = new ArrayList<>();
        for (String l : (args.length > 1 ? args[1] : "64").split(",")) {
            limits.add(Integer.parseInt(l));
        }
        long planes = args.length > 2 ? Long.parseLong(args[2]) : 256;
        int reps = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        long[] shape = {planes, 2048, 1024};
        ArrayMetadata meta = ArrayMetadata.builder(DataType.UINT16, shape).chunks(32, 512, 512)
                .codecs(Codecs.sharding(new long[] {32, 128, 128}, List.of(Codecs.bytes("little")),
                        Codecs.defaultShardIndexCodecs(), true)).build();
        NdBuffer data = TestArrays.random(DataType.UINT16, shape, 1);
        double mib = data.segment().byteSize() / (1024.0 * 1024.0);
        System.out.printf(Locale.ROOT, "array %s uint16 = %.0f MiB, shards 32x512x512 (16 MiB), inner 32x128x128 (1 MiB), server %s%n",
                java.util.Arrays.toString(shape), mib, S3TestServer.endpoint());
        warmUp(clients, Math.min(planes, 32));
        for (S3Options.HttpClientKind client : clients) {
            for (int limit : limits) {
                S3Options opts = S3TestServer.options().httpClient(client).maxRequestsInFlight(limit).build();
                ExecutionContext.Config cfg = ExecutionContext.Config.defaults().withIoConcurrency(limit);
                double[] w = new double[reps];
                double[] rd = new double[reps];
                S3Store.RequestCounts writeCounts = null;
                S3Store.RequestCounts readCounts = null;
                for (int rep = 0; rep < reps; rep++) {
                    try (S3Store s3 = S3Store.open(S3TestServer.freshLocation(), opts);
                         ExecutionContext ctx = ExecutionContext.create(cfg)) {
                        ZarrArray a = Zarr.createArray(s3, Key.ROOT, meta, ctx);
                        long t0 = System.nanoTime();
                        a.write(data);
                        long t1 = System.nanoTime();
                        writeCounts = s3.requestCounts();
                        ZarrArray r = Zarr.openArray(s3, Key.ROOT, ctx);
                        long t2 = System.nanoTime();
                        NdBuffer back = r.read();
                        long t3 = System.nanoTime();
                        readCounts = s3.requestCounts().minus(writeCounts);
                        if (!back.contentEquals(data)) {
                            throw new AssertionError("read-back differs from what was written");
                        }
                        w[rep] = mib / ((t1 - t0) / 1e9);
                        rd[rep] = mib / ((t3 - t2) / 1e9);
                        if (rep == 0 && limit == limits.getFirst()) {
                            ZarrArray fresh = Zarr.openArray(s3, Key.ROOT, ctx);
                            S3Store.RequestCounts c0 = s3.requestCounts();
                            fresh.read(new long[] {0, 0, 0}, new long[] {32, 128, 128});
                            S3Store.RequestCounts inner = s3.requestCounts().minus(c0);
                            fresh.read(new long[] {0, 128, 0}, new long[] {32, 128, 128});
                            S3Store.RequestCounts inner2 = s3.requestCounts().minus(c0).minus(inner);
                            ZarrArray fresh2 = Zarr.openArray(s3, Key.ROOT, ctx);
                            S3Store.RequestCounts c1 = s3.requestCounts();
                            fresh2.read(new long[] {0, 0, 0}, new long[] {32, 512, 512});
                            S3Store.RequestCounts shard = s3.requestCounts().minus(c1);
                            System.out.printf(Locale.ROOT, "%-5s requests: one inner chunk (cold) %s, another inner chunk of that shard %s, one whole shard (cold) %s%n",
                                    client, nonZero(inner), nonZero(inner2), nonZero(shard));
                        }
                        s3.deletePrefix(Key.ROOT);
                    }
                }
                System.out.printf(Locale.ROOT, "%-5s limit %3d: write %s MiB/s, read %s MiB/s (median [min..max] of %d); write requests %s; read requests %s%n",
                        client, limit, stats(w), stats(rd), reps, nonZero(writeCounts), nonZero(readCounts));
            }
        }
        System.exit(0);
    }

    /** One unreported write and read of a small array per client, so that the JIT has compiled both paths. */
    private static void warmUp(List<S3Options.HttpClientKind> clients, long planes) throws Exception {
        long[] shape = {planes, 2048, 1024};
        ArrayMetadata meta = ArrayMetadata.builder(DataType.UINT16, shape).chunks(32, 512, 512)
                .codecs(Codecs.sharding(new long[] {32, 128, 128}, List.of(Codecs.bytes("little")),
                        Codecs.defaultShardIndexCodecs(), true)).build();
        NdBuffer data = TestArrays.random(DataType.UINT16, shape, 2);
        for (S3Options.HttpClientKind client : clients) {
            try (S3Store s3 = S3Store.open(S3TestServer.freshLocation(), S3TestServer.options().httpClient(client).build());
                 ExecutionContext ctx = ExecutionContext.create()) {
                for (int i = 0; i < 2; i++) {
                    Zarr.createArray(s3, Key.ROOT, meta, ctx).write(data);
                    Zarr.openArray(s3, Key.ROOT, ctx).read();
                }
                s3.deletePrefix(Key.ROOT);
            }
        }
    }

    private static String stats(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return String.format(Locale.ROOT, "%6.0f [%4.0f..%4.0f]", s[s.length / 2], s[0], s[s.length - 1]);
    }

    private static String nonZero(S3Store.RequestCounts c) {
        StringBuilder sb = new StringBuilder("{");
        c.byOp().entrySet().stream().filter(e -> e.getValue() > 0).sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> sb.append(sb.length() > 1 ? ", " : "").append(e.getKey()).append('=').append(e.getValue()));
        if (c.retries() > 0) {
            sb.append(", retries=").append(c.retries());
        }
        return sb.append('}').toString();
    }
}
