package dev.ngff.codecs.blosc;

/** Blosc's pre-filters, with the integer numcodecs uses and the string of the Zarr v3 blosc codec. */
public enum BloscShuffle {
    NOSHUFFLE(0, "noshuffle"),
    SHUFFLE(1, "shuffle"),
    BITSHUFFLE(2, "bitshuffle");

    private final int code;
    private final String v3Name;

    BloscShuffle(int code, String v3Name) {
        this.code = code;
        this.v3Name = v3Name;
    }

    /** numcodecs' integer ({@code Blosc.NOSHUFFLE}, {@code SHUFFLE}, {@code BITSHUFFLE}). */
    public int code() {
        return code;
    }

    /** The Zarr v3 blosc codec's string. */
    public String v3Name() {
        return v3Name;
    }

    /** numcodecs' rule for {@code AUTOSHUFFLE} (-1): bit shuffle for one-byte elements, else byte shuffle. */
    public static BloscShuffle auto(int typesize) {
        return typesize == 1 ? BITSHUFFLE : SHUFFLE;
    }

    static BloscShuffle fromCode(int code) {
        return switch (code) {
            case 0 -> NOSHUFFLE;
            case 1 -> SHUFFLE;
            case 2 -> BITSHUFFLE;
            default -> null;
        };
    }

    static BloscShuffle fromV3Name(String name) {
        for (BloscShuffle s : values()) {
            if (s.v3Name.equals(name)) {
                return s;
            }
        }
        return null;
    }
}
