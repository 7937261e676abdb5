package dev.ngff.server;

import dev.ngff.store.FileSystemStore;
import dev.ngff.store.ReadableStore;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP rules over a directory, plus what only directories have: links, hidden files, live writes. */
class DirectoryServeTest extends ServeSuite {

    @Override
    ReadableStore makeStore(Path scratch) throws IOException {
        Path root = scratch.resolve(DS);
        writeTree(root);
        Files.writeString(root.resolve(".tmp-123-writer"), "half-written");
        Files.createSymbolicLink(root.resolve("arr/escape"), scratch.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("arr/inside"), root.resolve("arr/c/0/0"));
        Files.createSymbolicLink(root.resolve("linked-dir"), scratch);
        Files.createDirectories(root.resolve(".git"));
        Files.writeString(root.resolve(".git/config"), "TOP-SECRET");
        return FileSystemStore.open(root);
    }

    @Override
    boolean hasLastModified() {
        return true;
    }

    @Test
    void linksOutOfTheRootAndHiddenFilesAreNotServed() throws Exception {
        for (String key : new String[] {"arr/escape", "linked-dir/secret.txt", ".tmp-123-writer", ".git/config",
                FileSystemStore.LOCK_FILE_NAME}) {
            HttpResponse<byte[]> r = Http.get(uri(key));
            assertThat(r.statusCode()).as(key).isEqualTo(404);
            assertThat(new String(r.body())).doesNotContain("TOP-SECRET");
        }
        HttpResponse<byte[]> inside = Http.get(uri("arr/inside"));
        assertThat(inside.statusCode()).as("a link whose target is inside the root").isEqualTo(200);
        assertThat(inside.body()).isEqualTo(SMALL);
    }

    @Test
    void liveWritesAreServedAsTheyAppearWithNewValidators() throws Exception {
        Path root = dir.resolve(DS);
        assertThat(Http.get(uri("live/zarr.json")).statusCode()).isEqualTo(404);
        try (FileSystemStore writer = FileSystemStore.open(root)) {
            writer.write(dev.ngff.store.Key.of("live/c/0"), dev.ngff.buffer.Bytes.wrap(new byte[] {1, 2, 3}));
            writer.write(dev.ngff.store.Key.of("live/zarr.json"), dev.ngff.buffer.Bytes.wrap("{\"v\":1}".getBytes()));
            HttpResponse<byte[]> v1 = Http.get(uri("live/zarr.json"));
            assertThat(v1.body()).isEqualTo("{\"v\":1}".getBytes());
            assertThat(Http.get(uri("live/c/0")).body()).containsExactly(1, 2, 3);
            writer.write(dev.ngff.store.Key.of("live/zarr.json"), dev.ngff.buffer.Bytes.wrap("{\"v\":22}".getBytes()));
            HttpResponse<byte[]> v2 = Http.get(uri("live/zarr.json"), "If-None-Match", v1.headers().firstValue("etag").orElseThrow());
            assertThat(v2.statusCode()).as("metadata is never cached by the server").isEqualTo(200);
            assertThat(v2.body()).isEqualTo("{\"v\":22}".getBytes());
        }
    }

    /**
     * A writer replaces chunks again and again (the store's temp file renamed over the path, the same size each
     * time) while readers GET them: every body is one whole version, and never one older than the last version
     * whose write had returned before the GET was sent. Sizes stay equal so that only the file's identity can
     * tell the versions apart (the server keeps chunks open between requests).
     */
    @Test
    void chunksAWriterKeepsReplacingAreNeverServedStale() throws Exception {
        Path root = dir.resolve(DS);
        int chunks = 4;
        int size = 20_000; // read into the response with its head (at most 64 KiB), as most chunks are
        java.util.concurrent.atomic.AtomicIntegerArray written = new java.util.concurrent.atomic.AtomicIntegerArray(chunks);
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicInteger served = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger newerThanFloor = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ConcurrentLinkedQueue<String> wrong = new java.util.concurrent.ConcurrentLinkedQueue<>();
        try (FileSystemStore writer = FileSystemStore.open(root);
             java.util.concurrent.ExecutorService readers = java.util.concurrent.Executors.newFixedThreadPool(4)) {
            for (int c = 0; c < chunks; c++) {
                writer.write(dev.ngff.store.Key.of("replaced/c/" + c), dev.ngff.buffer.Bytes.wrap(version(0, size)));
            }
            java.util.List<java.util.concurrent.Future<?>> running = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long seed = 17 + t;
                running.add(readers.submit(() -> {
                    Random random = new Random(seed);
                    while (writing.get()) {
                        int c = random.nextInt(chunks);
                        int floor = written.get(c);
                        HttpResponse<byte[]> r = Http.get(uri("replaced/c/" + c));
                        byte[] b = r.body();
                        int v = b.length == size ? java.nio.ByteBuffer.wrap(b).getInt() : -1;
                        if (r.statusCode() != 200 || v < 0 || !java.util.Arrays.equals(b, version(v, size))) {
                            wrong.add("chunk " + c + ": status " + r.statusCode() + ", " + b.length + " bytes, not one whole version");
                        } else if (v < floor) {
                            wrong.add("chunk " + c + ": version " + v + " served after version " + floor + " was written");
                        } else if (v > floor) {
                            newerThanFloor.incrementAndGet();
                        }
                        served.incrementAndGet();
                    }
                    return null;
                }));
            }
            Random random = new Random(5);
            System.out.println("chunksAWriterKeepsReplacingAreNeverServedStale: seed 5 (writer), 17-20 (readers)");
            // at least 250 replacements and 1,000 responses (a busy machine slows the readers), at most 60 s
            long deadline = System.nanoTime() + 60_000_000_000L;
            for (int v = 1; (v <= 250 || served.get() < 1000) && System.nanoTime() < deadline; v++) {
                int c = random.nextInt(chunks);
                writer.write(dev.ngff.store.Key.of("replaced/c/" + c), dev.ngff.buffer.Bytes.wrap(version(v, size)));
                written.set(c, v);
                Thread.sleep(1);
            }
            writing.set(false);
            for (java.util.concurrent.Future<?> f : running) {
                f.get();
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(served.get()).as("requests made while the writer ran").isGreaterThanOrEqualTo(1000);
        assertThat(newerThanFloor.get()).as("responses that raced a write (the test saw writes in flight)").isPositive();
    }

    /** {@code size} bytes (a multiple of 4), {@code v} in every 4-byte word: checkable as a whole version. */
    private static byte[] version(int v, int size) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(size);
        while (b.hasRemaining()) {
            b.putInt(v);
        }
        return b.array();
    }

    @Test
    void aRootThatDoesNotExistYetIsServedOnceItDoes() throws Exception {
        Path later = dir.resolve("later.zarr");
        try (NgffServer s = NgffServer.start(ServerConfig.builder().port(0).build(),
                java.util.List.of(new Dataset("later", FileSystemStore.open(later))))) {
            java.net.URI u = java.net.URI.create("http://127.0.0.1:" + s.port() + "/later/zarr.json");
            assertThat(Http.get(u).statusCode()).isEqualTo(404);
            Files.createDirectories(later);
            Files.write(later.resolve("zarr.json"), GROUP);
            assertThat(Http.get(u).body()).isEqualTo(GROUP);
        }
    }
}
