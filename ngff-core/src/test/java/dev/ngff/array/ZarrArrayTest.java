package dev.ngff.array;

import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import dev.ngff.metadata.GroupMetadata;
import dev.ngff.metadata.Json;
import dev.ngff.store.Key;
import dev.ngff.store.MemoryStore;
import dev.ngff.testing.RecordingStore;
import dev.ngff.testing.TestArrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ZarrArrayTest {
    private final ExecutionContext ctx = ExecutionContext.create(ExecutionContext.Config.defaults().withChunksInFlight(3));
    private final MemoryStore store = new MemoryStore();

    @AfterEach
    void close() {
        ctx.close();
    }

    private ZarrArray create(ArrayMetadata meta) throws Exception {
        return Zarr.createArray(store, Key.of("a"), meta, ctx);
    }

    @Test
    void writesAndReadsAWholeArrayWithEdgeChunks() throws Exception {
        ZarrArray a = create(ArrayMetadata.builder(DataType.INT32, 7, 11).chunks(3, 4).build());
        NdBuffer data = TestArrays.arangeInt32(7, 11);
        a.write(data);
        assertThat(a.read().contentEquals(data)).isTrue();
        // 3 x 3 chunks, edge chunks stored full size
        assertThat(store.list(Key.of("a/c"))).hasSize(9);
        assertThat(store.read(Key.of("a/c/2/2")).orElseThrow().size()).isEqualTo(3 * 4 * 4);
    }

    @Test
    void readsAnUnalignedRegionEqualToTheSliceOfTheWhole() throws Exception {
        ZarrArray a = create(ArrayMetadata.builder(DataType.INT32, 7, 11, 5).chunks(3, 4, 2).codecs(Codecs.bytes("little"), Codecs.gzip(1)).build());
        NdBuffer data = TestArrays.arangeInt32(7, 11, 5);
        a.write(data);
        NdBuffer region = a.read(new long[] {1, 2, 1}, new long[] {5, 8, 3});
        assertThat(region.contentEquals(data.copyRegion(new long[] {1, 2, 1}, new long[] {5, 8, 3}))).isTrue();
        assertThat(region.getInt(0, 0, 0)).isEqualTo(data.getInt(1, 2, 1));
    }

    @Test
    void missingChunksReadAsTheFillValue() throws Exception {
        ZarrArray a = create(ArrayMetadata.builder(DataType.FLOAT32, 4, 4).chunks(2, 2)
                .fillValue(FillValue.ofNumber(DataType.FLOAT32, Double.NaN)).build());
        NdBuffer one = NdBuffer.allocate(DataType.FLOAT32, 1, 1);
        one.setFloat(5f, 0, 0);
        a.write(new long[] {3, 3}, one);
        NdBuffer all = a.read();
        assertThat(all.getFloat(3, 3)).isEqualTo(5f);
        assertThat(all.getFloat(0, 0)).isNaN();
        assertThat(all.getFloat(3, 2)).isNaN();
        assertThat(store.list(Key.of("a/c"))).containsExactly(Key.of("a/c/1/1"));
    }

    @Test
    void chunksEqualToTheFillValueAreNotStoredUnlessAsked() throws Exception {
        ZarrArray a = create(ArrayMetadata.builder(DataType.UINT16, 4, 4).chunks(2, 2).build());
        a.write(NdBuffer.allocate(DataType.UINT16, 4, 4));
        assertThat(store.list(Key.of("a/c"))).isEmpty();
        a.withWriteEmptyChunks(true).write(NdBuffer.allocate(DataType.UINT16, 4, 4));
        assertThat(store.list(Key.of("a/c"))).hasSize(4);
        // overwriting a stored chunk with fill deletes it
        a.write(NdBuffer.allocate(DataType.UINT16, 4, 4));
        assertThat(store.list(Key.of("a/c"))).isEmpty();
    }

    @Test
    void partialOverwritesMergeWithStoredData() throws Exception {
        ZarrArray a = create(ArrayMetadata.builder(DataType.INT32, 6, 6).chunks(4, 4).codecs(Codecs.bytes("little"), Codecs.crc32c()).build());
        NdBuffer expected = TestArrays.arangeInt32(6, 6);
        a.write(expected);
        NdBuffer patch = NdBuffer.allocate(DataType.INT32, 3, 2);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 2; j++) {
                patch.setInt(-1 - i * 2 - j, i, j);
                expected.setInt(-1 - i * 2 - j, 2 + i, 3 + j);
            }
        }
        a.write(new long[] {2, 3}, patch);
        assertThat(a.read().contentEquals(expected)).isTrue();
    }

    @Test
    void v2FortranOrderBigEndianStoresColumnMajorBigEndianBytes() throws Exception {
        // v2 order F is normalised to transpose(reversed) + bytes(big)
        ArrayMetadata meta = ArrayMetadata.builder(DataType.INT16, 2, 3).zarrFormat(2).chunks(2, 3)
                .codecs(Codecs.transpose(1, 0), Codecs.bytes("big")).build();
        assertThat(meta.v2().order()).isEqualTo('F');
        assertThat(meta.v2().dtype()).isEqualTo(">i2");
        ZarrArray a = create(meta);
        NdBuffer data = NdBuffer.allocate(DataType.INT16, 2, 3);
        for (int i = 0; i < 6; i++) {
            data.setShort((short) i, i / 3, i % 3);
        }
        a.write(data);
        Bytes chunk = store.read(Key.of("a/0.0")).orElseThrow();
        ByteBuffer bb = chunk.asByteBuffer().order(ByteOrder.BIG_ENDIAN);
        short[] raw = new short[6];
        for (int i = 0; i < 6; i++) {
            raw[i] = bb.getShort(2 * i);
        }
        assertThat(raw).containsExactly((short) 0, (short) 3, (short) 1, (short) 4, (short) 2, (short) 5);
        ZarrArray reopened = Zarr.openArray(store, Key.of("a"), ctx);
        assertThat(reopened.read().contentEquals(data)).isTrue();
        assertThat(reopened.metadata()).isEqualTo(a.metadata());
    }

    @Test
    void resizeDeletesChunksOutsideAndGrowsWithFill() throws Exception {
        ZarrArray a = create(ArrayMetadata.builder(DataType.INT32, 8, 8).chunks(4, 4).build());
        a.write(TestArrays.arangeInt32(8, 8));
        ZarrArray small = a.resize(4, 8);
        assertThat(store.list(Key.of("a/c"))).containsExactly(Key.of("a/c/0/0"), Key.of("a/c/0/1"));
        assertThat(Zarr.openArray(store, Key.of("a"), ctx).shape()).containsExactly(4, 8);
        ZarrArray big = small.resize(10, 8);
        NdBuffer all = big.read();
        assertThat(all.getInt(3, 7)).isEqualTo(31);
        assertThat(all.getInt(9, 0)).isZero();
    }

    @Test
    void rankZeroArraysHoldOneElement() throws Exception {
        ZarrArray a = create(ArrayMetadata.builder(DataType.FLOAT64).build());
        NdBuffer v = NdBuffer.allocate(DataType.FLOAT64);
        v.setDouble(2.5);
        a.write(v);
        assertThat(store.read(Key.of("a/c"))).isPresent();
        assertThat(a.read().getDouble()).isEqualTo(2.5);
    }

    @Test
    void regionsOutsideTheArrayAndWrongTypesAreCallerBugs() throws Exception {
        ZarrArray a = create(ArrayMetadata.builder(DataType.INT32, 4, 4).chunks(2, 2).build());
        assertThatThrownBy(() -> a.read(new long[] {3, 0}, new long[] {2, 1}))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("outside the array shape [4, 4]");
        assertThatThrownBy(() -> a.read(new long[] {0}, new long[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rank");
        assertThatThrownBy(() -> a.write(new long[] {0, 0}, NdBuffer.allocate(DataType.INT16, 1, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("int16");
    }

    @Test
    void concurrentWritersThroughOneHandleToSharedChunksAllLand() throws Exception {
        ZarrArray a = create(ArrayMetadata.builder(DataType.INT32, 16, 16).chunks(8, 8).build());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> fs = new java.util.ArrayList<>();
            for (int row = 0; row < 16; row++) {
                int r = row;
                fs.add(pool.submit(() -> {
                    NdBuffer line = NdBuffer.allocate(DataType.INT32, 1, 16);
                    for (int j = 0; j < 16; j++) {
                        line.setInt(r * 16 + j, 0, j);
                    }
                    a.write(new long[] {r, 0}, line);
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(a.read().contentEquals(TestArrays.arangeInt32(16, 16))).isTrue();
    }

    @Test
    void readsLargerThanTheInFlightLimitStillComplete() throws Exception {
        RecordingStore rec = new RecordingStore(store);
        ZarrArray a = Zarr.createArray(rec, Key.of("x"), ArrayMetadata.builder(DataType.UINT8, 64, 64).chunks(4, 4).build(), ctx);
        NdBuffer data = TestArrays.random(DataType.UINT8, new long[] {64, 64}, 7);
        a.write(data);
        assertThat(rec.writes()).isEqualTo(256 + 1);
        rec.reset();
        assertThat(a.read().contentEquals(data)).isTrue();
        assertThat(rec.chunkReads()).hasSize(256);
    }

    @Test
    void groupsListChildrenAndKeepAttributes() throws Exception {
        var attrs = Json.object().put("answer", 42);
        ZarrGroup root = Zarr.createGroup(store, Key.ROOT, GroupMetadata.of(3, attrs), ctx);
        root.createGroup("g", null);
        root.createArray("g/arr", ArrayMetadata.builder(DataType.UINT8, 3).build());
        root.createArray("top", ArrayMetadata.builder(DataType.UINT8, 3).build());
        ZarrGroup reopened = Zarr.openGroup(store, Key.ROOT, ctx);
        assertThat(reopened.attributes().get("answer").intValue()).isEqualTo(42);
        assertThat(reopened.childNames()).containsExactly("g", "top");
        assertThat(reopened.openGroup("g").childNames()).containsExactly("arr");
        assertThat(reopened.open("g/arr")).isInstanceOf(ZarrArray.class);
    }

    @Test
    void rawBitsAndComplexRoundTrip() throws Exception {
        for (DataType t : List.of(DataType.rawBits(24), DataType.COMPLEX128, DataType.FLOAT16, DataType.BOOL, DataType.UINT64)) {
            MemoryStore s = new MemoryStore();
            ZarrArray a = Zarr.createArray(s, Key.ROOT, ArrayMetadata.builder(t, 5, 3).chunks(2, 2)
                    .codecs(Codecs.bytes("big"), Codecs.gzip(5)).build(), ctx);
            NdBuffer data = TestArrays.random(t, new long[] {5, 3}, t.hashCode());
            a.write(data);
            NdBuffer back = Zarr.openArray(s, Key.ROOT, ctx).read();
            assertThat(back.segment().mismatch(data.segment())).as(t.name()).isEqualTo(-1L);
        }
        assertThat(ValueLayout.JAVA_BYTE.byteSize()).isEqualTo(1);
    }
}
