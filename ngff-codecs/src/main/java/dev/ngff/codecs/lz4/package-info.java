/** numcodecs' {@code lz4} codec on lz4-java: {@link dev.ngff.codecs.lz4.Lz4Codec} and its provider. */
package dev.ngff.codecs.lz4;
