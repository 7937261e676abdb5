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

    /**
     * The grid coordinates of a chunk key relative to the array's prefix (the inverse of
     * {@link #encode}), or empty when {@code key} is no chunk key of an array of {@code rank}
     * dimensions (a metadata document, a foreign object, a coordinate that is not a canonical
     * non-negative decimal).
     */
    public java.util.Optional<long[]> decode(String key, int rank) {
        String rest = key;
        if (kind == Kind.DEFAULT) {
            if (rank == 0) {
                return key.equals("c") ? java.util.Optional.of(new long[0]) : java.util.Optional.empty();
            }
            if (!key.startsWith("c" + separator)) {
                return java.util.Optional.empty();
            }
            rest = key.substring(2);
        } else if (rank == 0) {
            return key.equals("0") ? java.util.Optional.of(new long[0]) : java.util.Optional.empty();
        }
        long[] out = new long[rank];
        int d = 0;
        int start = 0;
        for (int i = 0; i <= rest.length(); i++) {
            if (i == rest.length() || rest.charAt(i) == separator) {
                if (d >= rank) {
                    return java.util.Optional.empty();
                }
                String part = rest.substring(start, i);
                if (part.isEmpty() || part.length() > 19 || (part.length() > 1 && part.charAt(0) == '0')) {
                    return java.util.Optional.empty();
                }
                for (int k = 0; k < part.length(); k++) {
                    if (part.charAt(k) < '0' || part.charAt(k) > '9') {
                        return java.util.Optional.empty();
                    }
                }
                try {
                    out[d++] = Long.parseLong(part);
                } catch (NumberFormatException e) {
                    return java.util.Optional.empty();
                }
                start = i + 1;
            }
        }
        return d == rank ? java.util.Optional.of(out) : java.util.Optional.empty();
    }

    /** The v3 metadata name. */
    public String name() {
        return kind == Kind.DEFAULT ? "default" : "v2";
    }
}
