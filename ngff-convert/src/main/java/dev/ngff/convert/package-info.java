/**
 * Copies and conversions to OME-Zarr: planning ({@link dev.ngff.convert.CopyPlanner},
 * {@link dev.ngff.convert.ConvertPlanner}) into {@link dev.ngff.convert.Step}s that a runner executes in order
 * (arrays and pyramids data first, then plain objects, then groups children first and the root last), and the
 * block-by-block array copy ({@link dev.ngff.convert.ArrayCopier}) whose blocks are whole target shards
 * recorded in a {@link dev.ngff.write.BlockJournal}. Usage errors (an option that does not fit the source) are
 * {@link dev.ngff.convert.ConvertOptionException}s.
 */
package dev.ngff.convert;
