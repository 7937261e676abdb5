/** A user of the library: writes an OME-Zarr image and reads it back. */
module example.readwrite {
    requires dev.ngff.core;
    // not read from the code: requiring it puts its codecs (zstd here) in the module graph for ServiceLoader
    requires dev.ngff.codecs;
}
