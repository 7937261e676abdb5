package dev.ngff.cli.internal;

import dev.ngff.cli.Main;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The training workload of the ahead-of-time cache that {@code ./ngff} uses (JEP 483/514/515): run at build
 * time under {@code -XX:AOTCacheOutput=...}, it executes the commands a user starts most (sample, info, export,
 * validate, copy) on tiny arrays in one JVM, so that the classes they load and link, and the profiles of their
 * methods, are in the cache. Output is discarded; a failing command fails the training (exit status 1, its
 * message on stderr), and the build then ships no cache rather than one trained on an error path.
 */
public final class AotTraining {
    private AotTraining() {
    }

    /** {@code args[0]}: an empty working directory for the tiny arrays. */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: AotTraining WORKDIR");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        String zstd = dir.resolve("zstd.zarr").toString();
        String sharded = dir.resolve("sharded.zarr").toString();
        String ome = dir.resolve("ome.zarr").toString();
        String npy = dir.resolve("out.npy").toString();
        List<String[]> commands = List.of(
                new String[] {"sample", "--plain", "--shape=64,64,64", "--chunks=32,32,32", "--overwrite", zstd},
                new String[] {"sample", "--plain", "--shape=64,64,64", "--chunks=16,16,16", "--shards=32,32,32",
                        "--overwrite", sharded},
                new String[] {"sample", "--shape=8,64,64", "--overwrite", ome},
                new String[] {"info", zstd},
                new String[] {"info", sharded},
                new String[] {"info", ome},
                new String[] {"export", zstd, npy},
                new String[] {"export", sharded, npy},
                new String[] {"export", "--region=0:8,0:32,0:32", sharded, npy},
                new String[] {"validate", ome},
                new String[] {"copy", "--overwrite", zstd, dir.resolve("copy.zarr").toString()},
                new String[] {"info", "--help"});
        PrintWriter discard = new PrintWriter(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        for (String[] command : commands) {
            StringWriter err = new StringWriter();
            int code = Main.execute(discard, new PrintWriter(err, true), command);
            if (code != 0) {
                System.err.println("AOT training: 'ngff " + String.join(" ", command) + "' exited with " + code + ": "
                        + err.toString().strip());
                System.exit(1);
            }
        }
        System.exit(0); // as ngff's own main does: the classes of the exit path (its logger lookup) go in the cache too
    }
}
