package dev.ngff.tiff;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;

/**
 * A minimal TIFF writer for tests that must not need Python: one or more uint16 pages, strips or tiles,
 * uncompressed or deflate, classic or BigTIFF, either byte order. The IFDs come first, then the data.
 */
final class TinyTiff {
    private TinyTiff() {
    }

    static byte[] write(short[][] pagesData, int width, int height, int tile, boolean deflate, boolean big,
                        ByteOrder order) {
        int entrySize = big ? 20 : 12;
        int nEntries = 10;
        int ifdSize = (big ? 8 : 2) + nEntries * entrySize + (big ? 8 : 4);
        int headerSize = big ? 16 : 8;
        List<List<byte[]>> segments = new ArrayList<>();
        for (short[] px : pagesData) {
            List<byte[]> segs = new ArrayList<>();
            int sw = tile > 0 ? tile : width;
            int sh = tile > 0 ? tile : 5;
            for (int y = 0; y < height; y += sh) {
                for (int x = 0; x < width; x += sw) {
                    int rows = tile > 0 ? sh : Math.min(sh, height - y);
                    ByteBuffer b = ByteBuffer.allocate(rows * sw * 2).order(order);
                    for (int r = 0; r < rows; r++) {
                        for (int c = 0; c < sw; c++) {
                            int yy = y + r;
                            int xx = x + c;
                            b.putShort(yy < height && xx < width ? px[yy * width + xx] : 0);
                        }
                    }
                    byte[] raw = b.array();
                    if (deflate) {
                        Deflater d = new Deflater();
                        d.setInput(raw);
                        d.finish();
                        byte[] buf = new byte[raw.length * 2 + 64];
                        int n = d.deflate(buf);
                        d.end();
                        raw = java.util.Arrays.copyOf(buf, n);
                    }
                    segs.add(raw);
                }
            }
            segments.add(segs);
        }
        int nSeg = segments.getFirst().size();
        int arrays = nSeg > 1 ? 2 * nSeg * (big ? 8 : 4) : 0; // offsets and counts out of line
        int perPage = ifdSize + arrays;
        long dataStart = headerSize + (long) perPage * pagesData.length;
        ByteBuffer out = ByteBuffer.allocate((int) dataStart + segments.stream().flatMap(List::stream)
                .mapToInt(a -> a.length).sum()).order(order);
        out.put(order == ByteOrder.LITTLE_ENDIAN ? (byte) 'I' : (byte) 'M');
        out.put(order == ByteOrder.LITTLE_ENDIAN ? (byte) 'I' : (byte) 'M');
        if (big) {
            out.putShort((short) 43).putShort((short) 8).putShort((short) 0).putLong(headerSize);
        } else {
            out.putShort((short) 42).putInt(headerSize);
        }
        long dataAt = dataStart;
        for (int p = 0; p < pagesData.length; p++) {
            long ifdAt = headerSize + (long) perPage * p;
            long arraysAt = ifdAt + ifdSize;
            List<byte[]> segs = segments.get(p);
            out.position((int) ifdAt);
            if (big) {
                out.putLong(nEntries);
            } else {
                out.putShort((short) nEntries);
            }
            entry(out, big, 256, 4, 1, width);
            entry(out, big, 257, 4, 1, height);
            entry(out, big, 258, 3, 1, 16);
            entry(out, big, 259, 3, 1, deflate ? 8 : 1);
            entry(out, big, 262, 3, 1, 1);
            entry(out, big, 277, 3, 1, 1);
            entry(out, big, tile > 0 ? 322 : 278, 4, 1, tile > 0 ? tile : 5);
            entry(out, big, tile > 0 ? 323 : 339, 3, 1, tile > 0 ? tile : 1);
            int offType = big ? 16 : 4;
            long offsetsAt = arraysAt;
            long countsAt = arraysAt + (long) nSeg * (big ? 8 : 4);
            entry(out, big, tile > 0 ? 324 : 273, offType, nSeg, nSeg > 1 ? offsetsAt : dataAt);
            entry(out, big, tile > 0 ? 325 : 279, offType, nSeg, nSeg > 1 ? countsAt : segs.getFirst().length);
            long next = p + 1 < pagesData.length ? ifdAt + perPage : 0;
            if (big) {
                out.putLong(next);
            } else {
                out.putInt((int) next);
            }
            for (int s = 0; s < nSeg; s++) {
                if (nSeg > 1) {
                    put(out, big, (int) (offsetsAt + (long) s * (big ? 8 : 4)), dataAt);
                    put(out, big, (int) (countsAt + (long) s * (big ? 8 : 4)), segs.get(s).length);
                }
                out.put((int) dataAt, segs.get(s));
                dataAt += segs.get(s).length;
            }
        }
        return out.array();
    }

    private static void put(ByteBuffer out, boolean big, int at, long v) {
        if (big) {
            out.putLong(at, v);
        } else {
            out.putInt(at, (int) v);
        }
    }

    private static void entry(ByteBuffer out, boolean big, int tag, int type, long count, long value) {
        out.putShort((short) tag).putShort((short) type);
        if (big) {
            out.putLong(count);
            if (type == 3) {
                out.putShort((short) value).putShort((short) 0).putInt(0);
            } else if (type == 4) {
                out.putInt((int) value).putInt(0);
            } else {
                out.putLong(value);
            }
        } else {
            out.putInt((int) count);
            if (type == 3) {
                out.putShort((short) value).putShort((short) 0);
            } else {
                out.putInt((int) value);
            }
        }
    }

}
