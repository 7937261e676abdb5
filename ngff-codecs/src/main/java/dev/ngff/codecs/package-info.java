/**
 * Codecs backed by native or third-party compressors: {@link dev.ngff.codecs.ZstdCodec} ({@code zstd},
 * {@code numcodecs.zstd}) on zstd-jni. {@link dev.ngff.codecs.ZstdCodecProvider} registers them with
 * {@link java.util.ServiceLoader}; like every codec, their instances are immutable and thread-safe.
 */
package dev.ngff.codecs;
