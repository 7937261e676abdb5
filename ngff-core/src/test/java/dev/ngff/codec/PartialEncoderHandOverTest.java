package dev.ngff.codec;

import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import dev.ngff.testing.TestArrays;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PartialEncoder#encodeHandedOverUnit}: a unit handed over may be passed through as a view where the
 * codec does not change its bytes (the copy {@link PartialEncoder#encodeUnit} makes is saved), never
 * where it does; both encode the same bytes, and a unit of fill values is dropped by both.
 */
class PartialEncoderHandOverTest {
    private static final DataType T = DataType.UINT16;
    private static final ChunkSpec SHARD = new ChunkSpec(new long[] {2, 8, 8}, T, FillValue.zero(T));
    private static final long[] INNER = {1, 4, 4};

    private static PartialEncoder shardEncoder(List<CodecSpec> innerChain) throws Exception {
        CodecPipeline p = CodecPipeline.build(List.of(Codecs.sharding(INNER, innerChain, Codecs.defaultShardIndexCodecs(), true)),
                CodecRegistry.standard(), "test");
        return p.partialEncoder(ChunkSource.ofBytes(Bytes.EMPTY, "test shard"), SHARD);
    }

    private static PartialEncoder wholeChunkEncoder(List<CodecSpec> chain) throws Exception {
        CodecPipeline p = CodecPipeline.build(chain, CodecRegistry.standard(), "test");
        return p.partialEncoder(ChunkSource.ofBytes(Bytes.EMPTY, "test chunk"), SHARD);
    }

    private static boolean shares(Bytes enc, NdBuffer unit) {
        return enc.segment().asOverlappingSlice(unit.segment()).isPresent();
    }

    private static void check(PartialEncoder enc, long[] unitShape, boolean passesThrough) throws Exception {
        NdBuffer unit = TestArrays.random(T, unitShape, 5).writable();
        byte[] before = unit.segment().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        Bytes copied = enc.encodeUnit(unit).orElseThrow();
        Bytes handed = enc.encodeHandedOverUnit(unit).orElseThrow();
        assertThat(shares(copied, unit)).as("encodeUnit never returns a view of the unit").isFalse();
        assertThat(shares(handed, unit)).as("a handed-over unit passed through as a view").isEqualTo(passesThrough);
        assertThat(handed.toArray()).isEqualTo(copied.toArray());
        assertThat(enc.decodeUnit(handed).contentEquals(unit)).isTrue();
        // the caller reuses the unit after encodeUnit: its copy keeps the old bytes
        unit.fill(new byte[] {7, 0});
        assertThat(enc.decodeUnit(copied).contentEquals(NdBuffer.wrap(T, unitShape,
                java.lang.foreign.MemorySegment.ofArray(before)))).isTrue();
    }

    @Test
    void uncompressedInnerChunksArePassedThroughOnlyWhenHandedOver() throws Exception {
        check(shardEncoder(List.of(Codecs.bytes("little"))), INNER, true);
    }

    @Test
    void compressedOrCheckedInnerChunksAreNeverViewsOfTheUnit() throws Exception {
        check(shardEncoder(List.of(Codecs.bytes("little"), Codecs.gzip(1))), INNER, false);
        check(shardEncoder(List.of(Codecs.bytes("little"), Codecs.crc32c())), INNER, false);
    }

    @Test
    void aWholeChunkUnitFollowsTheSameRule() throws Exception {
        check(wholeChunkEncoder(List.of(Codecs.bytes("little"))), SHARD.shape(), true);
        check(wholeChunkEncoder(List.of(Codecs.bytes("little"), Codecs.gzip(1))), SHARD.shape(), false);
    }

    @Test
    void aUnitOfFillValuesIsDroppedEitherWay() throws Exception {
        PartialEncoder enc = shardEncoder(List.of(Codecs.bytes("little")));
        NdBuffer fill = NdBuffer.allocate(T, INNER);
        assertThat(enc.encodeHandedOverUnit(fill)).isEqualTo(Optional.empty());
        assertThat(enc.encodeUnit(fill)).isEqualTo(Optional.empty());
    }
}
