#!/usr/bin/env python3
"""The two routes of `ngff convert SRC DST.ozx`: one pass (the default) against writing a directory and packing
it (`--ozx-pack`), on the 1 GiB tiled deflate OME-TIFF of convert_tiff.py. Per run: wall time and peak RSS of the
child (wait4), and the peak disk use of everything the run wrote beside the target (the sum of allocated blocks
under the output folder, sampled every 50 ms by this driver). Usage:

    .venv/bin/python ngff-bench/harness/convert_ozx_routes.py --runs 2 --out ngff-bench/results/convert-ozx-routes.json
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402
from convert_tiff import WRITE_TIFF  # noqa: E402

ROUTES = {"one-pass": [], "pack": ["--ozx-pack"]}


def allocated(folder):
    total = 0
    for root, _, files in os.walk(folder):
        for f in files:
            try:
                total += os.lstat(os.path.join(root, f)).st_blocks * 512
            except FileNotFoundError:
                pass  # removed while we looked
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--planes", type=int, default=128)
    ap.add_argument("--size", type=int, default=2048)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--workdir", default="/tmp/ngff-convert-bench")
    ap.add_argument("--out", default="convert-ozx-routes.json")
    ap.add_argument("--lock", default="/tmp/ngff-build.lock")
    args = ap.parse_args()
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    src = work / f"stack-{args.planes}x{args.size}.ome.tif"
    source_bytes = args.planes * args.size * args.size * 2
    records = []
    with harness.held(args.lock):
        if not src.exists():
            subprocess.run([sys.executable, "-c", WRITE_TIFF, str(src), str(args.planes), str(args.size)], check=True)
        for r in range(args.runs):
            order = list(ROUTES) if r % 2 == 0 else list(reversed(ROUTES))
            for route in order:
                out = work / f"ozx-{route}"
                shutil.rmtree(out, ignore_errors=True)
                out.mkdir()
                dst = out / "stack.ozx"
                cmd = [str(harness.ROOT / "ngff"), "convert", str(src), str(dst), "--levels", "auto",
                       "--chunks", "1,1,16,256,256", "--shards", "1,1,64,1024,1024"] + ROUTES[route]
                harness.warm(src)
                peak = [0]
                done = threading.Event()

                def sample():
                    while not done.is_set():
                        peak[0] = max(peak[0], allocated(out))
                        time.sleep(0.05)

                t = threading.Thread(target=sample)
                t.start()
                try:
                    rec = harness.run_child(cmd, stdout_json=False)
                finally:
                    done.set()
                    t.join()
                final = allocated(out)
                left = sorted(p.name for p in out.iterdir())
                rec.update(route=route, run=r, command=" ".join(cmd), source_bytes=source_bytes,
                           archive_bytes=dst.stat().st_size, peak_disk_bytes=max(peak[0], final),
                           final_disk_bytes=final, files_left=left,
                           gb_per_min=source_bytes / 1e9 / (rec["wall"] / 60))
                records.append(rec)
                print(f"{route:9} run {r}: wall {rec['wall']:.2f} s, cpu {rec['cpu']:.2f} s, rss {rec['rss_mib']:.0f} MiB, "
                      f"archive {rec['archive_bytes'] / 2**20:.0f} MiB, peak disk {rec['peak_disk_bytes'] / 2**20:.0f} MiB, "
                      f"left {left}", file=sys.stderr, flush=True)
                shutil.rmtree(out, ignore_errors=True)
    meta = {"uname": " ".join(os.uname()), "cpus": os.cpu_count(), "planes": args.planes, "size": args.size,
            "source_bytes": source_bytes, "tiff_bytes": src.stat().st_size,
            "date": subprocess.run(["date", "-u", "+%Y-%m-%d %H:%M"], capture_output=True, text=True).stdout.strip()}
    Path(args.out).write_text(json.dumps({"meta": meta, "runs": records}, indent=1))


if __name__ == "__main__":
    main()
