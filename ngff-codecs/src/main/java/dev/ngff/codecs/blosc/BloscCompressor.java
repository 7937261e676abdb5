package dev.ngff.codecs.blosc;

import java.util.Locale;

/** The compressors a c-blosc 1.x frame can name, with the format code stored in header flag bits 5-7. */
public enum BloscCompressor {
    BLOSCLZ("blosclz", 0),
    LZ4("lz4", 1),
    LZ4HC("lz4hc", 1),
    SNAPPY("snappy", 2),
    ZLIB("zlib", 3),
    ZSTD("zstd", 4);

    private final String cname;
    private final int format;

    BloscCompressor(String cname, int format) {
        this.cname = cname;
        this.format = format;
    }

    /** The name in metadata ({@code cname}). */
    public String cname() {
        return cname;
    }

    /** The format code in a frame header (lz4 and lz4hc share one). */
    public int format() {
        return format;
    }

    /** The compressor named {@code cname}, or null for an unknown name. */
    public static BloscCompressor fromName(String cname) {
        for (BloscCompressor c : values()) {
            if (c.cname.equals(cname.toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        return null;
    }

    /** The decoder for a header's format code, or null when the code is not one c-blosc 1.x writes. */
    static BloscCompressor forFormat(int format) {
        return switch (format) {
            case 0 -> BLOSCLZ;
            case 1 -> LZ4;
            case 2 -> SNAPPY;
            case 3 -> ZLIB;
            case 4 -> ZSTD;
            default -> null;
        };
    }
}
