package dev.ngff.cli;

import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Codecs;
import picocli.CommandLine;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The compressor a user picks with {@code --codec}: {@code none}, {@code gzip[:level]} or
 * {@code zstd[:level]}.
 *
 * @param name  {@code none}, {@code gzip} or {@code zstd}
 * @param level compression level (ignored for {@code none})
 */
record CodecChoice(String name, int level) {
    static final int GZIP_DEFAULT = 5;
    static final int ZSTD_DEFAULT = 3;

    /** The bytes-to-bytes codecs this choice puts after the {@code bytes} codec: none or one. */
    List<CodecSpec> compressors() {
        return spec().map(List::of).orElse(List.of());
    }

    Optional<CodecSpec> spec() {
        return switch (name) {
            case "gzip" -> Optional.of(Codecs.gzip(level));
            case "zstd" -> Optional.of(Codecs.zstd(level, false));
            default -> Optional.empty();
        };
    }

    @Override
    public String toString() {
        return name.equals("none") ? name : name + ":" + level;
    }

    /** Picocli converter for {@code --codec}. */
    static final class Converter implements CommandLine.ITypeConverter<CodecChoice> {
        @Override
        public CodecChoice convert(String value) {
            return parse(value);
        }
    }

    static CodecChoice parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        int colon = v.indexOf(':');
        String name = colon < 0 ? v : v.substring(0, colon);
        if (!name.equals("none") && !name.equals("gzip") && !name.equals("zstd")) {
            throw new CommandLine.TypeConversionException("unknown codec '" + value + "' (none, gzip[:level], zstd[:level])");
        }
        if (colon < 0) {
            return new CodecChoice(name, name.equals("gzip") ? GZIP_DEFAULT : name.equals("zstd") ? ZSTD_DEFAULT : 0);
        }
        if (name.equals("none")) {
            throw new CommandLine.TypeConversionException("codec 'none' takes no level: '" + value + "'");
        }
        int level;
        try {
            level = Integer.parseInt(v.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("bad level in '" + value + "'");
        }
        boolean ok = name.equals("gzip") ? level >= 0 && level <= 9 : level >= -131072 && level <= 22;
        if (!ok) {
            throw new CommandLine.TypeConversionException("level out of range in '" + value + "' (gzip 0..9, zstd up to 22)");
        }
        return new CodecChoice(name, level);
    }
}
