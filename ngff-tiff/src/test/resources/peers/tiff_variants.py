"""Writes TIFF files in every variant tifffile can write, and what tifffile reads back from them.

usage: tiff_variants.py OUTDIR

For each file OUTDIR gets NAME.tif and, per image compared, NAME.K.bin: tifffile's own read of that image as
little-endian C-order bytes of shape [pages][samples][y][x] (pages and samples dimensions kept even when 1).
manifest.json lists {file, image: "pages" | "subifd:N", shape, dtype, tolerance} per comparison, and "skipped"
lists combinations tifffile refused, with its reason.
"""
import json
import os
import sys

import numpy as np
import tifffile

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(20261207)
manifest = {"entries": [], "skipped": []}

H, W = 45, 70  # neither a multiple of the tile nor of the strip


def data(dtype, shape, smooth=False):
    dt = np.dtype(dtype)
    if smooth:  # JPEG: a smooth ramp, so the lossy codec stays close
        return np.minimum(np.indices(shape).sum(axis=0) * 2, 255).astype(dt)
    if dt.kind == "f":
        return (rng.standard_normal(shape) * 1000).astype(dt)
    info = np.iinfo(dt)
    return rng.integers(info.min, info.max, size=shape, endpoint=True, dtype=dt)


def dump(name, k, arr, tol=0):
    arr = np.ascontiguousarray(arr)
    path = f"{name}.{k}.bin"
    arr.astype(arr.dtype.newbyteorder("<")).tofile(os.path.join(out, path))
    return {"bin": path, "shape": list(arr.shape), "dtype": arr.dtype.name, "tolerance": tol}


def as_psyx(arr, samples, planar, pages):
    """tifffile's page arrays to [pages][samples][y][x]."""
    a = np.asarray(arr)
    if pages == 1:
        a = a[np.newaxis]
    if samples == 1:
        a = a[:, np.newaxis]
    elif not planar:
        a = np.moveaxis(a, -1, 1)
    return a


def variant(name, dtype, compression, predictor, order, tile, samples, planar, pages=1, bigtiff=False):
    shape = (pages,) if pages > 1 else ()
    if samples > 1:
        shape += (samples, H, W) if planar else (H, W, samples)
    else:
        shape += (H, W)
    arr = data(dtype, shape, smooth=compression == 7)
    path = os.path.join(out, name + ".tif")
    kw = dict(byteorder=order, bigtiff=bigtiff, compression=compression, predictor=predictor,
              photometric="rgb" if samples == 3 and not planar else "minisblack",
              planarconfig="separate" if planar else ("contig" if samples > 1 else None), metadata=None)
    if tile:
        kw["tile"] = tile
    else:
        kw["rowsperstrip"] = 7
    try:
        tifffile.imwrite(path, arr, **kw)
        with tifffile.TiffFile(path) as tf:
            got = np.stack([p.asarray() for p in tf.pages]) if pages > 1 else tf.pages[0].asarray()
    except Exception as e:  # noqa: BLE001 - a combination tifffile refuses is recorded, not fatal
        if os.path.exists(path):
            os.remove(path)
        manifest["skipped"].append({"file": name, "reason": f"{type(e).__name__}: {e}"})
        return
    e = dump(name, 0, as_psyx(got, samples, planar, pages), tol=3 if compression == 7 else 0)
    e.update(file=name + ".tif", image="pages")
    manifest["entries"].append(e)


DTYPES = ["uint8", "int8", "uint16", "int16", "uint32", "int32", "uint64", "int64", "float32", "float64"]
COMPRESSIONS = {1: "none", 5: "lzw", 8: "adobe_deflate", 32946: "deflate", 50000: "zstd", 32773: "packbits", 7: "jpeg"}
for dtype in DTYPES:
    floating = np.dtype(dtype).kind == "f"
    for comp, cname in COMPRESSIONS.items():
        if comp == 7 and dtype != "uint8":
            continue
        for predictor in ([None] if comp in (1, 7, 32773) else [None, 3 if floating else 2]):
            for order in "<>":
                for tile in [None, (32, 48)]:
                    for samples, planar in [(1, False), (3, False), (3, True)]:
                        name = f"{dtype}-{cname}-p{predictor or 1}-{'le' if order == '<' else 'be'}-" \
                               f"{'tiled' if tile else 'strips'}-{samples}{'planar' if planar else ''}"
                        variant(name, dtype, comp, predictor, order, tile, samples, planar)

# multi-page stacks, BigTIFF
for order in "<>":
    for tile in [None, (16, 32)]:
        for bigtiff in [False, True]:
            name = f"stack-uint16-{'le' if order == '<' else 'be'}-{'tiled' if tile else 'strips'}-{'big' if bigtiff else 'classic'}"
            variant(name, "uint16", 8, 2, order, tile, 1, False, pages=5, bigtiff=bigtiff)

# a SubIFD pyramid: level 0 with two reduced levels as SubIFDs, and a second page with its own
for bigtiff in [False, True]:
    name = f"subifd-pyramid-{'big' if bigtiff else 'classic'}"
    path = os.path.join(out, name + ".tif")
    base = data("uint16", (2, 128, 96))
    levels = [base, base[:, ::2, ::2], base[:, ::4, ::4]]
    with tifffile.TiffWriter(path, bigtiff=bigtiff) as tw:
        for p in range(2):
            tw.write(levels[0][p], tile=(32, 32), compression="zlib", subifds=2, metadata=None)
            for lv in levels[1:]:
                tw.write(lv[p], tile=(16, 16), compression="zlib", subfiletype=1, metadata=None)
    with tifffile.TiffFile(path) as tf:
        for k in range(3):
            pages = [tf.pages[p] if k == 0 else tf.pages[p].pages[k - 1] for p in range(2)]
            got = np.stack([pg.asarray() for pg in pages])
            e = dump(name, k, got[:, np.newaxis])
            e.update(file=name + ".tif", image="pages" if k == 0 else f"subifd:{k - 1}")
            manifest["entries"].append(e)

with open(os.path.join(out, "manifest.json"), "w") as f:
    json.dump(manifest, f, indent=1)
print(len(manifest["entries"]), "images,", len(manifest["skipped"]), "skipped")
