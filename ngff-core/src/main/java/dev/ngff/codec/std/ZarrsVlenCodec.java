package dev.ngff.codec.std;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.buffer.Utf8;
import dev.ngff.codec.ArrayToBytesCodec;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.codec.CodecPipeline;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import dev.ngff.metadata.Json;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * zarrs' experimental {@code zarrs.vlen} codec for variable-length data: the elements' offsets and their
 * concatenated bytes are encoded by two independent codec chains. A chunk of {@code n} elements is the
 * {@code n + 1} offsets (an {@code index_data_type} array, uint32 or uint64, through {@code index_codecs}) and
 * the bytes (a uint8 array of the last offset's length through {@code data_codecs}; nothing when that is 0),
 * laid out as {@code [u64le index length][index][data]} for {@code index_location: "start"} (the default) or
 * {@code [data][index][u64le index length]} for {@code "end"}. Layout as in zarrs' {@code vlen_codec.rs}.
 *
 * <p>Decoding checks the index length against the chunk, the offsets for order and against
 * {@link ArrayMetadata#MAX_CHUNK_BYTES} before the data chain runs, and text for UTF-8; any fault is a
 * {@link CorruptDataException} naming the byte or element. Immutable and thread-safe.
 */
public final class ZarrsVlenCodec implements ArrayToBytesCodec {
    public static final String NAME = "zarrs.vlen";
    private static final ValueLayout.OfLong U64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Where the encoded index sits. */
    public enum IndexLocation { START, END }

    private final CodecPipeline indexCodecs;
    private final CodecPipeline dataCodecs;
    private final DataType indexType;
    private final IndexLocation location;

    /** {@code indexType} must be {@link DataType#UINT32} or {@link DataType#UINT64}. */
    public ZarrsVlenCodec(CodecPipeline indexCodecs, CodecPipeline dataCodecs, DataType indexType, IndexLocation location) {
        if (!indexType.equals(DataType.UINT32) && !indexType.equals(DataType.UINT64)) {
            throw new IllegalArgumentException("index_data_type must be uint32 or uint64, got " + indexType);
        }
        this.indexCodecs = java.util.Objects.requireNonNull(indexCodecs, "indexCodecs");
        this.dataCodecs = java.util.Objects.requireNonNull(dataCodecs, "dataCodecs");
        this.indexType = indexType;
        this.location = java.util.Objects.requireNonNull(location, "location");
    }

    @Override
    public CodecSpec spec() {
        ObjectNode c = Json.object();
        ArrayNode ic = c.putArray("index_codecs");
        indexCodecs.specs().forEach(s -> ic.add(s.toJson()));
        ArrayNode dc = c.putArray("data_codecs");
        dataCodecs.specs().forEach(s -> dc.add(s.toJson()));
        c.put("index_data_type", indexType.name());
        c.put("index_location", location == IndexLocation.START ? "start" : "end");
        return new CodecSpec(NAME, c);
    }

    @Override
    public void checkDataType(DataType type, String where) throws InvalidMetadataException {
        if (type.isOptionalVariableLength()) {
            throw new InvalidMetadataException(where + ": codec '" + NAME + "' cannot store missing elements of '" + type
                    + "': use the zarrs.optional codec, with this codec in its data_codecs");
        }
        if (!type.isVariableLength()) {
            throw new InvalidMetadataException(where + ": codec '" + NAME + "' encodes variable-length data, not the"
                    + " fixed-size data type '" + type + "'");
        }
        indexCodecs.checkDataType(indexType, where + " (" + NAME + " index_codecs)");
        dataCodecs.checkDataType(DataType.UINT8, where + " (" + NAME + " data_codecs)");
    }

    private ChunkSpec indexSpec(long elements) {
        return new ChunkSpec(new long[] {elements + 1}, indexType, FillValue.zero(indexType));
    }

    private static ChunkSpec dataSpec(long length) {
        return new ChunkSpec(new long[] {length}, DataType.UINT8, FillValue.zero(DataType.UINT8));
    }

    @Override
    public Bytes encode(NdBuffer chunk, ChunkSpec spec) throws IOException {
        if (!chunk.isVariableLength()) {
            throw new IllegalArgumentException("codec '" + NAME + "' takes variable-length data, not " + chunk.dataType());
        }
        int n = Math.toIntExact(chunk.elementCount());
        NdBuffer offsets = NdBuffer.allocate(indexType, n + 1L);
        long total = 0;
        for (int i = 0; i < n; i++) {
            byte[] e0 = chunk.elementBytesUnsafe(i);
            if (e0 == null) {
                throw new IllegalArgumentException("codec '" + NAME + "': element " + i + " of the chunk is missing (null);"
                        + " only the zarrs.optional codec stores missing elements");
            }
            total += e0.length;
            if (total > ArrayMetadata.MAX_CHUNK_BYTES) {
                throw new IllegalArgumentException("codec '" + NAME + "': the elements of a chunk of " + n
                        + " elements hold more than one chunk may (" + ArrayMetadata.MAX_CHUNK_BYTES + " bytes)");
            }
            putOffset(offsets, i + 1, total);
        }
        byte[] data = new byte[(int) total];
        int at = 0;
        for (int i = 0; i < n; i++) {
            byte[] e = chunk.elementBytesUnsafe(i);
            System.arraycopy(e, 0, data, at, e.length);
            at += e.length;
        }
        Bytes index = indexCodecs.encode(offsets, indexSpec(n));
        Bytes body = total == 0 ? Bytes.EMPTY
                : dataCodecs.encode(NdBuffer.wrap(DataType.UINT8, new long[] {total}, MemorySegment.ofArray(data)), dataSpec(total));
        byte[] len = new byte[8];
        MemorySegment.ofArray(len).set(U64_LE, 0, index.size());
        return location == IndexLocation.START ? Bytes.concat(Bytes.wrap(len), index, body) : Bytes.concat(body, index, Bytes.wrap(len));
    }

    private void putOffset(NdBuffer offsets, long i, long value) {
        if (indexType.equals(DataType.UINT32)) {
            offsets.segment().set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i * 4, (int) value);
        } else {
            offsets.segment().set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i * 8, value);
        }
    }

    private long getOffset(NdBuffer offsets, long i) {
        return indexType.equals(DataType.UINT32)
                ? Integer.toUnsignedLong(offsets.segment().get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i * 4))
                : offsets.segment().get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i * 8);
    }

    @Override
    public NdBuffer decode(Bytes encoded, ChunkSpec spec) throws IOException {
        if (!spec.dataType().isVariableLength()) {
            throw new IllegalArgumentException("codec '" + NAME + "' takes variable-length data, not " + spec.dataType());
        }
        long size = encoded.size();
        if (size < 8) {
            throw new CorruptDataException("codec '" + NAME + "': " + size + " bytes cannot hold the 8-byte index length");
        }
        MemorySegment in = encoded.segment();
        long indexLength = in.get(U64_LE, location == IndexLocation.START ? 0 : size - 8);
        if (indexLength < 0 || indexLength > size - 8) {
            throw new CorruptDataException("codec '" + NAME + "': the index length " + Long.toUnsignedString(indexLength) + " at byte "
                    + (location == IndexLocation.START ? 0 : size - 8) + " exceeds the " + (size - 8) + " bytes of the chunk that remain");
        }
        Bytes index;
        Bytes body;
        if (location == IndexLocation.START) {
            index = encoded.slice(8, indexLength);
            body = encoded.slice(8 + indexLength);
        } else {
            body = encoded.slice(0, size - 8 - indexLength);
            index = encoded.slice(size - 8 - indexLength, indexLength);
        }
        long n = spec.elementCount();
        if (n + 1 > NdBuffer.MAX_VARIABLE_LENGTH_ELEMENTS) {
            throw new CorruptDataException("codec '" + NAME + "': a chunk of " + n + " variable-length elements is too large");
        }
        NdBuffer offsets = indexCodecs.decode(index, indexSpec(n));
        long previous = getOffset(offsets, 0);
        if (previous != 0) {
            throw new CorruptDataException("codec '" + NAME + "': the first offset is " + Long.toUnsignedString(previous) + ", not 0");
        }
        for (long i = 1; i <= n; i++) {
            long o = getOffset(offsets, i);
            if (Long.compareUnsigned(o, previous) < 0 || Long.compareUnsigned(o, ArrayMetadata.MAX_CHUNK_BYTES) > 0) {
                throw new CorruptDataException("codec '" + NAME + "': offset " + i + " (" + Long.toUnsignedString(o)
                        + ") is below offset " + (i - 1) + " (" + previous + ") or beyond the largest chunk");
            }
            previous = o;
        }
        long dataLength = previous;
        MemorySegment data;
        if (dataLength == 0) {
            if (body.size() != 0) {
                throw new CorruptDataException("codec '" + NAME + "': the offsets say no data, yet " + body.size() + " bytes follow");
            }
            data = MemorySegment.ofArray(new byte[0]);
        } else {
            data = dataCodecs.decode(body, dataSpec(dataLength)).segment();
            if (data.byteSize() != dataLength) {
                throw new CorruptDataException("codec '" + NAME + "': data decodes to " + data.byteSize() + " bytes, the offsets say " + dataLength);
            }
        }
        boolean text = spec.dataType().kind() == DataType.Kind.STRING;
        byte[][] elements = new byte[(int) n][];
        for (int i = 0; i < n; i++) {
            long from = getOffset(offsets, i);
            int len = (int) (getOffset(offsets, i + 1L) - from);
            byte[] e = new byte[len];
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, from, e, 0, len);
            if (text) {
                int bad = Utf8.firstInvalid(e, 0, len);
                if (bad >= 0) {
                    throw new CorruptDataException("codec '" + NAME + "': element " + i + " is not valid UTF-8 (byte " + (from + bad)
                            + " of the decoded data)");
                }
            }
            elements[i] = e;
        }
        return NdBuffer.wrapElements(spec.dataType(), spec.shape(), elements);
    }

    /** Unknown before the elements are seen. */
    @Override
    public long encodedSizeBound(ChunkSpec spec) {
        return -1;
    }

    @Override
    public String toString() {
        return spec().toString();
    }
}
