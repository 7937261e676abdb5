package dev.ngff.codecs.numcodecs;

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

/**
 * numcodecs' {@code zfpy} ({@code numcodecs.zfpy} in v3, an array-to-bytes codec): a zfp stream with a
 * full header, as {@code zfpy.compress_numpy} writes it, decoded by the system's zfp library through
 * {@code java.lang.foreign} ({@link ZfpLibrary}). The header gives the scalar type, the shape and the
 * compression mode, so decoding ignores the configuration. Decoding checks the header's type and element
 * count against the chunk before zfp writes anything, and hands zfp an input padded to the largest stream
 * the header allows, so a truncated or hostile stream cannot make it read past the buffer.
 *
 * <p>Encoding follows numcodecs' {@code ZFPY.encode}: {@code mode} 4 (fixed accuracy) uses
 * {@code tolerance}, 2 (fixed rate) {@code rate}, 3 (fixed precision) {@code precision}; a negative value
 * (numcodecs' default -1) selects zfp's reversible (lossless) mode, as {@code zfpy.compress_numpy} does, and so
 * does mode 5 (which numcodecs' encoder itself cannot take, but decodes). Expert mode (1) cannot be encoded
 * (numcodecs cannot either). The output is zfpy's byte for byte. The stream starts
 * with a full zfp header, as zfpy writes it; the chunk's shape (1 to 4 dimensions) is the zfp field's.
 * Types: int32, int64, float32, float64. Without the library, making the codec fails with an
 * {@link UnsupportedExtensionException} naming it. Immutable and thread-safe.
 */
public final class ZfpyCodec implements ArrayToBytesCodec {
    private static final String NAME = "numcodecs.zfpy";
    private static final long HEADER_PAD = 64;
    private final ObjectNode configuration;
    private final ZfpMode encodeMode; // null: expert mode, which numcodecs cannot encode either
    private final ZfpLibrary zfp;

    ZfpyCodec(ObjectNode configuration) throws UnsupportedExtensionException {
        this.configuration = configuration.deepCopy();
        this.encodeMode = encodeMode(configuration);
        this.zfp = ZfpLibrary.get().orElseThrow(() -> new UnsupportedExtensionException(NAME + " needs the native zfp library: "
                + ZfpLibrary.unavailabilityCause().orElse("")));
    }

    /** The mode numcodecs' encoder uses for this configuration; IllegalArgumentException for a bad one. */
    static ZfpMode encodeMode(ObjectNode c) {
        int mode = number(c, "mode", 4);
        return switch (mode) {
            case 1 -> null;
            case 2 -> c.path("rate").asDouble(-1) >= 0 ? new ZfpMode.FixedRate(c.path("rate").asDouble()) : new ZfpMode.Reversible();
            case 3 -> number(c, "precision", -1) >= 0 ? new ZfpMode.FixedPrecision(number(c, "precision", -1)) : new ZfpMode.Reversible();
            case 4 -> c.path("tolerance").asDouble(-1) >= 0 ? new ZfpMode.FixedAccuracy(c.path("tolerance").asDouble())
                    : new ZfpMode.Reversible();
            case 5 -> new ZfpMode.Reversible();
            default -> throw new IllegalArgumentException("mode must be one of zfpy's modes 1..5, got " + mode);
        };
    }

    private static int number(ObjectNode c, String field, int dflt) {
        var n = c.path(field);
        if (n.isMissingNode() || n.isNull()) {
            return dflt;
        }
        if (!n.isNumber() || !n.canConvertToExactIntegral() || !n.canConvertToInt()) {
            throw new IllegalArgumentException(field + " must be an integer, got " + n);
        }
        return n.intValue();
    }

    /** Whether zfpy chunks can be decoded on this machine (the zfp library loads). */
    public static boolean isAvailable() {
        return ZfpLibrary.isAvailable();
    }

    @Override
    public CodecSpec spec() {
        return new CodecSpec(NAME, configuration);
    }

    @Override
    public Bytes encode(NdBuffer chunk, ChunkSpec spec) throws UnsupportedExtensionException {
        int type = zfpType(spec.dataType());
        if (encodeMode == null) {
            throw new UnsupportedExtensionException(NAME + ": expert mode (1) cannot be encoded (numcodecs cannot either)");
        }
        return Bytes.wrap(ZfpStreams.compress(zfp, NAME, encodeMode, spec.shape().length, type, spec.shape(), chunk.segment(), true));
    }

    @Override
    public NdBuffer decode(Bytes encoded, ChunkSpec spec) throws CorruptDataException, UnsupportedExtensionException {
        int expectedType = zfpType(spec.dataType());
        try (Arena arena = Arena.ofConfined()) {
            long padded = encoded.size() + HEADER_PAD;
            for (int attempt = 0; attempt < 2; attempt++) {
                MemorySegment in = arena.allocate(padded, 8); // zero-filled past the data
                MemorySegment.copy(encoded.segment(), 0, in, 0, encoded.size());
                MemorySegment bits = (MemorySegment) zfp.streamOpen.invokeExact(in, padded);
                MemorySegment stream = (MemorySegment) zfp.zfpStreamOpen.invokeExact(bits);
                MemorySegment field = (MemorySegment) zfp.fieldAlloc.invokeExact();
                try {
                    long header = (long) zfp.readHeader.invokeExact(stream, field, ZfpLibrary.HEADER_FULL);
                    if (header == 0 || header > 8 * encoded.size()) {
                        throw new CorruptDataException(NAME + ": no valid zfp header in " + encoded.size() + " bytes");
                    }
                    int type = (int) zfp.fieldType.invokeExact(field);
                    long count = (long) zfp.fieldSize.invokeExact(field, MemorySegment.NULL);
                    if (type != expectedType || count != spec.elementCount()) {
                        throw new CorruptDataException(NAME + ": the stream holds " + count + " elements of zfp type " + type
                                + ", the chunk needs " + spec.elementCount() + " of " + spec.dataType());
                    }
                    long max = (long) zfp.maximumSize.invokeExact(stream, field);
                    if (max + HEADER_PAD > padded) { // read again from a buffer no stream can overrun
                        padded = max + HEADER_PAD;
                        continue;
                    }
                    NdBuffer out = NdBuffer.allocate(spec.dataType(), spec.shape());
                    MemorySegment dst = arena.allocate(Math.max(1, out.segment().byteSize()), 8);
                    zfp.fieldSetPointer.invokeExact(field, dst);
                    long end = (long) zfp.decompress.invokeExact(stream, field);
                    if (end == 0 || end > encoded.size()) {
                        throw new CorruptDataException(NAME + ": corrupt or truncated zfp stream (decoding ended at byte "
                                + end + " of " + encoded.size() + ")");
                    }
                    MemorySegment.copy(dst, 0, out.segment(), 0, out.segment().byteSize());
                    return out;
                } finally {
                    zfp.fieldFree.invokeExact(field);
                    zfp.zfpStreamClose.invokeExact(stream);
                    zfp.streamClose.invokeExact(bits);
                }
            }
            throw new CorruptDataException(NAME + ": the stream's maximum size changed between two reads of its header");
        } catch (CorruptDataException | UnsupportedExtensionException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(NAME + ": native call failed", t);
        }
    }

    /** zfp's scalar type enum for a chunk type: 1 int32, 2 int64, 3 float, 4 double. */
    private static int zfpType(DataType t) throws UnsupportedExtensionException {
        if (t.equals(DataType.INT32)) {
            return 1;
        }
        if (t.kind() == DataType.Kind.INT && t.byteSize() == 8) {
            return 2;
        }
        if (t.equals(DataType.FLOAT32)) {
            return 3;
        }
        if (t.equals(DataType.FLOAT64)) {
            return 4;
        }
        throw new UnsupportedExtensionException(NAME + ": zfp stores int32, int64, float32 and float64, not " + t);
    }

    /** Refuses, when an array opens, a data type zfp cannot store, naming the type and the codec. */
    @Override
    public void checkDataType(DataType type, String where) throws InvalidMetadataException {
        try {
            zfpType(type);
        } catch (UnsupportedExtensionException e) {
            throw new InvalidMetadataException(where + ": " + e.getMessage(), e);
        }
    }

    /**
     * Unknown (-1), but checks the chunk: arrays call this when they open, so a rank zfp
     * cannot store fails there (data types: {@link #checkDataType}), as an {@link IllegalArgumentException} reported as invalid metadata.
     */
    @Override
    public long encodedSizeBound(ChunkSpec spec) {
        ZfpStreams.checkRank(NAME, spec.rank());
        return -1;
    }

    @Override
    public boolean skipsFillChunks() {
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ZfpyCodec z && z.configuration.equals(configuration);
    }

    @Override
    public int hashCode() {
        return configuration.hashCode();
    }

    @Override
    public String toString() {
        return spec().toString();
    }
}
