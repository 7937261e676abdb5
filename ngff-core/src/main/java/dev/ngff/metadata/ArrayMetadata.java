package dev.ngff.metadata;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One in-memory model of a Zarr array for both formats. Zarr v2 arrays are normalised on read: NumPy
 * byte order becomes the {@code bytes} codec's endian, {@code order: "F"} a {@code transpose} codec,
 * filters and compressor the codecs that follow; {@link #v2()} keeps what is needed to write the
 * {@code .zarray} back faithfully. Immutable and validated at construction.
 *
 * @param zarrFormat       2 or 3
 * @param shape            array extent per dimension
 * @param chunkShape       regular chunk grid (for a sharded array: the shard shape)
 * @param dataType         element type
 * @param fillValue        value of elements in chunks that are not stored
 * @param codecs           the codec chain, array-to-array codecs first, then one array-to-bytes codec,
 *                         then bytes-to-bytes codecs
 * @param chunkKeyEncoding how chunk coordinates become keys
 * @param dimensionNames   per-dimension names (entries may be null), or null when absent
 * @param attributes       user attributes
 * @param v2               v2 specifics, or null for v3 arrays
 * @param extraFields      v3 extension fields with {@code must_understand: false}, kept to be written back
 */
public record ArrayMetadata(
        int zarrFormat,
        long[] shape,
        long[] chunkShape,
        DataType dataType,
        FillValue fillValue,
        List<CodecSpec> codecs,
        ChunkKeyEncoding chunkKeyEncoding,
        List<String> dimensionNames,
        ObjectNode attributes,
        V2Details v2,
        ObjectNode extraFields) implements NodeMetadata {

    /** Largest number of bytes one decoded chunk may have (Java arrays, and a guard against hostile metadata). */
    public static final long MAX_CHUNK_BYTES = Integer.MAX_VALUE - 64;

    public ArrayMetadata {
        if (zarrFormat != 2 && zarrFormat != 3) {
            throw new IllegalArgumentException("zarr_format must be 2 or 3, got " + zarrFormat);
        }
        Objects.requireNonNull(dataType, "dataType");
        Objects.requireNonNull(fillValue, "fillValue");
        Objects.requireNonNull(chunkKeyEncoding, "chunkKeyEncoding");
        shape = shape.clone();
        chunkShape = chunkShape.clone();
        if (shape.length != chunkShape.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " and chunk shape "
                    + Arrays.toString(chunkShape) + " differ in rank");
        }
        long chunkElems = 1;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] < 0) {
                throw new IllegalArgumentException("negative extent in shape " + Arrays.toString(shape));
            }
            if (chunkShape[d] <= 0) {
                throw new IllegalArgumentException("chunk extents must be positive: " + Arrays.toString(chunkShape));
            }
            if (chunkElems > MAX_CHUNK_BYTES / chunkShape[d]) {
                chunkElems = Long.MAX_VALUE / 2; // overflow guard, rejected below
            } else {
                chunkElems *= chunkShape[d];
            }
        }
        if (dataType.isVariableLength()) {
            if (chunkElems > dev.ngff.buffer.NdBuffer.MAX_VARIABLE_LENGTH_ELEMENTS) {
                throw new IllegalArgumentException("chunk shape " + Arrays.toString(chunkShape) + " of " + dataType
                        + " exceeds " + dev.ngff.buffer.NdBuffer.MAX_VARIABLE_LENGTH_ELEMENTS + " elements per chunk");
            }
        } else if (chunkElems > MAX_CHUNK_BYTES / dataType.byteSize()) {
            throw new IllegalArgumentException("chunk shape " + Arrays.toString(chunkShape) + " of " + dataType
                    + " exceeds " + MAX_CHUNK_BYTES + " bytes per chunk");
        }
        if (!dataType.isVariableLength() && fillValue.bytesUnsafe().length != dataType.byteSize()) {
            throw new IllegalArgumentException("fill value of " + fillValue.bytesUnsafe().length + " bytes for " + dataType);
        }
        if (dataType.isOptionalVariableLength()) {
            // the value's bytes then a validity byte: [0] alone is missing, [..., 1] present
            byte[] f = fillValue.bytesUnsafe();
            int flag = f.length == 0 ? -1 : f[f.length - 1];
            if (flag != 1 && !(flag == 0 && f.length == 1)) {
                throw new IllegalArgumentException("fill value of " + dataType + " must be [0] (missing) or the value's bytes"
                        + " then 1 (present), got " + java.util.HexFormat.of().formatHex(f));
            }
        }
        codecs = List.copyOf(codecs);
        if (codecs.isEmpty()) {
            throw new IllegalArgumentException("the codec chain must not be empty (it needs an array-to-bytes codec)");
        }
        if (dimensionNames != null) {
            if (dimensionNames.size() != shape.length) {
                throw new IllegalArgumentException("dimension_names has " + dimensionNames.size()
                        + " entries for an array of rank " + shape.length);
            }
            dimensionNames = java.util.Collections.unmodifiableList(new ArrayList<>(dimensionNames));
        }
        attributes = attributes == null ? Json.object() : attributes.deepCopy();
        extraFields = extraFields == null ? Json.object() : extraFields.deepCopy();
        if (zarrFormat == 2 && v2 == null) {
            throw new IllegalArgumentException("a v2 array needs its V2Details");
        }
        if (zarrFormat == 3 && v2 != null) {
            v2 = null;
        }
    }

    public int rank() {
        return shape.length;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public long[] chunkShape() {
        return chunkShape.clone();
    }

    @Override
    public ObjectNode attributes() {
        return attributes.deepCopy();
    }

    @Override
    public ObjectNode extraFields() {
        return extraFields.deepCopy();
    }

    public Optional<List<String>> dimensionNamesOptional() {
        return Optional.ofNullable(dimensionNames);
    }

    /** Number of chunks along each dimension. */
    public long[] gridShape() {
        long[] g = new long[shape.length];
        for (int d = 0; d < g.length; d++) {
            g[d] = ceilDiv(shape[d], chunkShape[d]);
        }
        return g;
    }

    static long ceilDiv(long a, long b) {
        return a == 0 ? 0 : (a - 1) / b + 1;
    }

    /** A copy with another shape (resize). */
    public ArrayMetadata withShape(long[] newShape) {
        return new ArrayMetadata(zarrFormat, newShape, chunkShape, dataType, fillValue, codecs, chunkKeyEncoding,
                dimensionNames, attributes, v2, extraFields);
    }

    /** A copy with other attributes. */
    public ArrayMetadata withAttributes(ObjectNode newAttributes) {
        return new ArrayMetadata(zarrFormat, shape, chunkShape, dataType, fillValue, codecs, chunkKeyEncoding,
                dimensionNames, newAttributes, v2, extraFields);
    }

    /** A builder for a new array, Zarr v3 by default, chunks equal to the shape, raw little-endian bytes. */
    public static Builder builder(DataType dataType, long... shape) {
        return new Builder(dataType, shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArrayMetadata m && zarrFormat == m.zarrFormat && Arrays.equals(shape, m.shape)
                && Arrays.equals(chunkShape, m.chunkShape) && dataType.equals(m.dataType)
                && fillValue.equals(m.fillValue) && codecs.equals(m.codecs)
                && chunkKeyEncoding.equals(m.chunkKeyEncoding) && Objects.equals(dimensionNames, m.dimensionNames)
                && attributes.equals(m.attributes) && Objects.equals(v2, m.v2) && extraFields.equals(m.extraFields);
    }

    @Override
    public int hashCode() {
        return Objects.hash(zarrFormat, Arrays.hashCode(shape), Arrays.hashCode(chunkShape), dataType, fillValue, codecs);
    }

    @Override
    public String toString() {
        return "ArrayMetadata[v" + zarrFormat + " " + dataType + " shape=" + Arrays.toString(shape) + " chunks="
                + Arrays.toString(chunkShape) + " codecs=" + codecs + "]";
    }

    /** Builds new array metadata. Not thread-safe. */
    public static final class Builder {
        private int zarrFormat = 3;
        private final long[] shape;
        private long[] chunkShape;
        private final DataType dataType;
        private FillValue fillValue;
        private List<CodecSpec> codecs;
        private ChunkKeyEncoding chunkKeyEncoding;
        private List<String> dimensionNames;
        private ObjectNode attributes;
        private char v2Order = 'C';

        private Builder(DataType dataType, long[] shape) {
            this.dataType = dataType;
            this.shape = shape.clone();
            this.chunkShape = shape.clone();
            for (int d = 0; d < chunkShape.length; d++) {
                chunkShape[d] = Math.max(1, chunkShape[d]);
            }
            this.fillValue = FillValue.zero(dataType);
        }

        public Builder zarrFormat(int format) {
            this.zarrFormat = format;
            return this;
        }

        public Builder chunks(long... chunks) {
            this.chunkShape = chunks.clone();
            return this;
        }

        public Builder fillValue(FillValue fill) {
            this.fillValue = fill;
            return this;
        }

        /** The full codec chain; the default is {@code bytes} (little-endian), or vlen-utf8 / vlen-bytes for text / bytes. */
        public Builder codecs(List<CodecSpec> chain) {
            this.codecs = List.copyOf(chain);
            return this;
        }

        public Builder codecs(CodecSpec... chain) {
            return codecs(List.of(chain));
        }

        public Builder chunkKeyEncoding(ChunkKeyEncoding encoding) {
            this.chunkKeyEncoding = encoding;
            return this;
        }

        public Builder dimensionNames(List<String> names) {
            this.dimensionNames = names == null ? null : new ArrayList<>(names);
            return this;
        }

        public Builder attributes(ObjectNode attrs) {
            this.attributes = attrs;
            return this;
        }

        public ArrayMetadata build() {
            List<CodecSpec> chain = codecs != null ? codecs : List.of(Codecs.defaultArrayToBytes(dataType));
            ChunkKeyEncoding enc = chunkKeyEncoding != null ? chunkKeyEncoding
                    : (zarrFormat == 2 ? ChunkKeyEncoding.V2_DOT : ChunkKeyEncoding.DEFAULT_SLASH);
            V2Details v2 = zarrFormat == 2 ? V2Details.derive(dataType, chain, enc, fillValue, v2Order) : null;
            return new ArrayMetadata(zarrFormat, shape, chunkShape, dataType, fillValue, chain, enc,
                    dimensionNames, attributes, v2, null);
        }
    }
}
