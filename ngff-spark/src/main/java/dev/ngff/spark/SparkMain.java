package dev.ngff.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code spark-submit} entry point:
 * <pre>
 * spark-submit --class dev.ngff.spark.SparkMain --jars ... ngff-spark.jar pyramid [--levels auto|N]
 *     [--method mean|gaussian|mode|nearest|min|max] [--shards-per-task N] &lt;image&gt;
 * spark-submit ... ngff-spark.jar convert [OPTIONS of ngff convert] [--blocks-per-task N] &lt;src&gt; &lt;dst&gt;
 * spark-submit ... ngff-spark.jar copy [OPTIONS of ngff copy] [--blocks-per-task N] &lt;src&gt; &lt;dst&gt;
 * </pre>
 * {@code convert} and {@code copy} take the shaping options of {@code ngff convert} and {@code ngff copy}
 * ({@code --ngff-version}, {@code --levels}, {@code --chunks}, {@code --shards}, {@code --codec}, ...); a rerun of
 * the same command resumes an interrupted run, and so does {@code ngff convert --resume} / {@code ngff copy
 * --resume} with the same options. Without a master from spark-submit it runs on {@code local[*]}.
 * Exit codes: 0 done, 1 failed (the destination is left incomplete; the same command resumes it), 2 usage.
 */
public final class SparkMain {
    /**
     * Options of {@code ngff convert} / {@code ngff copy} that a Spark job refuses before Spark starts, and why (the
     * shaping options are taken; these are about one process's run).
     */
    private static final java.util.Map<String, String> SINGLE_MACHINE_ONLY = java.util.Map.of(
            "--resume", "a rerun of the same Spark command resumes",
            "--overwrite", "give an empty target",
            "--break-lock", "a rerun takes over the lock of a dead writer; a live one is not broken",
            "--verify", "no pass that reads the target back against the source on Spark yet",
            "--progress", "the driver prints shards done per stage",
            "--fsync", "shards are written whole and renamed into place; no fsync on Spark yet",
            "--memory", "set spark.executor.memory and spark.driver.memory instead",
            "--workers", "one task per executor core: set spark.executor.cores instead",
            "--ozx-pack", "a single-file target is written on one machine only");

    private SparkMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: SparkMain pyramid [--levels auto|N] [--method M] [--shards-per-task N] <image>"
                    + " | convert|copy [OPTIONS] [--blocks-per-task N] <src> <dst>");
            return 2;
        }
        String sub = args[0];
        if (sub.equals("convert") || sub.equals("copy")) {
            return bulk(sub, args);
        }
        if (!sub.equals("pyramid")) {
            System.err.println("ngff-spark: unknown command '" + sub + "' (pyramid, convert, copy)");
            return 2;
        }
        String levels = "auto";
        String method = null;
        int perTask = 1;
        List<String> positional = new ArrayList<>();
        try {
            for (int i = 1; i < args.length; i++) {
                switch (args[i]) {
                    case "--levels" -> levels = args[++i];
                    case "--method" -> method = args[++i];
                    case "--shards-per-task" -> perTask = Integer.parseInt(args[++i]);
                    default -> positional.add(args[i]);
                }
            }
        } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
            System.err.println("ngff-spark pyramid: an option lacks its value or has a malformed one");
            return 2;
        }
        if (positional.size() != 1) {
            System.err.println("ngff-spark pyramid: give one image location, got " + positional.size());
            return 2;
        }
        SparkConf conf = new SparkConf().setAppName("ngff pyramid " + positional.getFirst());
        if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            SparkPyramid job = new SparkPyramid(positional.getFirst(), levels, method, perTask, -1);
            SparkPyramid.Result r = job.run(sc, System.out);
            System.out.printf("wrote %d levels below level 0 (%d shards, %d kept from an earlier run, %.1f MB) in %.1f s%n",
                    r.levels() - 1, r.shardsWritten(), r.shardsSkipped(), r.bytes() / 1e6, r.nanos() / 1e9);
            return 0;
        } catch (Exception e) {
            System.err.println("ngff-spark pyramid: " + e.getMessage() + "; rerun the same command to resume");
            return 1;
        }
    }

    /** {@code convert} and {@code copy}: every {@code --NAME VALUE} but {@code --blocks-per-task} is an ngff option. */
    private static int bulk(String job, String[] args) {
        java.util.Map<String, String> options = new java.util.LinkedHashMap<>();
        int perTask = 1;
        List<String> positional = new ArrayList<>();
        try {
            for (int i = 1; i < args.length; i++) {
                String why = SINGLE_MACHINE_ONLY.get(args[i]);
                if (why != null) {
                    System.err.println("ngff-spark " + job + ": " + args[i] + " is an option of ngff " + job + " on one "
                            + "machine only (" + why + ")");
                    return 2;
                } else if (args[i].equals("--blocks-per-task")) {
                    perTask = Integer.parseInt(args[++i]);
                } else if (args[i].startsWith("--")) {
                    options.put(args[i], args[++i]);
                } else {
                    positional.add(args[i]);
                }
            }
        } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
            System.err.println("ngff-spark " + job + ": an option lacks its value or has a malformed one");
            return 2;
        }
        if (positional.size() != 2) {
            System.err.println("ngff-spark " + job + ": give a source and a target, got " + positional.size() + " locations");
            return 2;
        }
        String target = positional.get(1).toLowerCase(java.util.Locale.ROOT);
        if (target.endsWith(".ozx") || target.endsWith(".zip")) {
            System.err.println("ngff-spark " + job + ": " + positional.get(1) + ": a single-file (.ozx or .zip) target is "
                    + "written by ngff " + job + " on one machine only; give a directory or s3:// target");
            return 2;
        }
        SparkBulkResult r;
        SparkConf conf = new SparkConf().setAppName("ngff " + job + " " + positional.get(0) + " " + positional.get(1));
        if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        try {
            if (job.equals("copy")) {
                SparkCopy c = new SparkCopy(positional.get(0), positional.get(1), options, perTask, -1);
                try (JavaSparkContext sc = new JavaSparkContext(conf)) {
                    r = c.run(sc, System.out);
                }
            } else {
                SparkConvert c = new SparkConvert(positional.get(0), positional.get(1), options, perTask, -1);
                try (JavaSparkContext sc = new JavaSparkContext(conf)) {
                    r = c.run(sc, System.out);
                }
            }
        } catch (dev.ngff.convert.ConvertOptionException e) {
            System.err.println("ngff-spark " + job + ": " + e.getMessage());
            return 2;
        } catch (Exception e) {
            System.err.println("ngff-spark " + job + ": " + e.getMessage() + "; rerun the same command to resume");
            return 1;
        }
        if (!r.alreadyComplete()) {
            System.out.printf("%s: %d blocks and shards written, %d kept from an earlier run, %.1f MB in %.1f s%n",
                    job, r.written(), r.skipped(), r.bytes() / 1e6, r.nanos() / 1e9);
        }
        return 0;
    }
}
