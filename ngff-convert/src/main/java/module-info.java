/**
 * Copies and conversions to OME-Zarr as a library: the plans of {@code ngff copy} and {@code ngff convert}
 * ({@link dev.ngff.convert.CopyPlanner}, {@link dev.ngff.convert.ConvertPlanner}: a list of
 * {@link dev.ngff.convert.Step}s), the target layout options, the sources that are no Zarr store (TIFF, N5, raw)
 * and the block copier with its journal. The command line and the Spark jobs run the same plans.
 */
module dev.ngff.convert {
    requires transitive dev.ngff.core;
    requires transitive dev.ngff.tiff;

    exports dev.ngff.convert;
    // sizes, codec texts, layouts and memory budgets the ngff command prints and uses; no public API
    exports dev.ngff.convert.internal to dev.ngff.cli;
}
