package dev.ngff.array;

import dev.ngff.buffer.NdBuffer;
import dev.ngff.error.CorruptDataException;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import dev.ngff.store.MemoryStore;
import dev.ngff.store.Store;
import dev.ngff.testing.TestArrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The read paths that decode whole chunks straight into the destination or through pooled scratch
 * memory (ZarrArray, inner chunks of shards), against the data written and against the generic path
 * that chains with array-to-array codecs or big-endian bytes take. Real files and the in-memory store.
 */
class DecodeIntoPathTest {
    private static final long[] SHAPE = {13, 10, 9};
    private final ExecutionContext ctx = ExecutionContext.create(ExecutionContext.Config.defaults().withChunksInFlight(4));

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        ctx.close();
    }

    /** Codec chains by name: the first ones take the decode-into paths, the last ones the generic path. */
    private static Map<String, List<CodecSpec>> chains() {
        Map<String, List<CodecSpec>> m = new LinkedHashMap<>();
        m.put("uncompressed", List.of(Codecs.bytes("little")));
        m.put("gzip", List.of(Codecs.bytes("little"), Codecs.gzip(1)));
        m.put("crc32c+gzip", List.of(Codecs.bytes("little"), Codecs.crc32c(), Codecs.gzip(1)));
        m.put("sharded gzip", List.of(Codecs.sharding(new long[] {2, 5, 3}, List.of(Codecs.bytes("little"), Codecs.gzip(1)),
                Codecs.defaultShardIndexCodecs(), true)));
        m.put("sharded uncompressed", List.of(Codecs.sharding(new long[] {1, 10, 9}, List.of(Codecs.bytes("little")),
                Codecs.defaultShardIndexCodecs(), false)));
        m.put("transpose (generic path)", List.of(Codecs.transpose(2, 0, 1), Codecs.bytes("little"), Codecs.gzip(1)));
        m.put("big-endian (generic path)", List.of(Codecs.bytes("big"), Codecs.gzip(1)));
        return m;
    }

    /** Chunk shapes: spanning the trailing extents (contiguous in a whole-array read), and not. */
    private static final long[][] CHUNKS = {{4, 10, 9}, {4, 10, 18}, {4, 5, 3}, {1, 10, 9}};

    private ZarrArray create(Store store, String name, long[] chunks, List<CodecSpec> codecs) throws Exception {
        return Zarr.createArray(store, Key.of(name), ArrayMetadata.builder(DataType.UINT16, SHAPE).chunks(chunks)
                .codecs(codecs).fillValue(FillValue.ofNumber(DataType.UINT16, 7)).build(), ctx);
    }

    @Test
    void everyRegionReadsAsTheSliceOfTheDataWritten() throws Exception {
        long seed = 20261121;
        Random r = new Random(seed);
        NdBuffer data = TestArrays.random(DataType.UINT16, SHAPE, seed);
        for (Store store : List.of(FileSystemStore.open(dir), new MemoryStore())) {
            int n = 0;
            for (var chain : chains().entrySet()) {
                for (long[] chunks : CHUNKS) {
                    if (chain.getKey().startsWith("sharded") && !divisible(chunks, chain.getValue())) {
                        continue;
                    }
                    String name = "a" + n++;
                    ZarrArray a = create(store, name, chunks, chain.getValue());
                    a.write(data);
                    String what = store.describe() + ", " + chain.getKey() + ", chunks " + Arrays.toString(chunks)
                            + ", seed " + seed;
                    assertThat(a.read().contentEquals(data)).as("whole array, %s", what).isTrue();
                    for (int i = 0; i < 12; i++) {
                        long[] off = new long[3];
                        long[] shape = new long[3];
                        for (int d = 0; d < 3; d++) {
                            off[d] = r.nextInt((int) SHAPE[d]);
                            shape[d] = 1 + r.nextInt((int) (SHAPE[d] - off[d]));
                        }
                        if (i == 0) { // rows of whole planes: chunks whole inside and contiguous
                            off = new long[] {4, 0, 0};
                            shape = new long[] {8, 10, 9};
                        }
                        NdBuffer got = a.read(off, shape);
                        assertThat(got.contentEquals(data.copyRegion(off, shape)))
                                .as("region at %s of %s, %s", Arrays.toString(off), Arrays.toString(shape), what).isTrue();
                    }
                }
            }
        }
    }

    private static boolean divisible(long[] chunks, List<CodecSpec> chain) {
        var inner = chain.getFirst().configuration().get("chunk_shape");
        for (int d = 0; d < chunks.length; d++) {
            if (chunks[d] % inner.get(d).asLong() != 0) {
                return false;
            }
        }
        return true;
    }

    @Test
    void offHeapDestinationsAndMissingChunksAlike() throws Exception {
        NdBuffer data = TestArrays.random(DataType.UINT16, SHAPE, 5);
        Store store = FileSystemStore.open(dir);
        for (var chain : chains().entrySet()) {
            if (chain.getKey().startsWith("sharded") && !divisible(new long[] {1, 10, 9}, chain.getValue())) {
                continue;
            }
            ZarrArray a = create(store, "o" + Math.abs(chain.getKey().hashCode()), new long[] {1, 10, 9}, chain.getValue());
            // planes 3 and 8 are never written: they read as the fill value
            for (long z = 0; z < SHAPE[0]; z++) {
                if (z != 3 && z != 8) {
                    a.write(new long[] {z, 0, 0}, data.copyRegion(new long[] {z, 0, 0}, new long[] {1, 10, 9}));
                }
            }
            NdBuffer expected = NdBuffer.allocate(DataType.UINT16, SHAPE);
            NdBuffer.copy(data, new long[3], expected, new long[3], SHAPE);
            NdBuffer plane = NdBuffer.filled(DataType.UINT16, new long[] {1, 10, 9}, new byte[] {7, 0});
            NdBuffer.copy(plane, new long[3], expected, new long[] {3, 0, 0}, plane.shape());
            NdBuffer.copy(plane, new long[3], expected, new long[] {8, 0, 0}, plane.shape());
            MemorySegment off = Arena.ofAuto().allocate(2L * 13 * 10 * 9);
            off.fill((byte) 0x55);
            NdBuffer dest = NdBuffer.wrap(DataType.UINT16, SHAPE, off);
            a.read(new long[3], dest);
            assertThat(dest.contentEquals(expected)).as("off-heap destination, %s", chain.getKey()).isTrue();
        }
    }

    @Test
    void uncompressedChunkFilesOfTheWrongSizeAreCorruptData() throws Exception {
        FileSystemStore store = FileSystemStore.open(dir);
        ZarrArray a = create(store, "u", new long[] {4, 10, 9}, chains().get("uncompressed"));
        a.write(TestArrays.random(DataType.UINT16, SHAPE, 9));
        Path chunk = dir.resolve("u/c/1/0/0");
        byte[] good = Files.readAllBytes(chunk);
        for (int size : new int[] {0, good.length - 1, good.length + 1, 2 * good.length}) {
            Files.write(chunk, Arrays.copyOf(good, size));
            for (long[][] region : new long[][][] {{{0, 0, 0}, SHAPE}, {{5, 1, 1}, {2, 3, 3}}}) {
                assertThatThrownBy(() -> a.read(region[0], region[1])).as("chunk of %d bytes", size)
                        .isInstanceOf(CorruptDataException.class)
                        .hasMessageContaining("u/c/1/0/0")
                        .hasMessageContaining("got " + size + " bytes, expected " + good.length);
            }
        }
    }

    @Test
    void compressedChunksThatDecodeToAnotherSizeAreCorruptData() throws Exception {
        MemoryStore store = new MemoryStore();
        ZarrArray small = create(store, "small", new long[] {2, 10, 9}, chains().get("gzip"));
        ZarrArray big = create(store, "big", new long[] {4, 10, 9}, chains().get("gzip"));
        big.write(TestArrays.random(DataType.UINT16, SHAPE, 11));
        small.write(TestArrays.random(DataType.UINT16, SHAPE, 12));
        // a chunk of twice the size where the array expects one: it must not spill over its neighbours
        store.write(Key.of("small/c/1/0/0"), store.read(Key.of("big/c/0/0/0")).orElseThrow());
        store.write(Key.of("big/c/1/0/0"), store.read(Key.of("small/c/0/0/0")).orElseThrow());
        NdBuffer dest = NdBuffer.filled(DataType.UINT16, SHAPE, new byte[] {1, 1});
        assertThatThrownBy(() -> small.read(new long[3], dest)).isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("small/c/1/0/0");
        assertThatThrownBy(() -> big.read()).isInstanceOf(CorruptDataException.class).hasMessageContaining("big/c/1/0/0");
        assertThatThrownBy(() -> small.read(new long[] {2, 1, 1}, new long[] {2, 2, 2}))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("small/c/1/0/0");
    }
}
