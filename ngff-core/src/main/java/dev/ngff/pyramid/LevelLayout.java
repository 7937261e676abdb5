package dev.ngff.pyramid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Json;

import java.util.ArrayList;
import java.util.List;

/**
 * The metadata of a lower level from the level-0 metadata: same data type, fill value, codecs, key
 * encoding and names; chunks (and, for {@code sharding_indexed}, shards and inner chunks) clipped to the
 * smaller shape, so a small level is one chunk rather than one mostly-empty chunk of level 0's size.
 */
public final class LevelLayout {
    private static final String SHARDING = "sharding_indexed";

    private LevelLayout() {
    }

    /**
     * Level metadata of shape {@code shape} following {@code template}: chunks, shards and inner chunks
     * clipped to the level's extents. An extent of 0 (an axis that appends will grow, as in an
     * acquisition) clips nothing.
     */
    public static ArrayMetadata of(ArrayMetadata template, long[] shape) {
        int rank = template.rank();
        if (shape.length != rank) {
            throw new IllegalArgumentException("level shape of rank " + shape.length + " for an array of rank " + rank);
        }
        long[] outer = template.chunkShape();
        List<CodecSpec> codecs = new ArrayList<>(template.codecs());
        int shardAt = -1;
        for (int i = 0; i < codecs.size(); i++) {
            if (codecs.get(i).name().equals(SHARDING)) {
                shardAt = i;
            }
        }
        long[] chunks = new long[rank];
        if (shardAt >= 0) {
            CodecSpec sharding = codecs.get(shardAt);
            JsonNode innerNode = sharding.get("chunk_shape");
            long[] inner = new long[rank];
            ArrayNode clipped = Json.nodes().arrayNode();
            for (int d = 0; d < rank; d++) {
                long extent = shape[d] == 0 ? Long.MAX_VALUE / 2 : shape[d];
                inner[d] = Math.max(1, Math.min(innerNode.get(d).asLong(), extent));
                clipped.add(inner[d]);
                long roundedUp = (extent + inner[d] - 1) / inner[d] * inner[d];
                chunks[d] = Math.max(inner[d], Math.min(outer[d], roundedUp));
            }
            ObjectNode config = sharding.configuration().deepCopy();
            config.set("chunk_shape", clipped);
            codecs.set(shardAt, new CodecSpec(SHARDING, config));
        } else {
            for (int d = 0; d < rank; d++) {
                chunks[d] = shape[d] == 0 ? outer[d] : Math.max(1, Math.min(outer[d], shape[d]));
            }
        }
        return new ArrayMetadata(template.zarrFormat(), shape, chunks, template.dataType(), template.fillValue(), codecs,
                template.chunkKeyEncoding(), template.dimensionNames(), template.attributes(), template.v2(),
                template.extraFields());
    }

    /** The (inner) chunk shape of an array: the sharding codec's chunk shape, else the chunk grid's. */
    public static long[] innerChunks(ArrayMetadata meta) {
        for (CodecSpec c : meta.codecs()) {
            if (c.name().equals(SHARDING) && c.get("chunk_shape") != null && c.get("chunk_shape").size() == meta.rank()) {
                long[] inner = new long[meta.rank()];
                for (int d = 0; d < inner.length; d++) {
                    inner[d] = c.get("chunk_shape").get(d).asLong();
                }
                return inner;
            }
        }
        return meta.chunkShape();
    }
}
