/**
 * Macro benchmarks of whole-array work in the zarr_benchmarks layouts: reads of everything, of chunks
 * and of regions, writes, and concurrent inner-chunk readers of a sharded array.
 */
package dev.ngff.bench.array;
