package dev.ngff.bench;

import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;

import java.util.List;

/**
 * The three storage layouts of the public zarr_benchmarks suite, scaled by a chunk edge: uncompressed
 * chunks, zstd chunks, and shards of {@code chunk^3} holding zstd inner chunks of {@code inner^3}.
 * The suite uses chunk 256 and inner 64 on a 1024^3 uint16 array.
 */
public enum Layout {
    UNCOMPRESSED, ZSTD, SHARDED;

    /** zstd level used by every compressed layout; zarr_benchmarks does not tune it either. */
    public static final int ZSTD_LEVEL = 3;

    /** Zarr v3 metadata for a cube of edge {@code size} with chunks (or shards) of {@code chunk} and inner chunks of {@code inner}. */
    public ArrayMetadata metadata(long size, long chunk, long inner) {
        List<CodecSpec> chain = switch (this) {
            case UNCOMPRESSED -> List.of(Codecs.bytes("little"));
            case ZSTD -> List.of(Codecs.bytes("little"), Codecs.zstd(ZSTD_LEVEL, false));
            case SHARDED -> List.of(Codecs.sharding(new long[] {inner, inner, inner},
                    List.of(Codecs.bytes("little"), Codecs.zstd(ZSTD_LEVEL, false)),
                    Codecs.defaultShardIndexCodecs(), true));
        };
        return ArrayMetadata.builder(DataType.UINT16, size, size, size)
                .chunks(chunk, chunk, chunk)
                .codecs(chain)
                .dimensionNames(List.of("z", "y", "x"))
                .build();
    }

    /** Read-unit edge: the inner chunk for sharded arrays, else the chunk. */
    public long readUnit(long chunk, long inner) {
        return this == SHARDED ? inner : chunk;
    }
}
