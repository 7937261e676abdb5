/**
 * Micro benchmarks of ngff-core's parts: the core codecs and zstd, shard index decode, store range reads
 * and metadata parsing. Codec benchmarks for blosc, lz4 and the shuffle kernels are in
 * {@code dev.ngff.bench.codec}.
 */
package dev.ngff.bench.core;
