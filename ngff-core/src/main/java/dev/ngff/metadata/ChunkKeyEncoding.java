package dev.ngff.metadata;

/**
 * How chunk grid coordinates become store keys. {@code default}: {@code c/1/2} (or {@code c.1.2});
 * {@code v2}: {@code 1.2} (or {@code 1/2}); a rank-0 array has the single chunk {@code c} or {@code 0}.
 */
public record ChunkKeyEncoding(Kind kind, char separator) {
    public enum Kind { DEFAULT, V2 }

    public static final ChunkKeyEncoding DEFAULT_SLASH = new ChunkKeyEncoding(Kind.DEFAULT, '/');
    public static final ChunkKeyEncoding V2_DOT = new ChunkKeyEncoding(Kind.V2, '.');

    public ChunkKeyEncoding {
        if (separator != '/' && separator != '.') {
            throw new IllegalArgumentException("chunk key separator must be '/' or '.', got '" + separator + "'");
        }
    }

    /** The key of a chunk relative to the array's own prefix. */
    public String encode(long[] chunkCoords) {
        StringBuilder sb = new StringBuilder(8 + chunkCoords.length * 4);
        if (kind == Kind.DEFAULT) {
            sb.append('c');
            for (long c : chunkCoords) {
                sb.append(separator).append(c);
            }
            return sb.toString();
        }
        if (chunkCoords.length == 0) {
            return "0";
        }
        for (int i = 0; i < chunkCoords.length; i++) {
            if (i > 0) {
                sb.append(separator);
            }
            sb.append(chunkCoords[i]);
        }
        return sb.toString();
    }

    /** The v3 metadata name. */
    public String name() {
        return kind == Kind.DEFAULT ? "default" : "v2";
    }
}
