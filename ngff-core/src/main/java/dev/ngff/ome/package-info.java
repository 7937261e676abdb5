/**
 * OME-Zarr as scientists see it: {@link dev.ngff.ome.OmeZarr#open} turns a Zarr hierarchy into an
 * {@link dev.ngff.ome.OmeImage image} (levels with their arrays, scales and translations), a
 * {@link dev.ngff.ome.OmePlate plate}, a {@link dev.ngff.ome.OmeWell well}, a
 * {@link dev.ngff.ome.OmeLabels labels group} or a {@link dev.ngff.ome.OmeCollection bioformats2raw
 * collection}; the {@code create*} methods write them with complete metadata for 0.4, 0.5 and 0.6.
 */
package dev.ngff.ome;
