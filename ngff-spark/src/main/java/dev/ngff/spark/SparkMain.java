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
 * </pre>
 * Without a master from spark-submit it runs on {@code local[*]}. {@code convert} and {@code copy} are planned
 * (docs/spark.md) and refused with one line for now. Exit codes: 0 done, 1 failed (the destination is left
 * incomplete; the same command resumes it), 2 usage.
 */
public final class SparkMain {
    private SparkMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: SparkMain pyramid [--levels auto|N] [--method M] [--shards-per-task N] <image>");
            return 2;
        }
        String sub = args[0];
        if (sub.equals("convert") || sub.equals("copy")) {
            System.err.println("ngff-spark: '" + sub + "' is not implemented yet; run ngff " + sub
                    + " on one machine, then SparkMain pyramid");
            return 2;
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
}
