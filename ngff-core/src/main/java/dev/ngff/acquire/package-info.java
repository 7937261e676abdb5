/**
 * Streaming acquisition: frames pushed while an instrument runs go into a multiscale OME-Zarr image,
 * through a byte-bounded frame queue and the shard write buffer, with lower pyramid levels built as the
 * frames arrive, so that at any instant the store holds a valid image whose declared extent covers only
 * data that is written, and a writer killed at any moment can be resumed. See {@link dev.ngff.acquire.AcquisitionWriter}.
 */
package dev.ngff.acquire;
