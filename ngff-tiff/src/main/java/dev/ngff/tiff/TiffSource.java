package dev.ngff.tiff;

import dev.ngff.buffer.NdBuffer;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.metadata.DataType;
import dev.ngff.pyramid.LevelSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;

/**
 * Pages of equal size and type as one array: leading dimensions that the pages span in C order, a samples
 * dimension (RGB, or a planar channel stack) placed among them, then rows (y) and columns (x). A box read
 * decodes each page it cuts once, reading only the strips or tiles under the box.
 *
 * <p>Immutable and thread-safe (reads are positional); the pages' file must stay open while it is read.
 */
public final class TiffSource implements LevelSource {
    private final List<TiffPage> pages;
    private final long[] pageShape;
    private final int sampleAxis;
    private final long[] shape;
    private final long[] block;
    private final DataType dataType;

    private TiffSource(List<TiffPage> pages, long[] pageShape, int sampleAxis) throws UnsupportedExtensionException {
        this.pages = List.copyOf(pages);
        this.pageShape = pageShape.clone();
        TiffPage first = this.pages.getFirst();
        long n = 1;
        for (long d : pageShape) {
            if (d < 1) {
                throw new IllegalArgumentException("page dimensions must be positive: " + Arrays.toString(pageShape));
            }
            n = Math.multiplyExact(n, d);
        }
        if (n != pages.size()) {
            throw new IllegalArgumentException("page dimensions " + Arrays.toString(pageShape) + " span " + n
                    + " pages, " + pages.size() + " given");
        }
        if (sampleAxis > pageShape.length || sampleAxis < -1) {
            throw new IllegalArgumentException("sample axis " + sampleAxis + " for " + pageShape.length + " page dimensions");
        }
        if (sampleAxis < 0 && first.samplesPerPixel() > 1) {
            throw new IllegalArgumentException("pages of " + first.samplesPerPixel() + " samples need a sample axis");
        }
        this.sampleAxis = sampleAxis;
        this.dataType = first.dataType();
        for (int i = 1; i < this.pages.size(); i++) {
            TiffPage p = this.pages.get(i);
            if (p.width() != first.width() || p.height() != first.height()
                    || p.samplesPerPixel() != first.samplesPerPixel() || !p.dataType().equals(dataType)) {
                throw new UnsupportedExtensionException(p.describe() + ": page " + i + " is " + p.samplesPerPixel() + " x "
                        + p.height() + " x " + p.width() + " " + p.dataType() + ", the series' first page "
                        + first.samplesPerPixel() + " x " + first.height() + " x " + first.width() + " " + dataType);
            }
        }
        int lead = pageShape.length + (sampleAxis >= 0 ? 1 : 0);
        shape = new long[lead + 2];
        block = new long[lead + 2];
        int k = 0;
        for (int d = 0; d < lead; d++) {
            if (d == sampleAxis) {
                shape[d] = first.samplesPerPixel();
                block[d] = first.isPlanar() ? 1 : first.samplesPerPixel();
            } else {
                shape[d] = pageShape[k++];
                block[d] = 1;
            }
        }
        shape[lead] = first.height();
        shape[lead + 1] = first.width();
        block[lead] = first.segmentHeight();
        block[lead + 1] = first.segmentWidth();
    }

    /**
     * Pages as an array.
     *
     * @param pages      the pages, in C order over {@code pageShape}
     * @param pageShape  the dimensions the pages span (their product is the number of pages)
     * @param sampleAxis where the samples dimension goes among the leading dimensions (0 to
     *                   {@code pageShape.length}), or -1 for pages of one sample per pixel
     * @throws UnsupportedExtensionException pages that differ in size or type, or a type that cannot be read
     */
    public static TiffSource of(List<TiffPage> pages, long[] pageShape, int sampleAxis)
            throws UnsupportedExtensionException {
        if (pages.isEmpty()) {
            throw new IllegalArgumentException("no pages");
        }
        return new TiffSource(pages, pageShape, sampleAxis);
    }

    /** Pages as a plain stack: {@code [pages,] [samples,] y, x}, the first two only when larger than one. */
    public static TiffSource stack(List<TiffPage> pages) throws UnsupportedExtensionException {
        long[] ps = pages.size() > 1 ? new long[] {pages.size()} : new long[0];
        int sampleAxis = pages.getFirst().samplesPerPixel() > 1 ? ps.length : -1;
        return of(pages, ps, sampleAxis);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public DataType dataType() {
        return dataType;
    }

    /** One strip or tile of one page (all samples of a pixel when they are interleaved). */
    @Override
    public long[] blockShape() {
        return block.clone();
    }

    /** The pages, in C order over the page dimensions. */
    public List<TiffPage> pages() {
        return pages;
    }

    /** Where the samples dimension is, or -1. */
    public int sampleAxis() {
        return sampleAxis;
    }

    @Override
    public NdBuffer read(long[] offset, long[] boxShape) throws IOException {
        int rank = shape.length;
        dev.ngff.tiff.internal.Boxes.check(shape, offset, boxShape);
        NdBuffer out = NdBuffer.allocate(dataType, boxShape);
        if (out.elementCount() == 0) {
            return out;
        }
        int lead = rank - 2;
        int s0 = sampleAxis >= 0 ? (int) offset[sampleAxis] : 0;
        int ns = sampleAxis >= 0 ? (int) boxShape[sampleAxis] : 1;
        int y0 = (int) offset[lead];
        int x0 = (int) offset[lead + 1];
        int h = (int) boxShape[lead];
        int w = (int) boxShape[lead + 1];
        long[] one = boxShape.clone(); // one page's part: 1 on the page dimensions
        long[] zeros = new long[rank];
        long[] idx = new long[rank]; // position in the box of the page's part
        for (int d = 0; d < lead; d++) {
            if (d != sampleAxis) {
                one[d] = 1;
            }
        }
        long bytes = (long) ns * h * w * dataType.byteSize();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment tmp = arena.allocate(bytes);
            NdBuffer part = NdBuffer.wrap(dataType, one, tmp);
            while (true) {
                long page = 0;
                int k = 0;
                for (int d = 0; d < lead; d++) {
                    if (d != sampleAxis) {
                        page = page * pageShape[k++] + offset[d] + idx[d];
                    }
                }
                pages.get((int) page).read(s0, ns, y0, x0, h, w, tmp);
                NdBuffer.copy(part, zeros, out, idx, one);
                int d = lead - 1;
                for (; d >= 0; d--) {
                    if (d == sampleAxis) {
                        continue;
                    }
                    if (++idx[d] < boxShape[d]) {
                        break;
                    }
                    idx[d] = 0;
                }
                if (d < 0) {
                    break;
                }
            }
        }
        return out;
    }
}
