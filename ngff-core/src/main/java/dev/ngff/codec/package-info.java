/**
 * The codec SPI: the three stages ({@link dev.ngff.codec.ArrayToArrayCodec},
 * {@link dev.ngff.codec.ArrayToBytesCodec}, {@link dev.ngff.codec.BytesToBytesCodec}), chains of them
 * ({@link dev.ngff.codec.CodecPipeline}), partial decoding, and the {@link java.util.ServiceLoader}
 * registry ({@link dev.ngff.codec.CodecRegistry}, {@link dev.ngff.codec.CodecProvider}).
 */
package dev.ngff.codec;
