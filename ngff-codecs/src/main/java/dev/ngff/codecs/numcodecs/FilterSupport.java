package dev.ngff.codecs.numcodecs;

import dev.ngff.buffer.NdBuffer;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;

import java.lang.foreign.MemorySegment;

/** What the numcodecs array-to-array filters share: dtype checks and the spec of what they produce. */
final class FilterSupport {
    private FilterSupport() {
    }

    /**
     * Checks that a filter's {@code dtype} can view the chunk's elements: numcodecs calls
     * {@code .view(dtype)}, so an array of another type of the same size is reinterpreted, as it does.
     */
    static void checkView(String name, DataType dtype, DataType actual) throws UnsupportedExtensionException {
        if (dtype.byteSize() != actual.byteSize()) {
            throw new UnsupportedExtensionException(name + ": its dtype " + NumpyScalars.format(dtype)
                    + " cannot view elements of the array's data type " + actual + " (" + actual.byteSize() + " bytes)");
        }
    }

    /** The spec of the encoded chunk: the same shape in {@code encodedType}; the fill value cast to it. */
    static ChunkSpec retype(ChunkSpec decoded, DataType encodedType) {
        if (decoded.dataType().equals(encodedType)) {
            return decoded;
        }
        return new ChunkSpec(decoded.shape(), encodedType, castFill(decoded.fillValue(), decoded.dataType(), encodedType));
    }

    static FillValue castFill(FillValue fill, DataType from, DataType to) {
        MemorySegment src = MemorySegment.ofArray(fill.bytes());
        MemorySegment dst = MemorySegment.ofArray(new byte[to.byteSize()]);
        NumpyScalars.cast(src, from, dst, to, 0);
        return FillValue.ofBytes(dst.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
    }

    /** Checks that a chunk handed to decode has the element count and type the spec says. */
    static void checkDecodeInput(String name, NdBuffer chunk, DataType expectedType, long expectedCount)
            throws CorruptDataException {
        if (!chunk.dataType().equals(expectedType) || chunk.elementCount() != expectedCount) {
            throw new CorruptDataException(name + ": expected " + expectedCount + " elements of " + expectedType
                    + " to decode, got " + chunk.elementCount() + " of " + chunk.dataType());
        }
    }
}
