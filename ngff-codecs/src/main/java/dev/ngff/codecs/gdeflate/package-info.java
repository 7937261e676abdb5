/**
 * zarrs' experimental {@code zarrs.gdeflate} bytes-to-bytes codec: NVIDIA's GDeflate (a DEFLATE variant laid
 * out for parallel decoding) on pages of 64 KiB, behind zarrs' little-endian framing of decoded length, page
 * count and page sizes. The pages are compressed and decompressed by the gdeflate-sys crate in the native
 * library that {@code native/pco} builds; without it the codec is unavailable and says why.
 */
package dev.ngff.codecs.gdeflate;
