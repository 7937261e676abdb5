"""Reads arrays written by ngff-engine with zarr-python and tensorstore.

Usage: read_with_peers.py ROOT NAME [NAME ...]
Prints one JSON object: {name: {"zarr": sha256 | "error: ...", "tensorstore": sha256 | "error: ...",
"shape": [...], "dtype": str}}. The digest is over the array's elements in C order, little-endian.
"""
import hashlib
import json
import os
import sys

import numpy as np
import tensorstore as ts
import zarr


def digest(a):
    a = np.asarray(a)
    a = np.ascontiguousarray(a.astype(a.dtype.newbyteorder("<")))
    return hashlib.sha256(a.tobytes()).hexdigest()


def main():
    root, names = sys.argv[1], sys.argv[2:]
    out = {}
    for name in names:
        path = os.path.join(root, name)
        res = {}
        try:
            arr = zarr.open_array(path, mode="r")
            res["zarr"] = digest(arr[...])
            res["shape"] = list(arr.shape)
            res["dtype"] = str(arr.dtype)
            fmt = arr.metadata.zarr_format
        except Exception as e:  # report, don't stop: the Java side asserts
            res["zarr"] = "error: %s: %s" % (type(e).__name__, e)
            fmt = 3 if os.path.exists(os.path.join(path, "zarr.json")) else 2
        try:
            spec = {"driver": "zarr3" if fmt == 3 else "zarr",
                    "kvstore": {"driver": "file", "path": path + "/"}}
            t = ts.open(spec, read=True).result()
            res["tensorstore"] = digest(t.read().result())
        except Exception as e:
            res["tensorstore"] = "error: %s: %s" % (type(e).__name__, e)
        out[name] = res
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
