package dev.ngff.codec.std;

import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.codec.CodecPipeline;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whole-shard decoding ({@link ShardingCodec#decode}) with inner chunks that decode straight into the shard
 * (they span its trailing extents), that go through one reused scratch buffer and a strided copy, and that
 * are not stored (all fill value).
 */
class ShardingCodecDecodeTest {
    private static final ChunkSpec SHARD = new ChunkSpec(new long[] {8, 8, 8}, DataType.UINT16,
            FillValue.ofBytes(new byte[] {7, 0}));

    private static ShardingCodec codec(long... innerShape) throws Exception {
        CodecPipeline inner = CodecPipeline.of(List.of(BytesCodec.littleEndian(),
                new DeflateCodec(DeflateCodec.Wrapper.GZIP, "gzip", 1)), "test");
        assertThat(inner.decodesIntoLayout(DataType.UINT16)).isTrue();
        CodecPipeline index = CodecPipeline.of(List.of(BytesCodec.littleEndian()), "test");
        return new ShardingCodec(innerShape, inner, index, true);
    }

    private static NdBuffer data(long[] fillBox) {
        NdBuffer b = NdBuffer.allocate(DataType.UINT16, 8, 8, 8);
        for (long i = 0; i < b.elementCount(); i++) {
            b.setAsLong(i, (i * 2654435761L >>> 7) % 60000 + 100);
        }
        // the first inner chunk holds only the fill value: it is not stored, and decodes as fill
        NdBuffer.copy(NdBuffer.filled(DataType.UINT16, fillBox, new byte[] {7, 0}), new long[3], b, new long[3], fillBox);
        return b;
    }

    @Test
    void everyInnerChunkLandsInPlace() throws Exception {
        long[][] inners = {{4, 4, 4}, {2, 8, 8}, {1, 1, 8}, {8, 8, 8}, {1, 8, 4}};
        for (long[] innerShape : inners) {
            ShardingCodec c = codec(innerShape);
            NdBuffer want = data(innerShape);
            Bytes encoded = c.encode(want, SHARD);
            NdBuffer got = c.decode(encoded, SHARD);
            assertThat(got.contentEquals(want)).as("inner chunks %s", java.util.Arrays.toString(innerShape)).isTrue();
        }
    }
}
