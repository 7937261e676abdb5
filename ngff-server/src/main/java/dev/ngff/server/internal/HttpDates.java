package dev.ngff.server.internal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * HTTP dates (RFC 9110 IMF-fixdate) without a formatter's cost on every response: the current second's
 * {@code Date} is made once a second, and a file's {@code Last-Modified} once per version served (the open
 * file cache keeps it). Thread-safe.
 */
final class HttpDates {
    static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

    /** The second and its text, replaced together. */
    private record Stamp(long second, io.netty.util.AsciiString text) {
    }

    private volatile Stamp now = new Stamp(Long.MIN_VALUE, io.netty.util.AsciiString.EMPTY_STRING);

    /** The current time as an HTTP date. */
    io.netty.util.AsciiString now() {
        long second = System.currentTimeMillis() / 1000;
        Stamp s = now;
        if (s.second != second) {
            s = new Stamp(second, new io.netty.util.AsciiString(format(Instant.ofEpochSecond(second))));
            now = s;
        }
        return s.text;
    }

    /** IMF-fixdate: the day of the month always has two digits (RFC 1123's formatter drops the zero). */
    private static final DateTimeFormatter FIXDATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH);

    static String format(Instant t) {
        return FIXDATE.format(ZonedDateTime.ofInstant(t, ZoneOffset.UTC));
    }
}
