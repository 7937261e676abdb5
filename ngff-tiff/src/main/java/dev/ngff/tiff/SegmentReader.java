package dev.ngff.tiff;

import dev.ngff.buffer.Bytes;
import dev.ngff.codec.ChunkSpec;
import dev.ngff.codecs.ZstdCodec;
import dev.ngff.error.CorruptDataException;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.FillValue;
import dev.ngff.tiff.internal.JpegTiles;
import dev.ngff.tiff.internal.Lzw;
import dev.ngff.tiff.internal.PackBits;
import dev.ngff.tiff.internal.Predictors;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads a box of a page: finds the strips or tiles it cuts, reads them in file order (neighbours closer than
 * {@link #GAP} in one read of at most {@link #MAX_RUN} bytes), decodes each and copies its part of the box.
 */
final class SegmentReader {
    /** Bytes between two segments that one read still spans rather than making two. */
    static final long GAP = 64 << 10;
    /** Longest coalesced read. */
    static final long MAX_RUN = 16 << 20;

    private static final ZstdCodec ZSTD = new ZstdCodec("zstd", 3, false);
    private static final ChunkSpec BYTES_SPEC = new ChunkSpec(new long[] {1}, DataType.UINT8, FillValue.zero(DataType.UINT8));

    private SegmentReader() {
    }

    /**
     * A strip or tile to read: {@code rows} rows from {@code row0}. An uncompressed strip is cut to the rows of
     * the box, so a single-strip image is never read whole for a small box.
     */
    private record Seg(int index, int sample, int row0, int rows, int col0, long offset, long length) {
    }

    static void read(TiffPage p, int s0, int ns, int y0, int x0, int h, int w, MemorySegment dst) throws IOException {
        int segW = p.segmentWidth();
        int segH = p.segmentHeight();
        int across = (p.width() + segW - 1) / segW;
        int down = (p.height() + segH - 1) / segH;
        long perPlane = (long) across * down;
        List<Seg> segs = new ArrayList<>();
        int planes = p.isPlanar() ? ns : 1;
        for (int pl = 0; pl < planes; pl++) {
            int sample = p.isPlanar() ? s0 + pl : -1;
            for (int ty = y0 / segH; ty <= (y0 + h - 1) / segH; ty++) {
                for (int tx = x0 / segW; tx <= (x0 + w - 1) / segW; tx++) {
                    int idx = (int) ((p.isPlanar() ? sample * perPlane : 0) + (long) ty * across + tx);
                    int row0 = ty * segH;
                    int rows = p.isTiled() ? segH : Math.min(segH, p.height() - row0);
                    long off = p.offsets()[idx];
                    long len = p.byteCounts()[idx];
                    if (p.compression() == 1 && !p.isTiled() && len != 0) {
                        long rowBytes = (long) p.width() * (p.isPlanar() ? 1 : p.samplesPerPixel())
                                * p.dataType().byteSize();
                        int first = Math.max(y0, row0);
                        int last = Math.min(y0 + h, row0 + rows);
                        long skip = (first - row0) * rowBytes;
                        long need = (long) (last - first) * rowBytes;
                        if (skip + need > len) {
                            throw new CorruptDataException(p.describe() + ", strip " + idx + " at offset " + off + ": "
                                    + len + " bytes, " + rows + " rows need " + rows * rowBytes);
                        }
                        off += skip;
                        len = need;
                        row0 = first;
                        rows = last - first;
                    }
                    segs.add(new Seg(idx, sample, row0, rows, tx * segW, off, len));
                }
            }
        }
        for (Seg s : segs) {
            if (s.length > TiffPage.MAX_SEGMENT_BYTES) {
                throw new UnsupportedExtensionException(p.describe() + ", " + (p.isTiled() ? "tile " : "strip ") + s.index
                        + " at offset " + s.offset + ": " + s.length + " stored bytes, more than the "
                        + TiffPage.MAX_SEGMENT_BYTES + " one strip or tile may hold here");
            }
        }
        segs.sort(Comparator.comparingLong(Seg::offset));
        int i = 0;
        while (i < segs.size()) {
            int j = i + 1;
            long start = segs.get(i).offset;
            long end = start + segs.get(i).length;
            while (j < segs.size() && segs.get(j).offset - end <= GAP && segs.get(j).offset >= start
                    && Math.max(end, segs.get(j).offset + segs.get(j).length) - start <= MAX_RUN) {
                end = Math.max(end, segs.get(j).offset + segs.get(j).length);
                j++;
            }
            ByteBuffer run = p.file().read(start, (int) (end - start), p.describe() + ", strips or tiles");
            for (int k = i; k < j; k++) {
                Seg s = segs.get(k);
                byte[] enc = new byte[(int) s.length];
                run.get((int) (s.offset - start), enc);
                byte[] dec = decode(p, s, enc);
                place(p, s, dec, s0, ns, y0, x0, h, w, dst);
            }
            i = j;
        }
    }


    /** The decoded segment, little-endian, {@code rows x segmentWidth x samples-in-segment} elements. */
    private static byte[] decode(TiffPage p, Seg s, byte[] enc) throws IOException {
        DataType t = p.dataType();
        int bytes = t.byteSize();
        int spc = p.isPlanar() ? 1 : p.samplesPerPixel();
        int rows = s.rows;
        int rowElements = p.segmentWidth() * spc;
        long size = (long) rows * rowElements * bytes;
        String what = p.describe() + ", " + (p.isTiled() ? "tile " : "strip ") + s.index + " at offset " + s.offset;
        if (size > TiffPage.MAX_SEGMENT_BYTES) {
            throw new UnsupportedExtensionException(what + ": decodes to " + size + " bytes, more than the "
                    + TiffPage.MAX_SEGMENT_BYTES + " one strip or tile may hold here");
        }
        byte[] out = new byte[(int) size];
        if (s.length == 0) {
            return out; // an absent segment: zeros, as tifffile reads it
        }
        int got;
        switch (p.compression()) {
            case 1 -> {
                got = Math.min(enc.length, out.length);
                System.arraycopy(enc, 0, out, 0, got);
            }
            case 5 -> got = Lzw.decode(enc, out);
            case 8, 32946 -> got = inflate(enc, out, what);
            case 32773 -> got = PackBits.decode(enc, out);
            case 50000 -> {
                Bytes d = ZSTD.decode(Bytes.wrap(enc), BYTES_SPEC, size);
                got = (int) Math.min(d.size(), size);
                MemorySegment.copy(d.segment(), ValueLayout.JAVA_BYTE, 0, out, 0, got);
            }
            case 7 -> {
                if (bytes != 1) {
                    throw new UnsupportedExtensionException(what + ": JPEG of " + p.bitsPerSample()
                            + "-bit samples is not supported (8-bit only)");
                }
                String bad = JpegTiles.decode(p.jpegTables(), enc, rows, p.segmentWidth(), spc, p.photometric() == 6, out);
                if (bad != null) {
                    throw new CorruptDataException(what + ": " + bad);
                }
                got = out.length;
            }
            default -> throw new UnsupportedExtensionException(p.where(Ifd.COMPRESSION) + ": compression "
                    + p.compression() + " is not supported (none, LZW, deflate, zstd, PackBits, JPEG)");
        }
        if (got < 0) {
            throw new CorruptDataException(what + ": the compressed data is malformed");
        }
        if (got < size) {
            throw new CorruptDataException(what + ": decoded " + got + " bytes, expected " + size);
        }
        int predictor = p.predictor();
        if (predictor == 3) {
            if (t.kind() != DataType.Kind.FLOAT) {
                throw new UnsupportedExtensionException(p.where(Ifd.PREDICTOR) + ": predictor 3 on integer samples");
            }
            Predictors.undoFloatingPoint(out, rows, rowElements, spc, bytes);
            return out;
        }
        if (p.file().byteOrder() == ByteOrder.BIG_ENDIAN) {
            Predictors.swap(out, out.length, bytes);
        }
        if (predictor == 2) {
            if (t.kind() == DataType.Kind.FLOAT) {
                throw new UnsupportedExtensionException(p.where(Ifd.PREDICTOR) + ": predictor 2 on floating-point samples");
            }
            Predictors.undoHorizontal(out, rows, rowElements, spc, bytes);
        } else if (predictor != 1) {
            throw new UnsupportedExtensionException(p.where(Ifd.PREDICTOR) + ": predictor " + predictor
                    + " is not supported (1, 2 or 3)");
        }
        return out;
    }

    private static int inflate(byte[] enc, byte[] out, String what) throws CorruptDataException {
        int fast = Libdeflate.zlibDecompress(enc, out); // a whole, clean stream: same bytes, about twice as fast
        if (fast >= 0) {
            return fast;
        }
        try {
            return zlibInflate(enc, out);
        } catch (DataFormatException e) {
            throw new CorruptDataException(what + ": deflate data is malformed: " + e.getMessage(), e);
        }
    }

    /**
     * The JDK's zlib: decodes the zlib stream {@code enc} into {@code out}, up to its length (bytes beyond are not
     * decoded, as tifffile reads them); returns the bytes written, fewer when the stream ends or is cut short.
     */
    static int zlibInflate(byte[] enc, byte[] out) throws DataFormatException {
        Inflater inf = new Inflater();
        try {
            inf.setInput(enc);
            int o = 0;
            while (o < out.length && !inf.finished()) {
                int n = inf.inflate(out, o, out.length - o);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    break;
                }
                o += n;
            }
            return o;
        } finally {
            inf.end();
        }
    }

    /** Copies the part of a decoded segment that falls in the box into {@code dst} ({@code [ns][h][w]}). */
    private static void place(TiffPage p, Seg s, byte[] dec, int s0, int ns, int y0, int x0, int h, int w,
                              MemorySegment dst) throws IOException {
        int bytes = p.dataType().byteSize();
        int spc = p.isPlanar() ? 1 : p.samplesPerPixel();
        int segW = p.segmentWidth();
        int r0 = Math.max(y0, s.row0);
        int r1 = Math.min(y0 + h, s.row0 + s.rows);
        int c0 = Math.max(x0, s.col0);
        int c1 = Math.min(x0 + w, Math.min(s.col0 + segW, p.width()));
        if (r0 >= r1 || c0 >= c1) {
            return;
        }
        int cols = c1 - c0;
        if (spc == 1) {
            int sample = p.isPlanar() ? s.sample : 0;
            for (int r = r0; r < r1; r++) {
                long src = ((long) (r - s.row0) * segW + (c0 - s.col0)) * bytes;
                long at = (((long) (sample - s0) * h + (r - y0)) * w + (c0 - x0)) * bytes;
                MemorySegment.copy(dec, (int) src, dst, ValueLayout.JAVA_BYTE, at, cols * bytes);
            }
            return;
        }
        // interleaved samples: each row of a sample is gathered into a heap array by a plain loop, then copied
        // with one bulk copy (a bulk copy per sample cost more than the tile's inflate: 37% of a slide's CPU)
        byte[] row = new byte[cols * bytes];
        int stride = spc * bytes;
        for (int sm = s0; sm < s0 + ns; sm++) {
            for (int r = r0; r < r1; r++) {
                long at = (((long) (sm - s0) * h + (r - y0)) * w + (c0 - x0)) * bytes;
                int src = (((r - s.row0) * segW + (c0 - s.col0)) * spc + sm) * bytes;
                if (bytes == 1) {
                    for (int c = 0; c < cols; c++, src += stride) {
                        row[c] = dec[src];
                    }
                } else {
                    for (int c = 0, o = 0; c < cols; c++, src += stride) {
                        for (int b = 0; b < bytes; b++) {
                            row[o++] = dec[src + b];
                        }
                    }
                }
                MemorySegment.copy(row, 0, dst, ValueLayout.JAVA_BYTE, at, row.length);
            }
        }
    }
}
