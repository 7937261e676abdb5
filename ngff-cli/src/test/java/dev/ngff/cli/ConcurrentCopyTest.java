package dev.ngff.cli;

import dev.ngff.write.LockHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two {@code ngff copy} runs into one destination at once, 100 trials (half of them with
 * {@code --overwrite}): the writer lock lets one through, the other fails with one line naming the
 * holder, and the destination is always exactly one source's copy, never a mix.
 */
class ConcurrentCopyTest {
    @TempDir
    Path dir;

    @Test
    void theSecondWriterFailsNamingTheHolderAndNothingMixes() throws Exception {
        Path a = dir.resolve("a.zarr");
        Path b = dir.resolve("b.zarr");
        CopySources.hierarchy(a, 1, 16, 64);
        CopySources.hierarchy(b, 2, 16, 64);
        String[] opts = {"--chunks", "4,16,16", "--block-bytes", "4096", "--workers", "1"};
        TreeMap<String, byte[]> refA = copyOf(a, dir.resolve("ref-a.zarr"), opts);
        TreeMap<String, byte[]> refB = copyOf(b, dir.resolve("ref-b.zarr"), opts);
        assertThat(CopyTrees.identical(refA, refB)).isFalse();
        String holder = "pid " + ProcessHandle.current().pid() + " on host " + LockHolder.localHost();
        int lockRefusals = 0;
        int sequential = 0;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        long started = System.nanoTime();
        try {
            for (int trial = 0; trial < 100; trial++) {
                boolean overwrite = trial % 2 == 1;
                Path dst = dir.resolve("dst-" + trial + ".zarr");
                if (overwrite) {
                    copyOf(a, dst, opts); // something to overwrite
                }
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Cli.Result>> runs = new ArrayList<>();
                for (Path src : List.of(a, b)) {
                    List<Object> args = new ArrayList<>(List.of("copy", src, dst));
                    args.addAll(List.of((Object[]) opts));
                    if (overwrite) {
                        args.add("--overwrite");
                    }
                    runs.add(pool.submit(() -> {
                        go.await();
                        return Cli.run(args.toArray());
                    }));
                }
                go.countDown();
                Cli.Result ra = runs.get(0).get();
                Cli.Result rb = runs.get(1).get();
                String what = "trial " + trial + (overwrite ? " (--overwrite)" : "") + ": " + ra.err() + " | " + rb.err();
                TreeMap<String, byte[]> got = CopyTrees.files(dst);
                assertThat(CopyTrees.identical(got, refA) || CopyTrees.identical(got, refB))
                        .as(what + ": the destination is one source's copy, not a mix").isTrue();
                assertThat(ra.code() == 0 || rb.code() == 0).as(what).isTrue();
                for (Cli.Result r : List.of(ra, rb)) {
                    if (r.code() == 0) {
                        continue;
                    }
                    assertThat(r.err().strip()).as(what).doesNotContain("\n").doesNotContain("Exception");
                    if (r.err().contains("another writer holds the lock")) {
                        lockRefusals++;
                        assertThat(r.err()).as(what).contains(holder, "ngff copy ", "--break-lock");
                    } else {
                        sequential++; // the other had finished: a plain refusal of a non-empty target
                        assertThat(r.err()).as(what).contains("is not empty");
                    }
                }
                if (ra.code() == 0 && rb.code() == 0) {
                    sequential++;
                    assertThat(overwrite).as(what + ": both succeeded only one after the other with --overwrite").isTrue();
                }
                CopyTrees.delete(dst);
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.printf("concurrent copies: 100 trials in %.1f s: %d refused by the lock naming its holder, %d ran one "
                + "after the other, 0 mixed%n", (System.nanoTime() - started) / 1e9, lockRefusals, sequential);
        assertThat(lockRefusals).as("trials where both ran at once").isGreaterThanOrEqualTo(90);
    }

    private static TreeMap<String, byte[]> copyOf(Path src, Path dst, String[] opts) {
        List<Object> args = new ArrayList<>(List.of("copy", src, dst));
        args.addAll(List.of((Object[]) opts));
        Cli.Result r = Cli.run(args.toArray());
        assertThat(r.code()).as(r.err()).isZero();
        return CopyTrees.files(dst);
    }
}
