package dev.ngff.metadata.ome;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OME-NGFF metadata version, kept as the exact string a document carries ({@code "0.4"}, {@code "0.5"},
 * {@code "0.6.dev4"}, {@code "0.6rc0"}). The layout rules that differ between versions are answered here,
 * so one model serves every version.
 *
 * @param text the version string as written
 */
public record NgffVersion(String text) implements Comparable<NgffVersion> {
    private static final Pattern FORM = Pattern.compile("(\\d+)\\.(\\d+)(.*)");

    public static final NgffVersion V0_1 = new NgffVersion("0.1");
    public static final NgffVersion V0_2 = new NgffVersion("0.2");
    public static final NgffVersion V0_3 = new NgffVersion("0.3");
    public static final NgffVersion V0_4 = new NgffVersion("0.4");
    public static final NgffVersion V0_5 = new NgffVersion("0.5");
    /** The RFC-5 draft that the ngff-rfc5 examples and zarr-java use. */
    public static final NgffVersion V0_6_DEV4 = new NgffVersion("0.6.dev4");
    /** The newest 0.6 draft (release candidate) of the specification; what {@code 0.6} writers produce. */
    public static final NgffVersion V0_6 = new NgffVersion("0.6rc0");

    public NgffVersion {
        Objects.requireNonNull(text, "text");
        if (!FORM.matcher(text).matches()) {
            throw new IllegalArgumentException("not an OME-NGFF version: '" + text + "'");
        }
    }

    /** Parses a version string; empty or malformed strings are rejected. */
    public static NgffVersion of(String text) {
        return new NgffVersion(text);
    }

    /** True when the string has the shape of a version ({@code major.minor[suffix]}). */
    public static boolean isWellFormed(String text) {
        return text != null && FORM.matcher(text).matches();
    }

    public int major() {
        return Integer.parseInt(part(1));
    }

    public int minor() {
        return Integer.parseInt(part(2));
    }

    /** What follows {@code major.minor}: {@code ".dev4"}, {@code "rc0"}, or empty for a release. */
    public String suffix() {
        return part(3);
    }

    private String part(int group) {
        Matcher m = FORM.matcher(text);
        m.matches();
        return m.group(group);
    }

    /** True from 0.5 on: metadata sits under the {@code "ome"} attribute of a Zarr v3 group. */
    public boolean nestedUnderOme() {
        return atLeast(0, 5);
    }

    /** The Zarr format a writer uses for this version: 2 up to 0.4, 3 from 0.5. */
    public int zarrFormat() {
        return nestedUnderOme() ? 3 : 2;
    }

    /** True from 0.6 on (RFC-5): coordinate systems and input/output-linked transformations. */
    public boolean hasCoordinateSystems() {
        return atLeast(0, 6);
    }

    /** True for 0.4 and newer, where axes are objects with name, type and unit (0.3 had name strings). */
    public boolean hasTypedAxes() {
        return atLeast(0, 4);
    }

    public boolean atLeast(int maj, int min) {
        return major() > maj || (major() == maj && minor() >= min);
    }

    @Override
    public int compareTo(NgffVersion o) {
        int c = Integer.compare(major(), o.major());
        if (c == 0) {
            c = Integer.compare(minor(), o.minor());
        }
        if (c == 0) {
            // a release sorts after its drafts: "0.6.dev4" < "0.6rc0" < "0.6"
            String a = suffix();
            String b = o.suffix();
            if (a.isEmpty() || b.isEmpty()) {
                return Boolean.compare(a.isEmpty(), b.isEmpty());
            }
            c = a.compareTo(b);
        }
        return c;
    }

    @Override
    public String toString() {
        return text;
    }
}
