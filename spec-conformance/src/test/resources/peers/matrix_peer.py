"""One Python peer for the conformance matrix: reads or writes every cell of a manifest in one process.

Usage: matrix_peer.py MANIFEST.json
The manifest: {"peer": "zarr-python" | "zarrs" | "tensorstore", "mode": "read" | "write", "root": DIR,
"cells": [{"id", "path", "doc", "region": {"offset": [..], "shape": [..]}}]}, where "doc" is the array's
metadata document (zarr.json for Zarr v3, .zarray for v2).
- write: the peer creates the array through its own API from the document's parts (so it writes its own
  metadata) and writes the values of the shared formula into the region; elements outside it stay unset.
- read: the peer opens the array written by ngff-engine, unchanged, and reads all of it.
Prints one JSON object {id: {"ok": bool, "digest": sha256 of the elements in C order little-endian,
"shape": [...], "dtype": str, "error": str}}.

The value formula (ngff-engine's dev.ngff.conformance.matrix.CellValues is the same, bit for bit): for
the element with C-order index i of the whole array, x = mix(i * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019)
with mix(x) = x ^ (x >> 29) over uint64; bool = bit 31 of x; integers = the low bytes of x; floats have
NaN, -0.0, +inf, -inf where i % 61 is 3, 7, 11, 13 and otherwise a 20-bit (float16: 11-bit) signed
integer from the top bits of x, divided by 16 (float16: by 4); complex: real part as the float, imaginary
part from the bits of x >> 20 with the specials at i % 61 in 5, 17.
Text and bytes (CellValues.text / CellValues.bytes): empty where i % 13 == 5; text "v<i>-<hex of x >> 40>"
plus "\u00e9" (i % 3 == 1) or "\u4e16\u754c\U0001F600" (i % 3 == 2), repeated 40 times where i % 29 == 7;
bytes of length (x >> 8) % 20 + 1 (+300 where i % 29 == 7), byte k = ((x >> 8 (k % 8)) + k) mod 256. Their
digest is SHA-256 over each element's u32 little-endian length and bytes (UTF-8 for text), in C order.
"""
import base64
import hashlib
import json
import os
import sys
import traceback
import warnings

import numcodecs
import numpy as np

K = np.uint64(0x9E3779B97F4A7C15)
C = np.uint64(0x632BE59BD9B4E019)


def mixed(index):
    with np.errstate(over="ignore"):
        x = index.astype(np.uint64) * K + C
    return x ^ (x >> np.uint64(29))


def float_part(x, i, ftype, shift, specials):
    bits = 11 if ftype == np.float16 else 20
    mask = np.uint64((1 << bits) - 1)
    n = ((x >> np.uint64(shift)) & mask).astype(np.int64) - (1 << (bits - 1))
    v = n.astype(np.float64) / (4.0 if ftype == np.float16 else 16.0)
    s = i % 61
    v = np.where(s == specials[0], np.nan, v)
    if len(specials) > 1:
        v = np.where(s == specials[1], -0.0, v)
        v = np.where(s == specials[2], np.inf, v)
        v = np.where(s == specials[3], -np.inf, v)
    return v.astype(ftype)


def text(i):
    if i % 13 == 5:
        return ""
    s = "v%d-%x" % (i, int(mixed(np.asarray(i, np.int64))) >> 40)
    if i % 3 == 1:
        s += "\u00e9"
    elif i % 3 == 2:
        s += "\u4e16\u754c\U0001F600"
    return s * 40 if i % 29 == 7 else s


def bytes_of(i):
    if i % 13 == 5:
        return b""
    x = int(mixed(np.asarray(i, np.int64)))
    n = (x >> 8) % 20 + 1 + (300 if i % 29 == 7 else 0)
    return bytes(((x >> ((k % 8) * 8)) + k) & 0xFF for k in range(n))


VLEN = {"string": text, "variable_length_bytes": bytes_of}


def values(dtype, index):
    """Elements of the formula for the given global C-order indices (an int64 numpy array)."""
    if isinstance(dtype, str) and dtype in VLEN:
        f = VLEN[dtype]
        out = np.empty(index.shape, dtype=object)
        for pos in np.ndindex(index.shape):
            out[pos] = f(int(index[pos]))
        return out
    dt = np.dtype(dtype).newbyteorder("=")
    x = mixed(index)
    if dt.kind == "b":
        return ((x >> np.uint64(31)) & np.uint64(1)).astype(bool)
    if dt.kind in "iu":
        unsigned = np.dtype("u%d" % dt.itemsize)
        return x.astype(unsigned).view(dt)
    if dt.kind == "f":
        return float_part(x, index, dt.type, 44, (3, 7, 11, 13))
    if dt.kind == "c":
        ftype = np.float32 if dt.itemsize == 8 else np.float64
        re = float_part(x, index, ftype, 44, (3, 7, 11, 13))
        im = float_part(x, index, ftype, 20, (5,))
        im = np.where(index % 61 == 17, np.asarray(-np.inf, ftype), im)
        out = np.empty(index.shape, dt)
        out.real = re
        out.imag = im
        return out
    raise ValueError("no formula for dtype %s" % dt)


def region_values(dtype, shape, region):
    off, rs = region["offset"], region["shape"]
    grids = np.indices(rs, dtype=np.int64)
    coords = tuple(grids[d] + off[d] for d in range(len(rs)))
    index = np.ravel_multi_index(coords, shape) if len(shape) else np.zeros((), np.int64)
    return values(dtype, np.asarray(index, dtype=np.int64))


def digest(a):
    a = np.asarray(a)
    if a.dtype.kind in "OTSU":  # text or bytes elements: u32 length + bytes each, C order
        h = hashlib.sha256()
        for e in a.reshape(-1, order="C"):
            b = e.encode("utf-8") if isinstance(e, str) else bytes(e)
            h.update(len(b).to_bytes(4, "little"))
            h.update(b)
        return h.hexdigest()
    if a.dtype.kind in "biufc":
        a = a.astype(a.dtype.newbyteorder("<"))
    return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()


def region_slices(region):
    return tuple(slice(o, o + s) for o, s in zip(region["offset"], region["shape"]))


# ---- Zarr v3 documents in parts -----------------------------------------------------------------------

ARRAY_TO_ARRAY = {"transpose"}
ARRAY_TO_BYTES = {"bytes", "sharding_indexed", "vlen-utf8", "vlen-bytes", "numcodecs.pcodec", "numcodecs.zfpy"}


def configure_zarr(zarr):
    """zarr-python 3.1.3's default config names "zarr.codecs.numcodecs.PCodec" for numcodecs.pcodec but registers
    the class as "zarr.codecs.numcodecs.pcodec" ("Unknown codec" otherwise): point the config at the registered name."""
    codecs = dict(zarr.config.get("codecs"))
    if codecs.get("numcodecs.pcodec") == "zarr.codecs.numcodecs.PCodec":
        codecs["numcodecs.pcodec"] = "zarr.codecs.numcodecs.pcodec"
        zarr.config.set({"codecs": codecs})
    return zarr


def v3_parts(doc):
    filters, serializer, compressors = [], None, []
    for c in doc["codecs"]:
        if serializer is None and c["name"] in ARRAY_TO_BYTES:
            serializer = c
        elif serializer is None:
            filters.append(c)
        else:
            compressors.append(c)
    return filters, serializer, compressors


def vlen_type(doc):
    """'string' or 'variable_length_bytes' for a text or bytes array, else None."""
    if doc.get("zarr_format") == 3:
        return doc["data_type"] if doc["data_type"] in VLEN else None
    ids = [f["id"] for f in doc.get("filters") or []]
    return "string" if "vlen-utf8" in ids else "variable_length_bytes" if "vlen-bytes" in ids else None


def zarr_fill(doc):
    """The fill value as zarr-python's create_array takes it."""
    f = doc["fill_value"]
    if vlen_type(doc) == "variable_length_bytes":
        return base64.standard_b64decode(f)  # the JSON form is base64
    if isinstance(f, str) and f in ("NaN", "Infinity", "-Infinity"):
        return float({"NaN": "nan", "Infinity": "inf", "-Infinity": "-inf"}[f])
    if isinstance(f, list) and len(f) == 2:
        return complex(*[zarr_fill({"fill_value": p}) for p in f])
    return f


def zarr_write(path, doc, region):
    import zarr
    configure_zarr(zarr)
    if doc["zarr_format"] == 3:
        filters, serializer, compressors = v3_parts(doc)
        arr = zarr.create_array(
            path, shape=doc["shape"], dtype=doc["data_type"],
            chunks=doc["chunk_grid"]["configuration"]["chunk_shape"],
            filters=filters, serializer=serializer, compressors=compressors,
            fill_value=zarr_fill(doc), chunk_key_encoding=doc["chunk_key_encoding"],
            dimension_names=doc.get("dimension_names"), zarr_format=3)
    else:
        from zarr.core.dtype import VariableLengthBytes, VariableLengthUTF8
        vt = vlen_type(doc)
        # zarr-python cannot tell text from bytes by "|O": it wants the data type object
        dtype = {"string": VariableLengthUTF8(), "variable_length_bytes": VariableLengthBytes()}.get(vt, doc["dtype"])
        arr = zarr.create_array(
            path, shape=doc["shape"], dtype=dtype, chunks=doc["chunks"],
            # zarr-python takes v2 filters only as numcodecs objects
            filters=[numcodecs.get_codec(dict(f)) for f in doc.get("filters") or []] or None,
            compressors=doc.get("compressor"),
            fill_value=zarr_fill(doc), order=doc["order"],
            chunk_key_encoding={"name": "v2", "separator": doc.get("dimension_separator", ".")},
            zarr_format=2)
    dtype = vlen_type(doc) or arr.dtype
    arr[region_slices(region)] = region_values(dtype, doc["shape"], region)


def zarr_read(path):
    import zarr
    configure_zarr(zarr)
    arr = zarr.open_array(path, mode="r")
    return arr[...], list(arr.shape), str(arr.dtype)


# ---- tensorstore --------------------------------------------------------------------------------------

def ts_spec(path, doc, create):
    spec = {"driver": "zarr3" if doc["zarr_format"] == 3 else "zarr",
            "kvstore": {"driver": "file", "path": path + "/"}}
    if create:
        meta = {k: v for k, v in doc.items() if k not in ("attributes",)}
        spec["metadata"] = meta
        spec["create"] = True
    return spec


def ts_write(path, doc, region):
    import tensorstore as ts
    t = ts.open(ts_spec(path, doc, True)).result()
    dtype = vlen_type(doc) or (np.dtype(doc["dtype"]) if doc["zarr_format"] == 2 else t.dtype.numpy_dtype)
    t[region_slices(region)].write(region_values(dtype, doc["shape"], region)).result()


def ts_read(path, fmt):
    import tensorstore as ts
    t = ts.open(ts_spec(path, {"zarr_format": fmt}, False), read=True).result()
    a = t.read().result()
    return a, list(t.shape), str(t.dtype.numpy_dtype)


def main():
    with open(sys.argv[1]) as f:
        manifest = json.load(f)
    peer, mode, root = manifest["peer"], manifest["mode"], manifest["root"]
    if peer == "zarrs":
        import zarr
        zarr.config.set({"codec_pipeline.path": "zarrs.ZarrsCodecPipeline", "codec_pipeline.strict": True})
    warnings.simplefilter("ignore")
    out = {}
    for cell in manifest["cells"]:
        path = os.path.join(root, cell["path"])
        doc = cell["doc"]
        res = {}
        try:
            if mode == "write":
                (ts_write if peer == "tensorstore" else zarr_write)(path, doc, cell["region"])
                res["ok"] = True
            else:
                if peer == "tensorstore":
                    a, shape, dtype = ts_read(path, doc["zarr_format"])
                else:
                    a, shape, dtype = zarr_read(path)
                res.update(ok=True, digest=digest(a), shape=shape, dtype=dtype)
        except Exception as e:  # report per cell; the Java side decides
            res = {"ok": False, "error": "%s: %s" % (type(e).__name__, str(e).strip().splitlines()[0] if str(e).strip() else ""),
                   "trace": traceback.format_exc(limit=3)[-1500:]}
        out[cell["id"]] = res
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
