package dev.ngff.array;

import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import dev.ngff.store.Key;
import dev.ngff.store.MemoryStore;
import dev.ngff.testing.Gen;
import dev.ngff.testing.Properties;
import dev.ngff.testing.TestArrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties of the array engine over random shapes, chunks, shards, data types, codecs, formats and
 * regions: read(write(x)) == x; read(region) == slice(read(all)); sharded == unsharded. Each property prints
 * its seed ({@link Properties}).
 */
class ArrayPropertiesTest {
    private static final ExecutionContext CTX = ExecutionContext.create(ExecutionContext.Config.defaults().withChunksInFlight(4));
    private static final List<DataType> TYPES = List.of(DataType.BOOL, DataType.INT8, DataType.UINT16, DataType.INT32,
            DataType.UINT64, DataType.FLOAT16, DataType.FLOAT32, DataType.FLOAT64, DataType.COMPLEX64, DataType.rawBits(24));

    /** One random case. */
    record Case(DataType type, long[] shape, long[] chunks, long[] inner, int format, boolean bigEndian, boolean gzip,
                boolean transpose, long[] regionOffset, long[] regionShape, long seed) {
        @Override
        public String toString() {
            return type + " shape=" + Arrays.toString(shape) + " chunks=" + Arrays.toString(chunks) + " inner="
                    + Arrays.toString(inner) + " v" + format + (bigEndian ? " BE" : "") + (gzip ? " gzip" : "")
                    + (transpose ? " T" : "") + " region=" + Arrays.toString(regionOffset) + "+" + Arrays.toString(regionShape);
        }
    }

    static Case cases(Gen g) {
        int r = g.intIn(1, 4);
        DataType type = g.oneOf(TYPES);
        int[] shape = g.ints(r, 1, 13);
        int[] innerCount = g.ints(r, 1, 3);
        int[] innerSize = g.ints(r, 1, 3);
        int fmt = g.oneOf(2, 3);
        boolean bigEndian = g.bool();
        boolean gzip = g.bool();
        boolean transpose = g.bool();
        boolean sharded = g.bool();
        long seed = g.anyLong();
        long[] s = new long[r];
        long[] inner = new long[r];
        long[] chunks = new long[r];
        long[] off = new long[r];
        long[] len = new long[r];
        for (int d = 0; d < r; d++) {
            double start = g.doubleIn(0, 1);
            double extent = g.doubleIn(0, 1);
            s[d] = shape[d];
            inner[d] = innerSize[d];
            chunks[d] = (long) innerSize[d] * innerCount[d];
            off[d] = (long) Math.floor(start * s[d]);
            len[d] = Math.max(0, Math.min(s[d] - off[d], (long) Math.ceil(extent * (s[d] - off[d]))));
        }
        int format = sharded ? 3 : fmt;
        return new Case(type, s, chunks, sharded ? inner : null, format, bigEndian, gzip, transpose && r > 1, off, len, seed);
    }

    private static List<CodecSpec> codecs(Case c, boolean sharded) {
        List<CodecSpec> chain = new ArrayList<>();
        if (c.transpose) {
            int[] rev = new int[c.shape.length];
            for (int i = 0; i < rev.length; i++) {
                rev[i] = rev.length - 1 - i;
            }
            chain.add(Codecs.transpose(rev));
        }
        chain.add(Codecs.bytes(c.bigEndian ? "big" : "little"));
        if (c.gzip) {
            chain.add(Codecs.gzip(1));
        }
        if (!sharded) {
            return chain;
        }
        return List.of(Codecs.sharding(c.inner, chain, Codecs.defaultShardIndexCodecs(), c.seed % 2 == 0));
    }

    private static ZarrArray make(Case c, boolean sharded) throws Exception {
        ArrayMetadata meta = ArrayMetadata.builder(c.type, c.shape)
                .zarrFormat(sharded ? 3 : c.format).chunks(c.chunks).codecs(codecs(c, sharded))
                .fillValue(FillValue.zero(c.type)).build();
        return Zarr.createArray(new MemoryStore(), Key.ROOT, meta, CTX);
    }

    @Test
    void readOfWriteIsIdentityAndRegionsAreSlices() {
        Properties.forAll(150, ArrayPropertiesTest::cases, this::readOfWriteIsIdentityAndRegionsAreSlices);
    }

    private void readOfWriteIsIdentityAndRegionsAreSlices(Case c) throws Exception {
        ZarrArray a = make(c, c.inner != null);
        NdBuffer data = TestArrays.random(c.type, c.shape, c.seed);
        a.write(data);
        ZarrArray reopened = Zarr.openArray(a.store(), Key.ROOT, CTX);
        NdBuffer all = reopened.read();
        assertThat(all.segment().mismatch(data.segment())).as(c.toString()).isEqualTo(-1L);
        NdBuffer region = reopened.read(c.regionOffset, c.regionShape);
        NdBuffer slice = data.copyRegion(c.regionOffset, c.regionShape);
        assertThat(region.segment().mismatch(slice.segment())).as(c.toString()).isEqualTo(-1L);
    }

    @Test
    void shardedEqualsUnshardedAfterRegionWrites() {
        Properties.forAll(100, ArrayPropertiesTest::cases, this::shardedEqualsUnshardedAfterRegionWrites);
    }

    private void shardedEqualsUnshardedAfterRegionWrites(Case c) throws Exception {
        if (c.inner == null) {
            c = new Case(c.type, c.shape, c.chunks, c.chunks, 3, c.bigEndian, c.gzip, c.transpose, c.regionOffset,
                    c.regionShape, c.seed);
        }
        ZarrArray sharded = make(c, true);
        ZarrArray plain = make(c, false);
        NdBuffer base = TestArrays.random(c.type, c.shape, c.seed);
        NdBuffer patch = TestArrays.random(c.type, c.regionShape, c.seed + 1);
        for (ZarrArray a : List.of(sharded, plain)) {
            a.write(base);
            a.write(c.regionOffset, patch);
        }
        NdBuffer s = sharded.read();
        NdBuffer p = plain.read();
        assertThat(s.segment().mismatch(p.segment())).as(c.toString()).isEqualTo(-1L);
        NdBuffer expected = base.copyRegion(new long[c.shape.length], c.shape);
        NdBuffer.copy(patch, new long[c.shape.length], expected, c.regionOffset, c.regionShape);
        assertThat(s.segment().mismatch(expected.segment())).as(c.toString()).isEqualTo(-1L);
    }

    @AfterAll
    static void close() {
        CTX.close();
    }
}
