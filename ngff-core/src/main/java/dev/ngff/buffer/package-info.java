/**
 * Memory: immutable byte views ({@link dev.ngff.buffer.Bytes}) for encoded data and typed n-dimensional
 * buffers ({@link dev.ngff.buffer.NdBuffer}) for decoded data, both addressed with {@code long} offsets
 * so they may exceed 2 GiB.
 */
package dev.ngff.buffer;
