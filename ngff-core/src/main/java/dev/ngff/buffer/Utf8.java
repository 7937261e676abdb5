package dev.ngff.buffer;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 for the elements of variable-length text arrays: encoding refuses lone surrogates (which
 * {@link String#getBytes} would silently turn into {@code ?}), and validation refuses what Python's strict
 * decoder refuses (overlong forms, surrogates, code points past U+10FFFF, truncated sequences). Stateless.
 */
public final class Utf8 {
    private Utf8() {
    }

    /** The UTF-8 bytes of {@code text}; an {@link IllegalArgumentException} for a lone surrogate. */
    public static byte[] encode(String text) {
        // fast path: pure ASCII (most names and labels) needs no encoder
        int n = text.length();
        boolean ascii = true;
        for (int i = 0; i < n && ascii; i++) {
            ascii = text.charAt(i) < 0x80;
        }
        if (ascii) {
            return text.getBytes(StandardCharsets.ISO_8859_1);
        }
        try {
            ByteBuffer b = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(text));
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("text is not valid Unicode (a lone surrogate?): " + e.getMessage());
        }
    }

    /** The text of valid UTF-8 bytes (see {@link #firstInvalid}). */
    public static String decode(byte[] utf8) {
        return new String(utf8, StandardCharsets.UTF_8);
    }

    /** Offset of the first byte of {@code b[from, to)} that does not start a valid UTF-8 sequence, or -1. */
    public static int firstInvalid(byte[] b, int from, int to) {
        int i = from;
        while (i < to) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                i++;
                continue;
            }
            int len;
            int min;
            if (c >= 0xc2 && c <= 0xdf) {
                len = 2;
                min = 0x80;
            } else if (c >= 0xe0 && c <= 0xef) {
                len = 3;
                min = 0x800;
            } else if (c >= 0xf0 && c <= 0xf4) {
                len = 4;
                min = 0x10000;
            } else {
                return i;
            }
            if (i + len > to) {
                return i;
            }
            int cp = c & (0x7f >> len);
            for (int k = 1; k < len; k++) {
                int x = b[i + k] & 0xff;
                if ((x & 0xc0) != 0x80) {
                    return i;
                }
                cp = (cp << 6) | (x & 0x3f);
            }
            if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
                return i;
            }
            i += len;
        }
        return -1;
    }
}
