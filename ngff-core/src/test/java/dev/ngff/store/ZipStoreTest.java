package dev.ngff.store;

import dev.ngff.error.StoreException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ZipStore}: the listable-store contract over zips built with {@code java.util.zip}, with STORED,
 * DEFLATED and mixed entries, at the zip's root and inside a top-level directory; plus detection of
 * that directory, unsafe entry names, ZIP64, corrupt files and recovery from an interrupted read.
 */
class ZipStoreTest {

    /** How each entry is compressed. */
    enum Method { STORED, DEFLATED, MIXED }

    /** Writes a zip of {@code entries}; with {@code extra}, each entry carries an extra field in its local header. */
    static Path writeZip(Path file, Map<String, byte[]> entries, Method method, boolean extra) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            int i = 0;
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                boolean stored = method == Method.STORED || method == Method.MIXED && i++ % 2 == 0;
                zip.putNextEntry(entry(e.getKey(), e.getValue(), stored, extra));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return file;
    }

    private static ZipEntry entry(String name, byte[] data, boolean stored, boolean extra) {
        ZipEntry z = new ZipEntry(name);
        if (stored) {
            CRC32 crc = new CRC32();
            crc.update(data);
            z.setMethod(ZipEntry.STORED);
            z.setSize(data.length);
            z.setCompressedSize(data.length);
            z.setCrc(crc.getValue());
        } else {
            z.setMethod(ZipEntry.DEFLATED);
        }
        if (extra) {
            z.setExtra(new byte[] {(byte) 0xFE, (byte) 0xCA, 5, 0, 1, 2, 3, 4, 5});
        }
        return z;
    }

    static Map<String, byte[]> names(String prefix, Map<Key, byte[]> contents) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        contents.forEach((k, v) -> out.put(prefix + k.path(), v));
        return out;
    }

    private static byte[] bytes(String s) {
        return ReadableStoreContract.bytes(s);
    }

    // ---------------------------------------------------------------- the contract, four ways

    @Nested
    class StoredAtRoot extends ListableStoreContract {
        @TempDir
        Path dir;

        @Override
        protected ListableStore createStore(Map<Key, byte[]> contents) throws IOException {
            return ZipStore.open(writeZip(dir.resolve("s.zip"), names("", contents), Method.STORED, true));
        }

        @Test
        void storedEntriesAreReadByPosition() throws Exception {
            ZipStore s = (ZipStore) store(sample());
            assertThat(s.readsByPosition(LARGE)).isTrue();
            assertThat(s.innerPrefix()).isEqualTo(Key.ROOT);
        }
    }

    @Nested
    class DeflatedAtRoot extends ListableStoreContract {
        @TempDir
        Path dir;

        @Override
        protected ListableStore createStore(Map<Key, byte[]> contents) throws IOException {
            return ZipStore.open(writeZip(dir.resolve("d.ozx"), names("", contents), Method.DEFLATED, false));
        }

        @Test
        void deflatedEntriesAreStreamed() throws Exception {
            ZipStore s = (ZipStore) store(sample());
            assertThat(s.readsByPosition(LARGE)).isFalse();
        }
    }

    @Nested
    class StoredInTopLevelDirectory extends ListableStoreContract {
        @TempDir
        Path dir;

        @Override
        protected ListableStore createStore(Map<Key, byte[]> contents) throws IOException {
            Map<String, byte[]> entries = new LinkedHashMap<>();
            entries.put("README.txt", bytes("outside the hierarchy"));
            entries.put("__MACOSX/image.zarr/._zarr.json", bytes("resource fork"));
            entries.putAll(names("image.zarr/", contents));
            return ZipStore.open(writeZip(dir.resolve("t.zip"), entries, Method.STORED, false), Key.of("image.zarr"));
        }
    }

    @Nested
    class MixedInTopLevelDirectory extends ListableStoreContract {
        @TempDir
        Path dir;

        @Override
        protected ListableStore createStore(Map<Key, byte[]> contents) throws IOException {
            return ZipStore.open(writeZip(dir.resolve("m.ozx"), names("image.zarr/", contents), Method.MIXED, true), Key.of("image.zarr"));
        }
    }

    // ---------------------------------------------------------------- detection and names

    @TempDir
    Path dir;

    private Path zip(String name, String... entryNames) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (String n : entryNames) {
            entries.put(n, bytes("content of " + n));
        }
        return writeZip(dir.resolve(name), entries, Method.DEFLATED, false);
    }

    @Test
    void detectsASingleTopLevelDirectoryHoldingTheHierarchy() throws Exception {
        try (ZipStore s = ZipStore.open(zip("a.ozx", "image.zarr/zarr.json", "image.zarr/0/c/0/0", "__MACOSX/x", "notes.txt"))) {
            assertThat(s.innerPrefix()).isEqualTo(Key.of("image.zarr"));
            assertThat(s.list(Key.ROOT)).containsExactly(Key.of("0/c/0/0"), Key.of("zarr.json"));
            assertThat(s.read(Key.of("zarr.json")).orElseThrow().toArray()).isEqualTo(bytes("content of image.zarr/zarr.json"));
            assertThat(s.toString()).endsWith("!/image.zarr");
        }
    }

    @Test
    void detectsZarrV2TopLevelDirectories() throws Exception {
        try (ZipStore group = ZipStore.open(zip("g.zip", "data.zarr/.zgroup", "data.zarr/0/.zarray"));
             ZipStore array = ZipStore.open(zip("a.zip", "arr.zarr/.zarray", "arr.zarr/0.0"))) {
            assertThat(group.innerPrefix()).isEqualTo(Key.of("data.zarr"));
            assertThat(array.innerPrefix()).isEqualTo(Key.of("arr.zarr"));
        }
    }

    @Test
    void metadataAtTheRootKeepsTheRoot() throws Exception {
        try (ZipStore s = ZipStore.open(zip("r.zip", "zarr.json", "x.zarr/zarr.json"))) {
            assertThat(s.innerPrefix()).isEqualTo(Key.ROOT);
            assertThat(s.list(Key.ROOT)).containsExactly(Key.of("x.zarr/zarr.json"), Key.of("zarr.json"));
        }
    }

    @Test
    void severalCandidateDirectoriesKeepTheRoot() throws Exception {
        try (ZipStore s = ZipStore.open(zip("two.zip", "a.zarr/zarr.json", "b.zarr/zarr.json"))) {
            assertThat(s.innerPrefix()).isEqualTo(Key.ROOT);
        }
    }

    @Test
    void explicitPrefixIsUsedAsGiven() throws Exception {
        try (ZipStore s = ZipStore.open(zip("e.zip", "zarr.json", "deep/er/zarr.json", "deep/er/c/0"), Key.of("deep/er"))) {
            assertThat(s.list(Key.ROOT)).containsExactly(Key.of("c/0"), Key.of("zarr.json"));
            assertThat(s.read(Key.of("deep/er/zarr.json"))).isEmpty();
        }
    }

    @Test
    void unsafeEntryNamesAreInvisible() throws Exception {
        try (ZipStore s = ZipStore.open(zip("slip.zip", "../evil", "/abs", "a/../../b", "win\\path", "./dot", "fine"))) {
            assertThat(s.list(Key.ROOT)).containsExactly(Key.of("fine"));
        }
    }

    @Test
    void directoryEntriesAreNotObjects() throws Exception {
        try (ZipStore s = ZipStore.open(zip("dirs.zip", "g/", "g/a/", "g/a/x"))) {
            assertThat(s.list(Key.ROOT)).containsExactly(Key.of("g/a/x"));
            assertThat(s.read(Key.of("g"))).isEmpty();
            assertThat(s.listDir(Key.of("g"))).isEqualTo(new ListableStore.Listing(List.of(), List.of(Key.of("g/a"))));
        }
    }

    @Test
    void zip64ArchivesWithManyEntries() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < 70_000; i++) {
            entries.put("c/" + (i / 1000) + "/" + (i % 1000), bytes("chunk-" + i));
        }
        try (ZipStore s = ZipStore.open(writeZip(dir.resolve("zip64.zip"), entries, Method.STORED, false))) {
            assertThat(s.list(Key.ROOT)).hasSize(70_000);
            Key last = Key.of("c/69/999");
            assertThat(s.readsByPosition(last)).isTrue();
            assertThat(s.read(last).orElseThrow().toArray()).isEqualTo(bytes("chunk-69999"));
            assertThat(s.read(last, ByteRange.suffix(5)).orElseThrow().toArray()).isEqualTo(bytes("69999"));
        }
    }

    // ---------------------------------------------------------------- failures and lifecycle

    @Test
    void missingFileFailsNamingIt() {
        Path missing = dir.resolve("missing.zip");
        assertThatThrownBy(() -> ZipStore.open(missing))
                .isInstanceOf(StoreException.class).hasMessageContaining("zip:" + missing);
    }

    @Test
    void corruptFileFailsNamingIt() throws Exception {
        Path junk = Files.write(dir.resolve("junk.zip"), ReadableStoreContract.random(5000, 3));
        assertThatThrownBy(() -> ZipStore.open(junk))
                .isInstanceOf(StoreException.class).hasMessageContaining("zip:" + junk);
    }

    @Test
    void describeNamesTheFile() throws Exception {
        Path file = zip("n.zip", "zarr.json");
        try (ZipStore s = ZipStore.open(file)) {
            assertThat(s.describe()).isEqualTo("zip:" + file.toAbsolutePath().normalize());
            assertThat(s.path()).isEqualTo(file.toAbsolutePath().normalize());
        }
    }

    @Test
    void anInterruptedReadDoesNotBreakTheStore() throws Exception {
        Map<String, byte[]> entries = Map.of("k", bytes("0123456789"));
        try (ZipStore s = ZipStore.open(writeZip(dir.resolve("i.zip"), entries, Method.STORED, false))) {
            Key k = Key.of("k");
            assertThat(s.read(k, ByteRange.of(1, 2)).orElseThrow().toArray()).isEqualTo(bytes("12"));
            Thread.currentThread().interrupt();
            try {
                assertThatThrownBy(() -> s.read(k, ByteRange.of(3, 2))).isInstanceOf(StoreException.class);
            } finally {
                Thread.interrupted();
            }
            assertThat(s.read(k, ByteRange.of(3, 2)).orElseThrow().toArray()).isEqualTo(bytes("34"));
        }
    }
}
