package dev.ngff.array;

import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.store.Key;
import dev.ngff.store.MemoryStore;
import dev.ngff.testing.CountingCodec;
import dev.ngff.testing.RecordingStore;
import dev.ngff.testing.TestArrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A write that cuts a shard reads, decodes and re-encodes only the inner chunks it cuts. */
class PartialShardWriteTest {
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int INNER_BYTES = 4 * 4 * 4; // int32 inner chunks of 1x4x4
    private static final int INDEX_BYTES = 16 * 16 + 4; // 16 inner chunks, crc32c

    private final CountingCodec counting = new CountingCodec();
    private final MemoryStore mem = new MemoryStore();
    private final RecordingStore store = new RecordingStore(mem);
    private final ExecutionContext ctx = ExecutionContext.create(ExecutionContext.Config.defaults(), counting.registry());

    private ZarrArray create(boolean indexAtEnd) throws Exception {
        ArrayMetadata meta = ArrayMetadata.builder(DataType.INT32, 4, 8, 8).chunks(4, 8, 8)
                .codecs(Codecs.sharding(new long[] {1, 4, 4}, List.of(Codecs.bytes("little"), CountingCodec.codecSpec()),
                        Codecs.defaultShardIndexCodecs(), indexAtEnd)).build();
        return Zarr.createArray(store, Key.of("a"), meta, ctx);
    }

    /** [start, end) of each inner chunk in the stored shard, from its index. */
    private long[][] innerRanges(boolean indexAtEnd) throws Exception {
        Bytes shard = mem.read(Key.of("a/c/0/0/0")).orElseThrow();
        long indexStart = indexAtEnd ? shard.size() - INDEX_BYTES : 0;
        long[][] r = new long[16][];
        for (int i = 0; i < 16; i++) {
            long off = shard.segment().get(U64, indexStart + 16L * i);
            long len = shard.segment().get(U64, indexStart + 16L * i + 8);
            r[i] = off == -1 ? null : new long[] {off, off + len};
        }
        return r;
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aBoxThatCutsAShardTouchesOnlyTheInnerChunksItCuts(boolean indexAtEnd) throws Exception {
        ZarrArray a = create(indexAtEnd);
        NdBuffer reference = TestArrays.arangeInt32(4, 8, 8);
        a.write(reference);
        long[][] before = innerRanges(indexAtEnd);
        store.reset();
        counting.reset();

        // planes 1 and 2, columns 0..5: inner chunks (z, y, 0) are covered, (z, y, 1) are cut
        long[] offset = {1, 0, 0};
        NdBuffer box = TestArrays.random(DataType.INT32, new long[] {2, 8, 6}, 42);
        a.write(offset, box);
        NdBuffer.copy(box, new long[3], reference, offset, box.shape());

        // z, y, x of the 4x2x2 inner grid -> linear z*4 + y*2 + x
        List<Integer> covered = List.of(4, 6, 8, 10);
        List<Integer> cut = List.of(5, 7, 9, 11);
        assertThat(counting.decodes()).as("only the cut inner chunks are decoded").isEqualTo(cut.size());
        assertThat(counting.encodes()).as("covered and cut inner chunks are encoded").isEqualTo(covered.size() + cut.size());
        assertThat(store.writes()).isEqualTo(1);
        // the index, then the 8 kept and 4 cut inner chunks: never the 4 covered ones
        assertThat(store.bytesRead()).isEqualTo(INDEX_BYTES + 12L * INNER_BYTES);
        long shardSize = 16L * INNER_BYTES + INDEX_BYTES;
        for (RecordingStore.Request req : store.chunkReads()) {
            long s = req.range().start(shardSize);
            long e = req.range().end(shardSize);
            for (int i : covered) {
                assertThat(s < before[i][1] && before[i][0] < e)
                        .as("read %s overlaps covered inner chunk %d at %d-%d", req.range(), i, before[i][0], before[i][1])
                        .isFalse();
            }
        }
        assertThat(Zarr.openArray(store, Key.of("a"), ctx).read().contentEquals(reference)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aWriteOfWholeInnerChunksDecodesNothing(boolean indexAtEnd) throws Exception {
        ZarrArray a = create(indexAtEnd);
        NdBuffer reference = TestArrays.arangeInt32(4, 8, 8);
        a.write(reference);
        store.reset();
        counting.reset();
        NdBuffer plane = TestArrays.random(DataType.INT32, new long[] {1, 8, 8}, 7);
        a.write(new long[] {3, 0, 0}, plane);
        NdBuffer.copy(plane, new long[3], reference, new long[] {3, 0, 0}, plane.shape());
        assertThat(counting.decodes()).isZero();
        assertThat(counting.encodes()).isEqualTo(4);
        assertThat(store.bytesRead()).isEqualTo(INDEX_BYTES + 12L * INNER_BYTES);
        assertThat(a.read().contentEquals(reference)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void innerChunksThatBecomeFillAreDroppedAndAnEmptyShardIsDeleted(boolean indexAtEnd) throws Exception {
        ZarrArray a = create(indexAtEnd);
        a.write(TestArrays.arangeInt32(4, 8, 8));
        a.write(new long[] {0, 0, 0}, NdBuffer.allocate(DataType.INT32, 1, 8, 6)); // plane 0: (0,y,0) become 0
        long[][] ranges = innerRanges(indexAtEnd);
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            if (ranges[i] == null) {
                missing.add(i);
            }
        }
        // element (0,0,0) is 0 in arange as well, so (0,0,0) and (0,1,0) become all fill
        assertThat(missing).containsExactly(0, 2);
        a.write(new long[] {0, 0, 0}, NdBuffer.allocate(DataType.INT32, 4, 8, 7));
        a.write(new long[] {0, 0, 7}, NdBuffer.allocate(DataType.INT32, 4, 8, 1));
        assertThat(mem.read(Key.of("a/c/0/0/0"))).isEmpty();
    }
}
