package dev.ngff.s3;

import dev.ngff.acquire.AcquisitionWriter;
import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.store.Key;
import dev.ngff.store.MemoryStore;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kill -9} of a writer streaming an acquisition to MinIO while a shard's multipart upload is open
 * ({@link StreamingAcquisitionMain} in a child JVM), then {@link AcquisitionWriter#resume}: taking the dead
 * writer's lock over aborts the upload it left, so MinIO lists no upload under the image afterwards, and the
 * resumed acquisition holds the same frames as one written without a crash.
 */
class S3AbortOnResumeTest {
    private static final int FRAMES = 40;
    /** Frames the killed writer appends: the third shard (frames 32-47) has more than a part of complete inner chunks. */
    private static final int APPENDED = 45;

    private static List<String> openUploads(S3Location location) {
        return OpenUploads.onMinio(location);
    }

    @Test
    void aKilledStreamingWriterLeavesAnUploadThatResumeAborts() throws Exception {
        S3Location location = MinioTestServer.freshLocation();
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                StreamingAcquisitionMain.class.getName(), MinioTestServer.endpoint().toString(), location.bucket(),
                location.prefix().path(), Integer.toString(APPENDED));
        Process child = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        long flushed = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("flushed ")) {
                    flushed = Long.parseLong(line.substring(8).trim());
                }
                if (line.startsWith("appended ")) {
                    break;
                }
            }
            assertThat(flushed).as("the writer flushed before it was killed").isEqualTo(24);
            // the writer threads encode behind append: wait for the open shard's upload to reach the server
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (openUploads(location).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(openUploads(location)).as("an upload open when the writer is killed").isNotEmpty();
        } finally {
            child.destroyForcibly(); // SIGKILL: no abort, no lock release
            child.waitFor();
        }
        assertThat(openUploads(location)).as("kill -9 leaves the upload on the server").isNotEmpty();

        try (S3Store store = S3Store.open(location, StreamingAcquisitionMain.options(MinioTestServer.endpoint()));
             ExecutionContext ctx = ExecutionContext.create()) {
            assertThat(AcquisitionWriter.flushedFrames(store, Key.ROOT)).hasValue(24L);
            try (AcquisitionWriter w = AcquisitionWriter.resume(store, Key.ROOT, AcquisitionWriter.Options.defaults(), ctx)) {
                assertThat(openUploads(location)).as("resume aborted the dead writer's upload").isEmpty();
                for (int i = 24; i < FRAMES; i++) {
                    w.append(StreamingAcquisitionMain.frame(i));
                }
            }
            assertThat(openUploads(location)).isEmpty();
            assertThat(store.requestCounts().of(S3Store.Op.ABORT_MULTIPART)).as("aborted by the resume").isPositive();

            MemoryStore mem = new MemoryStore("reference");
            try (AcquisitionWriter w = AcquisitionWriter.create(mem, Key.ROOT, StreamingAcquisitionMain.spec(),
                    AcquisitionWriter.Options.defaults(), ctx)) {
                for (int i = 0; i < FRAMES; i++) {
                    w.append(StreamingAcquisitionMain.frame(i));
                }
            }
            for (String level : List.of("0", "1")) {
                ZarrArray want = Zarr.openArray(mem, Key.of(level), ctx);
                ZarrArray got = Zarr.openArray(store, Key.of(level), ctx);
                assertThat(got.shape()).as("level " + level).isEqualTo(want.shape());
                assertThat(got.read().contentEquals(want.read())).as("level " + level + " values").isTrue();
            }
        }
    }
}
