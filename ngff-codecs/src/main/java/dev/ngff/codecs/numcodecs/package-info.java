/**
 * The numcodecs codecs that zarr-python writes, under their Zarr v3 names {@code numcodecs.<id>} (and the
 * v2 ids, which the metadata layer maps to those names): the compressors {@code bz2} and {@code lzma}; the
 * checksums {@code crc32}, {@code adler32}, {@code crc32c} and {@code fletcher32}; and the array-to-array
 * filters {@code delta}, {@code fixedscaleoffset}, {@code quantize}, {@code bitround}, {@code packbits} and
 * {@code astype}, which follow NumPy's casting and rounding rules so that what they encode is what
 * numcodecs encodes. {@link dev.ngff.codecs.numcodecs.NumcodecsCodecProvider} registers them with
 * {@link java.util.ServiceLoader}. Every codec instance is immutable and thread-safe.
 */
package dev.ngff.codecs.numcodecs;
