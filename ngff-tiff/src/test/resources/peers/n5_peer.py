"""Writes N5 datasets with tensorstore's N5 driver (every compression it writes x several types, some blocks
left unwritten) and an N5-viewer multiscale group, and what tensorstore reads back.

usage: n5_peer.py OUTDIR
Each read goes to NAME.bin, transposed to C order over the reversed N5 dimensions (N5's x, y, z are z, y, x
there), little-endian. manifest.json lists {path, bin, shape, dtype}.
"""
import json
import os
import sys

import numpy as np
import tensorstore as ts

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(5)
entries = []

COMPRESSIONS = {
    "raw": {"type": "raw"},
    "gzip": {"type": "gzip"},
    "zlib": {"type": "gzip", "useZlib": True},
    "zstd": {"type": "zstd", "level": 3},
    "blosc-lz4-shuffle": {"type": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1},
    "blosc-zstd-bitshuffle": {"type": "blosc", "cname": "zstd", "clevel": 3, "shuffle": 2},
    "xz": {"type": "xz"},
    "bzip2": {"type": "bzip2"},
}
DTYPES = ["uint8", "int16", "uint16", "int32", "uint64", "float32", "float64"]


def values(dtype, shape):
    dt = np.dtype(dtype)
    if dt.kind == "f":
        return rng.standard_normal(shape).astype(dt)
    info = np.iinfo(dt)
    return rng.integers(info.min, info.max, size=shape, endpoint=True, dtype=dt)


def write(path, dims, block, dtype, comp, region=None):
    t = ts.open({"driver": "n5", "kvstore": {"driver": "file", "path": os.path.join(out, path)},
                 "metadata": {"dimensions": dims, "blockSize": block, "dataType": dtype, "compression": comp},
                 "create": True, "delete_existing": True}).result()
    if region is None:
        t[...] = values(dtype, dims)
    else:
        t[region] = values(dtype, t[region].shape)
    return t


def dump(name, arr):
    a = np.ascontiguousarray(np.asarray(arr).T)
    a.astype(a.dtype.newbyteorder("<")).tofile(os.path.join(out, name))
    return {"bin": name, "shape": list(a.shape), "dtype": a.dtype.name}


for cname, comp in COMPRESSIONS.items():
    for dtype in DTYPES:
        path = f"data.n5/{cname}/{dtype}"
        # x, y, z = 13, 7, 5 in blocks of 4, 3, 2: partial blocks on every edge; x >= 8 never written (missing)
        t = write(path, [13, 7, 5], [4, 3, 2], dtype, comp, region=np.s_[0:8])
        e = dump(f"{cname}-{dtype}.bin", t.read().result())
        e["path"] = path
        entries.append(e)

# an N5-viewer multiscale group: s0, s1 and the group's scales and pixel resolution
group = "viewer.n5/setup"
s0 = write(group + "/s0", [16, 12, 6], [8, 8, 4], "uint16", {"type": "gzip"})
a0 = s0.read().result()
s1 = write(group + "/s1", [8, 6, 3], [8, 8, 4], "uint16", {"type": "gzip"})
s1[...] = a0[::2, ::2, ::2]
with open(os.path.join(out, group, "attributes.json"), "w") as f:
    json.dump({"n5": "2.5.1", "scales": [[1, 1, 1], [2, 2, 2]],
               "pixelResolution": {"dimensions": [0.5, 0.25, 2.0], "unit": "um"}}, f)
for k, arr in enumerate([a0, s1.read().result()]):
    e = dump(f"viewer-s{k}.bin", arr)
    e["path"] = group + f"/s{k}"
    entries.append(e)

with open(os.path.join(out, "manifest.json"), "w") as f:
    json.dump(entries, f, indent=1)
print(len(entries), "datasets")
