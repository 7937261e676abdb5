package dev.ngff.convert.internal;

import dev.ngff.error.Causes;

import java.util.List;
import java.util.stream.Collectors;

/** Words for the names a listing skipped because they cannot be Zarr keys. */
public final class Skipped {
    private static final int SHOWN = 5;

    private Skipped() {
    }

    /** Such as {@code 2 entries whose names cannot be Zarr keys ('a\b', '..')}, at most five names shown. */
    public static String describe(List<String> names) {
        String shown = names.stream().limit(SHOWN).map(n -> "'" + Causes.printable(n) + "'").collect(Collectors.joining(", "));
        String more = names.size() > SHOWN ? " and " + (names.size() - SHOWN) + " more" : "";
        return names.size() + (names.size() == 1 ? " entry whose name cannot be a Zarr key (" : " entries whose names cannot be Zarr keys (")
                + shown + more + ")";
    }
}
