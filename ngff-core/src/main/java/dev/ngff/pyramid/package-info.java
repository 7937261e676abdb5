/**
 * Multiscale pyramids: how one level is reduced from the level above it ({@link dev.ngff.pyramid.Downsampling}
 * and its kernels), which factors each level uses, and the single streaming pass that reads level 0 once
 * and writes every lower level through the shard write buffer, publishing levels before the multiscales
 * metadata that lists them. Conventions (rounding, edges, where a reduced pixel sits) are in
 * {@code docs/pyramids.md}.
 */
package dev.ngff.pyramid;
