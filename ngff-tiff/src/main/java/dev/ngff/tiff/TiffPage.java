package dev.ngff.tiff;

import dev.ngff.error.CorruptDataException;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.metadata.DataType;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * One image of a TIFF file (a top-level page or a SubIFD): its geometry, sample type, compression and the
 * byte ranges of its strips or tiles. Values were checked when the file was opened: a page's strips or tiles
 * cover it exactly and lie inside the file. What cannot be decoded (1-bit samples, an unknown compression)
 * fails when it is read or when {@link #dataType()} is asked, with an {@link UnsupportedExtensionException}
 * naming the file, the IFD and the tag.
 *
 * <p>Immutable and thread-safe; reads go through the file's channel.
 */
public final class TiffPage {
    /** Largest decoded strip or tile, in bytes (a hostile header cannot make a read allocate more). */
    public static final long MAX_SEGMENT_BYTES = 1L << 30;

    final Ifd ifd;
    final long nextIfd;
    private final List<TiffPage> subIfds;
    private final int width;
    private final int height;
    private final int samplesPerPixel;
    private final int bitsPerSample;
    private final int sampleFormat;
    private final int compression;
    private final int predictor;
    private final int photometric;
    private final boolean planar;
    private final boolean tiled;
    private final int segmentWidth;
    private final int segmentHeight;
    private final long[] offsets;
    private final long[] byteCounts;
    private final long subfileType;
    private final String description;
    private final String software;
    private final double xResolution;
    private final double yResolution;
    private final int resolutionUnit;
    private final byte[] jpegTables;

    private TiffPage(Ifd ifd, List<TiffPage> subIfds, long nextIfd) throws IOException {
        this.ifd = ifd;
        this.subIfds = List.copyOf(subIfds);
        this.nextIfd = nextIfd;
        long w = ifd.longValue(Ifd.IMAGE_WIDTH, -1);
        long h = ifd.longValue(Ifd.IMAGE_LENGTH, -1);
        if (w < 1 || h < 1 || w > Integer.MAX_VALUE || h > Integer.MAX_VALUE) {
            throw ifd.error(w < 1 || w > Integer.MAX_VALUE ? Ifd.IMAGE_WIDTH : Ifd.IMAGE_LENGTH,
                    "(image size " + w + " x " + h + ") is missing or out of range");
        }
        width = (int) w;
        height = (int) h;
        long spp = ifd.longValue(Ifd.SAMPLES_PER_PIXEL, 1);
        if (spp < 1 || spp > 1024) {
            throw ifd.error(Ifd.SAMPLES_PER_PIXEL, "declares " + spp + " samples per pixel (1 to 1024)");
        }
        samplesPerPixel = (int) spp;
        long bits = ifd.longValue(Ifd.BITS_PER_SAMPLE, 1);
        if (bits < 1 || bits > 64) {
            throw ifd.error(Ifd.BITS_PER_SAMPLE, "declares " + bits + " bits per sample (1 to 64)");
        }
        bitsPerSample = (int) bits;
        sampleFormat = (int) Math.min(ifd.longValue(Ifd.SAMPLE_FORMAT, 1), 1 << 16);
        compression = (int) Math.min(ifd.longValue(Ifd.COMPRESSION, 1), 1 << 16);
        predictor = (int) Math.min(ifd.longValue(Ifd.PREDICTOR, 1), 1 << 16);
        photometric = (int) Math.min(ifd.longValue(Ifd.PHOTOMETRIC, -1), 1 << 16);
        long pc = ifd.longValue(Ifd.PLANAR_CONFIGURATION, 1);
        if (pc != 1 && pc != 2) {
            throw ifd.error(Ifd.PLANAR_CONFIGURATION, "is " + pc + " (1 or 2)");
        }
        planar = pc == 2 && samplesPerPixel > 1;
        if (ifd.longValue(Ifd.IMAGE_DEPTH, 1) != 1 || ifd.longValue(Ifd.TILE_DEPTH, 1) != 1) {
            throw new UnsupportedExtensionException(ifd.where(Ifd.IMAGE_DEPTH) + ": volumetric tiles (ImageDepth) are "
                    + "not supported");
        }
        tiled = ifd.has(Ifd.TILE_WIDTH) || ifd.has(Ifd.TILE_OFFSETS);
        int offsetsTag;
        int countsTag;
        if (tiled) {
            long tw = ifd.longValue(Ifd.TILE_WIDTH, -1);
            long th = ifd.longValue(Ifd.TILE_LENGTH, -1);
            if (tw < 1 || th < 1 || tw > (1 << 20) || th > (1 << 20)) {
                throw ifd.error(tw < 1 || tw > (1 << 20) ? Ifd.TILE_WIDTH : Ifd.TILE_LENGTH, "(tile size " + tw + " x " + th
                        + ") is missing or out of range");
            }
            segmentWidth = (int) tw;
            segmentHeight = (int) th;
            offsetsTag = Ifd.TILE_OFFSETS;
            countsTag = Ifd.TILE_BYTE_COUNTS;
        } else {
            long rps = ifd.longValue(Ifd.ROWS_PER_STRIP, height);
            if (rps < 1) {
                throw ifd.error(Ifd.ROWS_PER_STRIP, "is " + rps + " (at least 1)");
            }
            segmentWidth = width;
            segmentHeight = (int) Math.min(rps, height);
            offsetsTag = Ifd.STRIP_OFFSETS;
            countsTag = Ifd.STRIP_BYTE_COUNTS;
        }
        long across = ceilDiv(width, segmentWidth);
        long down = ceilDiv(height, segmentHeight);
        long segments = across * down * (planar ? samplesPerPixel : 1);
        if (segments > ifd.file.size()) { // each segment needs an offset of at least one byte in the file
            throw ifd.error(offsetsTag, "would need " + segments + " strips or tiles, more than the file can hold");
        }
        if (!ifd.has(offsetsTag) || !ifd.has(countsTag)) {
            throw ifd.error(ifd.has(offsetsTag) ? countsTag : offsetsTag, "is missing");
        }
        offsets = ifd.longs(offsetsTag, segments);
        byteCounts = ifd.longs(countsTag, segments);
        if (offsets.length != segments || byteCounts.length != segments) {
            throw ifd.error(offsets.length != segments ? offsetsTag : countsTag, "has "
                    + (offsets.length != segments ? offsets.length : byteCounts.length) + " values; a " + width + " x "
                    + height + " image in " + segmentWidth + " x " + segmentHeight + (tiled ? " tiles" : " strips")
                    + " needs " + segments);
        }
        long fileSize = ifd.file.size();
        for (int i = 0; i < offsets.length; i++) {
            if (byteCounts[i] != 0 && (offsets[i] > fileSize || byteCounts[i] > fileSize - offsets[i])) {
                throw ifd.error(offsetsTag, (tiled ? "tile " : "strip ") + i + ": " + byteCounts[i] + " bytes at offset "
                        + offsets[i] + " lie outside the file (" + fileSize + " bytes)");
            }
        }
        subfileType = ifd.longValue(Ifd.NEW_SUBFILE_TYPE, 0);
        description = ifd.text(Ifd.IMAGE_DESCRIPTION);
        software = ifd.text(Ifd.SOFTWARE);
        xResolution = ifd.rational(Ifd.X_RESOLUTION);
        yResolution = ifd.rational(Ifd.Y_RESOLUTION);
        resolutionUnit = (int) Math.min(ifd.longValue(Ifd.RESOLUTION_UNIT, 2), 1 << 16);
        jpegTables = ifd.raw(Ifd.JPEG_TABLES, 1 << 20);
    }

    static TiffPage of(Ifd ifd, List<TiffPage> subIfds, long nextIfd) throws IOException {
        return new TiffPage(ifd, subIfds, nextIfd);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** The file this page belongs to. */
    public TiffFile file() {
        return ifd.file;
    }

    /** Where this page's IFD starts in the file. */
    public long ifdOffset() {
        return ifd.offset;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public int samplesPerPixel() {
        return samplesPerPixel;
    }

    public int bitsPerSample() {
        return bitsPerSample;
    }

    /** TIFF compression code (1 none, 5 LZW, 7 JPEG, 8 and 32946 deflate, 32773 PackBits, 50000 zstd). */
    public int compression() {
        return compression;
    }

    public int predictor() {
        return predictor;
    }

    /** TIFF photometric interpretation, or -1 when the tag is absent. */
    public int photometric() {
        return photometric;
    }

    /** True for PlanarConfiguration 2 (one plane per sample) with more than one sample. */
    public boolean isPlanar() {
        return planar;
    }

    public boolean isTiled() {
        return tiled;
    }

    /** Width of a tile, or the image width for strips. */
    public int segmentWidth() {
        return segmentWidth;
    }

    /** Height of a tile, or rows per strip. */
    public int segmentHeight() {
        return segmentHeight;
    }

    /** NewSubfileType: bit 0 set for a reduced-resolution image. */
    public long subfileType() {
        return subfileType;
    }

    /** True for a reduced-resolution copy of another image (NewSubfileType bit 0). */
    public boolean isReduced() {
        return (subfileType & 1) != 0;
    }

    /** ImageDescription (OME-XML, ImageJ's header, JSON from tifffile), or null. */
    public String description() {
        return description;
    }

    public String software() {
        return software;
    }

    /** X and Y resolution (pixels per unit; NaN when absent) and ResolutionUnit (1 none, 2 inch, 3 cm). */
    public double xResolution() {
        return xResolution;
    }

    public double yResolution() {
        return yResolution;
    }

    public int resolutionUnit() {
        return resolutionUnit;
    }

    /** Reduced resolutions stored as SubIFDs of this page, largest first as written. */
    public List<TiffPage> subIfds() {
        return subIfds;
    }

    /**
     * The element type of a sample.
     *
     * @throws UnsupportedExtensionException for sample formats and sizes other than 8/16/32/64-bit integers and
     *                                       16/32/64-bit floats
     */
    public DataType dataType() throws UnsupportedExtensionException {
        DataType t = switch (sampleFormat) {
            case 1 -> switch (bitsPerSample) {
                case 8 -> DataType.UINT8;
                case 16 -> DataType.UINT16;
                case 32 -> DataType.UINT32;
                case 64 -> DataType.UINT64;
                default -> null;
            };
            case 2 -> switch (bitsPerSample) {
                case 8 -> DataType.INT8;
                case 16 -> DataType.INT16;
                case 32 -> DataType.INT32;
                case 64 -> DataType.INT64;
                default -> null;
            };
            case 3 -> switch (bitsPerSample) {
                case 16 -> DataType.FLOAT16;
                case 32 -> DataType.FLOAT32;
                case 64 -> DataType.FLOAT64;
                default -> null;
            };
            default -> null;
        };
        if (t == null) {
            throw new UnsupportedExtensionException(ifd.where(Ifd.BITS_PER_SAMPLE) + ": " + bitsPerSample
                    + "-bit samples of SampleFormat " + sampleFormat + " are not supported (8, 16, 32 or 64-bit integers, "
                    + "16, 32 or 64-bit floats)");
        }
        return t;
    }

    /** Byte offsets in the file of the strips or tiles (planes one after another when planar). */
    long[] offsets() {
        return offsets;
    }

    long[] byteCounts() {
        return byteCounts;
    }

    byte[] jpegTables() {
        return jpegTables;
    }

    /**
     * Decodes samples {@code [s0, s0 + ns)} of rows {@code [y0, y0 + h)} and columns {@code [x0, x0 + w)} into
     * {@code dst}, laid out sample-major ({@code [ns][h][w]}, C order) in little-endian. Strips or tiles are read
     * in file order, nearby ones in one read.
     *
     * @throws IllegalArgumentException when the box is outside the page or {@code dst} has the wrong size
     * @throws CorruptDataException     a strip or tile does not decode to its size
     */
    public void read(int s0, int ns, int y0, int x0, int h, int w, MemorySegment dst) throws IOException {
        if (s0 < 0 || ns < 0 || s0 + ns > samplesPerPixel || y0 < 0 || h < 0 || (long) y0 + h > height || x0 < 0 || w < 0
                || (long) x0 + w > width) {
            throw new IllegalArgumentException("samples [" + s0 + ", " + (s0 + ns) + "), rows [" + y0 + ", " + (y0 + h)
                    + "), columns [" + x0 + ", " + (x0 + w) + ") are outside a " + samplesPerPixel + " x " + height
                    + " x " + width + " page");
        }
        long need = (long) ns * h * w * dataType().byteSize();
        if (dst.byteSize() != need) {
            throw new IllegalArgumentException("destination holds " + dst.byteSize() + " bytes, the box needs " + need);
        }
        if (need == 0) {
            return;
        }
        SegmentReader.read(this, s0, ns, y0, x0, h, w, dst);
    }

    /** Where this page's tag is, for messages. */
    String where(int tag) {
        return ifd.where(tag);
    }

    /** {@code file: IFD at offset N} for messages. */
    public String describe() {
        return ifd.file.describe() + ": IFD at offset " + ifd.offset;
    }
}
