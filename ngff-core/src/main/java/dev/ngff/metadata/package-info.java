/**
 * Zarr metadata: one immutable model for v2 and v3 arrays and groups ({@link dev.ngff.metadata.ArrayMetadata},
 * {@link dev.ngff.metadata.GroupMetadata}), data types, fill values, chunk key encodings and codec specs,
 * and the reading and writing of {@code zarr.json}, {@code .zarray}, {@code .zgroup} and {@code .zattrs}.
 */
package dev.ngff.metadata;
