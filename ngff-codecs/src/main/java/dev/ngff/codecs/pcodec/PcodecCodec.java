package dev.ngff.codecs.pcodec;

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

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * pcodec as numcodecs' {@code PCodec} and zarrs write it (v3 {@code numcodecs.pcodec}, zarrs' alias
 * {@code pcodec}, v2 id {@code pcodec}): an array-to-bytes codec whose chunk is one standalone pco stream of
 * the chunk's numbers in C order. Encoded and decoded by the pco crate (pinned in {@code native/pco}) through
 * {@link PcodecLibrary}.
 *
 * <p>Numbers: uint16/32/64, int16/32/64, float16/32/64 as themselves; complex types as interleaved real and
 * imaginary floats, and {@code numpy.datetime64} / {@code timedelta64} as int64, as zarrs does. Other types
 * (8-bit, bool, raw bits, strings) fail with an {@link UnsupportedExtensionException} naming the type.
 * Decoding writes into a buffer of exactly the chunk's size and fails with a {@link CorruptDataException}
 * unless the stream holds exactly that many numbers of the chunk's type; nothing is sized from the stream.
 * Immutable and thread-safe.
 */
public final class PcodecCodec implements ArrayToBytesCodec {
    private static final int ERROR_CAPACITY = 512;

    /** How pco looks for a mode (numcodecs' {@code mode_spec}). */
    public enum Mode {
        AUTO("auto"), CLASSIC("classic");

        final String json;

        Mode(String json) {
            this.json = json;
        }
    }

    /**
     * How pco chooses delta encoding (numcodecs' {@code delta_spec}). {@link #NO_OP} is the spelling of
     * {@link #NONE} that older numcodecs releases wrote (their fixtures hold it); it is kept to be written back.
     */
    public enum Delta {
        AUTO("auto"), NONE("none"), NO_OP("no_op"), TRY_CONSECUTIVE("try_consecutive"), TRY_LOOKBACK("try_lookback");

        final String json;

        Delta(String json) {
            this.json = json;
        }
    }

    /**
     * numcodecs' PCodec configuration. {@code deltaEncodingOrder} is null or 0..7 and may be set only with
     * {@link Delta#TRY_CONSECUTIVE} (which needs it) or, for configurations older than {@code delta_spec},
     * with {@link Delta#AUTO}, where it means try_consecutive of that order.
     *
     * @param level          compression level 0..12 (numcodecs' default 8); does not affect decoding
     * @param equalPagesUpTo pages of at most this many numbers (numcodecs' default 262144), positive
     */
    public record Config(int level, Mode mode, Delta delta, Integer deltaEncodingOrder, int equalPagesUpTo) {
        /** numcodecs' defaults: level 8, auto mode and delta, pages of up to 2^18 numbers. */
        public static final Config DEFAULT = new Config(8, Mode.AUTO, Delta.AUTO, null, 262144);

        public Config {
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(delta, "delta");
            if (level < 0 || level > 12) {
                throw new IllegalArgumentException("level must be in 0..12, got " + level);
            }
            if (equalPagesUpTo < 1) {
                throw new IllegalArgumentException("equal_pages_up_to must be positive, got " + equalPagesUpTo);
            }
            if (deltaEncodingOrder != null && (deltaEncodingOrder < 0 || deltaEncodingOrder > 7)) {
                throw new IllegalArgumentException("delta_encoding_order must be in 0..7, got " + deltaEncodingOrder);
            }
            if (deltaEncodingOrder != null && delta != Delta.AUTO && delta != Delta.TRY_CONSECUTIVE) {
                throw new IllegalArgumentException("delta_encoding_order can be set only with delta_spec "
                        + "\"try_consecutive\" (or \"auto\"), not \"" + delta.json + "\"");
            }
            if (deltaEncodingOrder == null && delta == Delta.TRY_CONSECUTIVE) {
                throw new IllegalArgumentException("delta_spec \"try_consecutive\" needs delta_encoding_order");
            }
        }

        /** The same configuration at another compression level. */
        public Config withLevel(int newLevel) {
            return new Config(newLevel, mode, delta, deltaEncodingOrder, equalPagesUpTo);
        }

        /** The configuration as numcodecs' {@code get_config()} writes it, without the id. */
        public ObjectNode toJson() {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("level", level);
            o.put("mode_spec", mode.json);
            o.put("delta_spec", delta.json);
            o.put("paging_spec", "equal_pages_up_to");
            if (deltaEncodingOrder == null) {
                o.putNull("delta_encoding_order");
            } else {
                o.put("delta_encoding_order", deltaEncodingOrder);
            }
            o.put("equal_pages_up_to", equalPagesUpTo);
            return o;
        }
    }

    private final String name;
    private final Config config;
    private final PcodecLibrary pco;

    /**
     * A pcodec codec written under {@code name} ({@code numcodecs.pcodec} or {@code pcodec}).
     *
     * @throws UnsupportedExtensionException when the native library is not available (the message says why)
     */
    public PcodecCodec(String name, Config config) throws UnsupportedExtensionException {
        if (!name.equals("numcodecs.pcodec") && !name.equals("pcodec")) {
            throw new IllegalArgumentException("not a pcodec codec name: " + name);
        }
        this.name = name;
        this.config = Objects.requireNonNull(config, "config");
        this.pco = PcodecLibrary.get().orElseThrow(() -> new UnsupportedExtensionException(
                name + " needs the native pcodec library: " + PcodecLibrary.unavailabilityCause().orElse("")));
    }

    /** Whether pcodec chunks can be encoded and decoded here (the native library loaded). */
    public static boolean isAvailable() {
        return PcodecLibrary.get().isPresent();
    }

    /** Why pcodec is unavailable here, or empty when it is available. */
    public static Optional<String> unavailabilityCause() {
        return PcodecLibrary.unavailabilityCause();
    }

    public Config config() {
        return config;
    }

    @Override
    public CodecSpec spec() {
        return new CodecSpec(name, config.toJson());
    }

    /** pco's number type byte and how many pco numbers make one element, for a chunk type. */
    private record NumberType(byte code, int perElement, int size) {
    }

    private NumberType numberType(DataType t) throws UnsupportedExtensionException {
        boolean plain = t.flavor() == null;
        boolean temporal = !plain && t.flavor() instanceof DataType.Temporal;
        int perElement = t.kind() == DataType.Kind.COMPLEX ? 2 : 1;
        int size = t.byteSize() / perElement;
        int code = switch (t.kind()) {
            case UINT -> plain ? switch (size) { case 2 -> 7; case 4 -> 1; case 8 -> 2; default -> 0; } : 0;
            case INT -> plain || temporal ? switch (size) { case 2 -> 8; case 4 -> 3; case 8 -> 4; default -> 0; } : 0;
            case FLOAT, COMPLEX -> plain ? switch (size) { case 2 -> 9; case 4 -> 5; case 8 -> 6; default -> 0; } : 0;
            default -> 0;
        };
        if (code == 0) {
            throw new UnsupportedExtensionException(name + ": pcodec stores 16-, 32- and 64-bit integers and floats "
                    + "(and complex and datetime types made of them), not data type '" + t.name() + "'");
        }
        return new NumberType((byte) code, perElement, size);
    }

    @Override
    public Bytes encode(NdBuffer chunk, ChunkSpec spec) throws UnsupportedExtensionException {
        NumberType nt = numberType(spec.dataType());
        long n = Math.multiplyExact(spec.elementCount(), (long) nt.perElement());
        MemorySegment src = chunk.segment();
        try {
            long bound = (long) pco.maxCompressedSize.invokeExact(nt.code(), n, (long) config.equalPagesUpTo());
            if (bound < 0 || bound > Integer.MAX_VALUE - 16) {
                throw new UnsupportedExtensionException(name + ": a chunk of " + n + " numbers may not fit in one Java array");
            }
            byte[] dst = new byte[(int) bound];
            byte[] err = new byte[ERROR_CAPACITY];
            long[] errLen = new long[1];
            int delta = switch (config.delta()) {
                case AUTO -> config.deltaEncodingOrder() == null ? 0 : 2; // numcodecs: an order with "auto" means try_consecutive
                case NONE, NO_OP -> 1;
                case TRY_CONSECUTIVE -> 2;
                case TRY_LOOKBACK -> 3;
            };
            int order = config.deltaEncodingOrder() == null ? 0 : config.deltaEncodingOrder();
            long written = (long) pco.compress.invokeExact(nt.code(), src, n, config.level(), config.mode().ordinal(),
                    delta, order, (long) config.equalPagesUpTo(), MemorySegment.ofArray(dst), bound,
                    MemorySegment.ofArray(err), (long) ERROR_CAPACITY, MemorySegment.ofArray(errLen));
            if (written < 0) {
                throw new IllegalStateException(name + ": pco failed to compress " + n + " numbers (code " + written + "): "
                        + message(err, errLen));
            }
            return Bytes.wrap(dst, 0, (int) written);
        } catch (UnsupportedExtensionException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(name + ": native call failed", t);
        }
    }

    @Override
    public NdBuffer decode(Bytes encoded, ChunkSpec spec) throws CorruptDataException, UnsupportedExtensionException {
        NumberType nt = numberType(spec.dataType());
        long n = Math.multiplyExact(spec.elementCount(), (long) nt.perElement());
        NdBuffer out = NdBuffer.allocate(spec.dataType(), spec.shape());
        byte[] err = new byte[ERROR_CAPACITY];
        long[] errLen = new long[1];
        long rc;
        try {
            rc = (long) pco.decompress.invokeExact(nt.code(), encoded.segment(), encoded.size(), out.segment(), n,
                    MemorySegment.ofArray(err), (long) ERROR_CAPACITY, MemorySegment.ofArray(errLen));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(name + ": native call failed", t);
        }
        if (rc != n) {
            String what = switch ((int) rc) {
                case -1 -> "corrupt pco stream";
                case -2 -> "truncated pco stream";
                case -4 -> "wrong number count";
                case -5 -> "pco failed on this stream";
                default -> "pco error " + rc;
            };
            throw new CorruptDataException(name + ": " + what + " (" + encoded.size() + " bytes, chunk of " + n + " "
                    + spec.dataType().name() + " numbers): " + message(err, errLen));
        }
        return out;
    }

    private static String message(byte[] err, long[] errLen) {
        int len = (int) Math.min(Math.max(errLen[0], 0), err.length);
        return new String(err, 0, len, StandardCharsets.UTF_8);
    }

    /**
     * The largest stream a chunk of this spec compresses to. Arrays call this when they open, so a data type
     * pcodec cannot store fails there, as an {@link IllegalArgumentException} that the array reports as
     * invalid metadata naming the type and the codec.
     */
    /** Refuses, when an array opens, a data type pcodec cannot store, naming the type and the codec. */
    @Override
    public void checkDataType(DataType type, String where) throws InvalidMetadataException {
        try {
            numberType(type);
        } catch (UnsupportedExtensionException e) {
            throw new InvalidMetadataException(where + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long encodedSizeBound(ChunkSpec spec) {
        NumberType nt;
        try {
            nt = numberType(spec.dataType());
        } catch (UnsupportedExtensionException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        try {
            long n = Math.multiplyExact(spec.elementCount(), (long) nt.perElement());
            return (long) pco.maxCompressedSize.invokeExact(nt.code(), n, (long) config.equalPagesUpTo());
        } catch (Throwable t) {
            return -1;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PcodecCodec p && p.name.equals(name) && p.config.equals(config);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, config);
    }

    @Override
    public String toString() {
        return spec().toString();
    }
}
