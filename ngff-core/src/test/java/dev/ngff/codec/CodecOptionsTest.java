package dev.ngff.codec;

import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ChunkTasks;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import dev.ngff.testing.TestArrays;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The options a pipeline hands to its codecs: every codec call that takes them does its CPU work through
 * the runner, a shard (alone, nested, or under other codecs) as one task per inner chunk, and no task
 * calls the runner again. Results equal the plain (sequential) calls byte for byte.
 */
class CodecOptionsTest {
    private static final DataType T = DataType.INT32;
    private static final ChunkSpec SHARD = new ChunkSpec(new long[] {2, 8, 8}, T, FillValue.zero(T));

    private static CodecPipeline pipeline(List<CodecSpec> specs) throws Exception {
        return CodecPipeline.build(specs, CodecRegistry.standard(), "test");
    }

    private static CodecSpec shard(long[] inner, List<CodecSpec> innerCodecs) {
        return Codecs.sharding(inner, innerCodecs, Codecs.defaultShardIndexCodecs(), true);
    }

    private static final List<CodecSpec> GZIP_INNER = List.of(Codecs.bytes("little"), Codecs.gzip(1));

    /** Sharding alone: 2x2x2 = 8 inner chunks of 1x4x4. */
    private static CodecPipeline shardingAlone() throws Exception {
        return pipeline(List.of(shard(new long[] {1, 4, 4}, GZIP_INNER)));
    }

    /** Sharded decodes make one worker task per task the runner may run at once, up to one per inner chunk. */
    private static final int DECODE_PARALLELISM = 4;

    private static void roundTrip(CodecPipeline p, int expectEncodeTasks, int expectDecodeTasks, int expectCalls)
            throws Exception {
        NdBuffer data = TestArrays.random(T, SHARD.shape(), 7);
        Bytes plain = p.encode(data, SHARD);

        RecordingRunner enc = new RecordingRunner();
        List<Bytes> pieces = p.encodePieces(data, SHARD, CodecOptions.withRunner(enc));
        assertThat(Bytes.concat(pieces.toArray(Bytes[]::new)).toArray()).isEqualTo(plain.toArray());
        assertThat(enc.tasks()).as("encode tasks").isEqualTo(expectEncodeTasks);
        assertThat(enc.calls).as("encode runAll calls").hasSize(expectCalls);
        assertThat(enc.nested.get()).as("no task calls the runner").isZero();

        RecordingRunner dec = new RecordingRunner();
        NdBuffer out = NdBuffer.allocate(T, SHARD.shape());
        long[] zero = new long[3];
        boolean stored = p.decodeInto(ChunkSource.ofBytes(plain, "test shard"), SHARD, zero, SHARD.shape(), out, zero,
                CodecOptions.withRunner(dec, DECODE_PARALLELISM));
        assertThat(stored).isTrue();
        assertThat(out.contentEquals(data)).isTrue();
        assertThat(dec.tasks()).as("decode tasks").isEqualTo(expectDecodeTasks);
        assertThat(dec.nested.get()).isZero();
    }

    @Test
    void shardingAloneEncodesATaskPerInnerChunkAndDecodesWithAWorkerPerAllowedTask() throws Exception {
        roundTrip(shardingAlone(), 8, DECODE_PARALLELISM, 1);
    }

    @Test
    void aShardUnderAChecksumStillDecodesAndEncodesItsInnerChunksAsTasks() throws Exception {
        // the whole-shard crc32c in one task each way, the 8 inner chunks as tasks of their own (decoded by workers)
        roundTrip(pipeline(List.of(shard(new long[] {1, 4, 4}, GZIP_INNER), Codecs.crc32c())), 9, 1 + DECODE_PARALLELISM, 2);
    }

    @Test
    void aShardAfterATransposeDecodesItsInnerChunksAsTasks() throws Exception {
        roundTrip(pipeline(List.of(Codecs.transpose(0, 2, 1), shard(new long[] {1, 4, 4}, GZIP_INNER))), 9,
                1 + DECODE_PARALLELISM, 2);
    }

    @Test
    void nestedShardsAreParallelAtTheOuterLevelOnly() throws Exception {
        // outer inner chunks 1x8x8 (2 of them), each a shard of 1x4x4 chunks: two outer tasks, the inner level
        // sequential inside them (a task must not call the runner again)
        CodecSpec innerShard = shard(new long[] {1, 4, 4}, GZIP_INNER);
        roundTrip(pipeline(List.of(shard(new long[] {1, 8, 8}, List.of(innerShard)))), 2, 2, 1);
    }

    @Test
    void aChainWithoutShardsIsOneTask() throws Exception {
        roundTrip(pipeline(GZIP_INNER), 1, 1, 1);
    }

    @Test
    void aPartialDecodeReadsAndDecodesOnlyTheInnerChunksOfTheBox() throws Exception {
        CodecPipeline p = shardingAlone();
        NdBuffer data = TestArrays.random(T, SHARD.shape(), 11);
        Bytes plain = p.encode(data, SHARD);
        RecordingRunner dec = new RecordingRunner();
        long[] offset = {1, 4, 2}; // plane 1, rows 4..7, columns 2..5: inner chunks (1,1,0) and (1,1,1)
        long[] box = {1, 4, 4};
        NdBuffer out = NdBuffer.allocate(T, box);
        assertThat(p.decodeInto(ChunkSource.ofBytes(plain, "test shard"), SHARD, offset, box, out, new long[3],
                CodecOptions.withRunner(dec, DECODE_PARALLELISM))).isTrue();
        assertThat(out.contentEquals(data.copyRegion(offset, box))).isTrue();
        assertThat(dec.calls).containsExactly(2);
    }

    @Test
    void aPartialEncoderRunsTheInnerChunksItChangesAsTasks() throws Exception {
        CodecPipeline p = shardingAlone();
        NdBuffer data = TestArrays.random(T, SHARD.shape(), 13);
        Bytes stored = p.encode(data, SHARD);
        RecordingRunner run = new RecordingRunner();
        PartialEncoder enc = p.partialEncoder(ChunkSource.ofBytes(stored, "test shard"), SHARD, CodecOptions.withRunner(run));
        // plane 0, rows 0..5 of columns 0..3: inner chunk (0,0,0) covered, (0,1,0) cut
        NdBuffer box = TestArrays.random(T, new long[] {1, 6, 4}, 17);
        List<Bytes> pieces = enc.write(new long[] {0, 0, 0}, box, new long[3], box.shape()).orElseThrow();
        assertThat(run.calls).containsExactly(2);
        assertThat(run.nested.get()).isZero();
        NdBuffer expected = data.writable();
        NdBuffer.copy(box, new long[3], expected, new long[3], box.shape());
        assertThat(p.decode(Bytes.concat(pieces.toArray(Bytes[]::new)), SHARD).contentEquals(expected)).isTrue();
    }

    @Test
    void aWholeChunkEncoderUnderAChecksumEncodesTheShardsInnerChunksAsTasks() throws Exception {
        CodecPipeline p = pipeline(List.of(shard(new long[] {1, 4, 4}, GZIP_INNER), Codecs.crc32c()));
        NdBuffer data = TestArrays.random(T, SHARD.shape(), 19);
        Bytes stored = p.encode(data, SHARD);
        RecordingRunner run = new RecordingRunner();
        PartialEncoder enc = p.partialEncoder(ChunkSource.ofBytes(stored, "test shard"), SHARD, CodecOptions.withRunner(run));
        NdBuffer plane = TestArrays.random(T, new long[] {1, 8, 8}, 23);
        List<Bytes> pieces = enc.encode(Map.of(0L, new PartialEncoder.UnitUpdate.Merge(
                u -> NdBuffer.copy(plane, new long[3], u, new long[] {1, 0, 0}, plane.shape())))).orElseThrow();
        // the merge (decode + change) in one task, 8 inner chunks, the checksum in one
        assertThat(run.calls).containsExactly(1, 8, 1);
        assertThat(run.nested.get()).isZero();
        NdBuffer expected = data.writable();
        NdBuffer.copy(plane, new long[3], expected, new long[] {1, 0, 0}, plane.shape());
        assertThat(p.decode(Bytes.concat(pieces.toArray(Bytes[]::new)), SHARD).contentEquals(expected)).isTrue();
    }

    @Test
    void aContextsOptionsRunInnerChunksInParallelUnderItsCpuLimit() throws Exception {
        int limit = 2;
        try (ExecutionContext ctx = ExecutionContext.create(ExecutionContext.Config.defaults().withCpuConcurrency(limit))) {
            CyclicBarrier pair = new CyclicBarrier(limit); // met only when two tasks run at once
            AtomicInteger running = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            List<ChunkTasks.Task> tasks = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                tasks.add(() -> {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        pair.await(20, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IOException("tasks did not run in pairs: " + e, e);
                    } finally {
                        running.decrementAndGet();
                    }
                });
            }
            ctx.codecOptions().runAll(tasks);
            assertThat(most.get()).isEqualTo(limit);
        }
    }
}
