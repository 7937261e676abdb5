/**
 * pcodec ({@code numcodecs.pcodec}, v2 id {@code pcodec}): lossless compression of numeric chunks through
 * the Rust {@code pco} crate, built from {@code native/pco} by cargo into a small library that this jar
 * bundles for linux-x86_64 and calls through {@code java.lang.foreign} ({@link dev.ngff.codecs.pcodec.PcodecCodec}).
 * Where the library is missing, {@link dev.ngff.codecs.pcodec.PcodecCodec#unavailabilityCause()} says why
 * and arrays that use pcodec fail to open with an error naming the library.
 */
package dev.ngff.codecs.pcodec;
