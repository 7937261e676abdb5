package dev.ngff.cli;

import dev.ngff.testing.HugeZips;
import dev.ngff.testing.HugeZips.Entry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line over bad input: every failure is exactly one line on stderr that names the store, key,
 * path or option at fault, with a non-zero exit code, and shows no Java class names, no exception names
 * and none of Jackson's internal location text.
 */
class BadInputCliTest {
    private static final String NO_IMDS = "aws.disableEc2Metadata";
    private static String previousImds;

    @TempDir
    Path dir;

    /** The SDK's credential chain would otherwise wait for an EC2 instance-metadata endpoint that is not there. */
    @BeforeAll
    static void noInstanceMetadata() {
        previousImds = System.setProperty(NO_IMDS, "true");
    }

    @AfterAll
    static void restoreInstanceMetadata() {
        if (previousImds == null) {
            System.clearProperty(NO_IMDS);
        } else {
            System.setProperty(NO_IMDS, previousImds);
        }
    }

    private static final String GROUP = "{\"zarr_format\":3,\"node_type\":\"group\"}";
    private static final String ARRAY = """
            {"zarr_format":3,"node_type":"array","shape":[4],"data_type":"uint8",
             "chunk_grid":{"name":"regular","configuration":{"chunk_shape":[4]}},
             "chunk_key_encoding":{"name":"default"},"fill_value":0,"codecs":[%s]}""";

    /** One bad input: what to run, and what its one line must name. */
    private record Case(String name, List<Object> args, List<String> names) {
    }

    @Test
    void everyFailureIsOneLineNamingWhatIsAtFault() throws Exception {
        List<Case> cases = new ArrayList<>();
        Path sample = sample();

        Path corrupt = node("corrupt.zarr", "{\"zarr_format\": 3, x}");
        cases.add(new Case("corrupt JSON", List.of("info", corrupt), List.of(corrupt + " 'zarr.json'", "line 1, column 20")));

        Path missing = dir.resolve("missing.zarr");
        cases.add(new Case("missing node", List.of("info", missing), List.of("missing.zarr")));
        cases.add(new Case("missing node, export", List.of("export", missing, dir.resolve("m.npy")), List.of("missing.zarr")));

        cases.add(new Case("bad region", List.of("export", sample, dir.resolve("r.npy"), "--region", "0:2,0:1000"),
                List.of("--region", sample.toString(), "dimension 1 of extent 32")));

        Path file = Files.writeString(dir.resolve("plain.txt"), "not a directory");
        Path unwritable = file.resolve("out.npy");
        cases.add(new Case("unwritable export path", List.of("export", sample, unwritable),
                List.of("cannot write '" + unwritable + "': ")));

        Path broken = sample("broken.zarr");
        Path chunk;
        try (Stream<Path> files = Files.walk(broken.resolve("c"))) {
            chunk = files.filter(Files::isRegularFile).sorted().findFirst().orElseThrow();
        }
        Files.write(chunk, new byte[] {1, 2, 3, 4, 5, 6, 7});
        String chunkKey = broken.relativize(chunk).toString();
        cases.add(new Case("corrupt chunk", List.of("export", broken, dir.resolve("b.npy")), List.of(chunkKey)));
        cases.add(new Case("corrupt chunk, copy", List.of("copy", broken, dir.resolve("b-copy.zarr")), List.of(chunkKey)));

        Path unknown = node("unknown-codec.zarr", ARRAY.formatted("{\"name\":\"bytes\"},{\"name\":\"no-such-codec\"}"));
        cases.add(new Case("unknown codec", List.of("export", unknown, dir.resolve("u.npy")), List.of("no-such-codec")));
        cases.add(new Case("unknown codec, copy", List.of("copy", unknown, dir.resolve("u-copy.zarr")), List.of("no-such-codec")));

        Path emptyKey = node("empty-key.zarr", "{\"zarr_format\":3,\"node_type\":\"group\",\"consolidated_metadata\":"
                + "{\"kind\":\"inline\",\"must_understand\":false,\"metadata\":{\"\":" + ARRAY.formatted("{\"name\":\"bytes\"}") + "}}}");
        cases.add(new Case("consolidated empty key, info", List.of("info", emptyKey),
                List.of(emptyKey + " 'zarr.json'", "/consolidated_metadata/metadata/")));
        cases.add(new Case("consolidated empty key, copy", List.of("copy", emptyKey, dir.resolve("e-copy.zarr")),
                List.of(emptyKey + " 'zarr.json'", "/consolidated_metadata/metadata/")));

        Path notZip = Files.write(dir.resolve("not-a.zip"), new byte[] {'P', 'K', 1, 2, 3});
        cases.add(new Case("not a zip", List.of("info", notZip), List.of("not-a.zip")));

        Path hugeJson = HugeZips.write(dir.resolve("huge-json.zip"), Entry.deflatedZeros("zarr.json", 1024));
        cases.add(new Case("1 GiB zarr.json in a zip", List.of("info", hugeJson), List.of("huge-json.zip", "'zarr.json'", "64 MiB")));

        cases.add(new Case("unknown option", List.of("info", sample, "--bogus"), List.of("--bogus")));

        int closed = closedLoopbackPort();
        String s3 = "s3://bucket/img.zarr?endpoint=http://127.0.0.1:" + closed;
        cases.add(new Case("s3 without credentials at a closed port", List.of("info", s3), List.of("s3://bucket/img.zarr")));

        for (Case c : cases) {
            Cli.Result r = Cli.run(c.args().toArray());
            String err = r.err();
            System.out.println(c.name() + " -> " + err.strip());
            assertThat(r.code()).as(c.name() + ": exit code; stderr: " + err).isNotZero();
            assertThat(err.lines().toList()).as(c.name() + ": lines on stderr").hasSize(1);
            assertThat(err).as(c.name())
                    .startsWith("ngff ")
                    .doesNotContain("Exception", "dev.ngff.", "java.", "javax.", "com.fasterxml", "software.amazon",
                            "[Source:", "\tat ", "ZarrArray[", "Metadata[")
                    .contains(c.names());
            assertThat(err.length()).as(c.name() + ": " + err).isLessThan(600);
        }
        assertThat(dir.resolve("e-copy.zarr")).as("nothing written for a hierarchy that cannot be walked").doesNotExist();
        assertThat(Files.exists(dir.resolve("r.npy")) || Files.exists(dir.resolve("b.npy"))).isFalse();
    }

    @Test
    void s3WithoutCredentialsSaysHowToGiveThem() throws Exception {
        if (System.getenv("AWS_ACCESS_KEY_ID") != null || System.getenv("AWS_PROFILE") != null
                || Files.exists(Path.of(System.getProperty("user.home"), ".aws"))) {
            // credentials are configured here: the request goes out and fails on the closed port instead
            Cli.Result r = Cli.run("info", "s3://bucket/img.zarr?endpoint=http://127.0.0.1:" + closedLoopbackPort());
            assertThat(r.err().lines().toList()).hasSize(1);
            return;
        }
        Cli.Result r = Cli.run("info", "s3://bucket/img.zarr?endpoint=http://127.0.0.1:" + closedLoopbackPort());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines().toList()).hasSize(1);
        assertThat(r.err()).startsWith("ngff info: s3://bucket/img.zarr")
                .contains("no AWS credentials found", "AWS_ACCESS_KEY_ID", "?anonymous=true")
                .doesNotContain("Provider", "Exception");
        assertThat(r.err().length()).isLessThan(400);
    }

    @Test
    void aBackslashChildIsAWarningInInfoAndStopsACopy() throws Exception {
        Path root = node("skips.zarr", GROUP);
        Files.createDirectories(root.resolve("a\\b"));
        Files.writeString(root.resolve("a\\b").resolve("zarr.json"), ARRAY.formatted("{\"name\":\"bytes\"}"));
        Files.createDirectories(root.resolve("ok"));
        Files.writeString(root.resolve("ok").resolve("zarr.json"), GROUP);

        Cli.Result info = Cli.run("info", root);
        assertThat(info.code()).as(info.err()).isZero();
        assertThat(info.err().lines().toList()).containsExactly("ngff info: warning: file:" + root
                + " '/' holds 1 entry whose name cannot be a Zarr key ('a\\b') not shown");
        assertThat(info.out()).contains("1 entry whose name cannot be a Zarr key ('a\\b') not shown", "/ok");

        Path target = dir.resolve("skips-copy.zarr");
        Cli.Result copy = Cli.run("copy", root, target);
        assertThat(copy.code()).isEqualTo(1);
        assertThat(copy.err().lines().toList()).containsExactly("ngff copy: file:" + root
                + " '/' holds 1 entry whose name cannot be a Zarr key ('a\\b'), which cannot be copied; nothing was"
                + " written (rename them to copy them)");
        assertThat(target).doesNotExist();
    }

    @Test
    void infoOfAZipWithAGigabyteChunkReadsNoChunk() throws Exception {
        Path zip = HugeZips.write(dir.resolve("huge-chunk.zip"), Entry.small("zarr.json", ARRAY.formatted("{\"name\":\"bytes\"}")),
                Entry.deflatedZeros("c/0", 1024));
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getTotalThreadAllocatedBytes();
        Cli.Result info = Cli.run("info", zip);
        long allocated = threads.getTotalThreadAllocatedBytes() - before;
        assertThat(info.code()).as(info.err()).isZero();
        assertThat(info.out()).contains("1 of 1 chunks");
        // counting its bytes used to inflate the whole gigabyte (and a 512 MB heap ran out)
        assertThat(allocated).as("bytes allocated").isLessThan(256L << 20);

        Cli.Result export = Cli.run("export", zip, dir.resolve("huge.npy"));
        assertThat(export.code()).isEqualTo(1);
        assertThat(export.err().lines().toList()).hasSize(1);
        assertThat(export.err()).contains("huge-chunk.zip", "c/0", "got 1073741824 bytes, expected 4");
    }

    /**
     * The reports' setting, for real: {@code ngff info} in a JVM whose heap is 256 MB (half of what ran out)
     * over a zip holding a 1 GiB {@code zarr.json}, and over one holding a 1 GiB chunk.
     */
    @Test
    void aSmallHeapSurvivesGigabyteEntries() throws Exception {
        Path hugeJson = HugeZips.write(dir.resolve("heap-json.zip"), Entry.deflatedZeros("zarr.json", 1024));
        Path hugeChunk = HugeZips.write(dir.resolve("heap-chunk.zip"),
                Entry.small("zarr.json", ARRAY.formatted("{\"name\":\"bytes\"}")), Entry.deflatedZeros("c/0", 1024));
        Run json = ngffWithHeap("256m", "info", hugeJson.toString());
        assertThat(json.code()).as(json.output()).isEqualTo(1);
        assertThat(json.output().strip()).isEqualTo("ngff info: zip:" + hugeJson
                + " 'zarr.json': metadata document larger than the 64 MiB limit on metadata documents");
        Run chunk = ngffWithHeap("256m", "info", hugeChunk.toString());
        assertThat(chunk.code()).as(chunk.output()).isZero();
        assertThat(chunk.output()).contains("1 of 1 chunks").doesNotContain("out of memory");
    }

    private record Run(int code, String output) {
    }

    /** Runs {@code ngff} in a fresh JVM with the given maximum heap; stdout and stderr together. */
    private static Run ngffWithHeap(String heap, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("ngff " + String.join(" ", args) + " did not finish in 120 s");
        }
        String filtered = out.lines().filter(l -> !l.startsWith("WARNING:") && !l.startsWith("SLF4J"))
                .collect(java.util.stream.Collectors.joining("\n"));
        return new Run(p.exitValue(), filtered);
    }

    private Path node(String name, String zarrJson) throws IOException {
        Path root = Files.createDirectories(dir.resolve(name));
        Files.writeString(root.resolve("zarr.json"), zarrJson);
        return root;
    }

    private Path sample() {
        return sample("s.zarr");
    }

    private Path sample(String name) {
        Path s = dir.resolve(name);
        Cli.Result r = Cli.run("sample", s, "--plain", "--shape", "4,32,32", "--chunks", "2,16,16", "--codec", "gzip");
        assertThat(r.code()).as(r.err()).isZero();
        return s;
    }

    /** A loopback port nothing listens on (bound, then released). */
    private static int closedLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
