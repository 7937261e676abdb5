package dev.ngff.pyramid;

import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.store.Key;
import dev.ngff.store.MemoryStore;
import dev.ngff.testing.TestArrays;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The streaming pass against the obvious computation: every level reduced whole, in memory, from the
 * whole level above with the same kernel. What is checked is the pass's own work: the boxes, cells and
 * halos it reads, what it writes where, and that each level-0 element is read into the result once.
 */
class PyramidWriterTest {
    private static final int CASES = Integer.getInteger("ngff.pyramid.cases", 60);

    @Test
    void matchesWholeArrayReductionOverRandomLayouts() throws IOException {
        long seed = Long.getLong("ngff.seed", new Random().nextLong());
        System.out.println("PyramidWriterTest.matchesWholeArrayReductionOverRandomLayouts: seed " + seed + ", " + CASES
                + " cases; rerun with -Dngff.seed=" + seed);
        Random r = new Random(seed);
        List<Downsampling> methods = List.of(new Downsampling.Mean(), new Downsampling.Mode(), new Downsampling.Min(),
                new Downsampling.Max(), new Downsampling.Nearest(), Downsampling.Gaussian.defaults());
        List<DataType> types = List.of(DataType.UINT8, DataType.UINT16, DataType.INT32, DataType.FLOAT32, DataType.FLOAT64);
        for (int c = 0; c < CASES; c++) {
            int rank = 1 + r.nextInt(3);
            long[] shape = new long[rank];
            long[] srcChunks = new long[rank];
            long[] inner = new long[rank];
            long[] shards = new long[rank];
            for (int d = 0; d < rank; d++) {
                shape[d] = 1 + r.nextInt(rank == 1 ? 300 : rank == 2 ? 70 : 24);
                srcChunks[d] = 1 + r.nextInt((int) shape[d] + 3);
                inner[d] = 1 + r.nextInt(6);
                shards[d] = inner[d] * (1 + r.nextInt(3));
            }
            int levels = 1 + r.nextInt(4);
            List<int[]> fs = new ArrayList<>();
            for (int k = 1; k < levels; k++) {
                int[] f = new int[rank];
                for (int d = 0; d < rank; d++) {
                    f[d] = 1 + r.nextInt(3);
                }
                fs.add(f);
            }
            PyramidPlan plan = new PyramidPlan(fs, rank);
            Downsampling method = methods.get(r.nextInt(methods.size()));
            DataType type = types.get(r.nextInt(types.size()));
            boolean writeLevel0 = r.nextBoolean();
            boolean sharded = r.nextBoolean();
            String where = "case " + c + " (seed " + seed + "): " + type + " " + Arrays.toString(shape) + " " + plan
                    + " " + method.name() + (sharded ? " shards " + Arrays.toString(shards) + " of " : " chunks ")
                    + Arrays.toString(inner) + " from chunks " + Arrays.toString(srcChunks) + (writeLevel0 ? " +level 0" : "");
            check(where, type, shape, srcChunks, sharded ? shards : null, inner, plan, method, writeLevel0,
                    1 + r.nextInt(3), r.nextLong());
        }
    }

    private static void check(String where, DataType type, long[] shape, long[] srcChunks, long[] shards, long[] inner,
                              PyramidPlan plan, Downsampling method, boolean writeLevel0, int inFlight, long dataSeed)
            throws IOException {
        MemoryStore store = new MemoryStore();
        try (ExecutionContext ctx = ExecutionContext.create()) {
            NdBuffer data = TestArrays.random(type, shape, dataSeed);
            ZarrArray src = Zarr.createArray(store, Key.of("src"),
                    ArrayMetadata.builder(type, shape).chunks(srcChunks).build(), ctx);
            src.write(data);
            ArrayMetadata template = shards == null
                    ? ArrayMetadata.builder(type, shape).chunks(inner).build()
                    : ArrayMetadata.builder(type, shape).chunks(shards)
                            .codecs(Codecs.sharding(inner, List.of(Codecs.bytes("little")), Codecs.defaultShardIndexCodecs(), true))
                            .build();
            List<ZarrArray> targets = new ArrayList<>();
            for (int k = 0; k < plan.levels(); k++) {
                targets.add(k == 0 && !writeLevel0 ? null
                        : Zarr.newArray(store, Key.of("out/" + k), LevelLayout.of(template, plan.levelShape(shape, k)), ctx));
            }
            long[] progress = new long[1];
            PyramidWriter.Result result = PyramidWriter.write(LevelSource.of(src), targets, plan, method,
                    PyramidWriter.Options.defaults().withBlocksInFlight(inFlight).withBufferBytes(1 << 16),
                    b -> {
                        synchronized (progress) {
                            progress[0] += b;
                        }
                    });
            long bytes = data.elementCount() * type.byteSize();
            assertEquals(bytes, result.levelZeroBytes(), where + ": level-0 bytes read");
            assertEquals(bytes, progress[0], where + ": progress");
            NdBuffer expected = data;
            for (int k = 0; k < plan.levels(); k++) {
                if (k > 0) {
                    long[] s = plan.levelShape(shape, k);
                    NdBuffer next = NdBuffer.allocate(type, s);
                    Downsampler.reduce(method, plan.factor(k), expected.shape(), expected, new long[shape.length], next,
                            new long[shape.length]);
                    expected = next;
                }
                if (targets.get(k) == null) {
                    continue;
                }
                assertFalse(Zarr.isNode(store, Key.of("out/" + k)), where + ": level " + k + " published by the pass");
                NdBuffer got = targets.get(k).read();
                if (!expected.contentEquals(got)) {
                    boolean floats = type.kind() == DataType.Kind.FLOAT;
                    for (long i = 0; i < got.elementCount(); i++) {
                        boolean bothNaN = floats && Double.isNaN(expected.getAsDouble(i)) && Double.isNaN(got.getAsDouble(i));
                        // the sign and payload of a NaN result are not specified (docs/pyramids.md)
                        if (!bothNaN && !java.util.Arrays.equals(expected.elementBytes(i), got.elementBytes(i))) {
                            throw new AssertionError(where + ": level " + k + " differs first at element " + i
                                    + " of " + Arrays.toString(got.shape()) + ": expected " + expected.elementText(i)
                                    + ", got " + got.elementText(i));
                        }
                    }
                }
            }
        }
    }

    @Test
    void collectsChannelRanges() throws IOException {
        MemoryStore store = new MemoryStore();
        try (ExecutionContext ctx = ExecutionContext.create()) {
            long[] shape = {3, 10, 10};
            NdBuffer data = NdBuffer.allocate(DataType.UINT16, shape);
            for (long i = 0; i < data.elementCount(); i++) {
                long c = i / 100;
                data.setAsLong(i, c * 1000 + i % 100);
            }
            ZarrArray src = Zarr.createArray(store, Key.of("src"),
                    ArrayMetadata.builder(DataType.UINT16, shape).chunks(2, 3, 4).build(), ctx);
            src.write(data);
            PyramidPlan plan = PyramidPlan.uniform(new int[] {1, 2, 2}, 3);
            List<ZarrArray> targets = new ArrayList<>(Arrays.asList((ZarrArray) null));
            for (int k = 1; k < 3; k++) {
                targets.add(Zarr.newArray(store, Key.of("l" + k),
                        ArrayMetadata.builder(DataType.UINT16, plan.levelShape(shape, k)).chunks(1, 2, 2).build(), ctx));
            }
            PyramidWriter.Result result = PyramidWriter.write(LevelSource.of(src), targets, plan, new Downsampling.Mean(),
                    PyramidWriter.Options.defaults().withRanges(0), null);
            assertEquals(List.of(new PyramidWriter.ValueRange(0, 99), new PyramidWriter.ValueRange(1000, 1099),
                    new PyramidWriter.ValueRange(2000, 2099)), result.ranges());
        }
    }

    @Test
    void refusesTargetsThatDoNotFitThePlan() throws IOException {
        MemoryStore store = new MemoryStore();
        try (ExecutionContext ctx = ExecutionContext.create()) {
            ZarrArray src = Zarr.createArray(store, Key.of("src"),
                    ArrayMetadata.builder(DataType.UINT8, 8, 8).chunks(4, 4).build(), ctx);
            ZarrArray wrong = Zarr.newArray(store, Key.of("l1"),
                    ArrayMetadata.builder(DataType.UINT8, 5, 4).chunks(4, 4).build(), ctx);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PyramidWriter.write(LevelSource.of(src),
                    Arrays.asList(null, wrong), PyramidPlan.uniform(new int[] {2, 2}, 2), new Downsampling.Mean(),
                    PyramidWriter.Options.defaults(), null));
            assertTrue(e.getMessage().contains("level 1") && e.getMessage().contains("[4, 4]"), e.getMessage());
        }
    }

    @Test
    void levelLayoutClipsShardsAndInnerChunks() {
        ArrayMetadata template = ArrayMetadata.builder(DataType.UINT16, 1024, 1024).chunks(256, 256)
                .codecs(Codecs.sharding(new long[] {64, 64}, List.of(Codecs.bytes("little")),
                        Codecs.defaultShardIndexCodecs(), true))
                .build();
        ArrayMetadata mid = LevelLayout.of(template, new long[] {100, 300});
        assertArrayEquals(new long[] {128, 256}, mid.chunkShape());
        assertArrayEquals(new long[] {64, 64}, LevelLayout.innerChunks(mid));
        ArrayMetadata small = LevelLayout.of(template, new long[] {20, 3});
        assertArrayEquals(new long[] {20, 3}, small.chunkShape());
        assertArrayEquals(new long[] {20, 3}, LevelLayout.innerChunks(small));
    }
}
