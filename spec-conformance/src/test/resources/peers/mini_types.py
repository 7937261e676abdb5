"""ml_dtypes and tensorstore against ngff-engine for bfloat16, float8_e4m3/e5m2 and int2/int4.

Usage: mini_types.py convert FILE
         FILE holds one float64 per line (as Python float text); prints {format: {"decode": [bits of the
         float64 value of every pattern, as 16-hex-digit strings], "round": [pattern of each input]}}
         computed with ml_dtypes (bfloat16, float8_e4m3, float8_e5m2);
       mini_types.py read ROOT NAME [NAME ...]
         opens each zarr3 array with tensorstore, prints {name: {"dtype": str, "values": [...]}} (floats as
         float64 hex bit strings, integers as numbers), or {"error": ...};
       mini_types.py write ROOT
         writes arrays with tensorstore and prints the same report for them.
"""
import json
import struct
import sys

import warnings

import ml_dtypes
import numpy as np

warnings.simplefilter("ignore")

FORMATS = {"bfloat16": ml_dtypes.bfloat16, "float8_e4m3": ml_dtypes.float8_e4m3, "float8_e5m2": ml_dtypes.float8_e5m2}


def hex64(x):
    return struct.pack(">d", float(x)).hex()


def convert(path):
    with open(path) as f:
        inputs = np.array([float(line) for line in f if line.strip()], dtype=np.float64)
    out = {}
    for name, dt in FORMATS.items():
        width = np.uint16 if np.dtype(dt).itemsize == 2 else np.uint8
        patterns = np.arange(1 << (8 * np.dtype(dt).itemsize), dtype=np.int64).astype(width)
        values = patterns.view(dt).astype(np.float64)
        rounded = inputs.astype(dt).view(width)
        out[name] = {"decode": [hex64(v) for v in values], "round": [int(r) for r in rounded]}
    return out


def report(arr):
    a = np.asarray(arr)
    kind = a.dtype.name
    if kind in ("int2", "int4"):
        values = [int(v) for v in a.astype(np.int64).ravel()]
    else:
        values = [hex64(v) for v in a.astype(np.float64).ravel()]
    return {"dtype": kind, "values": values}


def spec(root, name):
    return {"driver": "zarr3", "kvstore": {"driver": "file", "path": root + "/" + name}}


def read(root, names):
    import tensorstore as ts
    out = {}
    for name in names:
        try:
            out[name] = report(ts.open(spec(root, name), open=True).result().read().result())
        except Exception as e:  # reported to the Java side, which fails the test
            out[name] = {"error": "%s: %s" % (type(e).__name__, e)}
    return out


def write(root):
    import tensorstore as ts
    shape = [6, 10]
    i = np.arange(60, dtype=np.float64).reshape(shape)
    arrays = {
        "ts_bfloat16": ("bfloat16", ((i - 30) * 1.37).astype(ml_dtypes.bfloat16), ["bytes_big", "gzip"]),
        "ts_float8_e5m2": ("float8_e5m2", ((i - 30) * 311.7).astype(ml_dtypes.float8_e5m2), ["bytes"]),
        "ts_int4": ("int4", ((i.astype(np.int64) % 16) - 8).astype(ml_dtypes.int4), ["bytes", "zstd"]),
        "ts_int2": ("int2", ((i.astype(np.int64) % 4) - 2).astype(ml_dtypes.int2), ["bytes"]),
    }
    out = {}
    for name, (dtype, data, codecs) in arrays.items():
        chain = []
        for c in codecs:
            if c == "bytes_big":
                chain.append({"name": "bytes", "configuration": {"endian": "big"}})
            elif c == "bytes":
                chain.append({"name": "bytes", "configuration": {"endian": "little"}})
            else:
                chain.append({"name": c})
        s = spec(root, name)
        s["metadata"] = {"shape": shape, "data_type": dtype, "codecs": chain,
                         "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [4, 4]}}}
        a = ts.open(s, create=True, delete_existing=True).result()
        a.write(data).result()
        out[name] = report(data)
    return out


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "convert":
        result = convert(sys.argv[2])
    elif cmd == "read":
        result = read(sys.argv[2], sys.argv[3:])
    elif cmd == "write":
        result = write(sys.argv[2])
    else:
        raise SystemExit("unknown command " + cmd)
    json.dump(result, sys.stdout)
