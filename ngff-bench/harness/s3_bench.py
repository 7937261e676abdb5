#!/usr/bin/env python3
"""S3 rows of issue 18: read-all and write-all of one array against MinIO on loopback, ngff against tensorstore's
s3 driver, and MinIO's own limit for a parallel client (many concurrent ranged GETs with curl).

  s3_bench.py --src DIR [--runs 3] [--repeat 1] [--aot] [--out s3.json] [--lock /tmp/ngff-build.lock]

MinIO is the binary that scripts/minio.sh builds (.cache/minio/minio, or $NGFF_MINIO); it is started on 127.0.0.1
with a data directory under --workdir and stopped at the end. write-all = HarnessPeer/peer.py `roundtrip SRC
s3://...` (read the local array chunk by chunk, write each to a new array in the bucket); read-all reads the copy
that ngff wrote. Records: the same fields as harness.py (seconds = in-process time of the first call, wall, cpu,
rss_mib of the whole process), plus one 'minio-curl' record per run: bytes and seconds of the parallel GETs.
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ beside the harness
sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402  (run_child, java, JAR, held, environment helpers)

ROOT = Path(__file__).resolve().parents[2]
USER, SECRET = "ngffbench", "ngffbench-secret"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def curl_s3(endpoint, *args):
    return subprocess.run(["curl", "-sS", "-f", "--aws-sigv4", "aws:amz:us-east-1:s3", "--user", f"{USER}:{SECRET}",
                           *args], check=True, capture_output=True)


def list_objects(endpoint, bucket, prefix):
    """Keys and sizes under prefix (ListObjectsV2, one page of up to 1000 is enough for these arrays)."""
    import re
    out = curl_s3(endpoint, f"{endpoint}/{bucket}?list-type=2&prefix={prefix}").stdout.decode()
    return [(k, int(n)) for k, n in re.findall(r"<Key>([^<]+)</Key>.*?<Size>(\d+)</Size>", out)]


def minio_limit(endpoint, bucket, objects, parallel, range_bytes, workdir):
    """One curl process, --parallel-max N, every object fetched as ranged GETs of range_bytes, bodies discarded."""
    cfg = workdir / "curl-ranges.cfg"
    total = 0
    lines = []
    for key, size in objects:
        for a in range(0, size, range_bytes):
            b = min(size, a + range_bytes) - 1
            total += b - a + 1
            lines += ["next", f'url = "{endpoint}/{bucket}/{key}"', f'range = "{a}-{b}"', 'output = "/dev/null"',
                      'aws-sigv4 = "aws:amz:us-east-1:s3"', f'user = "{USER}:{SECRET}"', "fail", "silent",
                      "show-error"]
    cfg.write_text("\n".join(lines[1:]) + "\n")
    t0 = time.perf_counter()
    rec = harness.run_child(["curl", "--parallel", "--parallel-max", str(parallel), "-K", str(cfg)], stdout_json=False)
    rec["seconds"] = time.perf_counter() - t0
    rec.update(bytes=total, requests=sum(1 for ln in lines if ln.startswith("url")), parallel=parallel,
               range_bytes=range_bytes, gib_per_s=total / rec["seconds"] / 2**30)
    return rec


def tool_cmd(tool, op, src, dst=None):
    if tool == "ngff":
        base = harness.java() + ["-cp", str(harness.JAR), "dev.ngff.bench.harness.HarnessPeer"]
    else:
        base = [sys.executable, str(harness.PEER_PY), tool]
    return base + [op, src] + ([dst] if dst else [])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--src", required=True, help="local array to upload (e.g. the harness's zb-sharded-1024)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=1, help="calls per process (NGFF_HARNESS_REPEAT)")
    ap.add_argument("--tools", default="ngff,tensorstore")
    ap.add_argument("--parallel", default="16,64", help="curl --parallel-max values for MinIO's limit")
    ap.add_argument("--range-mib", type=float, default=1.0, help="size of each ranged GET of the limit (MiB)")
    ap.add_argument("--workdir", default="/tmp/ngff-s3-bench")
    ap.add_argument("--out", default="s3-results.json")
    ap.add_argument("--java-opts", default="")
    ap.add_argument("--lock", default=None)
    ap.add_argument("--aot", action="store_true",
                    help="train HarnessPeer's AOT cache on a local read plus an S3 write and read against this MinIO "
                         "(harness.train_aot_cache) and run ngff with it; replaces any -XX:AOTCache in --java-opts")
    args = ap.parse_args()
    harness.JAVA_OPTS[:] = args.java_opts.split()
    minio = Path(os.environ.get("NGFF_MINIO", ROOT / ".cache" / "minio" / "minio"))
    if not minio.exists():
        raise SystemExit(f"{minio} is missing: scripts/minio.sh builds it (or set NGFF_MINIO)")
    work = Path(args.workdir)
    shutil.rmtree(work, ignore_errors=True)
    (work / "data").mkdir(parents=True)
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    env = dict(os.environ, MINIO_ROOT_USER=USER, MINIO_ROOT_PASSWORD=SECRET)
    os.environ.update(AWS_ACCESS_KEY_ID=USER, AWS_SECRET_ACCESS_KEY=SECRET, AWS_REGION="us-east-1")
    server = subprocess.Popen([str(minio), "server", str(work / "data"), "--address", f"127.0.0.1:{port}",
                               "--console-address", f"127.0.0.1:{free_port()}"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    records = {"runs": [], "meta": [{"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                                     "command": " ".join(sys.argv), "minio": str(minio),
                                     "minio_version": subprocess.run([str(minio), "--version"], capture_output=True,
                                                                     text=True).stdout.splitlines()[0],
                                     "load1_at_start": os.getloadavg()[0], "java_opts": harness.JAVA_OPTS}]}
    out = Path(args.out)
    try:
        for _ in range(100):
            try:
                if urllib.request.urlopen(f"{endpoint}/minio/health/live", timeout=1).status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("MinIO did not become ready")
        for attempt in range(50):  # live before ready: the first PUT may answer 503 while MinIO initialises
            try:
                curl_s3(endpoint, "-X", "PUT", f"{endpoint}/bench")
                break
            except subprocess.CalledProcessError:
                if attempt == 49:
                    raise
                time.sleep(0.2)
        loc = lambda name: f"s3://bench/{name}?endpoint={endpoint}"  # noqa: E731
        tools = args.tools.split(",")
        expected = None
        with harness.held(args.lock):
            if args.aot:
                harness.JAVA_OPTS[:] = [o for o in harness.JAVA_OPTS if not o.startswith(("-XX:AOTCache", "-Xlog:aot",
                                                                                         "-Xlog:cds"))]
                cache = harness.train_aot_cache(work, loc("aot-train"), "s3-harness-peer.aot")
                harness.JAVA_OPTS += [f"-XX:AOTCache={cache}", "-Xlog:aot=off", "-Xlog:cds=off"]
                records["meta"][0]["java_opts"] = list(harness.JAVA_OPTS)
            # the copy every read-all reads: written by ngff first (its write-all run 0 also stands as a record)
            for r in range(args.runs):
                for k, tool in enumerate(tools[r % len(tools):] + tools[:r % len(tools)]):
                    for op, cmd in (("write-all", tool_cmd(tool, "roundtrip", args.src, loc(f"w-{tool}-{r}"))),
                                    ("read-all", tool_cmd(tool, "read-all", loc("w-ngff-0")))):
                        if op == "read-all" and r == 0 and k == 0 and tool != "ngff":
                            rec0 = harness.run_child(tool_cmd("ngff", "roundtrip", args.src, loc("w-ngff-0")))
                            rec0.update(op="write-all", tool="ngff", run=-1, note="source of the reads")
                            records["runs"].append(rec0)
                        os.environ["NGFF_HARNESS_REPEAT"] = str(args.repeat)
                        rec = harness.run_child(cmd, repeat=args.repeat)
                        rec.update(op=op, tool=tool, run=r, load1=os.getloadavg()[0])
                        if op == "read-all":
                            expected = expected if expected is not None else rec.get("checksum")
                            rec["checksum_ok"] = rec.get("checksum") == expected
                        records["runs"].append(rec)
                        print(f"s3 {op:9} {tool:11} run {r}: {rec['seconds']:.3f} s / repeat "
                              f"{rec.get('seconds_repeat', float('nan')):.3f} s (wall {rec['wall']:.2f}, cpu "
                              f"{rec['cpu']:.2f}, rss {rec['rss_mib']:.0f} MiB){'' if rec.get('checksum_ok', True) else ' CHECKSUM MISMATCH'}",
                              file=sys.stderr, flush=True)
                        out.write_text(json.dumps(records, indent=1))
            objects = [(k, n) for k, n in list_objects(endpoint, "bench", "w-ngff-0") if n > 0]
            for r in range(args.runs):
                for parallel in map(int, args.parallel.split(",")):
                    rec = minio_limit(endpoint, "bench", objects, parallel, int(args.range_mib * 2**20), work)
                    rec.update(op="ranged-gets", tool="minio-curl", run=r, load1=os.getloadavg()[0])
                    records["runs"].append(rec)
                    print(f"s3 ranged GETs x{parallel}: {rec['bytes'] / 2**20:.0f} MiB in {rec['seconds']:.3f} s = "
                          f"{rec['gib_per_s']:.2f} GiB/s (cpu {rec['cpu']:.2f})", file=sys.stderr, flush=True)
                    out.write_text(json.dumps(records, indent=1))
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
