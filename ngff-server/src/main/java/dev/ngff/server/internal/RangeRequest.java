package dev.ngff.server.internal;

/**
 * The answer to a {@code Range} header for an object of a known length (RFC 9110 section 14): the whole
 * object (no header, a header in another unit, more than one range, or one that does not parse), one
 * satisfiable range, or none satisfiable (416).
 */
public sealed interface RangeRequest {

    /** Send the whole object with 200. */
    record Whole() implements RangeRequest {
    }

    /** Send bytes {@code [start, end)} with 206. */
    record Part(long start, long end) implements RangeRequest {
    }

    /** Answer 416 with {@code Content-Range: bytes *}{@code /length}. */
    record Unsatisfiable() implements RangeRequest {
    }

    /** Interprets a {@code Range} header value (null for none) for an object of {@code length} bytes. */
    static RangeRequest parse(String header, long length) {
        if (header == null) {
            return new Whole();
        }
        String h = header.strip();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
            return new Whole();
        }
        String spec = h.substring(6).strip();
        if (spec.indexOf(',') >= 0) {
            return new Whole(); // several ranges: the whole object is a valid answer
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return new Whole();
        }
        String first = spec.substring(0, dash).strip();
        String last = spec.substring(dash + 1).strip();
        try {
            if (first.isEmpty()) {
                if (last.isEmpty()) {
                    return new Whole();
                }
                long n = parseDigits(last);
                if (n == 0 || length == 0) {
                    return new Unsatisfiable();
                }
                return new Part(Math.max(0, length - n), length);
            }
            long start = parseDigits(first);
            long end = last.isEmpty() ? Long.MAX_VALUE - 1 : parseDigits(last);
            if (end < start) {
                return new Whole(); // invalid: ignored, as the RFC says
            }
            if (start >= length) {
                return new Unsatisfiable();
            }
            return new Part(start, Math.min(end, length - 1) + 1);
        } catch (NumberFormatException e) {
            return new Whole();
        }
    }

    private static long parseDigits(String s) {
        if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new NumberFormatException(s);
        }
        return Long.parseLong(s);
    }
}
