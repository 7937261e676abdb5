package dev.ngff.convert;

import dev.ngff.store.Key;

/**
 * An object that is no Zarr node (bioformats2raw's {@code OME/METADATA.ome.xml}), copied byte for byte
 * from {@code sourceKey} of the source store before any group's metadata.
 */
public record ObjectStep(Key path, Key sourceKey) implements Step {
}
