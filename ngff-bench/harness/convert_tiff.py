#!/usr/bin/env python3
"""Side by side: a tiled (512x512, deflate) uint16 OME-TIFF z-stack into sharded OME-Zarr 0.5 with a pyramid.

The source is written once by tifffile (OME-TIFF, axes TCZYX with t = c = 1, PLANES planes of SIZE x SIZE, a
smooth pattern with noise so that deflate has work to do both ways). Each run is one whole process of one tool,
its wall time and peak RSS taken with wait4 (harness.run_child); tools alternate within a round; outputs are
removed between runs. Every tool writes the same layout: inner chunks 1,1,16,256,256 in shards 1,1,64,1024,1024
(z, y, x 16x256x256 in 64x1024x1024), zstd, levels made by 2x2x2 block means until y and x fit one chunk.

  ngff       ./ngff convert SRC DST --levels auto --chunks .. --shards .. [--memory M]
  tifffile   tifffile.imread(aszarr=True) -> dask -> zarr-python 3 create_array(shards=..) per level, the
             levels by dask coarsen(mean), the multiscales written by hand (the short script of their docs)
  ngff-zarr  ngff-zarr -i SRC --input-backend tifffile -c .. --chunks-per-shard .. -m dask_bin_shrink

  convert_tiff.py --planes 128 --size 2048 --runs 1 --out results.json
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

WRITE_TIFF = r'''
import sys, numpy as np, tifffile
path, planes, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(3)
yy, xx = np.mgrid[0:size, 0:size]
base = (1000 + 800 * np.sin(yy / 97.0) * np.cos(xx / 61.0)).astype(np.float32)
def tiles():  # tifffile takes a tiled image as an iterator of tiles, plane after plane
    for z in range(planes):
        noise = rng.integers(0, 64, size=(size, size), dtype=np.uint16)
        plane = (base + 5 * z).astype(np.uint16) + noise
        for y in range(0, size, 512):
            for x in range(0, size, 512):
                yield plane[y:y + 512, x:x + 512]
tifffile.imwrite(path, tiles(), shape=(1, 1, planes, size, size), dtype=np.uint16, ome=True, bigtiff=True,
                 tile=(512, 512), compression='zlib', maxworkers=2,
                 metadata={'axes': 'TCZYX', 'PhysicalSizeX': 0.5, 'PhysicalSizeY': 0.5, 'PhysicalSizeZ': 1.0})
'''

# tifffile + zarr-python, the way their documentation shows it: the TIFF as a zarr store, dask for blocks
TIFFFILE_ZARR = r'''
import sys, time, json
import dask.array as da
import numpy as np
import tifffile, zarr
from zarr.codecs import ZstdCodec
src, dst = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
store = tifffile.imread(src, aszarr=True)
level = da.from_zarr(store)
if level.ndim == 3:
    level = level[None, None]
root = zarr.open_group(dst, mode="w", zarr_format=3)
datasets = []
k = 0
while True:
    chunks = (1, 1, 16, 256, 256)
    shards = (1, 1, 64, 1024, 1024)
    a = root.create_array(str(k), shape=level.shape, dtype=level.dtype, chunks=chunks, shards=shards,
                          compressors=ZstdCodec(level=3), dimension_names=["t", "c", "z", "y", "x"])
    da.store(level.rechunk(shards), a, lock=False)
    f = 2 ** k
    datasets.append({"path": str(k), "coordinateTransformations": [{"type": "scale", "scale": [1, 1, f, 0.5 * f, 0.5 * f]}]})
    if level.shape[3] <= 256 and level.shape[4] <= 256:
        break
    nxt = da.from_zarr(a)
    level = da.coarsen(np.mean, nxt, {2: 2, 3: 2, 4: 2}, trim_excess=True).astype(np.uint16)
    k += 1
root.attrs["ome"] = {"version": "0.5", "multiscales": [{"axes": [
    {"name": "t", "type": "time"}, {"name": "c", "type": "channel"}, {"name": "z", "type": "space"},
    {"name": "y", "type": "space"}, {"name": "x", "type": "space"}], "datasets": datasets}]}
store.close()
print(json.dumps({"seconds": time.perf_counter() - t0}))
'''


def cmd(tool, src, dst, args):
    if tool == "ngff":
        c = [str(harness.ROOT / "ngff"), "convert", str(src), str(dst), "--levels", "auto",
             "--chunks", "1,1,16,256,256", "--shards", "1,1,64,1024,1024"]
        return c + (["--memory", args.memory] if args.memory else [])
    if tool == "tifffile":
        return [sys.executable, "-c", TIFFFILE_ZARR, str(src), str(dst)]
    if tool == "ngff-zarr":
        return [str(Path(sys.executable).parent / "ngff-zarr"), "-i", str(src), "-o", str(dst), "--input-backend",
                "tifffile", "-c", "16", "256", "256", "--chunks-per-shard", "4", "4", "4", "-m", "dask_bin_shrink",
                "--ome-zarr-version", "0.5", "-q"]
    raise ValueError(tool)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--planes", type=int, default=128)
    ap.add_argument("--size", type=int, default=2048)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--tools", default="ngff,tifffile,ngff-zarr")
    ap.add_argument("--memory", default="", help="ngff --memory (default: none given)")
    ap.add_argument("--workdir", default="/tmp/ngff-convert-bench")
    ap.add_argument("--out", default="convert-results.json")
    ap.add_argument("--lock", default="/tmp/ngff-build.lock")
    args = ap.parse_args()
    tools = args.tools.split(",")
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    src = work / f"stack-{args.planes}x{args.size}.ome.tif"
    source_bytes = args.planes * args.size * args.size * 2
    records = []
    with harness.held(args.lock):
        if not src.exists():
            subprocess.run([sys.executable, "-c", WRITE_TIFF, str(src), str(args.planes), str(args.size)], check=True)
        for r, tool in harness.rotated_rounds(tools, args.runs):
            dst = work / f"out-{tool}.ome.zarr"
            rec = harness.convert_once(tool, r, cmd(tool, src, dst, args), src, dst, records,
                                       stdout_json=tool == "tifffile")
            if rec is None:
                continue
            stored = rec["stored_bytes"]
            levels = sorted(str(p.parent.relative_to(dst)) for p in dst.rglob("zarr.json")
                            if json.loads(p.read_text()).get("node_type") == "array")
            rec.update(source_bytes=source_bytes, tiff_bytes=src.stat().st_size, arrays=levels,
                       gb_per_min=source_bytes / 1e9 / (rec["wall"] / 60))
            print(f"{tool:10} run {r}: wall {rec['wall']:.2f} s, cpu {rec['cpu']:.2f} s (sys {rec['sys']:.2f}), "
                  f"rss {rec['rss_mib']:.0f} MiB, {rec['gb_per_min']:.2f} GB/min, stored {stored / 2**20:.0f} MiB, "
                  f"arrays {levels}", file=sys.stderr, flush=True)
            shutil.rmtree(dst, ignore_errors=True)
    meta = {"uname": " ".join(os.uname()), "cpus": os.cpu_count(), "planes": args.planes, "size": args.size,
            "source_bytes": source_bytes, "tiff_bytes": src.stat().st_size, "memory": args.memory,
            "date": subprocess.run(["date", "-u", "+%Y-%m-%d %H:%M"], capture_output=True, text=True).stdout.strip()}
    Path(args.out).write_text(json.dumps({"meta": meta, "runs": records}, indent=1))
    ok = [x for x in records if "wall" in x]
    tools = [t for t in tools if any(x["tool"] == t for x in ok)]
    med = {t: statistics.median(x["wall"] for x in ok if x["tool"] == t) for t in tools}
    rss = {t: max(x["rss_mib"] for x in ok if x["tool"] == t) for t in tools}
    for t in tools:
        ratio = "" if t == "ngff" or "ngff" not in med else f"  ngff is {med[t] / med['ngff']:.2f}x"
        print(f"{t:10} median wall {med[t]:.2f} s, {source_bytes / 1e9 / (med[t] / 60):.2f} GB/min, "
              f"peak rss {rss[t]:.0f} MiB{ratio}")


if __name__ == "__main__":
    main()
