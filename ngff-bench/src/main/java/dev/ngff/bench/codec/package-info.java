/**
 * Codec benchmarks: decoding speed of blosc, zstd, lz4 and gzip per core against the native libraries, and
 * the shuffle kernels against a memcpy of the same size.
 */
package dev.ngff.bench.codec;
