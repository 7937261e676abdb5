package dev.ngff.convert.internal;

import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.MetadataFormat;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An array's chunking seen through sharding: for a {@code sharding_indexed} array the chunk grid holds
 * shards and the codec's {@code chunk_shape} the inner chunks.
 *
 * @param chunkShape the (inner) chunk shape
 * @param shardShape the shard shape, or null when the array is not sharded
 * @param chunkCodecs the codec chain of one (inner) chunk: for a sharded array the codecs around the
 *                    sharding codec together with its inner codecs; otherwise the whole chain
 */
public record ArrayLayout(long[] chunkShape, long[] shardShape, List<CodecSpec> chunkCodecs) {
    public static final String SHARDING = "sharding_indexed";

    public ArrayLayout {
        chunkShape = chunkShape.clone();
        shardShape = shardShape == null ? null : shardShape.clone();
        chunkCodecs = List.copyOf(chunkCodecs);
    }

    @Override
    public long[] chunkShape() {
        return chunkShape.clone();
    }

    /** The shard shape, when sharded. */
    public Optional<long[]> shards() {
        return Optional.ofNullable(shardShape).map(long[]::clone);
    }

    /** The layout of an array's metadata. */
    public static ArrayLayout of(ArrayMetadata meta, String where) throws InvalidMetadataException {
        List<CodecSpec> chain = meta.codecs();
        for (int i = 0; i < chain.size(); i++) {
            CodecSpec c = chain.get(i);
            if (!c.name().equals(SHARDING)) {
                continue;
            }
            JsonNode shape = c.get("chunk_shape");
            if (!shape.isArray() || shape.size() != meta.rank()) {
                throw new InvalidMetadataException(where + ": sharding_indexed chunk_shape must be an array of "
                        + meta.rank() + " integers");
            }
            long[] inner = new long[shape.size()];
            for (int d = 0; d < inner.length; d++) {
                inner[d] = shape.get(d).asLong();
            }
            List<CodecSpec> codecs = new ArrayList<>(chain.subList(0, i));
            codecs.addAll(MetadataFormat.parseCodecList(c.get("codecs"), "codecs", where + " sharding_indexed"));
            codecs.addAll(chain.subList(i + 1, chain.size()));
            return new ArrayLayout(inner, meta.chunkShape(), codecs);
        }
        return new ArrayLayout(meta.chunkShape(), null, chain);
    }
}
