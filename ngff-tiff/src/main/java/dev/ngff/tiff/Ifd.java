package dev.ngff.tiff;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The entries of one IFD as parsed, values read on demand. Every entry's byte range was checked against the
 * file's size when it was parsed; the readers here also bound how many values a caller accepts.
 */
final class Ifd {
    static final int NEW_SUBFILE_TYPE = 254;
    static final int IMAGE_WIDTH = 256;
    static final int IMAGE_LENGTH = 257;
    static final int BITS_PER_SAMPLE = 258;
    static final int COMPRESSION = 259;
    static final int PHOTOMETRIC = 262;
    static final int IMAGE_DESCRIPTION = 270;
    static final int STRIP_OFFSETS = 273;
    static final int SAMPLES_PER_PIXEL = 277;
    static final int ROWS_PER_STRIP = 278;
    static final int STRIP_BYTE_COUNTS = 279;
    static final int X_RESOLUTION = 282;
    static final int Y_RESOLUTION = 283;
    static final int PLANAR_CONFIGURATION = 284;
    static final int RESOLUTION_UNIT = 296;
    static final int SOFTWARE = 305;
    static final int PREDICTOR = 317;
    static final int TILE_WIDTH = 322;
    static final int TILE_LENGTH = 323;
    static final int TILE_OFFSETS = 324;
    static final int TILE_BYTE_COUNTS = 325;
    static final int SUB_IFDS = 330;
    static final int SAMPLE_FORMAT = 339;
    static final int JPEG_TABLES = 347;
    static final int IMAGE_DEPTH = 32997;
    static final int TILE_DEPTH = 32998;

    /** Longest text value read (ImageDescription with OME-XML included). */
    static final int MAX_TEXT = 64 << 20;

    private record Entry(int type, long count, long offset, byte[] inline) {
    }

    final TiffFile file;
    final long offset;
    private final Map<Integer, Entry> entries = new HashMap<>();

    Ifd(TiffFile file, long offset) {
        this.file = file;
        this.offset = offset;
    }

    void put(int tag, int type, long count, long at, byte[] inline) {
        entries.put(tag, new Entry(type, count, at, inline));
    }

    boolean has(int tag) {
        return entries.containsKey(tag);
    }

    /** Bytes per value of a TIFF field type; 0 for an unknown type. */
    static int typeSize(int type) {
        return switch (type) {
            case 1, 2, 6, 7 -> 1;
            case 3, 8 -> 2;
            case 4, 9, 11, 13 -> 4;
            case 5, 10, 12, 16, 17, 18 -> 8;
            default -> 0;
        };
    }

    private ByteBuffer bytes(int tag, Entry e, long maxValues) throws IOException {
        if (e.count > maxValues) {
            throw error(tag, "has " + e.count + " values, at most " + maxValues + " expected");
        }
        if (e.inline != null) {
            return ByteBuffer.wrap(e.inline).order(file.byteOrder());
        }
        return file.read(e.offset, (int) (e.count * typeSize(e.type)), "IFD at offset " + offset + ", tag " + tag);
    }

    /** The integer values of {@code tag} (BYTE, SHORT, LONG, LONG8 and IFD types), at most {@code maxValues}. */
    long[] longs(int tag, long maxValues) throws IOException {
        Entry e = entries.get(tag);
        if (e == null) {
            return null;
        }
        ByteBuffer b = bytes(tag, e, maxValues);
        long[] out = new long[(int) e.count];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (e.type) {
                case 1, 7 -> b.get(i) & 0xff;
                case 6 -> b.get(i);
                case 3 -> b.getShort(i * 2) & 0xffff;
                case 8 -> b.getShort(i * 2);
                case 4, 13 -> b.getInt(i * 4) & 0xffffffffL;
                case 9 -> b.getInt(i * 4);
                case 16, 17, 18 -> b.getLong(i * 8);
                default -> throw error(tag, "has field type " + e.type + " where integers are expected");
            };
            if (out[i] < 0 && e.type != 6 && e.type != 8 && e.type != 9 && e.type != 17) {
                throw error(tag, "value " + Long.toUnsignedString(out[i]) + " is out of range");
            }
        }
        return out;
    }

    /** The single integer value of {@code tag}, or {@code dflt} when absent; all values equal when there are more. */
    long longValue(int tag, long dflt) throws IOException {
        long[] v = longs(tag, 1 << 16);
        if (v == null || v.length == 0) {
            return dflt;
        }
        for (long x : v) {
            if (x != v[0]) {
                throw new dev.ngff.error.UnsupportedExtensionException(where(tag) + ": values differ per sample ("
                        + java.util.Arrays.toString(v) + "); only equal values are supported");
            }
        }
        return v[0];
    }

    /** The first RATIONAL (or numeric) value of {@code tag}, or NaN when absent. */
    double rational(int tag) throws IOException {
        Entry e = entries.get(tag);
        if (e == null || e.count < 1) {
            return Double.NaN;
        }
        ByteBuffer b = bytes(tag, e, 1 << 16);
        return switch (e.type) {
            case 5 -> (b.getInt(0) & 0xffffffffL) / (double) (b.getInt(4) & 0xffffffffL);
            case 10 -> b.getInt(0) / (double) b.getInt(4);
            case 11 -> b.getFloat(0);
            case 12 -> b.getDouble(0);
            default -> longs(tag, e.count)[0];
        };
    }

    /** The ASCII value of {@code tag} up to its first NUL, or null when absent. */
    String text(int tag) throws IOException {
        Entry e = entries.get(tag);
        if (e == null) {
            return null;
        }
        ByteBuffer b = bytes(tag, e, MAX_TEXT);
        byte[] a = new byte[b.remaining()];
        b.get(a);
        int end = 0;
        while (end < a.length && a[end] != 0) {
            end++;
        }
        return new String(a, 0, end, StandardCharsets.UTF_8);
    }

    /** The raw bytes of {@code tag} (UNDEFINED or BYTE), or null when absent. */
    byte[] raw(int tag, int maxBytes) throws IOException {
        Entry e = entries.get(tag);
        if (e == null) {
            return null;
        }
        ByteBuffer b = bytes(tag, e, maxBytes / Math.max(1, typeSize(e.type)));
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    ByteOrder order() {
        return file.byteOrder();
    }

    String where(int tag) {
        return file.describe() + ": IFD at offset " + offset + ", tag " + tag;
    }

    dev.ngff.error.CorruptDataException error(int tag, String message) {
        return new dev.ngff.error.CorruptDataException(where(tag) + " " + message);
    }
}
