package dev.ngff.convert;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.error.NgffException;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The codecs a user picks with {@code --codec}: {@code none}, or one codec or several joined by {@code +}
 * ({@code zstd:5+crc32c}), each {@code NAME}, {@code NAME:V1:V2...} (settings in the codec's order) or
 * {@code NAME:KEY=V,KEY=V} (settings by name); see {@link #HELP}. {@code pcodec} serialises the array itself,
 * so it replaces the {@code bytes} codec and comes first. Immutable; settings are checked when parsed.
 *
 * @param parts the codecs in chain order; empty for {@code none}
 */
public record CodecChoice(List<Part> parts) {

    /**
     * What {@code --help} says about the syntax, one short line each ({@code %n} is picocli's line break; it would
     * otherwise wrap inside the examples, at their colons). Each command says the default.
     */
    public static final String HELP = "'none', or CODEC[+CODEC...] in chain order, where%n"
            + "CODEC is NAME, NAME:V1:V2... (settings in order)%n"
            + "or NAME:KEY=V,KEY=V. NAME and settings (defaults):%n"
            + "  gzip[:level 0-9 (5)]%n"
            + "  zlib[:level 0-9 (5)]%n"
            + "  zstd[:level -131072..22 (3)[:checksum (false)]]%n"
            + "  blosc[:cname lz4|lz4hc|blosclz|zstd|zlib (zstd)%n"
            + "    [:clevel 0-9 (5)[:shuffle noshuffle|shuffle|%n"
            + "    bitshuffle|auto (auto)[:blocksize (0, auto)]]]]%n"
            + "  lz4[:acceleration 1.. (1)]%n"
            + "  bz2[:level 1-9 (9)]%n"
            + "  lzma or xz[:preset 0-9 (6)]%n"
            + "  shuffle (byte shuffle by element size)%n"
            + "  crc32c, crc32, adler32, fletcher32 (checksums)%n"
            + "  pcodec[:level 0-12 (8)], numbers only; it%n"
            + "    replaces 'bytes', so it comes first%n"
            + "Examples: zstd:5%n"
            + "  blosc:zstd:5:bitshuffle%n"
            + "  blosc:cname=lz4,clevel=9%n"
            + "  zstd:3+crc32c%n"
            + "  pcodec+crc32c";

    /** One codec of the choice: its kind and its settings, already validated. */
    public record Part(Kind kind, Map<String, String> settings) {
        public Part {
            settings = Map.copyOf(settings);
        }

        String get(String key) {
            return settings.getOrDefault(key, kind.defaults.get(key));
        }

        int integer(String key) {
            return Integer.parseInt(get(key));
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(kind.cliName);
            String sep = ":";
            for (String k : kind.keys) {
                if (settings.containsKey(k)) {
                    b.append(sep).append(k).append('=').append(settings.get(k));
                    sep = ",";
                }
            }
            return b.toString();
        }
    }

    /** The codecs {@code --codec} can write, with their settings in positional order and defaults. */
    public enum Kind {
        GZIP("gzip", "gzip", "level", "5"),
        ZLIB("zlib", "numcodecs.zlib", "level", "5"),
        ZSTD("zstd", "zstd", "level", "3", "checksum", "false"),
        BLOSC("blosc", "blosc", "cname", "zstd", "clevel", "5", "shuffle", "auto", "blocksize", "0"),
        LZ4("lz4", "numcodecs.lz4", "acceleration", "1"),
        BZ2("bz2", "numcodecs.bz2", "level", "9"),
        LZMA("lzma", "numcodecs.lzma", "preset", "6"),
        SHUFFLE("shuffle", "numcodecs.shuffle"),
        CRC32C("crc32c", "crc32c"),
        CRC32("crc32", "numcodecs.crc32"),
        ADLER32("adler32", "numcodecs.adler32"),
        FLETCHER32("fletcher32", "numcodecs.fletcher32"),
        PCODEC("pcodec", "numcodecs.pcodec", "level", "8");

        final String cliName;
        final String codecName;
        final List<String> keys;
        final Map<String, String> defaults;

        Kind(String cliName, String codecName, String... keyDefaults) {
            this.cliName = cliName;
            this.codecName = codecName;
            List<String> k = new ArrayList<>();
            Map<String, String> d = new LinkedHashMap<>();
            for (int i = 0; i < keyDefaults.length; i += 2) {
                k.add(keyDefaults[i]);
                d.put(keyDefaults[i], keyDefaults[i + 1]);
            }
            this.keys = List.copyOf(k);
            this.defaults = Map.copyOf(d);
        }

        static Kind of(String name) {
            String n = name.equals("xz") ? "lzma" : name;
            for (Kind k : values()) {
                if (k.cliName.equals(n)) {
                    return k;
                }
            }
            return null;
        }
    }

    public CodecChoice {
        parts = List.copyOf(parts);
    }

    /** The default of {@code ngff sample}: zstd when this build has it, else gzip. */
    public static CodecChoice defaultCompressor() {
        return parse(CodecRegistry.standard().supports("zstd") ? "zstd" : "gzip");
    }

    /** The array-to-bytes codec that replaces {@code bytes} ({@code pcodec}), if the choice has one. */
    public Optional<CodecSpec> serializer() {
        return parts.isEmpty() || parts.getFirst().kind() != Kind.PCODEC ? Optional.empty()
                : Optional.of(spec(parts.getFirst(), DataType.UINT8, 3));
    }

    /** The bytes-to-bytes codecs this choice puts after the array-to-bytes codec, for arrays of {@code type}. */
    public List<CodecSpec> compressors(DataType type, int zarrFormat) {
        List<CodecSpec> out = new ArrayList<>();
        for (Part p : parts) {
            if (p.kind() != Kind.PCODEC) {
                out.add(spec(p, type, zarrFormat));
            }
        }
        return out;
    }

    private static CodecSpec spec(Part p, DataType type, int zarrFormat) {
        ObjectNode c = Json.object();
        int typesize = Math.max(1, type.byteSize());
        switch (p.kind()) {
            case GZIP -> {
                return Codecs.gzip(p.integer("level"));
            }
            case ZSTD -> {
                return Codecs.zstd(p.integer("level"), Boolean.parseBoolean(p.get("checksum")));
            }
            case CRC32C -> {
                return Codecs.crc32c();
            }
            case ZLIB, BZ2, PCODEC -> c.put("level", p.integer("level"));
            case LZ4 -> c.put("acceleration", p.integer("acceleration"));
            case LZMA -> {
                c.put("format", 1);
                c.put("check", -1);
                c.put("preset", p.integer("preset"));
                c.putNull("filters");
            }
            case SHUFFLE -> c.put("elementsize", typesize);
            case CRC32, ADLER32, FLETCHER32 -> {
            }
            case BLOSC -> {
                String shuffle = p.get("shuffle");
                if (shuffle.equals("auto")) { // numcodecs' and zarr-python's rule: bit shuffle for bytes
                    shuffle = typesize == 1 ? "bitshuffle" : "shuffle";
                }
                c.put("cname", p.get("cname"));
                c.put("clevel", p.integer("clevel"));
                if (zarrFormat == 2) { // numcodecs' Blosc takes the shuffle as an integer and the element size from the array
                    c.put("shuffle", List.of("noshuffle", "shuffle", "bitshuffle").indexOf(shuffle));
                } else {
                    c.put("shuffle", shuffle);
                    c.put("typesize", typesize);
                }
                c.put("blocksize", p.integer("blocksize"));
            }
        }
        return new CodecSpec(p.kind().codecName, c);
    }

    @Override
    public String toString() {
        return parts.isEmpty() ? "none" : String.join("+", parts.stream().map(Part::toString).toList());
    }

    /**
     * Parses {@code --codec}'s value.
     *
     * @throws ConvertOptionException when it is malformed (the message starts with {@code --codec 'VALUE': })
     */
    public static CodecChoice parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("none")) {
            return new CodecChoice(List.of());
        }
        List<Part> parts = new ArrayList<>();
        for (String text : v.split("\\+", -1)) {
            Part p = part(text, value);
            if (p.kind() == Kind.PCODEC && !parts.isEmpty()) {
                throw bad(value, "pcodec serialises the array itself and must come first");
            }
            requireInBuild(p, value);
            parts.add(p);
        }
        return new CodecChoice(parts);
    }

    private static Part part(String text, String value) {
        int colon = text.indexOf(':');
        String name = colon < 0 ? text : text.substring(0, colon);
        Kind kind = Kind.of(name);
        if (kind == null) {
            throw bad(value, "unknown codec '" + name + "' (gzip, zlib, zstd, blosc, lz4, bz2, lzma, shuffle, crc32c, "
                    + "crc32, adler32, fletcher32, pcodec, or none)");
        }
        Map<String, String> settings = new LinkedHashMap<>();
        if (colon >= 0) {
            String[] tokens = text.substring(colon + 1).split("[:,]", -1);
            boolean keyed = false;
            for (int i = 0; i < tokens.length; i++) {
                String t = tokens[i];
                int eq = t.indexOf('=');
                String key;
                String val;
                if (eq >= 0) {
                    keyed = true;
                    key = t.substring(0, eq);
                    val = t.substring(eq + 1);
                    if (!kind.keys.contains(key)) {
                        throw bad(value, kind.cliName + " has no setting '" + key + "'"
                                + (kind.keys.isEmpty() ? " (it takes none)" : " (settings: " + String.join(", ", kind.keys) + ")"));
                    }
                } else {
                    if (keyed) {
                        throw bad(value, "give settings in order before KEY=VALUE ones");
                    }
                    if (i >= kind.keys.size()) {
                        throw bad(value, kind.cliName + " takes " + (kind.keys.isEmpty() ? "no settings"
                                : "at most " + kind.keys.size() + " (" + String.join(", ", kind.keys) + ")"));
                    }
                    key = kind.keys.get(i);
                    val = t;
                }
                if (settings.put(key, check(kind, key, val, value)) != null) {
                    throw bad(value, kind.cliName + " " + key + " is given twice");
                }
            }
        }
        return new Part(kind, settings);
    }

    /** Refuses a codec this build cannot make (pcodec without its native library), with the registry's hint. */
    private static void requireInBuild(Part p, String value) {
        CodecRegistry registry = CodecRegistry.standard();
        if (!registry.supports(p.kind().codecName)) {
            try {
                registry.create(spec(p, DataType.UINT16, 3));
            } catch (NgffException e) {
                throw bad(value, e.getMessage());
            }
            throw bad(value, "codec '" + p.kind().codecName + "' is not in this build");
        }
    }

    /** The setting {@code key} of {@code kind}, normalised; a conversion error when it is out of range. */
    private static String check(Kind kind, String key, String val, String value) {
        switch (key) {
            case "checksum" -> {
                if (!val.equals("true") && !val.equals("false")) {
                    throw bad(value, "zstd checksum must be true or false, got '" + val + "'");
                }
                return val;
            }
            case "cname" -> {
                if (!List.of("lz4", "lz4hc", "blosclz", "zstd", "zlib").contains(val)) {
                    throw bad(value, "blosc cname must be lz4, lz4hc, blosclz, zstd or zlib (snappy decodes only), got '" + val + "'");
                }
                return val;
            }
            case "shuffle" -> {
                String s = switch (val) {
                    case "0", "none", "noshuffle" -> "noshuffle";
                    case "1", "byte", "shuffle" -> "shuffle";
                    case "2", "bit", "bitshuffle" -> "bitshuffle";
                    case "-1", "auto", "autoshuffle" -> "auto";
                    default -> throw bad(value, "blosc shuffle must be noshuffle, shuffle, bitshuffle or auto, got '" + val + "'");
                };
                return s;
            }
            default -> {
                long[] range = switch (kind) {
                    case GZIP, ZLIB -> new long[] {0, 9};
                    case ZSTD -> new long[] {-131072, 22};
                    case BZ2 -> new long[] {1, 9};
                    case LZMA -> new long[] {0, 9};
                    case PCODEC -> new long[] {0, 12};
                    case LZ4 -> new long[] {1, Integer.MAX_VALUE};
                    default -> key.equals("blocksize") ? new long[] {0, Integer.MAX_VALUE} : new long[] {0, 9}; // blosc clevel
                };
                long n;
                try {
                    n = Long.parseLong(val);
                } catch (NumberFormatException e) {
                    throw bad(value, kind.cliName + " " + key + " must be an integer, got '" + val + "'");
                }
                if (n < range[0] || n > range[1]) {
                    throw bad(value, kind.cliName + " " + key + " must be in " + range[0] + ".." + range[1] + ", got " + n);
                }
                return Long.toString(n);
            }
        }
    }

    private static ConvertOptionException bad(String value, String why) {
        return new ConvertOptionException("--codec '" + value + "': " + why);
    }
}
