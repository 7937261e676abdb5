package dev.ngff.codecs.numcodecs;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.codec.ArrayToBytesCodec;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.DataType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * zarrs' {@code zfp} codec (zarr-extensions {@code codecs/zfp}; aliases {@code zarrs.zfp}): an array-to-bytes
 * codec whose chunk is a zfp stream <em>without</em> a header, the mode coming from the configuration
 * ({@code reversible}, {@code fixed_rate}, {@code fixed_precision}, {@code fixed_accuracy}, {@code expert}).
 * Encoded and decoded by the system's zfp library ({@link ZfpLibrary}). As in zarrs, int32/int64/float32/
 * float64 are zfp's own types, {@code numpy.datetime64}/{@code timedelta64} are int64, 8- and 16-bit
 * integers are promoted to int32 the way zfp's utility functions do (shifted to the top bits, unsigned
 * values re-centred), and uint32/uint64 are clamped to the signed range (so values above 2^31-1 resp. 2^63-1
 * do not survive). Fixed rate is set for 3-dimensional blocks, as zarrs does, whatever the chunk's rank.
 * Immutable and thread-safe.
 */
public final class ZfpCodec implements ArrayToBytesCodec {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int RATE_DIMS = 3;

    private final String name;
    private final ZfpMode mode;
    private final ZfpLibrary zfp;

    ZfpCodec(String name, ZfpMode mode) throws UnsupportedExtensionException {
        this.name = name;
        this.mode = mode;
        this.zfp = ZfpLibrary.get().orElseThrow(() -> new UnsupportedExtensionException(name + " needs the native zfp library: "
                + ZfpLibrary.unavailabilityCause().orElse("")));
    }

    /** Whether zfp chunks can be encoded and decoded here (the zfp library loads). */
    public static boolean isAvailable() {
        return ZfpLibrary.isAvailable();
    }

    @Override
    public CodecSpec spec() {
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        switch (mode) {
            case ZfpMode.Reversible r -> c.put("mode", "reversible");
            case ZfpMode.FixedRate r -> c.put("mode", "fixed_rate").put("rate", r.rate());
            case ZfpMode.FixedPrecision p -> c.put("mode", "fixed_precision").put("precision", p.precision());
            case ZfpMode.FixedAccuracy a -> c.put("mode", "fixed_accuracy").put("tolerance", a.tolerance());
            case ZfpMode.Expert e -> c.put("mode", "expert").put("minbits", e.minbits()).put("maxbits", e.maxbits())
                    .put("maxprec", e.maxprec()).put("minexp", e.minexp());
        }
        return new CodecSpec(name, c);
    }

    /** How a chunk type travels through zfp. */
    private enum Promotion { NONE, I8, U8, I16, U16, U32, U64 }

    private record Plan(int zfpType, Promotion promotion) {
    }

    private Plan plan(DataType t) throws UnsupportedExtensionException {
        boolean plain = t.flavor() == null;
        boolean temporal = t.flavor() instanceof DataType.Temporal;
        Plan p = switch (t.kind()) {
            case INT -> !plain && !temporal ? null : switch (t.byteSize()) {
                case 1 -> plain ? new Plan(ZfpStreams.INT32, Promotion.I8) : null;
                case 2 -> plain ? new Plan(ZfpStreams.INT32, Promotion.I16) : null;
                case 4 -> plain ? new Plan(ZfpStreams.INT32, Promotion.NONE) : null;
                case 8 -> new Plan(ZfpStreams.INT64, Promotion.NONE);
                default -> null;
            };
            case UINT -> !plain ? null : switch (t.byteSize()) {
                case 1 -> new Plan(ZfpStreams.INT32, Promotion.U8);
                case 2 -> new Plan(ZfpStreams.INT32, Promotion.U16);
                case 4 -> new Plan(ZfpStreams.INT32, Promotion.U32);
                case 8 -> new Plan(ZfpStreams.INT64, Promotion.U64);
                default -> null;
            };
            case FLOAT -> !plain ? null : switch (t.byteSize()) {
                case 4 -> new Plan(ZfpStreams.FLOAT, Promotion.NONE);
                case 8 -> new Plan(ZfpStreams.DOUBLE, Promotion.NONE);
                default -> null;
            };
            default -> null;
        };
        if (p == null) {
            throw new UnsupportedExtensionException(name + ": zfp stores 8- to 64-bit integers, float32, float64 and "
                    + "datetime types, not data type '" + t.name() + "'");
        }
        if (mode instanceof ZfpMode.FixedAccuracy && p.zfpType() != ZfpStreams.FLOAT && p.zfpType() != ZfpStreams.DOUBLE) {
            throw new UnsupportedExtensionException(name + ": fixed_accuracy needs float32 or float64 data, not '" + t.name() + "'");
        }
        return p;
    }

    @Override
    public Bytes encode(NdBuffer chunk, ChunkSpec spec) throws UnsupportedExtensionException {
        Plan p = plan(spec.dataType());
        long n = spec.elementCount();
        MemorySegment src = chunk.segment();
        MemorySegment numbers = src;
        if (p.promotion() != Promotion.NONE) {
            numbers = MemorySegment.ofArray(new byte[Math.toIntExact(n * ZfpStreams.size(p.zfpType()))]);
            for (long i = 0; i < n; i++) {
                switch (p.promotion()) {
                    case I8 -> numbers.set(INT, 4 * i, src.get(ValueLayout.JAVA_BYTE, i) << 23);
                    case U8 -> numbers.set(INT, 4 * i, (Byte.toUnsignedInt(src.get(ValueLayout.JAVA_BYTE, i)) - 0x80) << 23);
                    case I16 -> numbers.set(INT, 4 * i, src.get(SHORT, 2 * i) << 15);
                    case U16 -> numbers.set(INT, 4 * i, (Short.toUnsignedInt(src.get(SHORT, 2 * i)) - 0x8000) << 15);
                    case U32 -> numbers.set(INT, 4 * i, (int) Math.min(Integer.toUnsignedLong(src.get(INT, 4 * i)), Integer.MAX_VALUE));
                    case U64 -> {
                        long v = src.get(LONG, 8 * i);
                        numbers.set(LONG, 8 * i, v < 0 ? Long.MAX_VALUE : v);
                    }
                    case NONE -> throw new AssertionError();
                }
            }
        }
        return Bytes.wrap(ZfpStreams.compress(zfp, name, mode, RATE_DIMS, p.zfpType(), spec.shape(), numbers, false));
    }

    @Override
    public NdBuffer decode(Bytes encoded, ChunkSpec spec) throws CorruptDataException, UnsupportedExtensionException {
        Plan p = plan(spec.dataType());
        long n = spec.elementCount();
        NdBuffer out = NdBuffer.allocate(spec.dataType(), spec.shape());
        if (p.promotion() == Promotion.NONE) {
            ZfpStreams.decompress(zfp, name, mode, RATE_DIMS, p.zfpType(), spec.shape(), encoded.segment(), out.segment());
            return out;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment wide = arena.allocate(Math.max(1, n * ZfpStreams.size(p.zfpType())), 8);
            ZfpStreams.decompress(zfp, name, mode, RATE_DIMS, p.zfpType(), spec.shape(), encoded.segment(), wide);
            MemorySegment dst = out.segment();
            for (long i = 0; i < n; i++) {
                switch (p.promotion()) {
                    case I8 -> dst.set(ValueLayout.JAVA_BYTE, i, (byte) Math.clamp(wide.get(INT, 4 * i) >> 23, -0x80, 0x7f));
                    case U8 -> dst.set(ValueLayout.JAVA_BYTE, i, (byte) Math.clamp((wide.get(INT, 4 * i) >> 23) + 0x80, 0, 0xff));
                    case I16 -> dst.set(SHORT, 2 * i, (short) Math.clamp(wide.get(INT, 4 * i) >> 15, -0x8000, 0x7fff));
                    case U16 -> dst.set(SHORT, 2 * i, (short) Math.clamp((wide.get(INT, 4 * i) >> 15) + 0x8000, 0, 0xffff));
                    case U32 -> dst.set(INT, 4 * i, Math.max(wide.get(INT, 4 * i), 0));
                    case U64 -> dst.set(LONG, 8 * i, Math.max(wide.get(LONG, 8 * i), 0));
                    case NONE -> throw new AssertionError();
                }
            }
        }
        return out;
    }

    /** Refuses, when an array opens, a data type zfp cannot store, naming the type and the codec. */
    @Override
    public void checkDataType(DataType type, String where) throws InvalidMetadataException {
        try {
            plan(type);
        } catch (UnsupportedExtensionException e) {
            throw new InvalidMetadataException(where + ": " + e.getMessage(), e);
        }
    }

    /**
     * Unknown (-1), but checks the chunk: arrays call this when they open, so a rank zfp cannot store fails
     * there, as an {@link IllegalArgumentException} reported as invalid metadata (data types and modes:
     * {@link #checkDataType}).
     */
    @Override
    public long encodedSizeBound(ChunkSpec spec) {
        ZfpStreams.checkRank(name, spec.rank());
        return -1;
    }

    @Override
    public boolean skipsFillChunks() {
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ZfpCodec z && z.name.equals(name) && z.mode.equals(mode);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + mode.hashCode();
    }

    @Override
    public String toString() {
        return spec().toString();
    }
}
