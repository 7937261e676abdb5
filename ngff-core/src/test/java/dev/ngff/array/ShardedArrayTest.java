package dev.ngff.array;

import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.error.CorruptDataException;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.store.ByteRange;
import dev.ngff.store.Key;
import dev.ngff.store.MemoryStore;
import dev.ngff.testing.RecordingStore;
import dev.ngff.testing.TestArrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShardedArrayTest {
    private final ExecutionContext ctx = ExecutionContext.create();
    private final MemoryStore mem = new MemoryStore();
    private final RecordingStore store = new RecordingStore(mem);

    private ZarrArray create(boolean indexAtEnd, boolean compress) throws Exception {
        List<dev.ngff.metadata.CodecSpec> inner = compress
                ? List.of(Codecs.bytes("little"), Codecs.gzip(1)) : List.of(Codecs.bytes("little"));
        ArrayMetadata meta = ArrayMetadata.builder(DataType.INT32, 16, 16).chunks(8, 8)
                .codecs(Codecs.sharding(new long[] {4, 4}, inner, Codecs.defaultShardIndexCodecs(), indexAtEnd)).build();
        return Zarr.createArray(store, Key.of("s"), meta, ctx);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void roundTripsWithTheIndexAtEitherEnd(boolean atEnd) throws Exception {
        ZarrArray a = create(atEnd, true);
        NdBuffer data = TestArrays.arangeInt32(16, 16);
        a.write(data);
        assertThat(mem.list(Key.of("s/c"))).hasSize(4);
        ZarrArray reopened = Zarr.openArray(store, Key.of("s"), ctx);
        assertThat(reopened.read().contentEquals(data)).isTrue();
        NdBuffer part = reopened.read(new long[] {3, 5}, new long[] {9, 7});
        assertThat(part.contentEquals(data.copyRegion(new long[] {3, 5}, new long[] {9, 7}))).isTrue();
    }

    @Test
    void aPartialReadFetchesTheIndexOnceThenOnlyTheInnerChunksNeeded() throws Exception {
        ZarrArray a = create(true, false);
        a.write(TestArrays.arangeInt32(16, 16));
        ZarrArray r = Zarr.openArray(store, Key.of("s"), ctx);
        store.reset();
        NdBuffer one = r.read(new long[] {1, 1}, new long[] {2, 2});
        assertThat(one.getInt(0, 0)).isEqualTo(17);
        // one suffix request for the index (4 entries * 16 bytes + 4 checksum), one for inner chunk (0,0)
        assertThat(store.chunkReads()).extracting(RecordingStore.Request::range)
                .containsExactly(ByteRange.suffix(4 * 16 + 4), ByteRange.of(0, 64));
        store.reset();
        // the index is cached now; two neighbouring inner chunks come back in one coalesced request
        r.read(new long[] {0, 0}, new long[] {4, 8});
        assertThat(store.chunkReads()).hasSize(1);
        assertThat(store.bytesRead()).isEqualTo(128);
    }

    @Test
    void innerChunksEqualToTheFillValueAreMarkedEmptyInTheIndex() throws Exception {
        ZarrArray a = create(true, false);
        NdBuffer data = NdBuffer.allocate(DataType.INT32, 8, 8);
        data.setInt(9, 7, 7); // only inner chunk (1,1) holds data
        a.write(new long[] {0, 0}, data);
        Bytes shard = mem.read(Key.of("s/c/0/0")).orElseThrow();
        assertThat(shard.size()).isEqualTo(64 + 4 * 16 + 4);
        var seg = shard.segment();
        var u64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        long indexStart = 64;
        assertThat(seg.get(u64, indexStart)).isEqualTo(-1L);
        assertThat(seg.get(u64, indexStart + 8)).isEqualTo(-1L);
        assertThat(seg.get(u64, indexStart + 48)).isZero(); // entry 3 offset
        assertThat(seg.get(u64, indexStart + 56)).isEqualTo(64L); // entry 3 length
        assertThat(a.read(new long[] {0, 0}, new long[] {8, 8}).contentEquals(data)).isTrue();
    }

    @Test
    void anIndexPointingOutsideTheShardIsCorruptDataNamingTheKey() throws Exception {
        ZarrArray a = create(true, false);
        a.write(TestArrays.arangeInt32(16, 16));
        Bytes shard = mem.read(Key.of("s/c/0/0")).orElseThrow();
        // rewrite the index with entry 0 pointing far past the end, and a valid checksum
        byte[] b = shard.toArray();
        var seg = java.lang.foreign.MemorySegment.ofArray(b);
        var u64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        int indexStart = b.length - 4 * 16 - 4;
        seg.set(u64, indexStart, 1L << 40);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(b, indexStart, 4 * 16);
        seg.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), b.length - 4, (int) crc.getValue());
        mem.write(Key.of("s/c/0/0"), Bytes.wrap(b));
        ZarrArray r = Zarr.openArray(store, Key.of("s"), ctx);
        assertThatThrownBy(() -> r.read(new long[] {0, 0}, new long[] {2, 2}))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("s/c/0/0").hasMessageContaining("outside the shard");
        assertThatThrownBy(r::read)
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("s/c/0/0");
    }

    @Test
    void aTruncatedShardIsCorruptData() throws Exception {
        ZarrArray a = create(true, false);
        a.write(TestArrays.arangeInt32(16, 16));
        mem.write(Key.of("s/c/1/1"), mem.read(Key.of("s/c/1/1")).orElseThrow().slice(0, 100));
        ZarrArray r = Zarr.openArray(store, Key.of("s"), ctx);
        assertThatThrownBy(() -> r.read(new long[] {8, 8}, new long[] {1, 1}))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("s/c/1/1");
    }

    @Test
    void shardShapesThatAreNotMultiplesOfTheInnerChunksAreRejectedAtOpen() {
        ArrayMetadata meta = ArrayMetadata.builder(DataType.INT32, 16, 16).chunks(8, 6)
                .codecs(Codecs.sharding(new long[] {4, 4}, List.of(Codecs.bytes("little")), Codecs.defaultShardIndexCodecs(), true)).build();
        assertThatThrownBy(() -> Zarr.createArray(store, Key.of("bad"), meta, ctx))
                .isInstanceOf(dev.ngff.error.InvalidMetadataException.class).hasMessageContaining("not a multiple");
    }
}
