/**
 * Shuffle kernels: byte shuffle, bit shuffle and byte swap in c-blosc's layouts, as a plain-Java version and a
 * Vector API version with identical output. {@link dev.ngff.codecs.kernels.Kernels#best()} picks one at run
 * time; every kernel is stateless and thread-safe.
 */
package dev.ngff.codecs.kernels;
