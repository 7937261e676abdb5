package dev.ngff.ome;

import dev.ngff.array.ZarrGroup;
import dev.ngff.metadata.ome.OmeMetadata;

/**
 * What {@link OmeZarr#open} found at a location: an image (possibly a label image), a plate, a well, a
 * {@code labels} group or a bioformats2raw collection. Every variant is immutable and thread-safe.
 */
public sealed interface OmeNode permits OmeImage, OmePlate, OmeWell, OmeLabels, OmeCollection, OmeScene {
    /** The group holding the metadata. */
    ZarrGroup group();

    /** The group's OME metadata, as read. */
    OmeMetadata metadata();
}
