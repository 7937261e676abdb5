package dev.ngff.testing;

import dev.ngff.buffer.NdBuffer;
import dev.ngff.metadata.DataType;

import java.lang.foreign.ValueLayout;
import java.util.Random;

/** Test data: buffers of any type filled with seeded random or counting values. */
public final class TestArrays {
    private TestArrays() {
    }

    /**
     * Random bytes for every element (any bit pattern, NaNs included for floats); for an optional over a
     * variable-length type about a third of the elements are missing.
     */
    public static NdBuffer random(DataType type, long[] shape, long seed) {
        NdBuffer b = NdBuffer.allocate(type, shape);
        Random r = new Random(seed);
        if (type.isVariableLength()) {
            for (long i = 0; i < b.elementCount(); i++) {
                if (type.isOptionalVariableLength() && r.nextInt(3) == 0) {
                    b.setElementBytes(i, null); // missing
                } else if (type.kind() == DataType.Kind.STRING) {
                    b.setElementBytes(i, dev.ngff.buffer.Utf8.encode(randomText(r)));
                } else {
                    byte[] e = new byte[r.nextInt(4) == 0 ? 0 : r.nextInt(40)];
                    r.nextBytes(e);
                    b.setElementBytes(i, e);
                }
            }
            return b;
        }
        var seg = b.segment();
        for (long i = 0; i < seg.byteSize(); i++) {
            seg.set(ValueLayout.JAVA_BYTE, i, (byte) r.nextInt(256));
        }
        if (type == DataType.BOOL) {
            for (long i = 0; i < seg.byteSize(); i++) {
                seg.set(ValueLayout.JAVA_BYTE, i, (byte) (seg.get(ValueLayout.JAVA_BYTE, i) & 1));
            }
        }
        for (long i = 0; i < b.elementCount(); i++) {
            canonicalize(type, seg, i * type.byteSize());
        }
        return b;
    }

    /** Makes random bytes a valid element: sub-byte integers sign- or zero-extended; optionals 0/1 flags, zero when missing. */
    private static void canonicalize(DataType type, java.lang.foreign.MemorySegment seg, long off) {
        if (type.subByte() != null) {
            int shift = 32 - type.subByte().bits();
            byte v = seg.get(ValueLayout.JAVA_BYTE, off);
            seg.set(ValueLayout.JAVA_BYTE, off, (byte) (type.kind() == DataType.Kind.INT ? (v << shift) >> shift : (v << shift) >>> shift));
        } else if (type.optionalInner() != null) {
            DataType inner = type.optionalInner();
            long flag = off + inner.byteSize();
            boolean present = (seg.get(ValueLayout.JAVA_BYTE, flag) & 1) != 0;
            seg.set(ValueLayout.JAVA_BYTE, flag, (byte) (present ? 1 : 0));
            if (present) {
                canonicalize(inner, seg, off);
            } else {
                seg.asSlice(off, inner.byteSize()).fill((byte) 0);
            }
        } else if (type == DataType.BOOL) {
            seg.set(ValueLayout.JAVA_BYTE, off, (byte) (seg.get(ValueLayout.JAVA_BYTE, off) & 1));
        }
    }

    /** int32 buffer whose element at linear index i is i. */
    /**
     * Random text: empty a quarter of the time, else up to 40 code points drawn from ASCII, Latin-1, CJK and
     * the supplementary planes (surrogate pairs in Java), never lone surrogates.
     */
    public static String randomText(Random r) {
        if (r.nextInt(4) == 0) {
            return "";
        }
        int n = r.nextInt(40) + 1;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int cp = switch (r.nextInt(4)) {
                case 0 -> 0x20 + r.nextInt(0x5f);
                case 1 -> 0xa0 + r.nextInt(0x160);
                case 2 -> 0x4e00 + r.nextInt(0x5000);
                default -> 0x10000 + r.nextInt(0xf0000);
            };
            if (cp >= 0xd800 && cp <= 0xdfff) {
                cp = 'x';
            }
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }

    public static NdBuffer arangeInt32(long... shape) {
        NdBuffer b = NdBuffer.allocate(DataType.INT32, shape);
        long n = b.elementCount();
        for (long i = 0; i < n; i++) {
            b.segment().set(ValueLayout.JAVA_INT_UNALIGNED, 4 * i, (int) i);
        }
        return b;
    }
}
