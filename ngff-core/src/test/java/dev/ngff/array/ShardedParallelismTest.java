package dev.ngff.array;

import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.store.Key;
import dev.ngff.store.MemoryStore;
import dev.ngff.testing.CountingCodec;
import dev.ngff.testing.TestArrays;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Through {@link ZarrArray}, which calls only the codec pipeline, a shard's inner chunks are decoded and
 * encoded two at a time under a CPU limit of 2: sharding alone, under a whole-shard checksum, after a
 * transpose. The inner chain's counting codec is made to wait until a second call runs at the same
 * moment, so a sequential path fails (after a timeout) instead of passing slowly.
 */
class ShardedParallelismTest {

    /** Makes the counting codec's calls meet in pairs (or fail after 20 s), or not. */
    private void pairUp(boolean on) {
        if (!on) {
            counting.onCall(null);
            return;
        }
        CyclicBarrier pair = new CyclicBarrier(2);
        counting.onCall(() -> {
            try {
                pair.await(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IOException("inner chunks were not coded two at a time", e);
            }
        });
    }

    private long calls() {
        return counting.encodes() + counting.decodes();
    }

    private final CountingCodec counting = new CountingCodec();
    private final ExecutionContext ctx = ExecutionContext.create(ExecutionContext.Config.defaults().withCpuConcurrency(2),
            counting.registry());

    private static CodecSpec shard() {
        // 2x8x8 shards of 8 inner chunks of 1x4x4
        return Codecs.sharding(new long[] {1, 4, 4}, List.of(Codecs.bytes("little"), CountingCodec.codecSpec()),
                Codecs.defaultShardIndexCodecs(), true);
    }

    private ZarrArray array(List<CodecSpec> codecs) throws Exception {
        ArrayMetadata meta = ArrayMetadata.builder(DataType.INT32, 2, 8, 8).chunks(2, 8, 8).codecs(codecs).build();
        return Zarr.createArray(new MemoryStore(), Key.of("a"), meta, ctx);
    }

    /** A whole write and a whole read, with the inner codec armed: each pairs up its 8 inner chunks. */
    private void writeAndRead(ZarrArray a, NdBuffer data) throws Exception {
        pairUp(true);
        counting.reset();
        a.write(data);
        assertThat(calls()).as("inner chunks encoded").isEqualTo(8);
        NdBuffer back = a.read();
        assertThat(calls()).as("inner chunks encoded and decoded").isEqualTo(16);
        pairUp(false);
        assertThat(back.contentEquals(data)).isTrue();
    }

    @Test
    void shardingAlone() throws Exception {
        ZarrArray a = array(List.of(shard()));
        NdBuffer data = TestArrays.random(DataType.INT32, new long[] {2, 8, 8}, 3);
        writeAndRead(a, data);
        assertThat(a.withChunkCaching(true).read().contentEquals(data)).isTrue();

        // a box that cuts two inner chunks (plane 1, rows 2..5, columns 0..3): both merged in parallel
        NdBuffer box = TestArrays.random(DataType.INT32, new long[] {1, 4, 4}, 5);
        pairUp(true);
        counting.reset();
        a.write(new long[] {1, 2, 0}, box);
        pairUp(false);
        assertThat(calls()).as("two inner chunks decoded and encoded").isEqualTo(4);
        NdBuffer.copy(box, new long[3], data, new long[] {1, 2, 0}, box.shape());
        assertThat(a.read().contentEquals(data)).isTrue();
    }

    @Test
    void shardingUnderAWholeShardChecksum() throws Exception {
        ZarrArray a = array(List.of(shard(), Codecs.crc32c()));
        writeAndRead(a, TestArrays.random(DataType.INT32, new long[] {2, 8, 8}, 7));
    }

    @Test
    void shardingAfterATranspose() throws Exception {
        ZarrArray a = array(List.of(Codecs.transpose(0, 2, 1), shard()));
        writeAndRead(a, TestArrays.random(DataType.INT32, new long[] {2, 8, 8}, 11));
    }
}
