// Stands in for pdf.js's JPEG 2000 decoder, which vizarr's build imports from a CDN for JPEG 2000 TIFF tiles;
// the browser test has no network and serves OME-Zarr only. Any use fails loudly.
export class JpxImage {
  constructor() {
    throw new Error("JPEG 2000 decoding is not available on this test page");
  }
}
