package dev.ngff.codecs.numcodecs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.buffer.Bytes;
import dev.ngff.codec.BytesToBytesCodec;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Json;
import org.tukaani.xz.DeltaOptions;
import org.tukaani.xz.FilterOptions;
import org.tukaani.xz.FinishableOutputStream;
import org.tukaani.xz.FinishableWrapperOutputStream;
import org.tukaani.xz.LZMA2InputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.LZMAInputStream;
import org.tukaani.xz.LZMAOutputStream;
import org.tukaani.xz.UnsupportedOptionsException;
import org.tukaani.xz.XZ;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * numcodecs' {@code lzma} ({@code numcodecs.lzma} in Zarr v3), which calls Python's {@code lzma} module,
 * on XZ for Java. Configuration as numcodecs writes it: {@code format} (0 auto-detect, decode only; 1 .xz,
 * the default; 2 .lzma "alone"; 3 raw), {@code check} (-1 the format's default, 0 none, 1 CRC32, 4 CRC64,
 * 10 SHA-256), {@code preset} (0..9, null for 6) and {@code filters} (null, or a chain of
 * {@code {"id": n, ...}} objects; required for raw). Filters supported: LZMA2 ({@code 33}), LZMA1
 * ({@code 0x4000000000000001}, raw only) with {@code preset}, {@code dict_size}, {@code lc}, {@code lp},
 * {@code pb}, {@code mode}, {@code nice_len}, {@code mf}, {@code depth}; and delta ({@code 3}, {@code dist}).
 * Branch/call/jump filters are refused as unsupported. The "extreme" preset flag is accepted and encodes at
 * the plain preset (the output is a valid stream either way).
 *
 * <p>Decoding never holds more than the caller's bound; a raw stream's dictionary is capped at that bound
 * (a dictionary larger than the whole output is never needed), and .xz/.lzma headers that ask for more than
 * {@link #MEMORY_LIMIT_KIB} KiB of decoder memory are refused. Immutable and thread-safe.
 */
public final class LzmaCodec implements BytesToBytesCodec {
    /** Decoder memory limit for .xz and .lzma streams, in KiB (preset 9 needs about 65 MiB). */
    public static final int MEMORY_LIMIT_KIB = 256 << 10;
    static final long LZMA1_ID = 0x4000000000000001L;
    static final long LZMA2_ID = 0x21;
    static final long DELTA_ID = 0x03;
    private static final int PRESET_EXTREME = 0x80000000;
    private static final String NAME = "numcodecs.lzma";

    private final int format;
    private final int check;
    private final Integer preset;
    private final ArrayNode filters; // null when absent
    private final FilterOptions[] filterOptions; // null when absent

    /**
     * @param filters the numcodecs filter chain, or null
     * @throws InvalidMetadataException      when a parameter is out of range or the filter chain is malformed
     * @throws UnsupportedExtensionException when a filter is valid for liblzma but not supported here
     */
    public LzmaCodec(int format, int check, Integer preset, ArrayNode filters)
            throws InvalidMetadataException, UnsupportedExtensionException {
        String where = "codec '" + NAME + "'";
        if (format < 0 || format > 3) {
            throw new InvalidMetadataException(where + ": format must be 0 (auto), 1 (xz), 2 (alone) or 3 (raw), got " + format);
        }
        if (check != -1 && check != XZ.CHECK_NONE && check != XZ.CHECK_CRC32 && check != XZ.CHECK_CRC64
                && check != XZ.CHECK_SHA256) {
            throw new InvalidMetadataException(where + ": check must be -1, 0, 1, 4 or 10, got " + check);
        }
        if (check != -1 && format != 1 && check != XZ.CHECK_NONE) {
            throw new InvalidMetadataException(where + ": an integrity check is only possible with format 1 (xz)");
        }
        if (preset != null && ((preset & ~PRESET_EXTREME) < 0 || (preset & ~PRESET_EXTREME) > 9)) {
            throw new InvalidMetadataException(where + ": preset must be 0..9 (optionally with the extreme flag), got " + preset);
        }
        if (filters != null && preset != null) {
            throw new InvalidMetadataException(where + ": preset and filters cannot both be given");
        }
        if (format == 3 && filters == null) {
            throw new InvalidMetadataException(where + ": format 3 (raw) needs a filter chain");
        }
        this.format = format;
        this.check = check;
        this.preset = preset;
        this.filters = filters == null ? null : filters.deepCopy();
        this.filterOptions = filters == null ? null : parseFilters(filters, format, where);
    }

    private static FilterOptions[] parseFilters(ArrayNode chain, int format, String where)
            throws InvalidMetadataException, UnsupportedExtensionException {
        if (chain.isEmpty() || chain.size() > 4) {
            throw new InvalidMetadataException(where + ": filters must hold 1 to 4 filters, got " + chain.size());
        }
        List<FilterOptions> out = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
            JsonNode f = chain.get(i);
            String at = where + " filters/" + i;
            if (!f.isObject() || !f.path("id").canConvertToExactIntegral()) {
                throw new InvalidMetadataException(at + ": must be an object with an integer id");
            }
            long id = f.get("id").longValue();
            boolean last = i == chain.size() - 1;
            if (id == LZMA2_ID || id == LZMA1_ID) {
                if (!last) {
                    throw new InvalidMetadataException(at + ": the LZMA filter must come last in the chain");
                }
                if (id == LZMA1_ID && format != 3) {
                    throw new InvalidMetadataException(at + ": LZMA1 in a filter chain needs format 3 (raw)");
                }
                out.add(lzmaOptions((ObjectNode) f, at));
            } else if (id == DELTA_ID) {
                if (last) {
                    throw new InvalidMetadataException(at + ": the chain must end with an LZMA filter");
                }
                checkFields((ObjectNode) f, Set.of("id", "dist"), at);
                int dist = f.path("dist").isMissingNode() ? 1 : f.get("dist").intValue();
                try {
                    out.add(new DeltaOptions(dist));
                } catch (UnsupportedOptionsException e) {
                    throw new InvalidMetadataException(at + ": " + e.getMessage());
                }
            } else {
                throw new UnsupportedExtensionException(at + ": lzma filter id " + id
                        + " is not supported (only LZMA1, LZMA2 and delta)");
            }
        }
        return out.toArray(FilterOptions[]::new);
    }

    private static void checkFields(ObjectNode f, Set<String> allowed, String at) throws InvalidMetadataException {
        for (var it = f.fieldNames(); it.hasNext(); ) {
            String n = it.next();
            if (!allowed.contains(n)) {
                throw new InvalidMetadataException(at + ": unknown filter option '" + n + "'");
            }
        }
        for (var it = f.properties().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().canConvertToExactIntegral()) {
                throw new InvalidMetadataException(at + ": " + e.getKey() + " must be an integer, got " + e.getValue());
            }
        }
    }

    private static LZMA2Options lzmaOptions(ObjectNode f, String at) throws InvalidMetadataException {
        checkFields(f, Set.of("id", "preset", "dict_size", "lc", "lp", "pb", "mode", "nice_len", "mf", "depth"), at);
        try {
            LZMA2Options o = new LZMA2Options(f.has("preset") ? f.get("preset").intValue() & ~PRESET_EXTREME : 6);
            if (f.has("dict_size")) {
                o.setDictSize(f.get("dict_size").intValue());
            }
            if (f.has("lc") || f.has("lp")) {
                o.setLcLp(f.has("lc") ? f.get("lc").intValue() : o.getLc(), f.has("lp") ? f.get("lp").intValue() : o.getLp());
            }
            if (f.has("pb")) {
                o.setPb(f.get("pb").intValue());
            }
            if (f.has("mode")) {
                o.setMode(f.get("mode").intValue());
            }
            if (f.has("nice_len")) {
                o.setNiceLen(f.get("nice_len").intValue());
            }
            if (f.has("mf")) {
                o.setMatchFinder(f.get("mf").intValue());
            }
            if (f.has("depth")) {
                o.setDepthLimit(f.get("depth").intValue());
            }
            return o;
        } catch (UnsupportedOptionsException e) {
            throw new InvalidMetadataException(at + ": " + e.getMessage());
        }
    }

    @Override
    public CodecSpec spec() {
        ObjectNode c = Json.object();
        c.put("format", format);
        c.put("check", check);
        if (preset == null) {
            c.putNull("preset");
        } else {
            c.put("preset", preset);
        }
        if (filters == null) {
            c.putNull("filters");
        } else {
            c.set("filters", filters.deepCopy());
        }
        return new CodecSpec(NAME, c);
    }

    @Override
    public Bytes encode(Bytes decoded, ChunkSpec spec) throws UnsupportedExtensionException {
        if (format == 0) {
            throw new UnsupportedExtensionException(NAME + ": format 0 (auto) can only decode; choose 1, 2 or 3 to encode");
        }
        ByteArrayOutputStream bos = new ByteArrayOutputStream((int) Math.min(decoded.size() / 2 + 128, 1 << 26));
        try {
            FilterOptions[] chain = filterOptions != null ? filterOptions
                    : new FilterOptions[] {new LZMA2Options(preset == null ? 6 : preset & ~PRESET_EXTREME)};
            try (OutputStream out = switch (format) {
                case 1 -> new XZOutputStream(bos, chain, check == -1 ? XZ.CHECK_CRC64 : check);
                case 2 -> {
                    if (chain.length != 1) {
                        throw new UnsupportedExtensionException(NAME + ": format 2 (alone) takes one LZMA1 filter");
                    }
                    yield new LZMAOutputStream(bos, (LZMA2Options) chain[0], -1);
                }
                default -> rawOutput(bos, chain);
            }) {
                byte[] buf = new byte[1 << 16];
                for (long p = 0; p < decoded.size(); p += buf.length) {
                    int n = (int) Math.min(buf.length, decoded.size() - p);
                    decoded.slice(p, n).segment().asByteBuffer().get(buf, 0, n);
                    out.write(buf, 0, n);
                }
            }
        } catch (UnsupportedOptionsException e) {
            throw new UnsupportedExtensionException(NAME + ": " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(NAME + ": compression into memory failed", e); // cannot happen in memory
        }
        return Bytes.wrap(bos.toByteArray());
    }

    private FinishableOutputStream rawOutput(OutputStream bos, FilterOptions[] chain) throws IOException {
        FinishableOutputStream out;
        FilterOptions last = chain[chain.length - 1];
        if (lastFilterId() == LZMA1_ID) {
            // liblzma's raw LZMA1 encoder ends the stream with an end-of-payload marker
            out = new FinishableWrapperOutputStream(new LZMAOutputStream(bos, (LZMA2Options) last, true));
        } else {
            out = last.getOutputStream(new FinishableWrapperOutputStream(bos));
        }
        for (int i = chain.length - 2; i >= 0; i--) {
            out = chain[i].getOutputStream(out);
        }
        return out;
    }

    private long lastFilterId() {
        return filters.get(filters.size() - 1).get("id").longValue();
    }

    @Override
    public Bytes decode(Bytes encoded, ChunkSpec spec, long maxDecodedSize) throws CorruptDataException {
        InputStream raw = new ByteArrayInputStream(encoded.toArrayUnsafe());
        int fmt = format == 0 ? (isXz(encoded) ? 1 : 2) : format;
        try {
            InputStream in = switch (fmt) {
                case 1 -> new XZInputStream(raw, MEMORY_LIMIT_KIB);
                case 2 -> new LZMAInputStream(raw, MEMORY_LIMIT_KIB);
                default -> rawInput(raw, maxDecodedSize);
            };
            return Streams.readBounded(in, maxDecodedSize, encoded.size(), NAME);
        } catch (IOException | RuntimeException e) {
            throw new CorruptDataException(NAME + ": corrupt or unusable stream header: " + e, e);
        }
    }

    private InputStream rawInput(InputStream raw, long maxDecodedSize) throws IOException {
        LZMA2Options last = (LZMA2Options) filterOptions[filterOptions.length - 1];
        // a dictionary larger than the whole output is never used, so the bound caps what is allocated
        int dict = (int) Math.max(4096, Math.min(last.getDictSize(), maxDecodedSize));
        InputStream in;
        if (lastFilterId() == LZMA1_ID) {
            byte props = (byte) ((last.getPb() * 5 + last.getLp()) * 9 + last.getLc());
            in = new LZMAInputStream(raw, -1, props, dict);
        } else {
            in = new LZMA2InputStream(raw, dict);
        }
        for (int i = filterOptions.length - 2; i >= 0; i--) {
            in = filterOptions[i].getInputStream(in, org.tukaani.xz.ArrayCache.getDummyCache());
        }
        return in;
    }

    private static boolean isXz(Bytes b) {
        byte[] magic = {(byte) 0xFD, '7', 'z', 'X', 'Z', 0};
        if (b.size() < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (b.get(i) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LzmaCodec l && l.spec().equals(spec());
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
