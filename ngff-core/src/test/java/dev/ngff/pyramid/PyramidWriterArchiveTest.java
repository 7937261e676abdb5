package dev.ngff.pyramid;

import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.Json;
import dev.ngff.metadata.MetadataFormat;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import dev.ngff.store.MemoryStore;
import dev.ngff.store.OzxWriter;
import dev.ngff.store.WritableStore;
import dev.ngff.testing.ForwardingStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pyramid pass into a one-pass archive ({@link OzxWriter}, which keeps every version of an entry) whose level
 * shards are larger than the writers' buffers: with a partial shard store the archive receives each shard once
 * and holds what a directory gets; without one it keeps superseded versions (the control).
 */
class PyramidWriterArchiveTest {
    private static final long[] SHAPE = {4, 64, 64};
    private static final PyramidPlan PLAN = PyramidPlan.uniform(new int[] {1, 2, 2}, 3);
    /** Level 0 shards of 2x32x32 uint16 (4 KiB) against 1 KiB of buffer per level writer. */
    private static final long BUFFER = 3 * 1024;

    @TempDir
    Path dir;

    private static ArrayMetadata level(int k) {
        return ArrayMetadata.builder(DataType.UINT16, PLAN.levelShape(SHAPE, k)).chunks(2, 32, 32)
                .codecs(Codecs.sharding(new long[] {1, 8, 8}, List.of(Codecs.bytes("little")),
                        Codecs.defaultShardIndexCodecs(), true)).build();
    }

    private static List<OzxWriter.Slot> slots() throws IOException {
        List<OzxWriter.Slot> out = new ArrayList<>();
        for (int k = 0; k < PLAN.levels(); k++) {
            out.add(OzxWriter.Slot.exact(Key.of("l" + k + "/zarr.json"), Json.write(MetadataFormat.toV3(level(k)))));
        }
        return out;
    }

    /** Runs the pass from {@code src} into {@code dst}, incomplete shards staged in {@code partial} (or not). */
    private static void pass(ZarrArray src, WritableStore dst, WritableStore partial, ExecutionContext ctx)
            throws IOException {
        List<ZarrArray> targets = new ArrayList<>();
        for (int k = 0; k < PLAN.levels(); k++) {
            targets.add(Zarr.newArray(dst, Key.of("l" + k), level(k), ctx));
        }
        PyramidWriter.write(LevelSource.of(src), targets, PLAN, new Downsampling.Mean(),
                PyramidWriter.Options.defaults().withBufferBytes(BUFFER).withPartialShardStore(partial), null);
    }

    private static ZarrArray source(ExecutionContext ctx, long seed) throws IOException {
        System.out.println("PyramidWriterArchiveTest seed " + seed);
        NdBuffer data = NdBuffer.allocate(DataType.UINT16, SHAPE);
        Random r = new Random(seed);
        for (long i = 0; i < data.elementCount(); i++) {
            data.setAsLong(i, r.nextInt(60000) + 1);
        }
        ZarrArray src = Zarr.createArray(new MemoryStore(), Key.of("src"),
                ArrayMetadata.builder(DataType.UINT16, SHAPE).chunks(1, 16, 16).build(), ctx);
        src.write(data);
        return src;
    }

    @Test
    void anArchiveGetsEachShardOnceAndWhatADirectoryGets() throws IOException {
        try (ExecutionContext ctx = ExecutionContext.create()) {
            ZarrArray src = source(ctx, 20261207L);
            FileSystemStore directory = FileSystemStore.open(Files.createDirectories(dir.resolve("directory")));
            pass(src, directory, null, ctx);

            Path staging = Files.createDirectories(dir.resolve("staging"));
            Map<Key, List<byte[]>> stagedVersions = new ConcurrentHashMap<>();
            try (OzxWriter archive = OzxWriter.create(dir.resolve("one.ozx"), OzxWriter.Options.of(slots()));
                 FileSystemStore stagingStore = FileSystemStore.open(staging)) {
                WritableStore partial = new ForwardingStore(stagingStore) {
                    @Override
                    public void write(Key key, Bytes value) throws IOException {
                        stagedVersions.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(value.toArray());
                        super.write(key, value);
                    }
                };
                pass(src, archive, partial, ctx);
                assertThat(archive.supersededBytes()).as("bytes of replaced entries").isZero();
                List<Key> keys = directory.list(Key.ROOT);
                assertThat(keys).hasSizeGreaterThan(PLAN.levels());
                assertThat(archive.list(Key.ROOT)).containsExactlyInAnyOrderElementsOf(keys);
                for (Key k : keys) {
                    Optional<Bytes> a = archive.read(k);
                    assertThat(a).as(k.path()).isPresent();
                    assertThat(a.get().toArray()).as(k.path()).isEqualTo(directory.read(k).orElseThrow().toArray());
                }
                // the last part of a staged shard is merged straight into the archive: no staged version is
                // the finished shard (staging it would write it once more and read it back)
                assertThat(stagedVersions).as("shards staged").isNotEmpty();
                for (Map.Entry<Key, List<byte[]>> e : stagedVersions.entrySet()) {
                    byte[] finished = archive.read(e.getKey()).orElseThrow().toArray();
                    assertThat(e.getValue()).as(e.getKey().path()).noneMatch(v -> Arrays.equals(v, finished));
                }
            }
            try (Stream<Path> left = Files.walk(staging)) {
                assertThat(left.filter(Files::isRegularFile).toList()).as("staged shards left").isEmpty();
            }

            // the control: without a partial shard store the archive keeps the versions the evictions wrote
            try (OzxWriter archive = OzxWriter.create(dir.resolve("control.ozx"), OzxWriter.Options.of(slots()))) {
                pass(src, archive, null, ctx);
                assertThat(archive.supersededBytes()).isPositive();
            }
        }
    }

    @Test
    void aShardLeftStagedByAKilledRunIsNotMergedIn() throws IOException {
        try (ExecutionContext ctx = ExecutionContext.create()) {
            ZarrArray src = source(ctx, 7L);
            MemoryStore directory = new MemoryStore();
            pass(src, directory, null, ctx);
            MemoryStore partial = new MemoryStore();
            MemoryStore dst = new MemoryStore();
            for (Key k : directory.list(Key.of("l0/c"))) {
                partial.write(k, Bytes.wrap(new byte[] {1, 2, 3})); // garbage where a killed run staged shards
            }
            pass(src, dst, partial, ctx);
            for (Key k : directory.list(Key.ROOT)) {
                assertThat(dst.read(k).orElseThrow().toArray()).as(k.path())
                        .isEqualTo(directory.read(k).orElseThrow().toArray());
            }
            assertThat(dst.list(Key.ROOT)).containsExactlyInAnyOrderElementsOf(directory.list(Key.ROOT));
            assertThat(partial.list(Key.ROOT)).isEmpty();
        }
    }
}
