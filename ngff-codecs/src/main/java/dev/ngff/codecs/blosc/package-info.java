/**
 * The blosc codec (c-blosc 1.x frames) for Zarr v3 and numcodecs/Zarr v2: {@link dev.ngff.codecs.blosc.BloscCodec}
 * and its provider. Frames are read and written in Java around lz4-java, zstd-jni and {@link java.util.zip},
 * with our own BloscLZ and Snappy, and the shuffle kernels of {@link dev.ngff.codecs.kernels}.
 */
package dev.ngff.codecs.blosc;
