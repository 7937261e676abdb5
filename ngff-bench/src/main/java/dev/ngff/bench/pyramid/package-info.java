/** Benchmarks of pyramid generation: the downsampling kernels of {@link dev.ngff.pyramid.Downsampler}. */
package dev.ngff.bench.pyramid;
