/**
 * Buffered writing: {@link dev.ngff.write.ArrayWriter} collects many small writes (frames, planes,
 * tiles) per shard in memory, encodes each inner chunk once as soon as it is complete, and writes each
 * shard once, as one object, within a byte budget. Readers see a shard only when it is written whole.
 */
package dev.ngff.write;
