/**
 * Arrays and groups: open and create them ({@link dev.ngff.array.Zarr}), read and write any region of an
 * array in parallel ({@link dev.ngff.array.ZarrArray}), list and open the children of a group
 * ({@link dev.ngff.array.ZarrGroup}).
 */
package dev.ngff.array;
