package dev.ngff.store;

import dev.ngff.buffer.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Stores}: which kind of store a location opens. */
class StoresTest {

    @TempDir
    Path dir;

    private Path zip(String name) throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("image.zarr/zarr.json", ReadableStoreContract.bytes("{}"));
        return ZipStoreTest.writeZip(dir.resolve(name), entries, ZipStoreTest.Method.DEFLATED, false);
    }

    @Test
    void plainPathsAndFileUrisOpenDirectories() throws Exception {
        try (ReadableStore a = Stores.open(dir.toString()); ReadableStore b = Stores.open(dir.toUri().toString())) {
            assertThat(a).isInstanceOf(FileSystemStore.class);
            assertThat(b).isInstanceOf(FileSystemStore.class);
            assertThat(a.describe()).isEqualTo(b.describe());
        }
    }

    @Test
    void missingDirectoriesOpenAsEmptyFileSystemStores() throws Exception {
        try (ReadableStore s = Stores.open(dir.resolve("new.zarr").toString())) {
            assertThat(s).isInstanceOf(FileSystemStore.class);
            assertThat(s.read(Key.of("zarr.json"))).isEmpty();
        }
    }

    @Test
    void zipAndOzxFilesOpenZipStores() throws Exception {
        for (String name : new String[] {"a.zip", "b.OZX", "no-extension"}) {
            Path file = zip(name);
            try (ReadableStore s = Stores.open(file.toString())) {
                assertThat(s).as(name).isInstanceOf(ZipStore.class);
                assertThat(s.exists(Key.of("zarr.json"))).as(name).isTrue();
            }
        }
    }

    @Test
    void httpUrlsOpenHttpStores() throws Exception {
        try (ReadableStore s = Stores.open("https://example.org/data/image.zarr")) {
            assertThat(s).isInstanceOf(HttpStore.class);
            assertThat(s.describe()).isEqualTo("https://example.org/data/image.zarr/");
        }
        try (ReadableStore s = Stores.open("HTTP://example.org/x")) {
            assertThat(s).isInstanceOf(HttpStore.class);
        }
    }

    @Test
    void unsupportedSchemesAreRejected() {
        assertThatThrownBy(() -> Stores.open("s3://bucket/key")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ngff-s3");
        assertThatThrownBy(() -> Stores.open("gs://bucket/key")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gs");
    }

    @Test
    void openWritableOpensDirectories() throws Exception {
        try (Store s = Stores.openWritable(dir.resolve("out.zarr").toString())) {
            s.write(Key.of("zarr.json"), Bytes.wrap(ReadableStoreContract.bytes("{}")));
            assertThat(Files.readString(dir.resolve("out.zarr/zarr.json"))).isEqualTo("{}");
        }
    }

    @Test
    void openWritableRejectsReadOnlyKinds() throws Exception {
        Path file = zip("x.ozx");
        assertThatThrownBy(() -> Stores.openWritable("http://example.org/x")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-only");
        assertThatThrownBy(() -> Stores.openWritable(file.toString())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-only");
        assertThatThrownBy(() -> Stores.openWritable(dir.resolve("new.zip").toString())).isInstanceOf(IllegalArgumentException.class);
    }
}
