package dev.ngff.n5;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ngff.buffer.Bytes;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.codecs.ZstdCodec;
import dev.ngff.codecs.blosc.BloscCodec;
import dev.ngff.codecs.blosc.BloscCompressor;
import dev.ngff.codecs.blosc.BloscShuffle;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.error.StoreException;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import dev.ngff.pyramid.LevelSource;
import dev.ngff.tiff.internal.Boxes;
import dev.ngff.tiff.internal.Predictors;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/**
 * One N5 dataset (a directory with {@code attributes.json} naming {@code dimensions}, {@code blockSize},
 * {@code dataType} and {@code compression}) as a C-order array: N5 lists dimensions fastest first, so the
 * array's shape is {@code dimensions} reversed (N5's {@code x, y, z} are {@code z, y, x} here). A missing
 * block reads as zeros. Blocks are big-endian with N5's header; a header whose block size exceeds the
 * dataset's is refused before anything is allocated from it.
 *
 * <p>Immutable and thread-safe.
 */
public final class N5Dataset implements LevelSource {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ChunkSpec BYTES = new ChunkSpec(new long[] {1}, DataType.UINT8, FillValue.zero(DataType.UINT8));

    private final Path dir;
    private final long[] shape;
    private final long[] block;
    private final DataType dataType;
    private final String compression;
    private final JsonNode attributes;

    private N5Dataset(Path dir, long[] shape, long[] block, DataType dataType, String compression, JsonNode attributes) {
        this.dir = dir;
        this.shape = shape;
        this.block = block;
        this.dataType = dataType;
        this.compression = compression;
        this.attributes = attributes;
    }

    /** The attributes of an N5 group or dataset directory, or an empty object when it has none. */
    static JsonNode attributes(Path dir) throws IOException {
        Path f = dir.resolve("attributes.json");
        byte[] bytes;
        try {
            if (Files.size(f) > 64 << 20) {
                throw new InvalidMetadataException(f + ": larger than the 64 MiB limit on metadata documents");
            }
            bytes = Files.readAllBytes(f);
        } catch (NoSuchFileException e) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode n = JSON.readTree(bytes);
            if (n == null || !n.isObject()) {
                throw new InvalidMetadataException(f + ": not a JSON object");
            }
            return n;
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new InvalidMetadataException(f + ": malformed JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** True when {@code dir}'s attributes describe a dataset. */
    static boolean isDataset(JsonNode attrs) {
        return attrs.has("dimensions") && attrs.has("dataType");
    }

    /**
     * Opens the dataset in {@code dir}.
     *
     * @throws InvalidMetadataException      attributes that do not describe a dataset
     * @throws UnsupportedExtensionException a data type or compression this reader does not decode
     */
    public static N5Dataset open(Path dir) throws IOException {
        JsonNode a = attributes(dir);
        String where = dir.resolve("attributes.json").toString();
        if (!isDataset(a)) {
            throw new InvalidMetadataException(where + ": no dimensions and dataType (not an N5 dataset)");
        }
        long[] dims = longs(a.get("dimensions"), where, "/dimensions");
        long[] bs = longs(a.get("blockSize"), where, "/blockSize");
        if (dims.length == 0 || bs.length != dims.length) {
            throw new InvalidMetadataException(where + ": /blockSize has " + bs.length + " entries, /dimensions "
                    + dims.length);
        }
        long blockElements = 1;
        for (int d = 0; d < bs.length; d++) {
            if (bs[d] < 1 || dims[d] < 0) {
                throw new InvalidMetadataException(where + ": /blockSize/" + d + " or /dimensions/" + d + " out of range");
            }
            blockElements = Math.multiplyExact(blockElements, bs[d]);
        }
        DataType t = switch (a.get("dataType").asText()) {
            case "uint8" -> DataType.UINT8;
            case "uint16" -> DataType.UINT16;
            case "uint32" -> DataType.UINT32;
            case "uint64" -> DataType.UINT64;
            case "int8" -> DataType.INT8;
            case "int16" -> DataType.INT16;
            case "int32" -> DataType.INT32;
            case "int64" -> DataType.INT64;
            case "float32" -> DataType.FLOAT32;
            case "float64" -> DataType.FLOAT64;
            default -> throw new UnsupportedExtensionException(where + ": /dataType '" + a.get("dataType").asText()
                    + "' is not supported (integers and floats)");
        };
        if (blockElements * t.byteSize() > Integer.MAX_VALUE - 64) {
            throw new UnsupportedExtensionException(where + ": blocks of " + blockElements * t.byteSize()
                    + " bytes are too large (2 GiB at most)");
        }
        String comp;
        JsonNode c = a.get("compression");
        if (c != null && c.isObject()) {
            comp = c.path("type").asText("raw");
        } else if (a.has("compressionType")) { // N5 before 1.0
            comp = a.get("compressionType").asText();
        } else {
            comp = "raw";
        }
        if (!java.util.Set.of("raw", "gzip", "zstd", "lz4", "blosc", "xz", "bzip2").contains(comp)) {
            throw new UnsupportedExtensionException(where + ": compression '" + comp + "' is not supported (raw, gzip, "
                    + "zstd, lz4, blosc, xz, bzip2)");
        }
        return new N5Dataset(dir, reversed(dims), reversed(bs), t, comp, a);
    }

    private static long[] longs(JsonNode n, String where, String pointer) throws InvalidMetadataException {
        if (n == null || !n.isArray() || n.size() > 32) {
            throw new InvalidMetadataException(where + ": " + pointer + " is not an array of at most 32 integers");
        }
        long[] out = new long[n.size()];
        for (int i = 0; i < out.length; i++) {
            if (!n.get(i).canConvertToLong()) {
                throw new InvalidMetadataException(where + ": " + pointer + "/" + i + " is not an integer");
            }
            out[i] = n.get(i).asLong();
        }
        return out;
    }

    private static long[] reversed(long[] a) {
        long[] r = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[a.length - 1 - i];
        }
        return r;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public DataType dataType() {
        return dataType;
    }

    /** The N5 block size, reversed. */
    @Override
    public long[] blockShape() {
        return block.clone();
    }

    /** The dataset's attributes as stored. */
    public JsonNode attributes() {
        return attributes.deepCopy();
    }

    /** The compression type as {@code attributes.json} names it. */
    public String compression() {
        return compression;
    }

    public Path directory() {
        return dir;
    }

    @Override
    public NdBuffer read(long[] offset, long[] box) throws IOException {
        Boxes.check(shape, offset, box);
        NdBuffer out = NdBuffer.allocate(dataType, box);
        if (out.elementCount() == 0) {
            return out;
        }
        int rank = shape.length;
        long[] g0 = new long[rank];
        long[] g1 = new long[rank];
        for (int d = 0; d < rank; d++) {
            g0[d] = offset[d] / block[d];
            g1[d] = (offset[d] + box[d] - 1) / block[d];
        }
        long[] g = g0.clone();
        while (true) {
            NdBuffer b = readBlock(g);
            if (b != null) {
                long[] srcOff = new long[rank];
                long[] dstOff = new long[rank];
                long[] n = new long[rank];
                boolean empty = false;
                for (int d = 0; d < rank; d++) {
                    long start = g[d] * block[d];
                    long lo = Math.max(offset[d], start);
                    long hi = Math.min(offset[d] + box[d], start + b.shape(d));
                    if (hi <= lo) {
                        empty = true;
                        break;
                    }
                    srcOff[d] = lo - start;
                    dstOff[d] = lo - offset[d];
                    n[d] = hi - lo;
                }
                if (!empty) {
                    NdBuffer.copy(b, srcOff, out, dstOff, n);
                }
            }
            int d = rank - 1;
            for (; d >= 0; d--) {
                if (++g[d] <= g1[d]) {
                    break;
                }
                g[d] = g0[d];
            }
            if (d < 0) {
                return out;
            }
        }
    }

    /** Block {@code g} (grid position in this array's order) as a C-order buffer of its stored size, or null when missing. */
    private NdBuffer readBlock(long[] g) throws IOException {
        int rank = g.length;
        Path f = dir;
        for (int d = rank - 1; d >= 0; d--) { // N5 paths list the fastest dimension first
            f = f.resolve(Long.toString(g[d]));
        }
        byte[] all;
        try {
            long size = Files.size(f);
            if (size > Integer.MAX_VALUE - 64) {
                throw new UnsupportedExtensionException(f + ": a block of " + size + " bytes is too large");
            }
            all = Files.readAllBytes(f);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            if (e instanceof dev.ngff.error.NgffException) {
                throw e;
            }
            throw new StoreException(f + ": cannot read: " + e.getMessage(), e);
        }
        ByteBuffer h = ByteBuffer.wrap(all); // big-endian, as N5 writes
        if (all.length < 4) {
            throw new CorruptDataException(f + ": " + all.length + " bytes, shorter than an N5 block header");
        }
        int mode = h.getShort(0) & 0xffff;
        int nd = h.getShort(2) & 0xffff;
        if (mode > 1) {
            throw new UnsupportedExtensionException(f + ": N5 block mode " + mode + " (object blocks) is not supported");
        }
        if (nd != rank) {
            throw new CorruptDataException(f + ": block header names " + nd + " dimensions, the dataset has " + rank);
        }
        int headerBytes = 4 + 4 * rank + (mode == 1 ? 4 : 0);
        if (all.length < headerBytes) {
            throw new CorruptDataException(f + ": " + all.length + " bytes, shorter than its " + headerBytes
                    + "-byte block header");
        }
        long[] bs = new long[rank];
        long n = 1;
        for (int i = 0; i < rank; i++) {
            long v = h.getInt(4 + 4 * i) & 0xffffffffL;
            int d = rank - 1 - i;
            if (v < 1 || v > block[d]) {
                throw new CorruptDataException(f + ": block header size " + v + " in dimension " + i + " (at byte "
                        + (4 + 4 * i) + ") is outside 1.." + block[d]);
            }
            bs[d] = v;
            n *= v;
        }
        if (mode == 1) {
            long count = h.getInt(4 + 4 * rank) & 0xffffffffL;
            if (count != n) {
                throw new UnsupportedExtensionException(f + ": a varlength block of " + count + " elements for "
                        + n + " cells is not supported");
            }
        }
        int bytes = dataType.byteSize();
        int expected = (int) (n * bytes);
        byte[] data = decompress(f, all, headerBytes, expected);
        Predictors.swap(data, data.length, bytes); // big-endian to the buffer's little-endian
        byte[] exact = data.length == expected ? data : Arrays.copyOf(data, expected);
        return NdBuffer.wrap(dataType, bs, MemorySegment.ofArray(exact));
    }

    private byte[] decompress(Path f, byte[] all, int from, int expected) throws IOException {
        byte[] payload = Arrays.copyOfRange(all, from, all.length);
        byte[] out;
        try {
            switch (compression) {
                case "raw" -> out = payload;
                case "zstd" -> out = toArray(new ZstdCodec("zstd", 3, false).decode(Bytes.wrap(payload), BYTES, expected));
                case "blosc" -> out = toArray(BloscCodec.numcodecs(BloscCompressor.LZ4, 5, BloscShuffle.NOSHUFFLE, 0)
                        .decode(Bytes.wrap(payload), BYTES, expected));
                default -> {
                    try (InputStream in = stream(payload)) {
                        out = in.readNBytes(expected + 1);
                    }
                }
            }
        } catch (IOException e) {
            if (e instanceof dev.ngff.error.NgffException ne && !(e instanceof CorruptDataException)) {
                throw ne;
            }
            throw new CorruptDataException(f + ": " + compression + " data does not decode: "
                    + String.valueOf(e.getMessage()).replace('\n', ' '), e);
        } catch (RuntimeException e) { // the JNI and stream decoders report some corrupt input so
            throw new CorruptDataException(f + ": " + compression + " data does not decode: " + e.getMessage(), e);
        }
        if (out.length < expected) {
            throw new CorruptDataException(f + ": decoded " + out.length + " bytes, expected " + expected);
        }
        if (out.length > expected && !compression.equals("raw")) {
            throw new CorruptDataException(f + ": decodes to more than the " + expected + " bytes its header declares");
        }
        return out;
    }

    private InputStream stream(byte[] payload) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(payload);
        return switch (compression) {
            case "gzip" -> payload.length > 1 && (payload[0] & 0xff) == 0x1f && (payload[1] & 0xff) == 0x8b
                    ? new GZIPInputStream(in) : new InflaterInputStream(in); // useZlib writes zlib streams
            case "lz4" -> new net.jpountz.lz4.LZ4BlockInputStream(in);
            case "xz" -> new org.tukaani.xz.XZInputStream(in);
            case "bzip2" -> new org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream(in);
            default -> throw new IllegalStateException(compression);
        };
    }

    private static byte[] toArray(Bytes b) {
        return b.segment().toArray(ValueLayout.JAVA_BYTE);
    }
}
