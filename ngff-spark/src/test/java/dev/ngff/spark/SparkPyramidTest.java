package dev.ngff.spark;

import dev.ngff.cli.Main;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Spark pyramid against the single-machine {@code ngff pyramid} on one sample image (2 channels of
 * 64 x 512 x 512 uint16, 64 MiB, sharded): every file byte-identical after a clean run, after a task that
 * fails once mid-shard and is retried, after the driver is killed (kill -9, separate JVM) and the job rerun, and
 * on S3 (MinIO).
 */
class SparkPyramidTest {
    @TempDir
    static Path dir;
    static Path sample;
    static Path expected;
    static JavaSparkContext sc;

    @BeforeAll
    static void setUp() throws IOException {
        sample = dir.resolve("sample.ome.zarr");
        cli("sample", "--shape", "64,512,512", "--channels", "2", "--chunks", "32,64,64", "--shards", "32,128,128",
                "--levels", "1", sample);
        expected = copyOf(sample, "expected.ome.zarr");
        String out = cli("pyramid", expected);
        System.out.println("ngff pyramid: " + out.strip());
        // local[2, 2]: two cores, and a failed task is tried twice (local mode ignores spark.task.maxFailures)
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2,2]").setAppName("SparkPyramidTest")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"));
    }

    @AfterAll
    static void tearDown() {
        if (sc != null) {
            sc.close();
        }
    }

    @Test
    void cleanRunMatchesNgffPyramid() throws IOException {
        Path b = copyOf(sample, "clean.ome.zarr");
        SparkPyramid.Result r = SparkPyramid.of(b.toString()).run(sc, System.out);
        assertThat(r.shardsWritten()).isPositive();
        assertThat(r.shardsSkipped()).isZero();
        assertSameFiles(expected, b);
    }

    @Test
    void taskFailingOnceMidShardLeavesIdenticalOutput() throws IOException {
        Path b = copyOf(sample, "failonce.ome.zarr");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        SparkPyramid.Result r = SparkPyramid.of(b.toString()).withFailOnce(3).run(sc,
                new PrintStream(log, true, StandardCharsets.UTF_8));
        System.out.print(log.toString(StandardCharsets.UTF_8));
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("pyramid level 1 of");
        assertThat(r.shardsSkipped()).isZero();
        assertSameFiles(expected, b);
    }

    @Test
    void rerunAfterKilledDriverResumesIdentically() throws Exception {
        Path b = copyOf(sample, "killed.ome.zarr");
        killDriver(b, 6, "pyramid", b.toString());
        SparkPyramid.Result r = SparkPyramid.of(b.toString()).run(sc, System.out);
        System.out.println("resumed: " + r);
        assertThat(r.shardsSkipped()).isPositive();
        assertSameFiles(expected, b);
    }

    /**
     * The same job on a real S3 server (MinIO on loopback): the image is uploaded, the job runs on an
     * {@code s3://} location whose credentials the executors find in the SDK's default chain (here the
     * {@code aws.*} system properties of this JVM, which local mode shares with its executors), and every
     * object equals ngff pyramid's file. MinIO ignores If-Match on DELETE, so the writer lock is released as
     * a tombstone there: that one object is left out of the comparison, and must hold no holder.
     */
    @Test
    void onS3MatchesNgffPyramid() throws Exception {
        dev.ngff.s3.S3Options opts = dev.ngff.s3.MinioTestServer.options().build();
        software.amazon.awssdk.auth.credentials.AwsCredentials creds = opts.credentials().orElseThrow().resolveCredentials();
        System.setProperty("aws.accessKeyId", creds.accessKeyId());
        System.setProperty("aws.secretAccessKey", creds.secretAccessKey());
        dev.ngff.s3.S3Location where = dev.ngff.s3.MinioTestServer.freshLocation();
        try (dev.ngff.s3.S3Store s3 = dev.ngff.s3.S3Store.open(where, opts)) {
            for (Map.Entry<String, byte[]> e : files(sample).entrySet()) {
                s3.write(dev.ngff.store.Key.of(e.getKey()), dev.ngff.buffer.Bytes.wrap(e.getValue()));
            }
            String location = "s3://" + where.bucket() + "/" + where.prefix().path() + "?endpoint="
                    + dev.ngff.s3.MinioTestServer.endpoint();
            SparkPyramid.Result r = SparkPyramid.of(location).run(sc, System.out);
            assertThat(r.shardsWritten()).isPositive();
            assertThat(dev.ngff.write.WriterLock.holder(s3, dev.ngff.store.Key.ROOT)).as("lock released").isEmpty();
            assertSameOnS3(expected, s3);
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    /**
     * Runs {@link SparkMain} with {@code args} in its own JVM on {@code local[1]} and kills it (SIGKILL: no
     * shutdown hook runs) once the journal of {@code target} holds {@code entries} entries; the target must then
     * be marked incomplete.
     */
    static void killDriver(Path target, int entries, String... args) throws Exception {
        Path journal = target.resolve(".ngff-journal");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(SparkFlags.JVM_OPTIONS);
        cmd.addAll(List.of("-Dspark.master=local[1]", "-Dspark.ui.enabled=false", "-Dspark.driver.host=127.0.0.1",
                "-cp", System.getProperty("java.class.path"), SparkMain.class.getName()));
        cmd.addAll(List.of(args));
        Path log = target.resolveSibling(target.getFileName() + "-driver.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        int seen = 0;
        while (System.nanoTime() < deadline && p.isAlive()) {
            seen = countFiles(journal);
            if (seen >= entries) {
                break;
            }
            Thread.sleep(10);
        }
        assertThat(p.isAlive()).as("the driver was still running when its journal held %d entries; its log:%n%s", seen,
                Files.exists(log) ? Files.readString(log) : "").isTrue();
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
        System.out.println(target.getFileName() + ": killed the driver after " + seen + " journaled shards");
        assertThat(target.resolve(".ngff-incomplete.json")).exists();
    }

    /** Every object under the S3 store's prefix equals the file of {@code expected} (the writer lock aside). */
    static void assertSameOnS3(Path expected, dev.ngff.s3.S3Store s3) throws IOException {
        Map<String, byte[]> want = files(expected);
        want.remove(dev.ngff.store.FileSystemStore.LOCK_FILE_NAME); // the file system's own, not the node's
        Map<String, byte[]> got = new TreeMap<>();
        for (dev.ngff.store.Key k : s3.list(dev.ngff.store.Key.ROOT)) {
            if (!k.path().equals(dev.ngff.write.WriterLock.NAME)) {
                got.put(k.path(), s3.read(k).orElseThrow().toArray());
            }
        }
        assertThat(got.keySet()).containsExactlyElementsOf(want.keySet());
        for (String k : want.keySet()) {
            assertThat(got.get(k)).as("%s on S3", k).isEqualTo(want.get(k));
        }
    }

    static String cli(Object... args) {
        String[] a = Arrays.stream(args).map(String::valueOf).toArray(String[]::new);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), a);
        assertThat(code).as("ngff %s: %s", String.join(" ", a), err).isZero();
        return out.toString();
    }

    static Path copyOf(Path src, String name) throws IOException {
        Path dst = dir.resolve(name);
        try (Stream<Path> s = Files.walk(src)) {
            for (Path p : s.toList()) {
                Path t = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        return dst;
    }

    static int countFiles(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(root)) {
            return (int) s.filter(Files::isRegularFile).count();
        } catch (java.io.UncheckedIOException e) {
            return 0; // a file went away while listing
        }
    }

    /** Every regular file of both trees, byte for byte. */
    static void assertSameFiles(Path a, Path b) throws IOException {
        Map<String, byte[]> fa = files(a);
        Map<String, byte[]> fb = files(b);
        assertThat(fb.keySet()).as("files of %s", b).containsExactlyElementsOf(fa.keySet());
        for (String k : fa.keySet()) {
            assertThat(fb.get(k)).as("%s of %s", k, b).isEqualTo(fa.get(k));
        }
        assertThat(fa).hasSizeGreaterThan(10);
    }

    static Map<String, byte[]> files(Path root) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }
}
