/**
 * The standard codecs that need only the JDK: {@code bytes}, {@code transpose}, {@code gzip},
 * {@code numcodecs.zlib}, {@code crc32c} and {@code sharding_indexed}, registered by
 * {@link dev.ngff.codec.std.CoreCodecProvider}.
 */
package dev.ngff.codec.std;
