#!/usr/bin/env python3
"""Side by side: a pyramidal whole-slide TIFF (RGB uint8, 512x512 deflate tiles, SubIFD levels) into sharded OME-Zarr 0.5.

The source is written once by tifffile: a plain (not OME) BigTIFF whose first page is SIZE x SIZE x 3 (interleaved
RGB, photometric rgb) with LEVELS - 1 reduced SubIFDs (each half the one above), the layout of tifffile's pyramid
example and of many scanners' exports. The content imitates a slide: tissue (smooth stains with noise) on a white,
nearly flat background, so deflate has both kinds of area. Every route writes axes c, y, x with inner chunks
1 x 256 x 256 in shards of 1 x 2048 x 2048, zstd level 3 (ngff-zarr's level 0 is zstd's default, 3):

  ngff            ./ngff convert SRC DST --levels auto --chunks 1,256,256 --shards 1,2048,2048  (new levels, 2x2 means)
  ngff-keep       the same with --levels keep (the file's own levels, copied)
  tifffile        tifffile.imread(aszarr=True) level 0 -> dask (transposed to c, y, x) -> zarr-python 3
                  create_array(shards=..) per level, new levels by dask coarsen(mean) of the level written
  tifffile-keep   the same route copying each of the file's levels instead
  ngff-zarr       ngff-zarr's Python API as its docs show: tiff_file_to_ngff_images -> to_multiscales(method=
                  dask_bin_shrink, chunks=..) -> to_ngff_zarr(version 0.5, chunks_per_shard=..). Its command line
                  reuses a pyramidal TIFF's levels and then ignores -c: each level becomes one inner chunk (a
                  20480 x 20480 RGB level as a single 1.2 GB chunk), no layout to compare, so the API is used.

After each run a child process reads level 0 of the output with zarr-python and compares the SHA-256 of each channel
(c, y, x order) with the source's level 0 read by tifffile: the harness fails loudly when any route differs. Each
run is a whole process (wall time and peak RSS of the child from wait4); outputs are removed between runs.

  convert_wsi.py --size 20480 --runs 1 --out results.json
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402

WRITE_WSI = r'''
import sys, numpy as np, tifffile
path, size, levels = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
T = 512
def tile(level, ty, tx):
    f = 2 ** level
    y = ((ty * T + np.arange(T)) * f).astype(np.float32)
    x = ((tx * T + np.arange(T)) * f).astype(np.float32)
    rng = np.random.default_rng((level, ty, tx))
    a = np.outer(np.sin(y / 310.0), np.cos(x / 170.0))
    b = np.outer(np.cos(y / 230.0), np.sin(x / 190.0))
    rgb = np.stack([190 + 45 * a, 120 + 50 * b, 170 + 35 * a * b], axis=-1)
    rgb += rng.integers(0, 12, size=(T, T, 3))
    tissue = (np.sin(y / 5200.0)[:, None] + np.cos(x / 4100.0)[None, :]) > -0.3
    background = 238 + rng.integers(0, 4, size=(T, T, 3))
    return np.where(tissue[:, :, None], rgb, background).astype(np.uint8)
def tiles(level):
    n = -(-(size >> level) // T)
    for ty in range(n):
        for tx in range(n):
            yield tile(level, ty, tx)
opts = dict(tile=(T, T), compression='zlib', photometric='rgb', dtype=np.uint8, maxworkers=2)
with tifffile.TiffWriter(path, bigtiff=True) as tif:
    tif.write(tiles(0), shape=(size, size, 3), subifds=levels - 1, metadata=None, **opts)
    for k in range(1, levels):
        tif.write(tiles(k), shape=(size >> k, size >> k, 3), subfiletype=1, metadata=None, **opts)
'''

# tifffile + zarr-python: the TIFF's levels as a zarr group, dask for blocks; KEEP copies the file's levels
TIFFFILE_ZARR = r'''
import sys, time, json
import dask.array as da
import numpy as np
import tifffile, zarr
from zarr.codecs import ZstdCodec
src, dst, keep = sys.argv[1], sys.argv[2], sys.argv[3] == "keep"
t0 = time.perf_counter()
store = tifffile.imread(src, aszarr=True)
source = zarr.open_group(store, mode="r")
nsrc = len(list(source.array_keys()))
root = zarr.open_group(dst, mode="w", zarr_format=3)
level = da.from_zarr(source["0"]).transpose(2, 0, 1)  # y, x, s -> c, y, x
datasets = []
k = 0
while True:
    a = root.create_array(str(k), shape=level.shape, dtype=level.dtype, chunks=(1, 256, 256),
                          shards=(1, 2048, 2048), compressors=ZstdCodec(level=3), dimension_names=["c", "y", "x"])
    da.store(level.rechunk((1, 2048, 2048)), a, lock=False)
    f = 2 ** k
    datasets.append({"path": str(k), "coordinateTransformations": [{"type": "scale", "scale": [1, f, f]}]})
    k += 1
    if keep:
        if k == nsrc:
            break
        level = da.from_zarr(source[str(k)]).transpose(2, 0, 1)
    else:
        if level.shape[1] <= 256 and level.shape[2] <= 256:
            break
        level = da.coarsen(np.mean, da.from_zarr(a), {1: 2, 2: 2}, trim_excess=True).astype(np.uint8)
root.attrs["ome"] = {"version": "0.5", "multiscales": [{"axes": [
    {"name": "c", "type": "channel"}, {"name": "y", "type": "space"}, {"name": "x", "type": "space"}],
    "datasets": datasets}]}
store.close()
print(json.dumps({"seconds": time.perf_counter() - t0}))
'''

# ngff-zarr's Python API (its command line keeps a pyramidal TIFF's levels as single chunks; see the docstring)
NGFF_ZARR = r'''
import sys, time, json
import ngff_zarr as nz
from ngff_zarr.tiff_to_ngff_image import tiff_file_to_ngff_images
src, dst = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
(name, image), = tiff_file_to_ngff_images(src, series=0)
chunks = tuple({"c": 1}.get(d, 256) for d in image.dims)  # in the image's own dims order (y, x, c)
ms = nz.to_multiscales(image, method=nz.Methods.DASK_BIN_SHRINK, chunks=chunks)
nz.to_ngff_zarr(dst, ms, version="0.5", chunks_per_shard={"c": 1, "y": 8, "x": 8})
print(json.dumps({"seconds": time.perf_counter() - t0}))
'''

# SHA-256 of each channel of level 0 in c, y, x order, read in strips: of the TIFF (tifffile) or of an output
DIGEST = r'''
import sys, json, hashlib
import numpy as np
import tifffile, zarr
path = sys.argv[1]
if path.endswith(".tif"):
    store = tifffile.imread(path, aszarr=True)
    a = zarr.open_group(store, mode="r")["0"]
    read = lambda y0, y1: np.moveaxis(a[y0:y1], 2, 0)
    height, nc = a.shape[0], a.shape[2]
    levels = None
else:
    g = zarr.open_group(path, mode="r")
    ms = g.attrs["ome"]["multiscales"][0]
    a = g[ms["datasets"][0]["path"]]
    read = lambda y0, y1: a[:, y0:y1]
    height, nc = a.shape[1], a.shape[0]
    levels = [list(g[d["path"]].shape) for d in ms["datasets"]]
hashes = [hashlib.sha256() for _ in range(nc)]
for y0 in range(0, height, 2048):
    strip = read(y0, min(height, y0 + 2048))
    for c in range(nc):
        hashes[c].update(np.ascontiguousarray(strip[c]).tobytes())
print(json.dumps({"sha256": [h.hexdigest() for h in hashes], "dtype": str(a.dtype), "levels": levels}))
'''

TOOLS = ("ngff", "ngff-keep", "tifffile", "tifffile-keep", "ngff-zarr")


def cmd(tool, src, dst, args):
    if tool in ("ngff", "ngff-keep"):
        c = [str(harness.ROOT / "ngff"), "convert", str(src), str(dst), "--levels",
             "keep" if tool == "ngff-keep" else "auto", "--chunks", "1,256,256", "--shards", "1,2048,2048"]
        return c + (["--memory", args.memory] if args.memory else [])
    if tool in ("tifffile", "tifffile-keep"):
        return [sys.executable, "-c", TIFFFILE_ZARR, str(src), str(dst), "keep" if tool == "tifffile-keep" else "new"]
    if tool == "ngff-zarr":
        return [sys.executable, "-c", NGFF_ZARR, str(src), str(dst)]
    raise ValueError(tool)


def digest(path):
    return json.loads(subprocess.run([sys.executable, "-c", DIGEST, str(path)], check=True, capture_output=True,
                                     text=True).stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=20480, help="level 0 is SIZE x SIZE x 3 uint8")
    ap.add_argument("--levels", type=int, default=5, help="levels in the source file (level 0 and SubIFDs)")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--tools", default=",".join(TOOLS))
    ap.add_argument("--memory", default="", help="ngff --memory (default: none given)")
    ap.add_argument("--no-check", action="store_true", help="skip the level-0 digests")
    ap.add_argument("--workdir", default="/tmp/ngff-convert-bench")
    ap.add_argument("--out", default="convert-wsi-results.json")
    ap.add_argument("--lock", default="/tmp/ngff-build.lock")
    args = ap.parse_args()
    tools = args.tools.split(",")
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    src = work / f"slide-{args.size}-{args.levels}.tif"
    source_bytes = args.size * args.size * 3
    records = []
    with harness.held(args.lock):
        if not src.exists():
            subprocess.run([sys.executable, "-c", WRITE_WSI, str(src), str(args.size), str(args.levels)], check=True)
        expected = None if args.no_check else digest(src)["sha256"]
        for r, tool in harness.rotated_rounds(tools, args.runs):
            dst = work / f"out-{tool}.ome.zarr"
            rec = harness.convert_once(tool, r, cmd(tool, src, dst, args), src, dst, records,
                                       stdout_json=tool.startswith(("tifffile", "ngff-zarr")))
            if rec is None:
                continue
            rec.update(source_bytes=source_bytes, tiff_bytes=src.stat().st_size,
                       gb_per_min=source_bytes / 1e9 / (rec["wall"] / 60))
            if expected is not None:
                d = digest(dst)
                rec.update(level0_equal=d["sha256"] == expected, levels=d["levels"])
            print(f"{tool:13} run {r}: wall {rec['wall']:.2f} s, cpu {rec['cpu']:.2f} s (sys {rec['sys']:.2f}), "
                  f"rss {rec['rss_mib']:.0f} MiB, {rec['gb_per_min']:.2f} GB/min, "
                  f"stored {rec['stored_bytes'] / 2**20:.0f} MiB, level 0 equal: {rec.get('level0_equal')}, "
                  f"levels {rec.get('levels')}", file=sys.stderr, flush=True)
            shutil.rmtree(dst, ignore_errors=True)
    meta = {"uname": " ".join(os.uname()), "cpus": os.cpu_count(), "size": args.size, "levels": args.levels,
            "source_bytes": source_bytes, "tiff_bytes": src.stat().st_size, "memory": args.memory,
            "level0_sha256": expected,
            "date": subprocess.run(["date", "-u", "+%Y-%m-%d %H:%M"], capture_output=True, text=True).stdout.strip()}
    Path(args.out).write_text(json.dumps({"meta": meta, "runs": records}, indent=1))
    ok = [x for x in records if "wall" in x]
    tools = [t for t in tools if any(x["tool"] == t for x in ok)]
    med = {t: statistics.median(x["wall"] for x in ok if x["tool"] == t) for t in tools}
    for t in tools:
        rss = max(x["rss_mib"] for x in ok if x["tool"] == t)
        print(f"{t:13} median wall {med[t]:.2f} s, {source_bytes / 1e9 / (med[t] / 60):.2f} GB/min, peak rss {rss:.0f} MiB")
    bad = [x["tool"] for x in ok if x.get("level0_equal") is False]
    if bad or len(ok) < len(records):
        sys.exit(f"level 0 differs from the source for {bad}" if bad else "a route failed (see above)")


if __name__ == "__main__":
    main()
