package dev.ngff.store;

import dev.ngff.buffer.Bytes;
import dev.ngff.error.StoreException;
import dev.ngff.error.WriterLockedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link OzxWriter}: archives read back by our {@link ZipStore} and by {@code java.util.zip} (central directory
 * and local headers), planned documents first and breadth-first, ZIP64 fields on every entry, in-place rewrites
 * with padding, resume after a torn or corrupt tail, spilling of the central directory, the file lock.
 */
class OzxWriterTest {
    private static final String COMMENT = "{\"ome\":{\"version\":\"0.5\"}}\u0000";

    private static Bytes text(String s) {
        return Bytes.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Root group, an image group and two arrays, planned in a scrambled order. */
    private static List<OzxWriter.Slot> plan() {
        return List.of(
                OzxWriter.Slot.exact(Key.of("img/1/zarr.json"), text("{\"node_type\":\"array\",\"l\":1}")),
                OzxWriter.Slot.exact(Key.of("img/zarr.json"), text("{\"node_type\":\"group\"}")),
                OzxWriter.Slot.exact(Key.of("zarr.json"), text("{\"node_type\":\"group\",\"root\":true}")),
                OzxWriter.Slot.exact(Key.of("img/0/zarr.json"), text("{\"node_type\":\"array\",\"l\":0}")));
    }

    private static final List<String> BREADTH_FIRST = List.of("zarr.json", "img/zarr.json", "img/0/zarr.json",
            "img/1/zarr.json");

    private static Map<String, byte[]> data(long seed, int n) {
        Random r = new Random(seed);
        Map<String, byte[]> out = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[r.nextInt(5000)];
            r.nextBytes(b);
            out.put("img/" + (i % 2) + "/c/" + i + "/0", b);
        }
        return out;
    }

    private static void writeAll(OzxWriter w, Map<String, byte[]> data) throws IOException {
        for (Map.Entry<String, byte[]> e : data.entrySet()) {
            w.write(Key.of(e.getKey()), Bytes.wrap(e.getValue()));
        }
        for (OzxWriter.Slot s : plan()) {
            w.write(s.key(), s.planned()); // metadata last, as the commit protocol writes it
        }
    }

    /** Entry names in local-header order (a streaming read) and in central-directory order. */
    private static List<List<String>> orders(Path zip) throws IOException {
        List<String> local = new ArrayList<>();
        try (InputStream in = Files.newInputStream(zip); ZipInputStream z = new ZipInputStream(in)) {
            for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
                local.add(e.getName());
            }
        }
        List<String> central = new ArrayList<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            z.stream().forEach(e -> central.add(e.getName()));
        }
        return List.of(local, central);
    }

    private static void assertHolds(Path zip, Map<String, byte[]> data) throws IOException {
        assertHolds(zip, data, 0);
    }

    /** {@code dead}: local entries that no central record names (replaced or deleted keys). */
    private static void assertHolds(Path zip, Map<String, byte[]> data, int dead) throws IOException {
        try (ZipStore z = ZipStore.open(zip)) {
            for (Map.Entry<String, byte[]> e : data.entrySet()) {
                assertThat(z.read(Key.of(e.getKey())).orElseThrow().toArray()).as(e.getKey()).isEqualTo(e.getValue());
            }
            for (OzxWriter.Slot s : plan()) {
                assertThat(z.read(s.key()).orElseThrow()).isEqualTo(s.planned());
            }
            assertThat(z.list(Key.ROOT)).hasSize(data.size() + plan().size());
        }
        List<List<String>> orders = orders(zip);
        for (List<String> order : orders) {
            assertThat(order.subList(0, 4)).isEqualTo(BREADTH_FIRST);
        }
        assertThat(orders.getFirst()).hasSize(data.size() + 4 + dead);
        assertThat(orders.getLast()).hasSize(data.size() + 4);
    }

    @Test
    void writesMetadataFirstBreadthFirstWithZip64AndTheComment(@TempDir Path dir) throws IOException {
        Path zip = dir.resolve("a.ozx");
        Map<String, byte[]> data = data(1, 40);
        try (OzxWriter w = OzxWriter.create(zip, OzxWriter.Options.of(plan()).withComment(COMMENT))) {
            assertThat(w.list(Key.ROOT)).isEmpty(); // planned documents are not there until written
            writeAll(w, data);
            assertThat(w.list(Key.of("img/0"))).hasSize(21);
            assertThat(w.read(Key.of("img/1/c/1/0")).orElseThrow().toArray()).isEqualTo(data.get("img/1/c/1/0"));
            w.finish();
        }
        assertHolds(zip, data);
        try (ZipFile z = new ZipFile(zip.toFile())) {
            assertThat(z.getComment()).isEqualTo(COMMENT);
        }
        assertZip64Everywhere(zip);
        assertThat(Files.list(dir).toList()).containsExactly(zip); // no spill file left
    }

    /** Every local header and central record carries the ZIP64 extra field, and the ZIP64 end records exist. */
    private static void assertZip64Everywhere(Path zip) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(zip)).order(ByteOrder.LITTLE_ENDIAN);
        int locals = 0;
        int centrals = 0;
        boolean zip64End = false;
        for (int p = 0; p + 4 <= b.limit(); ) {
            int sig = b.getInt(p);
            if (sig == 0x04034b50) {
                int n = b.getShort(p + 26) & 0xffff;
                assertThat(b.getInt(p + 18)).isEqualTo(0xffffffff);
                assertThat(b.getShort(p + 30 + n)).isEqualTo((short) 1);
                long size = b.getLong(p + 30 + n + 4);
                locals++;
                p += 30 + n + 20 + (int) size;
            } else if (sig == 0x02014b50) {
                int n = b.getShort(p + 28) & 0xffff;
                assertThat(b.getInt(p + 42)).isEqualTo(0xffffffff);
                assertThat(b.getShort(p + 46 + n)).isEqualTo((short) 1);
                centrals++;
                p += 46 + n + 28;
            } else {
                assertThat(sig).isEqualTo(0x06064b50);
                zip64End = true;
                break;
            }
        }
        assertThat(locals).isEqualTo(centrals).isGreaterThan(0);
        assertThat(zip64End).isTrue();
    }

    @Test
    void rewritesAPlannedDocumentInPlaceWithinItsPadding(@TempDir Path dir) throws IOException {
        Path zip = dir.resolve("p.ozx");
        Key root = Key.of("zarr.json");
        List<OzxWriter.Slot> slots = List.of(new OzxWriter.Slot(root, text("{\"a\":1}"), 64));
        try (OzxWriter w = OzxWriter.create(zip, OzxWriter.Options.of(slots))) {
            w.write(Key.of("c/0"), text("data"));
            String grown = "{\"a\":1,\"window\":[0,4095]}"; // known only after the data
            w.write(root, text(grown));
            assertThatThrownBy(() -> w.write(root, text("x".repeat(65))))
                    .isInstanceOf(StoreException.class)
                    .hasMessage("zip:" + zip + " 'zarr.json': 65 bytes do not fit the entry of 64 bytes reserved "
                            + "for it at file offset 0");
            w.finish();
        }
        try (ZipStore z = ZipStore.open(zip)) {
            String s = new String(z.read(root).orElseThrow().toArray(), StandardCharsets.UTF_8);
            assertThat(s).hasSize(64).startsWith("{\"a\":1,\"window\":[0,4095]}");
            assertThat(s.strip()).isEqualTo("{\"a\":1,\"window\":[0,4095]}"); // trailing spaces: still valid JSON
            assertThat(z.read(Key.of("c/0")).orElseThrow()).isEqualTo(text("data"));
        }
    }

    @Test
    void finishRefusesWhilePlannedMetadataIsUnwritten(@TempDir Path dir) throws IOException {
        Path zip = dir.resolve("u.ozx");
        try (OzxWriter w = OzxWriter.create(zip, OzxWriter.Options.of(plan()))) {
            w.write(Key.of("zarr.json"), plan().get(2).planned());
            assertThatThrownBy(w::finish).isInstanceOf(StoreException.class)
                    .hasMessage("zip:" + zip + " 'img/zarr.json': planned metadata was never written; the archive "
                            + "stays unfinished");
        }
    }

    @Test
    void resumeKeepsIntactEntriesAndDropsACorruptOrTornTail(@TempDir Path dir) throws IOException {
        long seed = new Random().nextLong();
        System.out.println("OzxWriterTest.resume seed " + seed);
        Random r = new Random(seed);
        Map<String, byte[]> data = data(seed, 30);
        Path reference = dir.resolve("ref.ozx");
        try (OzxWriter w = OzxWriter.create(reference, OzxWriter.Options.of(plan()))) {
            writeAll(w, data);
            w.finish();
        }
        for (boolean corrupt : new boolean[] {true, false}) {
            Path zip = dir.resolve("r-" + corrupt + ".ozx");
            List<String> keys = new ArrayList<>(data.keySet());
            Collections.shuffle(keys, r);
            int done = 1 + r.nextInt(keys.size() - 2);
            long lastStart;
            try (OzxWriter w = OzxWriter.create(zip, OzxWriter.Options.of(plan()))) {
                w.write(Key.of("zarr.json"), plan().get(2).planned());
                for (String k : keys.subList(0, done)) {
                    w.write(Key.of(k), Bytes.wrap(data.get(k)));
                }
                lastStart = Files.size(zip);
                w.write(Key.of(keys.get(done)), Bytes.wrap(data.get(keys.get(done))));
            } // closed unfinished: what kill -9 leaves, apart from the damage below
            long size = Files.size(zip);
            try (FileChannel ch = FileChannel.open(zip, StandardOpenOption.WRITE)) {
                byte[] last = data.get(keys.get(done));
                if (corrupt && last.length > 0) { // a flipped byte in the last entry's data: its CRC-32 fails
                    ch.write(ByteBuffer.wrap(new byte[] {(byte) ~last[last.length - 1]}), size - 1);
                } else if (corrupt) {
                    ch.truncate(size - 1); // an empty entry: cut into its header instead
                } else { // a write cut short
                    ch.truncate(lastStart + r.nextInt((int) (size - lastStart)));
                }
            }
            try (OzxWriter w = OzxWriter.resume(zip, OzxWriter.Options.of(plan()))) {
                OzxWriter.ResumeReport rep = w.resumeReport().orElseThrow();
                assertThat(rep.keptEntries()).isEqualTo(4 + done);
                assertThat(rep.cutAt()).isEqualTo(lastStart);
                assertThat(w.exists(Key.of("zarr.json"))).isTrue(); // written before the kill
                assertThat(w.exists(Key.of("img/zarr.json"))).isFalse();
                assertThat(w.exists(Key.of(keys.get(done)))).isFalse();
                long before = Files.size(zip);
                w.write(Key.of(keys.getFirst()), Bytes.wrap(data.get(keys.getFirst()))); // same bytes: no new entry
                assertThat(Files.size(zip)).isEqualTo(before);
                writeAll(w, data);
                w.finish();
            }
            assertHolds(zip, data);
            assertThat(Files.size(zip)).isEqualTo(Files.size(reference)); // nothing written twice
        }
    }

    @Test
    void aTornRewriteOfAPlannedDocumentReadsAsUnwrittenAfterResume(@TempDir Path dir) throws IOException {
        Path zip = dir.resolve("t.ozx");
        Key root = Key.of("zarr.json");
        List<OzxWriter.Slot> slots = List.of(new OzxWriter.Slot(root, text("{\"a\":1}"), 32));
        try (OzxWriter w = OzxWriter.create(zip, OzxWriter.Options.of(slots))) {
            w.write(Key.of("c/0"), text("data"));
        }
        try (FileChannel ch = FileChannel.open(zip, StandardOpenOption.WRITE)) { // new bytes, old header: torn
            ch.write(ByteBuffer.wrap("{\"b\":2}".getBytes(StandardCharsets.UTF_8)), 30 + 9 + 20);
        }
        try (OzxWriter w = OzxWriter.resume(zip, OzxWriter.Options.of(slots))) {
            assertThat(w.resumeReport().orElseThrow().tornSlots()).isEqualTo(1);
            assertThat(w.exists(root)).isFalse();
            assertThat(w.read(Key.of("c/0")).orElseThrow()).isEqualTo(text("data"));
            w.write(root, text("{\"c\":3}"));
            w.finish();
        }
        try (ZipStore z = ZipStore.open(zip)) {
            assertThat(new String(z.read(root).orElseThrow().toArray(), StandardCharsets.UTF_8).strip())
                    .isEqualTo("{\"c\":3}");
        }
    }

    /** A run killed while writing the planned documents at the start left a proper start of them: resume starts anew. */
    @Test
    void resumeStartsAnewAfterAKillInsideThePlannedDocuments(@TempDir Path dir) throws IOException {
        Path whole = dir.resolve("whole.ozx");
        try (OzxWriter w = OzxWriter.create(whole, OzxWriter.Options.of(plan()))) {
            assertThat(w).isNotNull(); // the planned documents only, as a run killed right after them leaves
        }
        byte[] bytes = Files.readAllBytes(whole);
        assertThat(bytes.length).isGreaterThan(40);
        for (int cut : new int[] {1, 17, 40}) {
            Path torn = dir.resolve("torn-" + cut + ".ozx");
            Files.write(torn, java.util.Arrays.copyOf(bytes, cut));
            try (OzxWriter w = OzxWriter.resume(torn, OzxWriter.Options.of(plan()))) {
                assertThat(w.resumeReport()).as("cut at " + cut).isPresent();
            }
            assertThat(Files.readAllBytes(torn)).as("cut at " + cut).isEqualTo(bytes);
        }
        // the same length of other bytes is not ours: refused, untouched
        Path other = dir.resolve("other.ozx");
        byte[] foreign = java.util.Arrays.copyOf(bytes, 17);
        foreign[5] ^= 1;
        Files.write(other, foreign);
        assertThatThrownBy(() -> OzxWriter.resume(other, OzxWriter.Options.of(plan()))).isInstanceOf(StoreException.class);
        assertThat(Files.readAllBytes(other)).isEqualTo(foreign);
    }

    @Test
    void resumeRefusesAFileItDidNotStart(@TempDir Path dir) throws IOException {
        Path other = ZipStoreTest.writeZip(dir.resolve("o.ozx"), Map.of("x", new byte[10]), ZipStoreTest.Method.STORED,
                false);
        long size = Files.size(other);
        assertThatThrownBy(() -> OzxWriter.resume(other, OzxWriter.Options.of(plan())))
                .isInstanceOf(StoreException.class)
                .hasMessage("zip:" + other + ": not an archive this writer started with these planned documents (no "
                        + "entry 'zarr.json' at file offset 0); nothing was changed");
        assertThat(Files.size(other)).isEqualTo(size);
    }

    @Test
    void spillsTheCentralDirectoryAndDropsReplacedAndDeletedEntries(@TempDir Path dir) throws IOException {
        Path zip = dir.resolve("s.ozx");
        Map<String, byte[]> data = new LinkedHashMap<>(data(7, 50));
        try (OzxWriter w = OzxWriter.create(zip, OzxWriter.Options.of(plan()).withRecordsInMemory(3))) {
            w.write(Key.of("img/0/c/extra"), text("gone"));
            w.write(Key.of("img/0/c/0/0"), text("old bytes, replaced below"));
            writeAll(w, data);
            w.delete(Key.of("img/0/c/extra"));
            assertThat(w.supersededBytes()).isEqualTo(2 * (30 + 20) + "img/0/c/extra".length() + 4
                    + "img/0/c/0/0".length() + "old bytes, replaced below".length());
            assertThat(w.recordsSpilled()).isGreaterThanOrEqualTo(48);
            assertThat(Files.exists(dir.resolve("s.ozx.cdir-tmp"))).isTrue();
            assertThat(w.entries()).isEqualTo(54);
            w.finish();
        }
        assertHolds(zip, data, 2);
        assertThat(Files.exists(dir.resolve("s.ozx.cdir-tmp"))).isFalse();
    }

    @Test
    void writerStateGoesToTheCompanionNeverIntoTheArchive(@TempDir Path dir) throws IOException {
        Path zip = dir.resolve("c.ozx");
        MemoryStore side = new MemoryStore();
        try (OzxWriter w = OzxWriter.create(zip, OzxWriter.Options.of(plan()).withCompanion(side))) {
            w.write(Key.of(".ngff-journal/0/1"), text("{}"));
            assertThat(side.read(Key.of(".ngff-journal/0/1"))).isPresent();
            assertThat(w.list(Key.ROOT)).containsExactly(Key.of(".ngff-journal/0/1"));
            writeAll(w, Map.of());
            w.finish();
        }
        try (ZipStore z = ZipStore.open(zip)) {
            assertThat(z.list(Key.ROOT)).hasSize(4);
        }
        try (OzxWriter w = OzxWriter.create(dir.resolve("n.ozx"), OzxWriter.Options.of(plan()))) {
            assertThatThrownBy(() -> w.write(Key.of(".ngff-lock.json"), text("{}")))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aSecondWriterOfTheSameArchiveIsRefused(@TempDir Path dir) throws IOException {
        Path zip = dir.resolve("l.ozx");
        try (OzxWriter w = OzxWriter.create(zip, OzxWriter.Options.of(plan()))) {
            assertThatThrownBy(() -> OzxWriter.resume(zip, OzxWriter.Options.of(plan())))
                    .isInstanceOf(WriterLockedException.class)
                    .hasMessage("zip:" + zip + " is being written by another writer (its file is locked)");
            assertThat(w.entries()).isEqualTo(4);
        }
    }

    @Test
    void concurrentWritesAllLand(@TempDir Path dir) throws Exception {
        Path zip = dir.resolve("m.ozx");
        Map<String, byte[]> data = data(11, 200);
        try (OzxWriter w = OzxWriter.create(zip, OzxWriter.Options.of(plan()).withRecordsInMemory(16));
             var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
            List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
            for (Map.Entry<String, byte[]> e : data.entrySet()) {
                fs.add(pool.submit(() -> {
                    w.write(Key.of(e.getKey()), List.of(Bytes.wrap(e.getValue(), 0, e.getValue().length / 2),
                            Bytes.wrap(e.getValue(), e.getValue().length / 2, e.getValue().length - e.getValue().length / 2)));
                    return null;
                }));
            }
            for (var f : fs) {
                f.get();
            }
            writeAll(w, Map.of());
            w.finish();
        }
        assertHolds(zip, data);
    }
}
