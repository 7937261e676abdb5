/**
 * The TIFF decoders behind {@link dev.ngff.tiff.TiffPage#read}: LZW, PackBits, the predictors and JPEG tiles
 * through ImageIO. Not API: the module does not export this package.
 */
package dev.ngff.tiff.internal;
