package dev.ngff.server.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The answer to a {@code Range} header for an object of a known length (RFC 9110 section 14): the whole
 * object (no header, a header in another unit, or one that does not parse), one satisfiable range, several
 * (a {@code multipart/byteranges} answer), or none satisfiable (416). Several ranges are honoured only when
 * they are few, do not overlap and add up to little ({@link #MAX_PARTS}, {@link #MAX_MULTIPART_BYTES}):
 * otherwise the whole object is sent, which the RFC allows, so a request cannot make the server assemble a
 * large or amplified body in memory.
 */
public sealed interface RangeRequest {
    int MAX_PARTS = 16;
    long MAX_MULTIPART_BYTES = 256 * 1024;

    /** Send the whole object with 200. */
    record Whole() implements RangeRequest {
    }

    /** Send bytes {@code [start, end)} with 206. */
    record Part(long start, long end) implements RangeRequest {
    }

    /** Send these ranges, ascending and disjoint, as {@code multipart/byteranges} with 206. */
    record Parts(List<Part> parts) implements RangeRequest {
        public Parts {
            parts = List.copyOf(parts);
        }
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
        String[] specs = h.substring(6).split(",", MAX_PARTS + 1);
        if (specs.length > MAX_PARTS) {
            return new Whole();
        }
        List<Part> parts = new ArrayList<>();
        for (String spec : specs) {
            RangeRequest one = one(spec.strip(), length);
            if (one instanceof Whole) {
                return one; // one invalid range makes the header invalid: it is ignored
            }
            if (one instanceof Part p) {
                parts.add(p);
            }
        }
        if (parts.isEmpty()) {
            return new Unsatisfiable();
        }
        if (parts.size() == 1) {
            return parts.getFirst();
        }
        parts.sort(Comparator.comparingLong(Part::start));
        long total = 0;
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0 && parts.get(i).start() < parts.get(i - 1).end()) {
                return new Whole(); // overlapping ranges
            }
            total += parts.get(i).end() - parts.get(i).start();
        }
        return total > MAX_MULTIPART_BYTES ? new Whole() : new Parts(parts);
    }

    /** One byte-range spec: a {@link Part}, {@link Unsatisfiable}, or {@link Whole} when it does not parse. */
    private static RangeRequest one(String spec, long length) {
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
