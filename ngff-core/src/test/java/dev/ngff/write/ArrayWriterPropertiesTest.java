package dev.ngff.write;

import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import dev.ngff.store.Key;
import dev.ngff.store.MemoryStore;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random boxes written through {@link ZarrArray#write} and through {@link ArrayWriter}, into sharded
 * (index at the start or end, crc32c in the index codecs) and unsharded arrays, all equal a reference
 * buffer; inner chunks that hold only the fill value are not stored. The seed is printed; rerun one
 * with {@code -Dngff.seed=N}.
 */
class ArrayWriterPropertiesTest {
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private final ExecutionContext ctx = ExecutionContext.create(ExecutionContext.Config.defaults().withChunksInFlight(4));

    @Test
    void randomWritesThroughEveryPathEqualTheReference() throws Exception {
        long seed = Long.getLong("ngff.seed", System.nanoTime());
        System.out.println("ArrayWriterPropertiesTest seed=" + seed + " (rerun with -Dngff.seed=" + seed + ")");
        Random r = new Random(seed);
        for (int trial = 0; trial < 60; trial++) {
            runTrial(r, "seed " + seed + " trial " + trial);
        }
    }

    private void runTrial(Random r, String label) throws Exception {
        int rank = 1 + r.nextInt(3);
        long[] inner = new long[rank];
        long[] shard = new long[rank];
        long[] shape = new long[rank];
        for (int d = 0; d < rank; d++) {
            inner[d] = 1 + r.nextInt(4);
            shard[d] = inner[d] * (1 + r.nextInt(3));
            shape[d] = 1 + r.nextInt((int) (shard[d] * 2 + 2));
        }
        DataType type = DataType.UINT16;
        short fill = r.nextBoolean() ? 0 : (short) 7;
        FillValue fv = FillValue.ofNumber(type, fill);
        List<CodecSpec> innerChain = r.nextBoolean() ? List.of(Codecs.bytes("little"))
                : List.of(Codecs.bytes("little"), Codecs.gzip(1));
        boolean indexAtEnd = r.nextBoolean();
        label += " shape " + Arrays.toString(shape) + " shard " + Arrays.toString(shard) + " inner "
                + Arrays.toString(inner) + " fill " + fill + " chain " + innerChain.size() + " indexAtEnd " + indexAtEnd;
        MemoryStore store = new MemoryStore();
        ArrayMetadata sharded = ArrayMetadata.builder(type, shape).chunks(shard).fillValue(fv)
                .codecs(Codecs.sharding(inner, innerChain, Codecs.defaultShardIndexCodecs(), indexAtEnd)).build();
        ArrayMetadata plain = ArrayMetadata.builder(type, shape).chunks(shard).fillValue(fv).codecs(innerChain).build();
        ZarrArray shardedDirect = Zarr.createArray(store, Key.of("sd"), sharded, ctx);
        ZarrArray shardedBuffered = Zarr.createArray(store, Key.of("sb"), sharded, ctx);
        ZarrArray plainDirect = Zarr.createArray(store, Key.of("pd"), plain, ctx);
        ZarrArray plainBuffered = Zarr.createArray(store, Key.of("pb"), plain, ctx);
        NdBuffer reference = NdBuffer.filled(type, shape, fv.bytesUnsafe());

        // something stored before the writers start, so that their partial shards merge with it
        long[][] first = randomBox(r, shape);
        NdBuffer firstData = randomData(r, first[1], fill);
        for (ZarrArray a : List.of(shardedDirect, shardedBuffered, plainDirect, plainBuffered)) {
            a.write(first[0], firstData);
        }
        NdBuffer.copy(firstData, new long[rank], reference, first[0], first[1]);

        long small = 2 * 2 * NdBuffer.elementCount(inner) + 64; // forces partial shards out early
        ArrayWriter.Options opts = new ArrayWriter.Options(r.nextBoolean() ? small : 1 << 20);
        try (ArrayWriter sw = shardedBuffered.writer(opts); ArrayWriter pw = plainBuffered.writer(opts)) {
            int writes = 1 + r.nextInt(12);
            for (int i = 0; i < writes; i++) {
                long[][] box = r.nextInt(3) == 0 ? planeBox(r, shape) : randomBox(r, shape);
                NdBuffer data = randomData(r, box[1], fill);
                shardedDirect.write(box[0], data);
                plainDirect.write(box[0], data);
                sw.write(box[0], data);
                pw.write(box[0], data);
                NdBuffer.copy(data, new long[rank], reference, box[0], box[1]);
                if (r.nextInt(5) == 0) {
                    sw.flush();
                    pw.flush();
                }
            }
            // every unit here is far smaller than the budget, so the budget holds without exception
            assertThat(sw.peakBufferedBytes()).as(label).isLessThanOrEqualTo(opts.bufferBytes());
            assertThat(pw.peakBufferedBytes()).as(label).isLessThanOrEqualTo(
                    Math.max(opts.bufferBytes(), 2 * 2 * NdBuffer.elementCount(shard) + 64));
        }
        for (ZarrArray a : List.of(shardedDirect, shardedBuffered, plainDirect, plainBuffered)) {
            NdBuffer got = Zarr.openArray(store, a.path(), ctx).read();
            assertThat(got.contentEquals(reference)).as(label + " array " + a.path()).isTrue();
        }
        checkFillInnerChunksAreNotStored(store, shardedDirect, reference, inner, shard, indexAtEnd, fv, label);
        checkFillInnerChunksAreNotStored(store, shardedBuffered, reference, inner, shard, indexAtEnd, fv, label);
    }

    private static void checkFillInnerChunksAreNotStored(MemoryStore store, ZarrArray a, NdBuffer reference, long[] inner,
                                                         long[] shard, boolean indexAtEnd, FillValue fv, String label)
            throws Exception {
        int rank = inner.length;
        long[] grid = a.metadata().gridShape();
        long[] units = new long[rank];
        for (int d = 0; d < rank; d++) {
            units[d] = shard[d] / inner[d];
        }
        int n = (int) NdBuffer.elementCount(units);
        long[] shape = a.shape();
        long[] c = new long[rank];
        do {
            var stored = store.read(a.chunkKey(c));
            boolean anyData = false;
            long[] u = new long[rank];
            for (int i = 0; i < n; i++) {
                long[] origin = new long[rank];
                long[] box = new long[rank];
                boolean inside = true;
                for (int d = 0; d < rank; d++) {
                    origin[d] = c[d] * shard[d] + u[d] * inner[d];
                    box[d] = Math.max(0, Math.min(inner[d], shape[d] - origin[d]));
                    inside &= box[d] > 0;
                }
                boolean allFill = !inside || reference.copyRegion(origin, box).allEqual(fv.bytesUnsafe());
                anyData |= !allFill;
                if (stored.isPresent()) {
                    Bytes s = stored.get();
                    long indexStart = indexAtEnd ? s.size() - (16L * n + 4) : 0;
                    long off = s.segment().get(U64, indexStart + 16L * i);
                    assertThat(off == -1).as(label + " " + a.path() + " shard " + Arrays.toString(c) + " inner " + i
                            + " stored iff not all fill").isEqualTo(allFill);
                }
                for (int d = rank - 1; d >= 0; d--) {
                    if (++u[d] < units[d]) {
                        break;
                    }
                    u[d] = 0;
                }
            }
            assertThat(stored.isPresent()).as(label + " " + a.path() + " shard " + Arrays.toString(c)
                    + " stored iff it holds data").isEqualTo(anyData);
        } while (next(c, grid));
    }

    private static boolean next(long[] c, long[] grid) {
        for (int d = c.length - 1; d >= 0; d--) {
            if (++c[d] < grid[d]) {
                return true;
            }
            c[d] = 0;
        }
        return false;
    }

    private static long[][] randomBox(Random r, long[] shape) {
        long[] off = new long[shape.length];
        long[] ext = new long[shape.length];
        for (int d = 0; d < shape.length; d++) {
            off[d] = r.nextInt((int) shape[d]);
            ext[d] = 1 + r.nextInt((int) (shape[d] - off[d]));
        }
        return new long[][] {off, ext};
    }

    /** A slab one element thick in the first dimension, whole in the others: a frame. */
    private static long[][] planeBox(Random r, long[] shape) {
        long[] off = new long[shape.length];
        long[] ext = shape.clone();
        off[0] = r.nextInt((int) shape[0]);
        ext[0] = 1;
        return new long[][] {off, ext};
    }

    /** Values from {fill, 1, 2, 3}; one box in four is all fill value. */
    private static NdBuffer randomData(Random r, long[] shape, short fill) {
        NdBuffer b = NdBuffer.allocate(DataType.UINT16, shape);
        boolean allFill = r.nextInt(4) == 0;
        long n = b.elementCount();
        for (long i = 0; i < n; i++) {
            int v = allFill ? fill : r.nextInt(4);
            b.segment().setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, (short) (v == 0 ? fill : v));
        }
        return b;
    }
}
