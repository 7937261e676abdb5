/**
 * N5 datasets as conversion sources: {@link dev.ngff.n5.N5Dataset} reads blocks with N5's header (raw, gzip,
 * zstd, lz4, blosc, xz and bzip2 as N5 writes them) and {@link dev.ngff.n5.N5Images} maps N5-viewer multiscale
 * groups ({@code s0}, {@code s1}, ... with downsampling factors and pixel resolution) to OME-NGFF.
 */
package dev.ngff.n5;
