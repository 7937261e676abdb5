package dev.ngff.convert;

import dev.ngff.convert.internal.CodecText;
import dev.ngff.convert.internal.ArrayLayout;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Codecs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The layout a copy writes: Zarr format, chunk shape, optional shards and compressor; null fields keep
 * what the source has. Immutable.
 *
 * @param zarrFormat 2 or 3, or null to keep the source's
 * @param chunks     (inner) chunk shape, or null to keep the source's
 * @param shards     shard shape, or null to keep the source's sharding (dropped for Zarr v2)
 * @param unsharded  write without sharding even when the source is sharded
 * @param codec      the codecs after the array-to-bytes codec (or replacing {@code bytes}, for pcodec), or null to keep
 *                   the source's
 */
public record TargetLayout(Integer zarrFormat, long[] chunks, long[] shards, boolean unsharded, CodecChoice codec) {

    /** True when the copy may reuse the source metadata as it is. */
    public boolean keepsAll(ArrayMetadata src) {
        return (zarrFormat == null || zarrFormat == src.zarrFormat()) && chunks == null && shards == null
                && !unsharded && codec == null;
    }

    /**
     * The metadata of the copy of {@code src}.
     *
     * @throws IllegalArgumentException when the options cannot be applied to this array (the message says why)
     * @throws InvalidMetadataException when the source's sharding configuration is malformed
     */
    public ArrayMetadata apply(ArrayMetadata src, String where) throws InvalidMetadataException {
        if (keepsAll(src)) {
            return src;
        }
        int format = zarrFormat != null ? zarrFormat : src.zarrFormat();
        ArrayLayout layout = ArrayLayout.of(src, where);
        long[] inner = chunks != null ? chunks : layout.chunkShape();
        checkRank(src, inner, "--chunks");
        long[] outer = shardsFor(format, layout, where);
        if (outer != null) {
            checkRank(src, outer, "--shards");
            for (int d = 0; d < outer.length; d++) {
                if (outer[d] % inner[d] != 0) {
                    throw new IllegalArgumentException(where + ": shard shape " + Arrays.toString(outer)
                            + " is not a multiple of the chunk shape " + Arrays.toString(inner)
                            + " (give --shards, or --shards none)");
                }
            }
        }
        List<CodecSpec> chain = withCompressor(layout.chunkCodecs(), src.dataType(), format, where);
        if (format != src.zarrFormat()) {
            chain = bloscFor(format, chain, src.dataType().byteSize());
        }
        if (outer != null) {
            chain = List.of(Codecs.sharding(inner, chain, Codecs.defaultShardIndexCodecs(), true));
        }
        ArrayMetadata.Builder b = ArrayMetadata.builder(src.dataType(), src.shape())
                .zarrFormat(format)
                .chunks(outer != null ? outer : inner)
                .fillValue(src.fillValue())
                .codecs(chain)
                .attributes(src.attributes());
        if (format == src.zarrFormat()) {
            b.chunkKeyEncoding(src.chunkKeyEncoding());
        }
        if (format == 3) {
            b.dimensionNames(src.dimensionNamesOptional().orElse(null));
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": cannot write as Zarr v" + format + ": " + e.getMessage(), e);
        }
    }

    private long[] shardsFor(int format, ArrayLayout layout, String where) {
        if (unsharded) {
            return null;
        }
        if (shards != null) {
            if (format == 2) {
                throw new IllegalArgumentException("Zarr v2 has no sharding: --shards needs --zarr-format 3");
            }
            return shards;
        }
        // keep the source's sharding where the target format has it
        return format == 3 ? layout.shards().orElse(null) : null;
    }

    private List<CodecSpec> withCompressor(List<CodecSpec> chain, dev.ngff.metadata.DataType type, int format, String where) {
        if (codec == null) {
            return chain;
        }
        int bytesAt = -1;
        for (int i = 0; i < chain.size(); i++) {
            // the array-to-bytes codec: 'bytes', or the variable-length layout of a text or bytes array
            if (chain.get(i).name().equals("bytes") || dev.ngff.codec.std.VlenCodec.NAMES.contains(chain.get(i).name())) {
                bytesAt = i;
                break;
            }
        }
        if (bytesAt < 0) {
            throw new IllegalArgumentException(where + ": --codec needs an array-to-bytes codec ('bytes', 'vlen-utf8', 'vlen-bytes') in the chain, found "
                    + CodecText.chain(chain));
        }
        List<CodecSpec> out = new ArrayList<>(chain.subList(0, bytesAt + 1));
        java.util.Optional<CodecSpec> serializer = codec.serializer();
        if (serializer.isPresent()) {
            if (!chain.get(bytesAt).name().equals("bytes")) {
                throw new IllegalArgumentException(where + ": --codec " + serializer.get().name() + " encodes numbers, not "
                        + type + " values");
            }
            out.set(bytesAt, serializer.get());
        }
        out.addAll(codec.compressors(type, format));
        return out;
    }

    /**
     * The chain with each {@code blosc} configuration written as the target format's readers want it:
     * numcodecs (Zarr v2) has {@code shuffle} as an integer (-1 auto, 0 none, 1 byte, 2 bit) and takes the
     * element size from the array; the Zarr v3 codec has {@code shuffle} by name and an explicit
     * {@code typesize}. Carried over unchanged, zarr-python refuses the v3 array and numcodecs the v2 one.
     */
    public static List<CodecSpec> bloscFor(int format, List<CodecSpec> chain, int elementBytes) {
        List<String> names = List.of("noshuffle", "shuffle", "bitshuffle");
        List<CodecSpec> out = new ArrayList<>(chain.size());
        for (CodecSpec c : chain) {
            com.fasterxml.jackson.databind.JsonNode shuffle = c.get("shuffle");
            if (!c.name().equals("blosc") || shuffle == null) {
                out.add(c);
                continue;
            }
            com.fasterxml.jackson.databind.node.ObjectNode conf = c.configuration();
            if (format == 3 && shuffle.isIntegralNumber()) {
                int code = shuffle.intValue();
                if (code < 0) { // numcodecs' auto: bit shuffle for one-byte elements, else byte shuffle
                    code = elementBytes == 1 ? 2 : 1;
                }
                conf.put("shuffle", names.get(Math.min(code, 2)));
                conf.put("typesize", Math.max(1, elementBytes));
            } else if (format == 2 && shuffle.isTextual() && names.contains(shuffle.textValue())) {
                conf.put("shuffle", names.indexOf(shuffle.textValue()));
                conf.remove("typesize");
            }
            out.add(new CodecSpec(c.name(), conf));
        }
        return out;
    }

    private static void checkRank(ArrayMetadata src, long[] shape, String option) {
        if (shape.length != src.rank()) {
            throw new IllegalArgumentException(option + " " + Arrays.toString(shape) + " has " + shape.length
                    + " dimensions, the array " + src.rank() + " (shape " + Arrays.toString(src.shape()) + ")");
        }
    }

    /**
     * Positive extents as the options spell them: {@code 64,256,256} or {@code 64x256x256}.
     *
     * @throws ConvertOptionException naming the bad entry (the message starts with the quoted value)
     */
    public static long[] parseExtents(String value) {
        String[] parts = value.trim().split("\\s*[,x]\\s*", -1);
        long[] out = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Long.parseLong(parts[i]);
            } catch (NumberFormatException e) {
                throw new ConvertOptionException("'" + value + "' is not a comma-separated list of"
                        + " integers (entry " + i + " is '" + parts[i] + "')", e);
            }
            if (out[i] <= 0) {
                throw new ConvertOptionException("'" + value + "': entry " + i + " must be positive");
            }
        }
        return out;
    }
}
