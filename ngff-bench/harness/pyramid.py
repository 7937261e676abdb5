#!/usr/bin/env python3
"""Side by side: a multiscale OME-Zarr 0.5 pyramid from a plain sharded array (issue 13's workload).

The source is zarr_benchmarks' array (HarnessPeer generate: uint16 ramp, shards of CHUNK^3 with inner
chunks of INNER^3, zstd), written once. Each run is one whole process of one tool, its wall time and peak
RSS taken with wait4 (harness.run_child); tools alternate within a round; outputs are removed between runs.

  ngff        ./ngff convert SRC DST --axes zyx --levels auto --method mean   (same sharding and codec)
  zarrs_ome   zarrs_ome SRC DST --ome-zarr-version 0.5 (zarrs_tools 0.8.1; mean by default as ours)
  ngff-zarr   ngff_zarr 0.50: from the zarr array through dask, method DASK_BIN_SHRINK (block mean),
              written as OME-Zarr 0.5 with the same shards and inner chunks
  roundtrip   ngff's level-0 round trip (HarnessPeer roundtrip: read all, write all) for the ratio target

  pyramid.py --size 1024 --runs 3 --out results.json
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

NGFF_ZARR_SCRIPT = r'''
import sys, time
import dask.array as da
import zarr
import ngff_zarr as nz
src, dst, inner, shard = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
t0 = time.perf_counter()
arr = da.from_zarr(zarr.open_array(src, mode="r"))
img = nz.to_ngff_image(arr, dims=["z", "y", "x"])
ms = nz.to_multiscales(img, method=nz.Methods.DASK_BIN_SHRINK, chunks=inner)
nz.to_ngff_zarr(dst, ms, version="0.5", chunks_per_shard=shard // inner)
print('{"seconds": %f}' % (time.perf_counter() - t0))
'''


def zarrs_ome():
    p = Path.home() / ".cargo" / "bin" / "zarrs_ome"
    return str(p) if p.exists() else None


def cmd(tool, src, dst, args):
    if tool == "ngff":
        return [str(harness.ROOT / "ngff"), "convert", str(src), str(dst), "--axes", "zyx", "--levels", "auto",
                "--method", "mean"]
    if tool == "zarrs_ome":
        return [zarrs_ome(), str(src), str(dst), "--ome-zarr-version", "0.5"]
    if tool == "ngff-zarr":
        return [sys.executable, "-c", NGFF_ZARR_SCRIPT, str(src), str(dst), str(args.inner), str(args.chunk)]
    if tool == "roundtrip":
        return harness.tool_cmd("ngff", "roundtrip", src, dst, args)
    raise ValueError(tool)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=1024)
    ap.add_argument("--chunk", type=int, default=256)
    ap.add_argument("--inner", type=int, default=64)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--tools", default="ngff,zarrs_ome,ngff-zarr,roundtrip")
    ap.add_argument("--workdir", default="/tmp/ngff-pyramid-bench")
    ap.add_argument("--out", default="pyramid-results.json")
    ap.add_argument("--lock", default="/tmp/ngff-build.lock")
    ap.add_argument("--readers", type=int, default=8)
    args = ap.parse_args()
    tools = [t for t in args.tools.split(",") if t != "zarrs_ome" or zarrs_ome()]
    if "zarrs_ome" in args.tools and not zarrs_ome():
        print("zarrs_ome NOT INSTALLED (cargo install zarrs_tools@0.8.1 --no-default-features "
              "--features benchmark,ome,info): left out", file=sys.stderr)
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    src = work / f"ramp-sharded-{args.size}"
    records = []
    with harness.held(args.lock):
        harness.generate("ramp", "sharded", src, args)
        for r in range(args.runs):
            k = r % len(tools)
            for tool in tools[k:] + tools[:k]:
                dst = work / f"out-{tool}"
                shutil.rmtree(dst, ignore_errors=True)
                harness.warm(src)
                rec = harness.run_child(cmd(tool, src, dst, args), stdout_json=tool in ("ngff-zarr", "roundtrip"))
                stored = sum(p.stat().st_size for p in dst.rglob("*") if p.is_file()) if dst.exists() else 0
                levels = sorted(p.parent.name for p in dst.glob("*/zarr.json")) if dst.exists() else []
                rec.update(tool=tool, run=r, size=args.size, stored_bytes=stored, level_dirs=levels)
                records.append(rec)
                print(f"{tool:10} run {r}: wall {rec['wall']:.2f} s, cpu {rec['cpu']:.2f} s, "
                      f"rss {rec['rss_mib']:.0f} MiB, stored {stored / 2**20:.0f} MiB, levels {levels}",
                      file=sys.stderr, flush=True)
                shutil.rmtree(dst, ignore_errors=True)
    meta = {"uname": " ".join(os.uname()), "cpus": os.cpu_count(), "size": args.size, "chunk": args.chunk,
            "inner": args.inner, "date": subprocess.run(["date", "-u", "+%Y-%m-%d %H:%M"], capture_output=True,
                                                        text=True).stdout.strip()}
    Path(args.out).write_text(json.dumps({"meta": meta, "runs": records}, indent=1))
    med = {t: statistics.median(x["wall"] for x in records if x["tool"] == t) for t in tools}
    rss = {t: max(x["rss_mib"] for x in records if x["tool"] == t) for t in tools}
    for t in tools:
        ratio = "" if t == "ngff" else f"  ngff is {med[t] / med['ngff']:.2f}x" if "ngff" in med else ""
        print(f"{t:10} median wall {med[t]:.2f} s, peak rss {rss[t]:.0f} MiB{ratio}")


if __name__ == "__main__":
    main()
