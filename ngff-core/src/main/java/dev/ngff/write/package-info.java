/**
 * The write path's safety rules: one writer at a time ({@link dev.ngff.write.WriterLock}, built on the
 * store's conditional writes), the incomplete-destination marker of bulk writers
 * ({@link dev.ngff.write.IncompleteMarker}), and when written data must be durable
 * ({@link dev.ngff.write.Durability}). The commit protocol these serve is described in
 * {@code docs/write-path.md}: data first, metadata last.
 */
package dev.ngff.write;
