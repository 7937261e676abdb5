#!/usr/bin/env python3
"""Frame streaming side by side: 1024x1024 uint16 frames written one at a time into shards of
32x1024x1024 with inner chunks 1x256x256, by ngff-engine (FrameWriteBench.java, through ArrayWriter)
and by acquire-zarr (frames_peer.py), each in its own process, tools alternating. Reports MB/s
(frames x 2 MiB / the time the tool measured around its write loop, close included) and peak RSS
(wait4 of the child). Codecs: blosc-zstd level 1 with byte shuffle, and plain zstd level 1 (acquire-zarr's
Compressor.ZSTD), the same for both. Both outputs are read back by ngff-engine and checked against the frames.

  frames.py [--frames 256] [--runs 1] [--lock /tmp/ngff-build.lock] [--out results.json]
            [--edge 2048] [--codecs none,zstd-1,...]   (uncompressed: the bytes codec alone, for the disk ceiling)
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import JAR, held, java, run_child  # noqa: E402

PEER = Path(__file__).resolve().parent / "frames_peer.py"
POOL_FRAMES = 8


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--frames", type=int, default=256)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--lock")
    ap.add_argument("--out")
    ap.add_argument("--buffer-mib", type=int, default=128)
    ap.add_argument("--jvm-args", default="-Xmx320m", help="JVM options for ngff-engine's process (heap bound)")
    ap.add_argument("--jar", default=str(JAR), help="ngff-engine's benchmark jar (to compare two builds in one run)")
    ap.add_argument("--tmp", default=os.environ.get("NGFF_BENCH_TMP", tempfile.gettempdir()))
    ap.add_argument("--mode", default="writer", choices=["writer", "acquire", "acquire3"],
                    help="ngff-engine's path: ArrayWriter, or the acquisition writer (acquire3: 3 live levels, "
                         "against acquire-zarr with its mean multiscale on)")
    ap.add_argument("--edge", type=int, default=1024, help="frame edge in pixels (a multiple of 256)")
    ap.add_argument("--codecs", default="blosc-zstd-1-shuffle,zstd-1", help="cases, comma-separated: blosc-zstd-1-shuffle, zstd-1, none")
    ap.add_argument("--sync", action="store_true",
                    help="also time a sync(1) after each tool's run (writeback of what the page cache still holds)")
    a = ap.parse_args()
    if a.edge % 256:
        ap.error("--edge must be a multiple of 256")
    work = Path(tempfile.mkdtemp(prefix="ngff-frames-", dir=a.tmp))
    pool = work / "pool.u16"
    # the driver never holds bulk data itself: its RSS would become every child's floor
    subprocess.run([sys.executable, str(PEER), "pool", str(pool), str(POOL_FRAMES), str(a.edge)], check=True)
    known = {
        "blosc-zstd-1-shuffle": (["blosc-zstd"], ["blosc-zstd", "1"]),
        "zstd-1": (["zstd"], ["zstd", "0"]),
        "none": (["none"], ["none", "0"]),
    }
    cases = [(c, *known[c]) for c in a.codecs.split(",")]
    records = []
    try:
        for run in range(a.runs):
            for label, ours, theirs in cases:
                for tool in ["ngff", "acquire-zarr"]:
                    out = work / f"{tool}.zarr"
                    shutil.rmtree(out, ignore_errors=True)
                    if tool == "ngff":
                        cmd = java() + a.jvm_args.split() + ["-cp", a.jar, "dev.ngff.bench.harness.FrameWriteBench", str(out), *ours,
                                        str(a.frames), str(pool), a.mode, str(a.buffer_mib), str(a.edge)]
                    else:
                        cmd = [sys.executable, str(PEER), "write", str(out), *theirs, str(a.frames), str(pool),
                               "3" if a.mode == "acquire3" else "1", str(a.edge)]
                    with held(a.lock):
                        os.sync()  # untimed: the previous run's dirty pages are not this run's writeback
                        r = run_child(cmd)
                        if a.sync:
                            t0 = time.perf_counter()
                            os.sync()
                            r["sync_seconds"] = time.perf_counter() - t0
                    r.update(tool=tool, case=label, run=run, mb_s=r["bytes"] / r["seconds"] / 1e6,
                             stored_mib=sum(f.stat().st_size for f in out.rglob("*") if f.is_file()) / 2**20)
                    level0 = out / "0" if (out / "0" / "zarr.json").exists() else out  # an OME image's level 0
                    check = subprocess.run([sys.executable, str(PEER), "check", str(level0), str(pool), str(a.frames),
                                            " ".join(java()), a.jar, str(a.edge)], capture_output=True, text=True)
                    r["verified"] = check.returncode == 0
                    if check.returncode != 0:
                        r["verify_error"] = (check.stdout + check.stderr)[-500:]
                    print(json.dumps(r), flush=True)
                    records.append(r)
                    shutil.rmtree(out, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    meta = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "machine": f"{platform.node()} {platform.machine()} {os.cpu_count()} cpus",
            "command": " ".join(sys.argv), "jar": a.jar, "frames": a.frames, "buffer_mib": a.buffer_mib, "jvm_args": a.jvm_args,
            "mode": a.mode, "edge": a.edge}
    if a.out:
        Path(a.out).write_text(json.dumps({"meta": meta, "records": records}, indent=1))
    return 0 if all(r["verified"] for r in records) else 1


if __name__ == "__main__":
    sys.exit(main())
