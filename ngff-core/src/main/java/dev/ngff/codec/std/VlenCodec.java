package dev.ngff.codec.std;

import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.buffer.Utf8;
import dev.ngff.codec.ArrayToBytesCodec;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.DataType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Set;

/**
 * numcodecs' variable-length layout, as zarr-python writes it for {@code vlen-utf8} and {@code vlen-bytes}
 * (v3 array-to-bytes codecs, and v2 filters of {@code |O} arrays) and zarrs for {@code zarrs.vlen_v2} and {@code vlen-array} (numcodecs' VLenArray name, which zarrs writes
 * byte for byte like vlen-bytes): a
 * u32 little-endian element count, then for each element in C order a u32 little-endian byte length and
 * the bytes. The two names differ only in what they promise about the bytes; both serve text and bytes
 * arrays alike (zarrs writes either onto either type), and a text array's elements must be valid UTF-8.
 *
 * <p>Decoding checks the count against the chunk and every length against the bytes that remain before
 * it allocates, so a hostile header costs nothing; any mismatch is a {@link CorruptDataException} naming
 * the element and the byte offset. Immutable and thread-safe.
 */
public final class VlenCodec implements ArrayToBytesCodec {
    /** The names this layout is written under. */
    public static final Set<String> NAMES = Set.of("vlen-utf8", "vlen-bytes", "zarrs.vlen_v2", "vlen-array");
    private static final ValueLayout.OfInt U32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final String name;

    public VlenCodec(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("not a variable-length codec name: '" + name + "' (one of " + NAMES + ")");
        }
        this.name = name;
    }

    public static VlenCodec utf8() {
        return new VlenCodec("vlen-utf8");
    }

    public static VlenCodec bytes() {
        return new VlenCodec("vlen-bytes");
    }

    @Override
    public CodecSpec spec() {
        return CodecSpec.of(name);
    }

    /** Only variable-length types: a fixed-size array has no lengths to write. */
    @Override
    public void checkDataType(DataType type, String where) throws InvalidMetadataException {
        if (type.isOptionalVariableLength()) {
            throw new InvalidMetadataException(where + ": codec '" + name + "' cannot store missing elements of '" + type
                    + "': use the zarrs.optional codec, with this codec in its data_codecs");
        }
        if (!type.isVariableLength()) {
            throw new InvalidMetadataException(where + ": codec '" + name + "' encodes variable-length strings or bytes,"
                    + " not the fixed-size data type '" + type + "' (use the 'bytes' codec)");
        }
    }

    @Override
    public Bytes encode(NdBuffer chunk, ChunkSpec spec) {
        requireVariable(chunk.dataType());
        int n = Math.toIntExact(chunk.elementCount());
        long size = 4L + 4L * n;
        for (int i = 0; i < n; i++) {
            byte[] e0 = chunk.elementBytesUnsafe(i);
            if (e0 == null) {
                throw new IllegalArgumentException("codec '" + name + "': element " + i + " of the chunk is missing (null);"
                        + " only the zarrs.optional codec stores missing elements");
            }
            size += e0.length;
        }
        if (size > dev.ngff.metadata.ArrayMetadata.MAX_CHUNK_BYTES) {
            throw new IllegalArgumentException("codec '" + name + "': a chunk of " + n + " elements encodes to " + size
                    + " bytes, more than one chunk may hold (" + dev.ngff.metadata.ArrayMetadata.MAX_CHUNK_BYTES + ")");
        }
        byte[] out = new byte[(int) size];
        MemorySegment seg = MemorySegment.ofArray(out);
        seg.set(U32_LE, 0, n);
        int at = 4;
        for (int i = 0; i < n; i++) {
            byte[] e = chunk.elementBytesUnsafe(i);
            seg.set(U32_LE, at, e.length);
            System.arraycopy(e, 0, out, at + 4, e.length);
            at += 4 + e.length;
        }
        return Bytes.wrap(seg);
    }

    @Override
    public NdBuffer decode(Bytes encoded, ChunkSpec spec) throws CorruptDataException {
        requireVariable(spec.dataType());
        long expected = spec.elementCount();
        long total = encoded.size();
        if (total < 4) {
            throw new CorruptDataException("codec '" + name + "': " + total + " bytes cannot hold the 4-byte element count");
        }
        MemorySegment in = encoded.segment();
        long count = Integer.toUnsignedLong(in.get(U32_LE, 0));
        if (count != expected) {
            throw new CorruptDataException("codec '" + name + "': header at byte 0 says " + count
                    + " elements, the chunk " + java.util.Arrays.toString(spec.shape()) + " has " + expected);
        }
        // every element needs at least its 4-byte length: refuse counts the bytes cannot back before allocating
        if ((total - 4) / 4 < count) {
            throw new CorruptDataException("codec '" + name + "': " + count + " elements need at least " + (4 + 4 * count)
                    + " bytes, the chunk has " + total);
        }
        boolean text = spec.dataType().kind() == DataType.Kind.STRING;
        byte[][] elements = new byte[(int) count][];
        long at = 4;
        for (int i = 0; i < count; i++) {
            if (total - at < 4) {
                throw new CorruptDataException("codec '" + name + "': element " + i + " has no length at byte " + at
                        + " (the chunk ends at " + total + ")");
            }
            long len = Integer.toUnsignedLong(in.get(U32_LE, at));
            if (len > total - at - 4) {
                throw new CorruptDataException("codec '" + name + "': element " + i + " at byte " + at + " claims " + len
                        + " bytes, only " + (total - at - 4) + " remain");
            }
            byte[] e = new byte[(int) len];
            MemorySegment.copy(in, ValueLayout.JAVA_BYTE, at + 4, e, 0, (int) len);
            if (text) {
                int bad = Utf8.firstInvalid(e, 0, e.length);
                if (bad >= 0) {
                    throw new CorruptDataException("codec '" + name + "': element " + i + " is not valid UTF-8 (byte "
                            + (at + 4 + bad) + " of the chunk)");
                }
            }
            elements[i] = e;
            at += 4 + len;
        }
        if (at != total) {
            throw new CorruptDataException("codec '" + name + "': " + (total - at) + " bytes follow the last element at byte " + at);
        }
        return NdBuffer.wrapElements(spec.dataType(), spec.shape(), elements);
    }

    private void requireVariable(DataType type) {
        if (!type.isVariableLength()) {
            throw new IllegalArgumentException("codec '" + name + "' takes variable-length data, not " + type);
        }
    }

    /** Unknown before the elements are seen. */
    @Override
    public long encodedSizeBound(ChunkSpec spec) {
        return -1;
    }

    @Override
    public String toString() {
        return "VlenCodec[" + name + "]";
    }
}
