package dev.ngff.codec.std;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.codec.ArrayToBytesCodec;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.Json;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The zarr-extensions {@code packbits} array-to-bytes codec (not numcodecs' bool-only filter): every
 * component of every element (two for complex types, else one) contributes its bits {@code first_bit..last_bit}
 * (counted from the least significant bit of its little-endian value), appended in C order to one bit
 * sequence whose bit {@code j} is bit {@code j % 8} of byte {@code j / 8}; the last byte is padded with zero
 * bits. The number of padding bits may be written as an extra byte before ({@code first_byte}) or after
 * ({@code last_byte}) the packed bytes. Decoding shifts the bits back to {@code first_bit} and sign-extends
 * signed integers from {@code last_bit}.
 *
 * <p>A component is {@code bool}: 1 bit; an integer named {@code intK}/{@code uintK}: K bits (so int2 and
 * uint4 held one per byte pack as 2 and 4 bits); other integer, float and complex types: their whole
 * little-endian width. Variable-length and raw types are refused when the array opens. The configuration
 * members are read under both spellings in circulation ({@code first_byte}/{@code start_byte},
 * {@code first_bit}/{@code start_bit}, ...) and written back as read. Immutable and thread-safe.
 */
public final class ZarrPackBitsCodec implements ArrayToBytesCodec {
    public static final String NAME = "packbits";
    private static final Pattern INT_NAME = Pattern.compile("u?int(\\d+)");

    /** Where the count of padding bits goes; {@code spelling} is the configuration value it was read from. */
    public record Padding(Kind kind, String spelling) {
        public enum Kind { NONE, FIRST_BYTE, LAST_BYTE }

        public Padding {
            java.util.Objects.requireNonNull(kind, "kind");
            java.util.Objects.requireNonNull(spelling, "spelling");
        }

        public static Padding parse(String value) {
            return switch (value) {
                case "none" -> new Padding(Kind.NONE, value);
                case "first_byte", "start_byte" -> new Padding(Kind.FIRST_BYTE, value);
                case "last_byte", "end_byte" -> new Padding(Kind.LAST_BYTE, value);
                default -> throw new IllegalArgumentException("padding_encoding must be \"none\", \"first_byte\" or \"last_byte\""
                        + " (or \"start_byte\"/\"end_byte\"), got \"" + value + "\"");
            };
        }
    }

    private final Padding padding;
    private final Integer firstBit;
    private final Integer lastBit;
    private final String firstBitName;
    private final String lastBitName;

    /**
     * {@code firstBit}/{@code lastBit} may be null (0 and the component width); {@code firstBitName} and
     * {@code lastBitName} are the member names to write them under.
     */
    public ZarrPackBitsCodec(Padding padding, Integer firstBit, Integer lastBit, String firstBitName, String lastBitName) {
        this.padding = java.util.Objects.requireNonNull(padding, "padding");
        if (firstBit != null && firstBit < 0 || lastBit != null && lastBit < 0) {
            throw new IllegalArgumentException("first_bit and last_bit must not be negative, got " + firstBit + ", " + lastBit);
        }
        if (firstBit != null && lastBit != null && lastBit < firstBit) {
            throw new IllegalArgumentException("last_bit " + lastBit + " is below first_bit " + firstBit);
        }
        this.firstBit = firstBit;
        this.lastBit = lastBit;
        this.firstBitName = firstBitName;
        this.lastBitName = lastBitName;
    }

    /** Every bit of every element, no padding byte. */
    public ZarrPackBitsCodec() {
        this(new Padding(Padding.Kind.NONE, "none"), null, null, "first_bit", "last_bit");
    }

    @Override
    public CodecSpec spec() {
        ObjectNode c = Json.object();
        if (padding.kind() != Padding.Kind.NONE) {
            c.put("padding_encoding", padding.spelling());
        }
        if (firstBit != null) {
            c.put(firstBitName, firstBit);
        }
        if (lastBit != null) {
            c.put(lastBitName, lastBit);
        }
        return new CodecSpec(NAME, c);
    }

    /** Bits of one component of {@code t}, or -1 where packbits does not apply. */
    static int componentBits(DataType t) {
        return switch (t.kind()) {
            case BOOL -> 1;
            case INT, UINT -> {
                Matcher m = t.temporal() == null ? INT_NAME.matcher(t.name()) : null;
                yield m != null && m.matches() ? Integer.parseInt(m.group(1)) : t.byteSize() * 8;
            }
            case FLOAT -> t.byteSize() * 8;
            case COMPLEX -> t.byteSize() * 4;
            default -> -1;
        };
    }

    private static int components(DataType t) {
        return t.kind() == DataType.Kind.COMPLEX ? 2 : 1;
    }

    @Override
    public void checkDataType(DataType type, String where) throws InvalidMetadataException {
        int n = componentBits(type);
        if (n < 0 || n > 64) {
            throw new InvalidMetadataException(where + ": codec 'packbits' packs bool, integer, float and complex types, not '" + type + "'");
        }
        if (firstBit != null && firstBit >= n || lastBit != null && lastBit >= n) {
            throw new InvalidMetadataException(where + ": packbits bits " + first(n) + ".." + last(n) + " do not fit the " + n
                    + "-bit components of '" + type + "'");
        }
    }

    private int first(int n) {
        return firstBit == null ? 0 : firstBit;
    }

    private int last(int n) {
        return lastBit == null ? n - 1 : lastBit;
    }

    private long packedBits(ChunkSpec spec) {
        DataType t = spec.dataType();
        int n = componentBits(t);
        int b = last(n) - first(n) + 1;
        return Math.multiplyExact(spec.elementCount(), (long) b * components(t));
    }

    @Override
    public long encodedSizeBound(ChunkSpec spec) {
        return (packedBits(spec) + 7) / 8 + (padding.kind() == Padding.Kind.NONE ? 0 : 1);
    }

    private void requireUsable(DataType t) {
        int n = componentBits(t);
        if (n < 0 || n > 64 || last(n) >= n) {
            throw new IllegalArgumentException("codec 'packbits' cannot pack " + t + " with bits " + first(Math.max(n, 1)) + ".." + lastBit);
        }
    }

    @Override
    public Bytes encode(NdBuffer chunk, ChunkSpec spec) {
        DataType t = chunk.dataType();
        requireUsable(t);
        int n = componentBits(t);
        int lo = first(n);
        int b = last(n) - lo + 1;
        long bits = packedBits(spec.withShape(chunk.shape()));
        int pad = (int) ((8 - bits % 8) % 8);
        long packed = (bits + 7) / 8;
        int head = padding.kind() == Padding.Kind.FIRST_BYTE ? 1 : 0;
        long size = encodedSizeBound(spec.withShape(chunk.shape()));
        if (size > dev.ngff.metadata.ArrayMetadata.MAX_CHUNK_BYTES) {
            throw new IllegalArgumentException("packbits: a chunk of " + chunk.elementCount() + " elements packs to " + size + " bytes, too many");
        }
        byte[] out = new byte[(int) size];
        MemorySegment src = chunk.segment();
        int componentBytes = t.kind() == DataType.Kind.COMPLEX ? t.byteSize() / 2 : t.byteSize();
        long count = chunk.elementCount() * components(t);
        long mask = b == 64 ? -1L : (1L << b) - 1;
        long acc = 0;
        int held = 0;
        int at = head;
        for (long i = 0; i < count; i++) {
            long v = (readComponent(src, i * componentBytes, componentBytes) >>> lo) & mask;
            int remaining = b;
            while (remaining > 0) {
                int take = Math.min(remaining, 56);
                acc |= (v & (take == 64 ? -1L : (1L << take) - 1)) << held;
                held += take;
                v = take == 64 ? 0 : v >>> take;
                remaining -= take;
                while (held >= 8) {
                    out[at++] = (byte) acc;
                    acc >>>= 8;
                    held -= 8;
                }
            }
        }
        if (held > 0) {
            out[at++] = (byte) acc;
        }
        if (head == 1) {
            out[0] = (byte) pad;
        } else if (padding.kind() == Padding.Kind.LAST_BYTE) {
            out[(int) packed] = (byte) pad;
        }
        return Bytes.wrap(out);
    }

    @Override
    public NdBuffer decode(Bytes encoded, ChunkSpec spec) throws CorruptDataException {
        DataType t = spec.dataType();
        requireUsable(t);
        int n = componentBits(t);
        int lo = first(n);
        int hi = last(n);
        int b = hi - lo + 1;
        long bits = packedBits(spec);
        int pad = (int) ((8 - bits % 8) % 8);
        long expected = encodedSizeBound(spec);
        if (encoded.size() != expected) {
            throw new CorruptDataException("packbits: a chunk of " + spec.elementCount() + " " + t + " elements packs to " + expected
                    + " bytes, got " + encoded.size());
        }
        MemorySegment in = encoded.segment();
        long start = 0;
        if (padding.kind() != Padding.Kind.NONE) {
            long at = padding.kind() == Padding.Kind.FIRST_BYTE ? 0 : expected - 1;
            int stored = in.get(ValueLayout.JAVA_BYTE, at) & 0xff;
            if (stored != pad) {
                throw new CorruptDataException("packbits: padding byte " + at + " says " + stored + " bits, " + spec.elementCount()
                        + " elements need " + pad);
            }
            start = padding.kind() == Padding.Kind.FIRST_BYTE ? 1 : 0;
        }
        NdBuffer out = NdBuffer.allocate(t, spec.shape());
        MemorySegment dst = out.segment();
        int componentBytes = t.kind() == DataType.Kind.COMPLEX ? t.byteSize() / 2 : t.byteSize();
        long count = spec.elementCount() * components(t);
        boolean signed = t.kind() == DataType.Kind.INT;
        long acc = 0;
        int held = 0;
        long at = start;
        for (long i = 0; i < count; i++) {
            long v = 0;
            int got = 0;
            while (got < b) {
                int take = Math.min(b - got, 56);
                while (held < take) {
                    acc |= (in.get(ValueLayout.JAVA_BYTE, at++) & 0xffL) << held;
                    held += 8;
                }
                v |= (acc & ((1L << take) - 1)) << got;
                acc >>>= take;
                held -= take;
                got += take;
            }
            v <<= lo;
            if (signed && hi < 63) {
                v = (v << (63 - hi)) >> (63 - hi);
            }
            if (t.kind() == DataType.Kind.BOOL && v > 1) {
                throw new CorruptDataException("packbits: bool element " + i + " decodes to " + v);
            }
            writeComponent(dst, i * componentBytes, componentBytes, v);
        }
        return out;
    }

    private static long readComponent(MemorySegment s, long offset, int size) {
        long v = 0;
        for (int k = 0; k < size; k++) {
            v |= (s.get(ValueLayout.JAVA_BYTE, offset + k) & 0xffL) << (8 * k);
        }
        return v;
    }

    private static void writeComponent(MemorySegment s, long offset, int size, long v) {
        for (int k = 0; k < size; k++) {
            s.set(ValueLayout.JAVA_BYTE, offset + k, (byte) (v >>> (8 * k)));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ZarrPackBitsCodec p && p.spec().equals(spec());
    }

    @Override
    public int hashCode() {
        return spec().hashCode();
    }

    @Override
    public String toString() {
        return spec().toString();
    }
}
