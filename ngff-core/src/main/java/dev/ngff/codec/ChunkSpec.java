package dev.ngff.codec;

import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;

import java.util.Arrays;

/**
 * What a codec is told about the chunk it encodes or decodes: its shape, data type and fill value.
 * Passed on every call, so codec instances stay independent of any one array.
 */
public record ChunkSpec(long[] shape, DataType dataType, FillValue fillValue) {
    public ChunkSpec {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long elementCount() {
        long n = 1;
        for (long s : shape) {
            n = Math.multiplyExact(n, s);
        }
        return n;
    }

    /** Decoded size in bytes; refused for variable-length types, whose size only their elements know. */
    public long byteSize() {
        if (dataType.isVariableLength()) {
            throw new UnsupportedOperationException("a chunk of the variable-length type " + dataType + " has no fixed byte size");
        }
        return Math.multiplyExact(elementCount(), (long) dataType.byteSize());
    }

    public ChunkSpec withShape(long[] newShape) {
        return new ChunkSpec(newShape, dataType, fillValue);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChunkSpec c && Arrays.equals(shape, c.shape) && dataType.equals(c.dataType)
                && fillValue.equals(c.fillValue);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(shape) * 31 + dataType.hashCode();
    }

    @Override
    public String toString() {
        return "ChunkSpec[" + dataType + " " + Arrays.toString(shape) + "]";
    }
}
