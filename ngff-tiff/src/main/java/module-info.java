/**
 * Readers of TIFF, BigTIFF, OME-TIFF and ImageJ hyperstacks, of N5 and of raw binary files, presented as
 * {@link dev.ngff.pyramid.LevelSource}s for conversion to OME-Zarr. JPEG tiles decode through the JDK's ImageIO.
 */
module dev.ngff.tiff {
    requires transitive dev.ngff.core;
    requires dev.ngff.codecs;
    requires java.desktop;
    requires java.xml;
    requires org.lz4.java;
    requires org.tukaani.xz;
    requires org.apache.commons.compress;

    exports dev.ngff.tiff;
    exports dev.ngff.raw;
    exports dev.ngff.n5;
}
