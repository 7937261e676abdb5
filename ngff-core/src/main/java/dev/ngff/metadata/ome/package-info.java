/**
 * The OME-NGFF metadata model for versions 0.1 to 0.6: {@link dev.ngff.metadata.ome.OmeMetadata} and its
 * blocks (multiscales with axes, datasets and {@link dev.ngff.metadata.ome.Transform coordinate
 * transformations}, omero, labels, image-label, plate, well, bioformats2raw, 0.6 coordinate systems and
 * scenes). One model for all versions: what differs between versions is answered by
 * {@link dev.ngff.metadata.ome.NgffVersion}. Records are immutable; unknown members are kept and written back.
 */
package dev.ngff.metadata.ome;
