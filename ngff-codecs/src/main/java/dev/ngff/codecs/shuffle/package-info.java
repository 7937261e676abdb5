/** numcodecs' {@code shuffle} filter on the shuffle kernels: {@link dev.ngff.codecs.shuffle.ShuffleCodec}. */
package dev.ngff.codecs.shuffle;
