/**
 * Validation of OME-Zarr hierarchies. {@link dev.ngff.validate.OmeValidator} walks an image (and its
 * labels), a plate (wells, fields), a well or a bioformats2raw collection and reports
 * {@link dev.ngff.validate.Issue issues} with the node's key and the JSON pointer. Two layers:
 * <ul>
 *   <li>structural rules, always run, no schema files needed: metadata parses, version present and known,
 *       Zarr format fits the version, dataset paths exist and are arrays, array rank equals the number of
 *       axes, {@code dimension_names} equal the axis names (0.5+), unique axis names, scales and shapes go
 *       from fine to coarse, label arrays are integer, labels/wells/fields/series listed exist;</li>
 *   <li>JSON Schema (draft 2020-12) checks with the official OME-NGFF schemas from a
 *       {@link dev.ngff.validate.SchemaSet directory given by configuration}; skipped, with a warning in the
 *       report, when no schema directory is configured.</li>
 * </ul>
 */
package dev.ngff.validate;
