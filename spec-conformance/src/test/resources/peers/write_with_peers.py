"""Writes arrays with zarr-python and tensorstore for ngff-engine to read.

Usage: write_with_peers.py ROOT
Element i (C order) of every array is (7 * i) % 251 in the array's data type. Prints a JSON list of
{"name", "dtype", "shape"} for what it wrote.
"""
import json
import os
import sys

import numpy as np
import tensorstore as ts
import zarr
from numcodecs import Zlib, Zstd


def values(shape, dtype):
    n = int(np.prod(shape))
    return ((np.arange(n, dtype=np.int64) * 7) % 251).astype(dtype).reshape(shape)


def main():
    root = sys.argv[1]
    written = []

    def note(name, dtype, shape):
        written.append({"name": name, "dtype": np.dtype(dtype).str, "shape": list(shape)})

    # zarr-python, Zarr v3
    shape = (30, 40)
    a = zarr.create_array(os.path.join(root, "zp_v3_gzip"), shape=shape, chunks=(8, 16), dtype="uint16",
                          compressors=zarr.codecs.GzipCodec(level=5), zarr_format=3)
    a[...] = values(shape, "uint16")
    note("zp_v3_gzip", "uint16", shape)

    a = zarr.create_array(os.path.join(root, "zp_v3_sharded"), shape=shape, shards=(16, 32), chunks=(8, 16),
                          dtype="uint16", compressors=zarr.codecs.ZstdCodec(level=3), zarr_format=3)
    a[...] = values(shape, "uint16")
    note("zp_v3_sharded", "uint16", shape)

    shape = (9, 11)
    a = zarr.create_array(os.path.join(root, "zp_v3_transpose_crc"), shape=shape, chunks=(4, 4), dtype="float64",
                          filters=[zarr.codecs.TransposeCodec(order=(1, 0))],
                          compressors=[zarr.codecs.Crc32cCodec()], zarr_format=3)
    a[...] = values(shape, "float64")
    note("zp_v3_transpose_crc", "float64", shape)

    # zarr-python, Zarr v2
    shape = (12, 13, 5)
    a = zarr.create_array(os.path.join(root, "zp_v2_F_zlib"), shape=shape, chunks=(5, 4, 3), dtype="<f4",
                          order="F", compressors=Zlib(level=3), zarr_format=2)
    a[...] = values(shape, "<f4")
    note("zp_v2_F_zlib", "<f4", shape)

    shape = (17, 9)
    a = zarr.create_array(os.path.join(root, "zp_v2_be"), shape=shape, chunks=(4, 4), dtype=">i4",
                          compressors=None, zarr_format=2)
    a[...] = values(shape, ">i4")
    note("zp_v2_be", ">i4", shape)

    a = zarr.create_array(os.path.join(root, "zp_v2_zstd"), shape=shape, chunks=(4, 4), dtype="<u2",
                          compressors=Zstd(level=1), zarr_format=2)
    a[...] = values(shape, "<u2")
    note("zp_v2_zstd", "<u2", shape)

    # tensorstore, Zarr v3 sharded with the index at the start
    shape = (20, 20)
    t = ts.open({
        "driver": "zarr3",
        "kvstore": {"driver": "file", "path": os.path.join(root, "ts_v3_sharded_start") + "/"},
        "metadata": {
            "shape": list(shape), "data_type": "int32",
            "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [8, 8]}},
            "codecs": [{"name": "sharding_indexed", "configuration": {
                "chunk_shape": [4, 4],
                "codecs": [{"name": "bytes", "configuration": {"endian": "little"}},
                           {"name": "gzip", "configuration": {"level": 3}}],
                "index_codecs": [{"name": "bytes", "configuration": {"endian": "little"}}, {"name": "crc32c"}],
                "index_location": "start"}}],
        },
        "create": True,
    }).result()
    t.write(values(shape, "int32")).result()
    note("ts_v3_sharded_start", "int32", shape)

    # tensorstore, Zarr v2 with zstd
    t = ts.open({
        "driver": "zarr",
        "kvstore": {"driver": "file", "path": os.path.join(root, "ts_v2_zstd") + "/"},
        "metadata": {"shape": list(shape), "chunks": [7, 6], "dtype": "<u2",
                     "compressor": {"id": "zstd", "level": 3}},
        "create": True,
    }).result()
    t.write(values(shape, "<u2")).result()
    note("ts_v2_zstd", "<u2", shape)

    json.dump(written, sys.stdout)


if __name__ == "__main__":
    main()
