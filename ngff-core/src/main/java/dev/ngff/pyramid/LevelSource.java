package dev.ngff.pyramid;

import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.metadata.DataType;

import java.io.IOException;

/**
 * Where level 0 of a pyramid comes from: a stored array, or anything that can produce any box on demand
 * (a synthetic volume, a decoded file). Implementations are thread-safe: the pass reads several boxes at
 * once, each exactly once unless the method needs a halo.
 */
public interface LevelSource {
    /** The level-0 shape. */
    long[] shape();

    DataType dataType();

    /** The box shape reads are best aligned to: an array's chunk (shard) shape, a file's tile. */
    long[] blockShape();

    /** The values of box {@code [offset, offset + shape)}, in a new buffer of that shape. */
    NdBuffer read(long[] offset, long[] shape) throws IOException;

    /** An array as a source (reads go through the array, its cache and its context). */
    static LevelSource of(ZarrArray array) {
        return new LevelSource() {
            @Override
            public long[] shape() {
                return array.shape();
            }

            @Override
            public DataType dataType() {
                return array.dataType();
            }

            @Override
            public long[] blockShape() {
                return array.chunkShape();
            }

            @Override
            public NdBuffer read(long[] offset, long[] shape) throws IOException {
                return array.read(offset, shape);
            }
        };
    }
}
