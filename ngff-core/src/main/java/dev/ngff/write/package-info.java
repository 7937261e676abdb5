/**
 * The write path. Buffered writing: {@link dev.ngff.write.ArrayWriter} collects many small writes
 * (frames, planes, tiles) per shard in memory, encodes each inner chunk once as soon as it is complete,
 * and writes each shard once, as one object, within a byte budget; readers see a shard only when it is
 * written whole. The safety rules: one writer at a time ({@link dev.ngff.write.WriterLock}, built on the
 * store's conditional writes), the incomplete-destination marker of bulk writers
 * ({@link dev.ngff.write.IncompleteMarker}), and when written data must be durable
 * ({@link dev.ngff.write.Durability}). The commit protocol these serve is described in
 * {@code docs/write-path.md}: data first, metadata last.
 */
package dev.ngff.write;
