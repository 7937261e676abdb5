package dev.ngff.codec.std;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.buffer.Buffers;
import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.codec.ArrayToBytesCodec;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.codec.CodecPipeline;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import dev.ngff.metadata.Json;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * zarrs' {@code zarrs.optional} array-to-bytes codec (also read as {@code optional}) for
 * {@link DataType.OptionalOf} arrays. An encoded chunk is
 * {@code [mask length: u64 LE][data length: u64 LE][mask][data]}: the mask is the chunk's validity as a
 * {@code bool} array of the chunk's shape through {@code mask_codecs} (zarrs writes {@code packbits}); the data
 * is the present values only, in C order, as a one-dimensional array of the inner type through
 * {@code data_codecs} (a nested optional type nests the layout there), or nothing at all when no element is
 * present. Over a variable-length inner type the chunk is the byte[] form with null for missing elements,
 * and the data is the present elements through {@code data_codecs} (a vlen codec). Immutable and thread-safe when its
 * two pipelines are.
 */
public final class OptionalCodec implements ArrayToBytesCodec {
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int HEADER = 16;

    private final String name;
    private final CodecPipeline mask;
    private final CodecPipeline data;

    /** {@code name} is the spelling to write back ({@code zarrs.optional} or {@code optional}). */
    public OptionalCodec(String name, CodecPipeline mask, CodecPipeline data) {
        if (!name.equals("zarrs.optional") && !name.equals("optional")) {
            throw new IllegalArgumentException("not an optional codec name: " + name);
        }
        this.name = name;
        this.mask = java.util.Objects.requireNonNull(mask, "mask");
        this.data = java.util.Objects.requireNonNull(data, "data");
    }

    @Override
    public CodecSpec spec() {
        ObjectNode c = Json.object();
        ArrayNode m = c.putArray("mask_codecs");
        mask.specs().forEach(s -> m.add(s.toJson()));
        ArrayNode d = c.putArray("data_codecs");
        data.specs().forEach(s -> d.add(s.toJson()));
        return new CodecSpec(name, c);
    }

    @Override
    public void checkDataType(DataType type, String where) throws InvalidMetadataException {
        if (type.optionalInner() == null) {
            throw new InvalidMetadataException(where + ": codec '" + name + "' needs a zarrs.optional data type, not '" + type + "'");
        }
        mask.checkDataType(DataType.BOOL, where + " (" + name + " mask_codecs)");
        data.checkDataType(type.optionalInner(), where + " (" + name + " data_codecs)");
    }

    @Override
    public Bytes encode(NdBuffer chunk, ChunkSpec spec) throws IOException {
        if (chunk.dataType().isOptionalVariableLength()) {
            return encodeVariable(chunk);
        }
        DataType inner = chunk.dataType().optionalInner();
        int size = chunk.dataType().byteSize();
        int innerSize = inner.byteSize();
        long n = chunk.elementCount();
        MemorySegment src = chunk.segment();
        NdBuffer valid = NdBuffer.allocate(DataType.BOOL, chunk.shape());
        long present = 0;
        for (long i = 0; i < n; i++) {
            if (src.get(ValueLayout.JAVA_BYTE, i * size + innerSize) != 0) {
                valid.segment().set(ValueLayout.JAVA_BYTE, i, (byte) 1);
                present++;
            }
        }
        NdBuffer values = NdBuffer.allocate(inner, present);
        long k = 0;
        for (long i = 0; i < n; i++) {
            if (valid.segment().get(ValueLayout.JAVA_BYTE, i) != 0) {
                MemorySegment.copy(src, i * size, values.segment(), k++ * innerSize, innerSize);
            }
        }
        return assemble(valid, values, present, inner);
    }

    private Bytes encodeVariable(NdBuffer chunk) throws IOException {
        DataType inner = chunk.dataType().optionalInner();
        int n = Math.toIntExact(chunk.elementCount());
        NdBuffer valid = NdBuffer.allocate(DataType.BOOL, chunk.shape());
        int present = 0;
        for (int i = 0; i < n; i++) {
            if (chunk.elementBytesUnsafe(i) != null) {
                valid.segment().set(ValueLayout.JAVA_BYTE, i, (byte) 1);
                present++;
            }
        }
        byte[][] kept = new byte[present][];
        int k = 0;
        for (int i = 0; i < n; i++) {
            byte[] e = chunk.elementBytesUnsafe(i);
            if (e != null) {
                kept[k++] = e; // shared, never mutated
            }
        }
        return assemble(valid, NdBuffer.wrapElements(inner, new long[] {present}, kept), present, inner);
    }

    private Bytes assemble(NdBuffer valid, NdBuffer values, long present, DataType inner) throws IOException {
        Bytes m = mask.encode(valid, new ChunkSpec(valid.shape(), DataType.BOOL, FillValue.zero(DataType.BOOL)));
        // no present values: zarrs stores no data bytes at all (not even a nested optional's header)
        Bytes d = present == 0 ? Bytes.EMPTY : data.encode(values, new ChunkSpec(new long[] {present}, inner, FillValue.zero(inner)));
        MemorySegment head = Buffers.allocate(HEADER);
        head.set(U64, 0, m.size());
        head.set(U64, 8, d.size());
        return Bytes.concat(Bytes.wrap(head), m, d);
    }

    @Override
    public NdBuffer decode(Bytes encoded, ChunkSpec spec) throws IOException {
        DataType type = spec.dataType();
        DataType inner = type.optionalInner();
        if (encoded.size() < HEADER) {
            throw new CorruptDataException(name + ": " + encoded.size() + " bytes, shorter than the 16-byte header");
        }
        long maskLen = encoded.segment().get(U64, 0);
        long dataLen = encoded.segment().get(U64, 8);
        if (maskLen < 0 || dataLen < 0 || maskLen > encoded.size() - HEADER || dataLen != encoded.size() - HEADER - maskLen) {
            throw new CorruptDataException(name + ": header says a mask of " + Long.toUnsignedString(maskLen) + " bytes and data of "
                    + Long.toUnsignedString(dataLen) + " bytes, but " + (encoded.size() - HEADER) + " bytes follow it");
        }
        NdBuffer valid = mask.decode(encoded.slice(HEADER, maskLen), new ChunkSpec(spec.shape(), DataType.BOOL, FillValue.zero(DataType.BOOL)));
        long n = spec.elementCount();
        long present = 0;
        for (long i = 0; i < n; i++) {
            if (valid.segment().get(ValueLayout.JAVA_BYTE, i) != 0) {
                present++;
            }
        }
        if (present == 0) {
            if (dataLen != 0) {
                throw new CorruptDataException(name + ": the mask marks every element missing, but " + dataLen + " data bytes follow");
            }
            return NdBuffer.allocate(type, spec.shape()); // all zero (or all null): every element missing
        }
        NdBuffer values = data.decode(encoded.slice(HEADER + maskLen, dataLen), new ChunkSpec(new long[] {present}, inner, FillValue.zero(inner)));
        if (values.elementCount() != present) {
            throw new CorruptDataException(name + ": the mask marks " + present + " elements present, the data holds " + values.elementCount());
        }
        if (type.isOptionalVariableLength()) {
            byte[][] out = new byte[Math.toIntExact(n)][];
            int k = 0;
            for (int i = 0; i < out.length; i++) {
                if (valid.segment().get(ValueLayout.JAVA_BYTE, i) != 0) {
                    out[i] = values.elementBytesUnsafe(k++); // the decoder's own array, validated by it
                }
            }
            return NdBuffer.wrapElements(type, spec.shape(), out);
        }
        int size = type.byteSize();
        int innerSize = inner.byteSize();
        NdBuffer out = NdBuffer.allocate(type, spec.shape());
        MemorySegment dst = out.segment();
        long k = 0;
        for (long i = 0; i < n; i++) {
            if (valid.segment().get(ValueLayout.JAVA_BYTE, i) != 0) {
                MemorySegment.copy(values.segment(), k++ * innerSize, dst, i * size, innerSize);
                dst.set(ValueLayout.JAVA_BYTE, i * size + innerSize, (byte) 1);
            }
        }
        return out;
    }
}
