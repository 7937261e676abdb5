package dev.ngff.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferUShort;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static dev.ngff.spark.SparkPyramidTest.assertSameFiles;
import static dev.ngff.spark.SparkPyramidTest.cli;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Spark copy and conversion against the single-machine {@code ngff copy} and {@code ngff convert} (every file
 * byte-identical): an OME-Zarr 0.4 sample (Zarr v2, with labels) converted to 0.5 with shards and copied, a raw
 * file and a TIFF converted with levels made anew; a task failing once mid-shard; the driver killed (kill -9)
 * and the job rerun, and the same left for {@code ngff convert --resume} to finish; a copy to S3 (MinIO).
 */
class SparkConvertTest {
    @TempDir
    static Path dir;
    static Path v04;
    static Path raw;
    static Path tiff;
    static JavaSparkContext sc;

    static final String RAW = "48x256x256,uint16";
    static final Map<String, String> RAW_OPTIONS = Map.of("--raw", RAW, "--levels", "auto", "--chunks", "16,64,64",
            "--shards", "16,128,128");

    @BeforeAll
    static void setUp() throws IOException {
        v04 = dir.resolve("v04.ome.zarr");
        cli("sample", "--ngff-version", "0.4", "--shape", "32,256,256", "--channels", "2", "--chunks", "16,64,64",
                "--labels", "--levels", "2", v04);
        raw = dir.resolve("volume.raw");
        long seed = 17;
        System.out.println("SparkConvertTest seed " + seed);
        Random r = new Random(seed);
        ByteBuffer b = ByteBuffer.allocate(48 * 256 * 256 * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int z = 0; z < 48; z++) {
            for (int y = 0; y < 256; y++) {
                for (int x = 0; x < 256; x++) {
                    b.putShort((short) (((x / 8 + y / 8 + z) % 7) * 900 + r.nextInt(64)));
                }
            }
        }
        Files.write(raw, b.array());
        tiff = dir.resolve("plane.tif");
        BufferedImage img = new BufferedImage(640, 480, BufferedImage.TYPE_USHORT_GRAY);
        short[] px = ((DataBufferUShort) img.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < px.length; i++) {
            px[i] = (short) ((i % 640) * 37 + (i / 640) * 11 + r.nextInt(16));
        }
        assertThat(ImageIO.write(img, "tiff", tiff.toFile())).as("the JDK writes TIFF").isTrue();
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2,2]").setAppName("SparkConvertTest")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"));
    }

    @AfterAll
    static void tearDown() {
        if (sc != null) {
            sc.close();
        }
    }

    /** ngff JOB with the options, then the same as a Spark job: every file equal. */
    static SparkBulkResult both(String job, Path src, String name, Map<String, String> options, long failOnce,
                                PrintStream progress) throws IOException {
        Path want = dir.resolve(name + ".ngff");
        Path got = dir.resolve(name + ".spark");
        cli(args(job, options, src, want));
        SparkBulkResult r = job.equals("copy")
                ? new SparkCopy(src.toString(), got.toString(), options, 2, failOnce).run(sc, progress)
                : new SparkConvert(src.toString(), got.toString(), options, 2, failOnce).run(sc, progress);
        assertSameFiles(want, got);
        assertThat(got.resolve(".ngff-incomplete.json")).doesNotExist();
        return r;
    }

    static Object[] args(String job, Map<String, String> options, Object... positional) {
        List<Object> a = new ArrayList<>();
        a.add(job);
        new TreeMap<>(options).forEach((k, v) -> {
            a.add(k);
            a.add(v);
        });
        a.addAll(List.of(positional));
        return a.toArray();
    }

    @Test
    void convertOmeZarr04To05WithShardsMatchesNgffConvert() throws IOException {
        SparkBulkResult r = both("convert", v04, "v05", Map.of("--shards", "1,16,128,128", "--block-bytes", "262144"),
                -1, System.out);
        assertThat(r.written()).isGreaterThan(8);
        assertThat(r.skipped()).isZero();
    }

    @Test
    void convertRawWithLevelsMadeAnewMatchesNgffConvert() throws IOException {
        SparkBulkResult r = both("convert", raw, "raw", RAW_OPTIONS, -1, System.out);
        assertThat(r.written()).isGreaterThan(12);
    }

    @Test
    void convertTiffMatchesNgffConvert() throws IOException {
        both("convert", tiff, "tiff", Map.of("--chunks", "64,64", "--shards", "128,256"), -1, System.out);
    }

    @Test
    void copyMatchesNgffCopy() throws IOException {
        SparkBulkResult r = both("copy", v04, "copy", Map.of("--block-bytes", "65536"), -1, System.out);
        assertThat(r.written()).isGreaterThan(16);
    }

    @Test
    void taskFailingOnceMidShardLeavesIdenticalOutput() throws IOException {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        both("convert", raw, "failonce", RAW_OPTIONS, 5, new PrintStream(log, true, StandardCharsets.UTF_8));
        System.out.print(log.toString(StandardCharsets.UTF_8));
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("convert: arrays and level 0");
        both("copy", v04, "copy-failonce", Map.of("--block-bytes", "65536"), 3, System.out);
    }

    /** Usage errors are refused with exit code 2 before Spark starts, with ngff's words for the option. */
    @Test
    void usageErrorsBeforeSparkStarts() {
        java.io.PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            String a = dir.resolve("a").toString();
            String b = dir.resolve("b").toString();
            assertThat(SparkMain.run(new String[] {"convert", "--resume", a, b})).isEqualTo(2);
            assertThat(SparkMain.run(new String[] {"convert", "--bogus", "1", a, b})).isEqualTo(2);
            assertThat(SparkMain.run(new String[] {"copy", "--chunks", "0,64", a, b})).isEqualTo(2);
            assertThat(SparkMain.run(new String[] {"convert", "--ngff-version", "0.3", a, b})).isEqualTo(2);
            assertThat(SparkMain.run(new String[] {"copy", a})).isEqualTo(2);
            assertThat(SparkMain.run(new String[] {"convert", "--fsync", "always", a, b})).isEqualTo(2);
            assertThat(SparkMain.run(new String[] {"copy", "--workers", "4", a, b})).isEqualTo(2);
            assertThat(SparkMain.run(new String[] {"convert", "--verify", a, b})).isEqualTo(2);
            assertThat(SparkMain.run(new String[] {"convert", a, b + ".OZX"})).isEqualTo(2);
        } finally {
            System.setErr(err);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        System.out.print(text);
        assertThat(text).contains("--resume is an option of ngff convert on one machine only")
                .contains("unknown option '--bogus'")
                .contains("--chunks: '0,64': entry 0 must be positive")
                .contains("--ngff-version must be 0.4, 0.5 or 0.6, got '0.3'")
                .contains("give a source and a target, got 1")
                .contains("--fsync is an option of ngff convert on one machine only")
                .contains("--workers is an option of ngff copy on one machine only (one task per executor core")
                .contains("--verify is an option of ngff convert on one machine only")
                .contains("b.OZX: a single-file (.ozx or .zip) target is written by ngff convert on one machine only");
        // one line per refusal (Spark's own log lines, if any, do not start so)
        assertThat(text.lines().filter(l -> l.startsWith("ngff-spark "))).hasSize(9);
        assertThat(dir.resolve("b")).doesNotExist();
        assertThat(dir.resolve("b.OZX")).doesNotExist();
    }

    /**
     * The driver killed (kill -9) after some shards are journaled: the Spark job rerun finishes the target, and
     * so does {@code ngff convert --resume} (the same marker and journal); both byte-identical to ngff convert.
     */
    @Test
    void rerunAfterKilledDriverResumesIdentically() throws Exception {
        Path want = dir.resolve("killed.ngff");
        cli(args("convert", RAW_OPTIONS, raw, want));
        Path bySpark = killedRun("killed-spark");
        SparkBulkResult r = new SparkConvert(raw.toString(), bySpark.toString(), RAW_OPTIONS, 2, -1).run(sc, System.out);
        System.out.println("resumed by Spark: " + r);
        assertThat(r.skipped()).isPositive();
        assertSameFiles(want, bySpark);
        Path byNgff = killedRun("killed-ngff");
        String out = cli(args("convert", RAW_OPTIONS, "--resume", raw, byNgff));
        System.out.println("resumed by ngff convert: " + out.strip());
        assertSameFiles(want, byNgff);
    }

    /** A Spark conversion of the raw file in its own JVM, killed once its journal holds a few shards. */
    static Path killedRun(String name) throws Exception {
        Path target = dir.resolve(name);
        List<String> args = new ArrayList<>(List.of("convert"));
        new TreeMap<>(RAW_OPTIONS).forEach((k, v) -> args.addAll(List.of(k, v)));
        args.addAll(List.of(raw.toString(), target.toString()));
        SparkPyramidTest.killDriver(target, 4, args.toArray(String[]::new));
        return target;
    }

    /**
     * A copy onto a real S3 server (MinIO on loopback), credentials from the SDK's default chain on the executors
     * (the {@code aws.*} system properties, which local mode shares): every object equals ngff copy's file.
     */
    @Test
    void copyToS3MatchesNgffCopy() throws Exception {
        dev.ngff.s3.S3Options opts = dev.ngff.s3.MinioTestServer.options().build();
        software.amazon.awssdk.auth.credentials.AwsCredentials creds = opts.credentials().orElseThrow().resolveCredentials();
        System.setProperty("aws.accessKeyId", creds.accessKeyId());
        System.setProperty("aws.secretAccessKey", creds.secretAccessKey());
        dev.ngff.s3.S3Location where = dev.ngff.s3.MinioTestServer.freshLocation();
        try (dev.ngff.s3.S3Store s3 = dev.ngff.s3.S3Store.open(where, opts)) {
            Path want = dir.resolve("s3copy.ngff");
            Map<String, String> options = Map.of("--zarr-format", "2", "--block-bytes", "131072");
            cli(args("copy", options, v04, want));
            String location = "s3://" + where.bucket() + "/" + where.prefix().path() + "?endpoint="
                    + dev.ngff.s3.MinioTestServer.endpoint();
            SparkBulkResult r = new SparkCopy(v04.toString(), location, options, 2, -1).run(sc, System.out);
            assertThat(r.written()).isPositive();
            assertThat(dev.ngff.write.WriterLock.holder(s3, dev.ngff.store.Key.ROOT)).as("lock released").isEmpty();
            SparkPyramidTest.assertSameOnS3(want, s3);
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }
}
