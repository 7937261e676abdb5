/**
 * TIFF and BigTIFF files as conversion sources: {@link dev.ngff.tiff.TiffFile} parses the IFDs with every
 * offset and count checked against the file, {@link dev.ngff.tiff.TiffPage} decodes boxes of one image,
 * {@link dev.ngff.tiff.TiffSource} presents a stack of pages as a {@link dev.ngff.pyramid.LevelSource}, and
 * {@link dev.ngff.tiff.TiffImages} reads OME-XML and ImageJ metadata into OME-NGFF axes, scales and channels.
 */
package dev.ngff.tiff;
