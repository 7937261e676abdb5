package dev.ngff.tiff.internal;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;

/**
 * JPEG strips and tiles (compression 7) through the JDK's ImageIO: the IFD's JPEGTables are spliced in front
 * of the segment's own markers, and the raster is read without colour conversion (TIFF's photometric
 * interpretation says what the components are).
 */
public final class JpegTiles {
    private JpegTiles() {
    }

    /**
     * Decodes an 8-bit JPEG stream into {@code out} as interleaved samples of {@code rows} x {@code cols} pixels
     * with {@code bands} samples each; {@code ycbcr} converts YCbCr components to RGB. Returns null, or a reason
     * the stream does not fit.
     */
    public static String decode(byte[] tables, byte[] segment, int rows, int cols, int bands, boolean ycbcr, byte[] out)
            throws IOException {
        byte[] stream = segment;
        if (tables != null && tables.length > 4 && segment.length > 2) {
            // tables: SOI ... EOI; segment: SOI ... EOI. The stream is the tables without EOI, then the segment without SOI
            stream = new byte[tables.length - 2 + segment.length - 2];
            System.arraycopy(tables, 0, stream, 0, tables.length - 2);
            System.arraycopy(segment, 2, stream, tables.length - 2, segment.length - 2);
        }
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
        if (!readers.hasNext()) {
            return "this JDK has no ImageIO JPEG reader";
        }
        ImageReader reader = readers.next();
        Raster raster;
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(stream))) {
            reader.setInput(in, true, true);
            raster = reader.readRaster(0, null);
        } catch (IOException | RuntimeException e) { // ImageIO reports bad streams with runtime exceptions too
            return "JPEG data does not decode: " + e.getMessage();
        } finally {
            reader.dispose();
        }
        if (raster.getNumBands() != bands || raster.getWidth() < cols || raster.getHeight() < rows) {
            return "JPEG data holds " + raster.getWidth() + " x " + raster.getHeight() + " pixels of " + raster.getNumBands()
                    + " components, expected " + cols + " x " + rows + " of " + bands;
        }
        int[] px = raster.getPixels(raster.getMinX(), raster.getMinY(), cols, rows, (int[]) null);
        if (ycbcr && bands == 3) {
            for (int i = 0; i < px.length; i += 3) {
                double y = px[i];
                double cb = px[i + 1] - 128.0;
                double cr = px[i + 2] - 128.0;
                out[i] = clamp(y + 1.402 * cr);
                out[i + 1] = clamp(y - 0.344136 * cb - 0.714136 * cr);
                out[i + 2] = clamp(y + 1.772 * cb);
            }
        } else {
            for (int i = 0; i < px.length; i++) {
                out[i] = (byte) px[i];
            }
        }
        return null;
    }

    private static byte clamp(double v) {
        long r = Math.round(v);
        return (byte) (r < 0 ? 0 : r > 255 ? 255 : r);
    }
}
