package dev.ngff.codec;

import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.error.NgffException;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.CodecSpec;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A validated codec chain: array-to-array codecs, exactly one array-to-bytes codec, bytes-to-bytes
 * codecs. The chain is itself an array-to-bytes codec, which is what lets {@code sharding_indexed} nest
 * one. Immutable and thread-safe.
 */
public final class CodecPipeline implements ArrayToBytesCodec {
    private final List<ArrayToArrayCodec> arrayToArray;
    private final ArrayToBytesCodec arrayToBytes;
    private final List<BytesToBytesCodec> bytesToBytes;
    private final List<CodecSpec> specs;

    private CodecPipeline(List<ArrayToArrayCodec> a2a, ArrayToBytesCodec a2b, List<BytesToBytesCodec> b2b, List<CodecSpec> specs) {
        this.arrayToArray = List.copyOf(a2a);
        this.arrayToBytes = a2b;
        this.bytesToBytes = List.copyOf(b2b);
        this.specs = List.copyOf(specs);
    }

    /** Builds a pipeline from specs; the order of stages is checked. */
    public static CodecPipeline build(List<CodecSpec> specs, CodecRegistry registry, String location) throws NgffException {
        return build(specs, registry, location, List.of());
    }

    /**
     * Builds a pipeline from specs; errors about codec {@code i} name {@code pointers.get(i)} (the document and
     * JSON pointer it came from, such as {@code zarr.json /codecs/1}) when there is one.
     */
    public static CodecPipeline build(List<CodecSpec> specs, CodecRegistry registry, String location, List<String> pointers)
            throws NgffException {
        List<Codec> codecs = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            String where = i < pointers.size() ? location + ": " + pointers.get(i) : location;
            try {
                codecs.add(registry.create(specs.get(i)));
            } catch (dev.ngff.error.UnsupportedExtensionException e) {
                throw new dev.ngff.error.UnsupportedExtensionException(where + ": " + e.getMessage());
            } catch (InvalidMetadataException e) {
                throw new InvalidMetadataException(where + ": " + e.getMessage(), e);
            }
        }
        return of(codecs, location);
    }

    /** Builds a pipeline from codec instances; the order of stages is checked. */
    public static CodecPipeline of(List<Codec> codecs, String location) throws InvalidMetadataException {
        List<ArrayToArrayCodec> a2a = new ArrayList<>();
        ArrayToBytesCodec a2b = null;
        List<BytesToBytesCodec> b2b = new ArrayList<>();
        List<CodecSpec> specs = new ArrayList<>();
        for (int i = 0; i < codecs.size(); i++) {
            Codec c = codecs.get(i);
            specs.add(c.spec());
            switch (c) {
                case ArrayToArrayCodec x -> {
                    if (a2b != null) {
                        throw new InvalidMetadataException(location + ": codec " + i + " '" + c.spec().name()
                                + "' is array-to-array but follows the array-to-bytes codec");
                    }
                    a2a.add(x);
                }
                case ArrayToBytesCodec x -> {
                    if (a2b != null) {
                        throw new InvalidMetadataException(location + ": codec " + i + " '" + c.spec().name()
                                + "' is a second array-to-bytes codec");
                    }
                    a2b = x;
                }
                case BytesToBytesCodec x -> {
                    if (a2b == null) {
                        throw new InvalidMetadataException(location + ": codec " + i + " '" + c.spec().name()
                                + "' is bytes-to-bytes but comes before the array-to-bytes codec");
                    }
                    b2b.add(x);
                }
            }
        }
        if (a2b == null) {
            throw new InvalidMetadataException(location + ": the codec chain has no array-to-bytes codec (such as 'bytes')");
        }
        return new CodecPipeline(a2a, a2b, b2b, specs);
    }

    public List<CodecSpec> specs() {
        return specs;
    }

    public ArrayToBytesCodec arrayToBytes() {
        return arrayToBytes;
    }

    public List<ArrayToArrayCodec> arrayToArray() {
        return arrayToArray;
    }

    public List<BytesToBytesCodec> bytesToBytes() {
        return bytesToBytes;
    }

    @Override
    public CodecSpec spec() {
        throw new UnsupportedOperationException("a pipeline is written as its list of specs(), not one spec");
    }

    /** Asks every array-facing codec; bytes-to-bytes codecs see only bytes. */
    @Override
    public void checkDataType(dev.ngff.metadata.DataType type, String where) throws InvalidMetadataException {
        for (ArrayToArrayCodec c : arrayToArray) {
            c.checkDataType(type, where);
        }
        arrayToBytes.checkDataType(type, where);
    }

    @Override
    public Bytes encode(NdBuffer chunk, ChunkSpec spec) throws IOException {
        return encodeBytesStages(arrayToBytes.encode(encodeArrayStages(chunk, spec), arrayToBytesSpec(spec)), spec);
    }

    /** The spec of the chunk that reaches the array-to-bytes codec. */
    private ChunkSpec arrayToBytesSpec(ChunkSpec spec) {
        ChunkSpec s = spec;
        for (ArrayToArrayCodec c : arrayToArray) {
            s = c.encodedSpec(s);
        }
        return s;
    }

    private NdBuffer encodeArrayStages(NdBuffer chunk, ChunkSpec spec) throws IOException {
        NdBuffer cur = chunk;
        ChunkSpec s = spec;
        for (ArrayToArrayCodec c : arrayToArray) {
            cur = c.encode(cur, s);
            s = c.encodedSpec(s);
        }
        return cur;
    }

    private Bytes encodeBytesStages(Bytes encoded, ChunkSpec spec) throws IOException {
        Bytes b = encoded;
        for (BytesToBytesCodec c : bytesToBytes) {
            b = c.encode(b, spec);
        }
        return b;
    }

    /** Pieces from the array-to-bytes codec when no bytes-to-bytes codec follows it, else one piece. */
    @Override
    public List<Bytes> encodePieces(NdBuffer chunk, ChunkSpec spec) throws IOException {
        if (!bytesToBytes.isEmpty()) {
            return List.of(encode(chunk, spec));
        }
        return arrayToBytes.encodePieces(encodeArrayStages(chunk, spec), arrayToBytesSpec(spec));
    }

    @Override
    public NdBuffer decode(Bytes encoded, ChunkSpec spec) throws IOException {
        ChunkSpec s = arrayToBytesSpec(spec);
        Bytes b = decodeBytes(encoded, spec, s);
        NdBuffer cur = arrayToBytes.decode(b, s);
        checkShape(cur, s);
        return decodeArrayStages(cur, spec);
    }

    /** Undoes the array-to-array stages of a chunk of {@code spec} that the array-to-bytes codec decoded. */
    private NdBuffer decodeArrayStages(NdBuffer decoded, ChunkSpec spec) throws IOException {
        List<ChunkSpec> specsIn = new ArrayList<>(arrayToArray.size());
        ChunkSpec s = spec;
        for (ArrayToArrayCodec c : arrayToArray) {
            specsIn.add(s);
            s = c.encodedSpec(s);
        }
        NdBuffer cur = decoded;
        for (int i = arrayToArray.size() - 1; i >= 0; i--) {
            cur = arrayToArray.get(i).decode(cur, specsIn.get(i));
        }
        checkShape(cur, spec);
        return cur;
    }

    private Bytes decodeBytes(Bytes encoded, ChunkSpec spec, ChunkSpec innerSpec) throws IOException {
        if (bytesToBytes.isEmpty()) {
            return encoded;
        }
        long[] bounds = stageBounds(innerSpec);
        Bytes b = encoded;
        for (int i = bytesToBytes.size() - 1; i >= 0; i--) {
            b = bytesToBytes.get(i).decode(b, spec, bounds[i]);
        }
        return b;
    }

    /** Bounds on each bytes-to-bytes stage's output, innermost first, so no stage can be told to allocate without limit. */
    private long[] stageBounds(ChunkSpec innerSpec) {
        long[] bounds = new long[bytesToBytes.size() + 1];
        long a2bBound = arrayToBytes.encodedSizeBound(innerSpec);
        bounds[0] = a2bBound < 0 ? ArrayMetadata.MAX_CHUNK_BYTES : Math.min(a2bBound, ArrayMetadata.MAX_CHUNK_BYTES);
        for (int i = 0; i < bytesToBytes.size(); i++) {
            long next = bytesToBytes.get(i).encodedSizeBound(bounds[i]);
            bounds[i + 1] = next < 0 ? ArrayMetadata.MAX_CHUNK_BYTES : Math.min(next, ArrayMetadata.MAX_CHUNK_BYTES);
        }
        return bounds;
    }

    /**
     * Whether {@link #decodeInto} applies to chunks of {@code type}: no array-to-array codecs, and an
     * array-to-bytes codec whose bytes are the elements in {@link NdBuffer}'s layout (little-endian
     * {@code bytes}). Then a chunk's last decoding stage can write straight into an array's memory.
     */
    public boolean decodesIntoLayout(dev.ngff.metadata.DataType type) {
        return arrayToArray.isEmpty() && arrayToBytes.encodesAsLayout(type);
    }

    /**
     * Decodes a whole chunk of {@code spec} into {@code dest}, which holds exactly {@code spec.byteSize()}
     * bytes, in C order and little-endian, as {@link #decode} would return them. The innermost
     * bytes-to-bytes codec writes straight into {@code dest} ({@link BytesToBytesCodec#decodeInto});
     * without one the encoded bytes are copied. Input that decodes to any other size is a
     * {@link CorruptDataException}; nothing is written outside {@code dest}.
     *
     * @throws IllegalStateException when {@link #decodesIntoLayout} is false for the spec's type
     */
    public void decodeInto(Bytes encoded, ChunkSpec spec, java.lang.foreign.MemorySegment dest) throws IOException {
        if (!decodesIntoLayout(spec.dataType())) {
            throw new IllegalStateException("this codec chain does not decode " + spec.dataType() + " into place: " + specs);
        }
        long size = spec.byteSize();
        if (dest.byteSize() != size) {
            throw new IllegalArgumentException("destination of " + dest.byteSize() + " bytes for a chunk of " + size);
        }
        if (bytesToBytes.isEmpty()) {
            if (encoded.size() != size) {
                throw new CorruptDataException("bytes codec: got " + encoded.size() + " bytes, expected " + size
                        + " for a chunk of " + spec.dataType() + " " + java.util.Arrays.toString(spec.shape()));
            }
            encoded.copyTo(dest, 0);
            return;
        }
        long[] bounds = stageBounds(spec);
        Bytes b = encoded;
        for (int i = bytesToBytes.size() - 1; i >= 1; i--) {
            b = bytesToBytes.get(i).decode(b, spec, bounds[i]);
        }
        bytesToBytes.getFirst().decodeInto(b, spec, dest);
    }

    private static void checkShape(NdBuffer b, ChunkSpec s) throws CorruptDataException {
        if (!java.util.Arrays.equals(b.shape(), s.shape())) {
            throw new CorruptDataException("decoded chunk has shape " + java.util.Arrays.toString(b.shape())
                    + ", expected " + java.util.Arrays.toString(s.shape()));
        }
    }

    @Override
    public PartialDecoder partialDecoder(ChunkSource source, ChunkSpec spec) {
        if (arrayToArray.isEmpty() && bytesToBytes.isEmpty()) {
            return arrayToBytes.partialDecoder(source, spec);
        }
        return ArrayToBytesCodec.super.partialDecoder(source, spec);
    }

    /**
     * The array-to-bytes codec's own encoder when it is the whole chain (sharding alone), else the
     * whole-chunk encoder, which still encodes a shard's inner chunks as tasks of their own.
     */
    @Override
    public PartialEncoder partialEncoder(ChunkSource source, ChunkSpec spec, CodecOptions options) {
        if (arrayToArray.isEmpty() && bytesToBytes.isEmpty()) {
            return arrayToBytes.partialEncoder(source, spec, options);
        }
        return ArrayToBytesCodec.super.partialEncoder(source, spec, options);
    }

    /** True when the chain is a codec made of parts alone (sharding): only then can a box be read part by part. */
    @Override
    public boolean encodesInParts() {
        return arrayToArray.isEmpty() && bytesToBytes.isEmpty() && arrayToBytes.encodesInParts();
    }

    /**
     * Encodes through {@code options}: when the array-to-bytes codec is made of parts (a shard, also
     * under array-to-array or bytes-to-bytes codecs), the array-to-array stages run in one task, the
     * parts as tasks of their own, and the bytes-to-bytes stages in one more task; otherwise the whole
     * chain runs in one task.
     */
    @Override
    public List<Bytes> encodePieces(NdBuffer chunk, ChunkSpec spec, CodecOptions options) throws IOException {
        if (!arrayToBytes.encodesInParts()) {
            return options.call(() -> encodePieces(chunk, spec));
        }
        NdBuffer cur = arrayToArray.isEmpty() ? chunk : options.call(() -> encodeArrayStages(chunk, spec));
        List<Bytes> pieces = arrayToBytes.encodePieces(cur, arrayToBytesSpec(spec), options);
        if (bytesToBytes.isEmpty()) {
            return pieces;
        }
        return List.of(options.call(() -> encodeBytesStages(Bytes.concat(pieces.toArray(Bytes[]::new)), spec)));
    }

    /**
     * Decodes a box through {@code options}. Sharding alone reads only the inner chunks the box needs
     * and decodes them as tasks of their own. A shard under other codecs is read whole; its
     * bytes-to-bytes stages are undone in one task, its inner chunks are decoded as tasks of their
     * own (the whole shard when array-to-array codecs come first, whose stages then run in one more
     * task). Every other chain reads the chunk and decodes it in one task.
     */
    @Override
    public boolean decodeInto(ChunkSource source, ChunkSpec spec, long[] offset, long[] shape, NdBuffer dest,
                              long[] destOffset, CodecOptions options) throws IOException {
        if (arrayToArray.isEmpty() && bytesToBytes.isEmpty()) {
            return arrayToBytes.decodeInto(source, spec, offset, shape, dest, destOffset, options);
        }
        if (!arrayToBytes.encodesInParts()) {
            return ArrayToBytesCodec.super.decodeInto(source, spec, offset, shape, dest, destOffset, options);
        }
        java.util.Optional<Bytes> stored = source.read(dev.ngff.store.ByteRange.WHOLE);
        if (stored.isEmpty()) {
            return false;
        }
        ChunkSpec innerSpec = arrayToBytesSpec(spec);
        Bytes b = bytesToBytes.isEmpty() ? stored.get() : options.call(() -> decodeBytes(stored.get(), spec, innerSpec));
        ChunkSource inMemory = ChunkSource.ofBytes(b, source.describe());
        if (arrayToArray.isEmpty()) {
            return arrayToBytes.decodeInto(inMemory, spec, offset, shape, dest, destOffset, options);
        }
        NdBuffer whole = NdBuffer.filled(innerSpec.dataType(), innerSpec.shape(), innerSpec.fillValue().bytesUnsafe());
        long[] zero = new long[innerSpec.rank()];
        arrayToBytes.decodeInto(inMemory, innerSpec, zero, innerSpec.shape(), whole, zero, options);
        options.runAll(List.of(() -> NdBuffer.copy(decodeArrayStages(whole, spec), offset, dest, destOffset, shape)));
        return true;
    }

    @Override
    public long encodedSizeBound(ChunkSpec spec) {
        ChunkSpec s = spec;
        for (ArrayToArrayCodec c : arrayToArray) {
            s = c.encodedSpec(s);
        }
        long n = arrayToBytes.encodedSizeBound(s);
        for (BytesToBytesCodec c : bytesToBytes) {
            if (n < 0) {
                return -1;
            }
            n = c.encodedSizeBound(n);
        }
        return n;
    }

    @Override
    public boolean skipsFillChunks() {
        return arrayToBytes.skipsFillChunks();
    }
}
