package dev.ngff.codec.std;

import dev.ngff.codec.ArrayToBytesCodec;
import dev.ngff.codec.ArrayToBytesCodecContract;
import dev.ngff.codec.CodecPipeline;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.metadata.Codecs;

import java.util.List;

/**
 * {@code sharding_indexed} (inner chunks of 1x2x3 through {@code bytes} and {@code gzip}, the index at the
 * end with {@code crc32c}) under the array-to-bytes contract, the calls with codec options included:
 * shards of rank 3 whose extents are multiples of the inner chunk's.
 */
class ShardingCodecContractTest extends ArrayToBytesCodecContract {
    private static final long[] INNER = {1, 2, 3};

    @Override
    protected ArrayToBytesCodec codec() throws Exception {
        return CodecPipeline.build(List.of(Codecs.sharding(INNER, List.of(Codecs.bytes("little"), Codecs.gzip(1)),
                Codecs.defaultShardIndexCodecs(), true)), CodecRegistry.standard(), "test").arrayToBytes();
    }

    @Override
    protected boolean supportsShape(long[] shape) {
        if (shape.length != INNER.length) {
            return false;
        }
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] % INNER[d] != 0) {
                return false;
            }
        }
        return true;
    }
}
