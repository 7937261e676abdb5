package dev.ngff.buffer;

import dev.ngff.metadata.DataType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Reading and writing the elements of fixed-length UTF-32 buffers ({@link DataType#fixedUtf32}), NumPy's
 * {@code <U<n>}: {@code n} little-endian 32-bit code points per element, NUL-padded at the end. As in
 * NumPy, trailing NULs are not part of the text and a string of more than {@code n} code points does not
 * fit. Stateless.
 */
public final class Utf32Strings {
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Utf32Strings() {
    }

    /** The text of one element's bytes; invalid code points read as U+FFFD. */
    public static String decode(MemorySegment element) {
        int n = (int) (element.byteSize() / 4);
        while (n > 0 && element.get(INT_LE, 4L * (n - 1)) == 0) {
            n--;
        }
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            int cp = element.get(INT_LE, 4L * i);
            sb.appendCodePoint(Character.isValidCodePoint(cp) ? cp : 0xFFFD);
        }
        return sb.toString();
    }

    /** Element {@code linearIndex} (C order) of a fixed-length UTF-32 buffer. */
    public static String get(NdBuffer b, long linearIndex) {
        check(b);
        int size = b.dataType().byteSize();
        return decode(b.segment().asSlice(linearIndex * size, size));
    }

    /**
     * Sets element {@code linearIndex}, NUL-padding it.
     *
     * @throws IllegalArgumentException when the text has more code points than the type holds
     */
    public static void set(NdBuffer b, long linearIndex, String text) {
        check(b);
        int size = b.dataType().byteSize();
        int[] cps = text.codePoints().toArray();
        if (cps.length > size / 4) {
            throw new IllegalArgumentException("\"" + text + "\" has " + cps.length + " code points; " + b.dataType()
                    + " holds " + size / 4);
        }
        MemorySegment e = b.segment().asSlice(linearIndex * size, size);
        e.fill((byte) 0);
        for (int i = 0; i < cps.length; i++) {
            e.set(INT_LE, 4L * i, cps[i]);
        }
    }

    private static void check(NdBuffer b) {
        if (!b.dataType().isFixedUtf32()) {
            throw new IllegalArgumentException("not a fixed-length UTF-32 buffer: " + b.dataType());
        }
    }
}
