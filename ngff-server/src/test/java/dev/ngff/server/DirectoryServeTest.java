package dev.ngff.server;

import dev.ngff.store.FileSystemStore;
import dev.ngff.store.ReadableStore;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

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
