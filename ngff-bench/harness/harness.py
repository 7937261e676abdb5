#!/usr/bin/env python3
"""Side-by-side harness: the zarr_benchmarks workloads with ngff-engine and its peers.

Each measurement is one process of one tool doing one operation (HarnessPeer.java for ngff-engine,
peer.py for tensorstore, zarr-python and zarr-python with the zarrs pipeline, zarrs_benchmark_read_sync of
zarrs_tools (the Rust zarrs itself, tool `zarrs-rust`, read-all only), plain `cat` as the floor for uncompressed
reads). Tools alternate within every round. Per run it records the time the tool
measured around the operation itself (interpreter or JVM start-up excluded), the process wall time,
its CPU time and its peak RSS (getrusage of the child). See docs/bench.md.

  harness.py run [options]      measure and append records to --out (JSON)
  harness.py report RESULTS...  write the Markdown table of medians and ratios
"""
import argparse
import datetime
import fcntl
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
JAR = ROOT / "ngff-bench" / "target" / "benchmarks.jar"
PEER_PY = Path(__file__).resolve().parent / "peer.py"
TOOLS = ["ngff", "tensorstore", "zarrs", "zarr", "zarrs-rust"]
# zarrs_tools' reader (`cargo install zarrs_tools@0.8.1 --no-default-features --features benchmark,ome,info`)
ZARRS_READ = Path(os.environ.get("ZARRS_BENCHMARK_READ_SYNC", Path.home() / ".cargo" / "bin" / "zarrs_benchmark_read_sync"))
# the operations each zarrs_benchmark_read_sync mode matches: --concurrent-chunks N reads N stored chunks (or, with
# --inner-chunks, N inner chunks) at a time, as our read-chunks-par / read-inner readers do
ZARRS_RUST_OPS = {"read-all": lambda a: ["--read-all"],
                  "read-chunks": lambda a: ["--concurrent-chunks", "1"],
                  "read-chunks-par": lambda a: ["--concurrent-chunks", str(a.readers)],
                  "read-inner": lambda a: ["--inner-chunks", "--concurrent-chunks", str(a.readers)],
                  "read-inner-1": lambda a: ["--inner-chunks", "--concurrent-chunks", "1"]}
# read-chunks: one stored chunk (shard) at a time; read-chunks-par: --readers threads each taking chunks in turn;
# read-inner: --readers threads reading --inner^3 blocks; read-inner-1: the same with one reader
OPS = ["read-all", "read-chunks", "read-chunks-par", "read-inner-1", "read-inner", "roundtrip"]
INNER_OPS = ("read-inner", "read-inner-1")
LAYOUTS = ["uncompressed", "zstd", "sharded"]


# extra JVM options of every ngff-engine process (--java-opts), for 'ngff' and 'ngff-before' alike
JAVA_OPTS = []


def java():
    home = os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64")
    return [str(Path(home) / "bin" / "java"), "--enable-native-access=ALL-UNNAMED"] + JAVA_OPTS


@contextmanager
def held(lock_path):
    """Holds the shared build lock (CPU-sensitive work must not overlap other builds)."""
    if not lock_path:
        yield
        return
    with open(lock_path, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def run_child(cmd, stdout_json=True, repeat=1, capture=False):
    """Runs one child and returns its result with rusage (wait4 gives the child's own CPU and max RSS).

    Linux keeps the RSS high-water mark across fork and exec, so a child's peak RSS is never below this
    driver's RSS at the time (about 15 MiB); the driver therefore never reads bulk data itself.
    """
    env = dict(os.environ, NGFF_HARNESS_REPEAT=str(repeat))
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE if stdout_json or capture else subprocess.DEVNULL,
                         stderr=subprocess.PIPE, env=env)
    out = p.stdout.read() if stdout_json or capture else b""
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({p.returncode}):\n{err.decode()[-3000:]}")
    parsed = json.loads(out.decode().strip().splitlines()[-1]) if stdout_json else \
        ({"stdout": out.decode(errors="replace")} if capture else {})
    return {
        "wall": wall,
        "cpu": ru.ru_utime + ru.ru_stime,
        "user": ru.ru_utime,
        "sys": ru.ru_stime,
        "rss_mib": ru.ru_maxrss / 1024.0,
        **parsed,
    }


def zarrs_rust(op, src, args):
    """Runs zarrs_benchmark_read_sync in the mode of op: it times the read itself ("Decoded DIR in X ms") and sums nothing."""
    rec = run_child([str(ZARRS_READ)] + ZARRS_RUST_OPS[op](args) + [str(src)], stdout_json=False, capture=True)
    m = re.search(r"Decoded .* in ([0-9.]+)(ms|s|µs|us)\b", rec.pop("stdout"))
    if not m:
        raise RuntimeError(f"zarrs_benchmark_read_sync printed no timing line for {src}")
    seconds = float(m.group(1)) / {"s": 1, "ms": 1e3, "µs": 1e6, "us": 1e6}[m.group(2)]
    rec["seconds"] = seconds  # one call per process: no repeated-call figure
    return rec


def tool_cmd(tool, op, src, dst, args):
    if tool == "ngff":
        base = java() + ["-cp", str(JAR), "dev.ngff.bench.harness.HarnessPeer"]
    elif tool == "ngff-aot":
        base = java() + [f"-XX:AOTCache={args.aot_cache}", "-cp", str(JAR), "dev.ngff.bench.harness.HarnessPeer"]
    elif tool == "ngff-before":
        base = java() + shlex.split(args.before_java_opts) + ["-cp", str(args.before_jar), "dev.ngff.bench.harness.HarnessPeer"]
    else:
        base = [sys.executable, str(PEER_PY), tool]
    if op in INNER_OPS:
        return base + ["read-inner", str(src), str(args.readers if op == "read-inner" else 1), str(args.inner)]
    if op == "read-chunks-par":
        return base + ["read-chunks", str(src), str(args.readers)]
    if op == "roundtrip":
        return base + [op, str(src), str(dst)]
    return base + [op, str(src)]


def data_files(path):
    return [str(p) for p in sorted(Path(path).rglob("*")) if p.is_file() and not p.name.endswith(".json")]


def drop_caches():
    subprocess.run(["sync"], check=True)
    with open("/proc/sys/vm/drop_caches", "w") as f:
        f.write("3\n")


def warm(path):
    subprocess.run(["cat"] + data_files(path), stdout=subprocess.DEVNULL, check=True)


def rotated_rounds(tools, runs):
    """(run, tool) in measuring order: every round runs each tool once, starting one tool later than the last."""
    for r in range(runs):
        k = r % len(tools)
        for tool in tools[k:] + tools[:k]:
            yield r, tool


def convert_once(tool, run, cmd, src, dst, records, stdout_json=False):
    """One conversion DST <- SRC by one whole process of a tool, from a warm page cache into a fresh DST.

    Returns the record (run_child's, with tool, run and stored_bytes: the files under DST), also appended to
    records; a failing tool is recorded with its error and gives None, so that one tool does not lose the others'
    figures. DST is left for the caller to inspect and remove.
    """
    shutil.rmtree(dst, ignore_errors=True)
    warm(src)
    try:
        rec = run_child(cmd, stdout_json=stdout_json)
    except RuntimeError as e:
        print(f"{tool} FAILED: {e}", file=sys.stderr, flush=True)
        records.append({"tool": tool, "run": run, "error": str(e)[-2000:]})
        return None
    stored = sum(p.stat().st_size for p in Path(dst).rglob("*") if p.is_file()) if Path(dst).exists() else 0
    rec.update(tool=tool, run=run, stored_bytes=stored)
    records.append(rec)
    return rec


# datasets that HarnessPeer renders (dev.ngff.bench.Volumes); 'noisy' comes from `ngff sample`
VOLUMES = {"ramp": "ramp", "zb": "zarr_benchmarks"}


def generate(dataset, layout, path, args):
    if path.exists() and (path / "zarr.json").exists():
        return
    shutil.rmtree(path, ignore_errors=True)
    if dataset in VOLUMES:
        cmd = java() + ["-cp", str(JAR), "dev.ngff.bench.harness.HarnessPeer", "generate", str(path), layout,
                        str(args.size), str(args.chunk), str(args.inner), VOLUMES[dataset]]
    else:
        n, c, i = args.size, args.chunk, args.inner
        cmd = [str(ROOT / "ngff"), "sample", str(path), "--plain", "--shape", f"{n},{n},{n}", "--seed", "1"]
        if layout == "sharded":
            cmd += ["--chunks", f"{i},{i},{i}", "--shards", f"{c},{c},{c}", "--codec", "zstd:3"]
        else:
            cmd += ["--chunks", f"{c},{c},{c}", "--codec", "zstd:3" if layout == "zstd" else "none"]
    print(f"generating {dataset}/{layout} at {path}", file=sys.stderr, flush=True)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def train_aot_cache(work, s3=None, name="harness-peer.aot"):
    """
    The JDK 25 ahead-of-time cache (JEP 483/514/515: classes loaded and linked, method profiles) of HarnessPeer,
    as ./ngff has one of the CLI: one training process reads a small sharded ramp (64^3, 32^3 shards of 16^3
    zstd inner chunks, not the measured data) and writes the cache at exit. Tool 'ngff-aot' runs with it.
    With s3 (an s3:// location on a running server, e.g. s3_bench.py's MinIO), the same process also writes the
    ramp there and reads it back (HarnessPeer train), so the S3 client's start-up is in the cache as well.
    """
    train = work / "aot-train-sharded-64"
    cache = work / name
    if not (train / "zarr.json").exists():
        shutil.rmtree(train, ignore_errors=True)
        subprocess.run(java() + ["-cp", str(JAR), "dev.ngff.bench.harness.HarnessPeer", "generate", str(train),
                                 "sharded", "64", "32", "16"], check=True, stdout=subprocess.DEVNULL)
    cache.unlink(missing_ok=True)
    subprocess.run(java() + [f"-XX:AOTCacheOutput={cache}", "-Xlog:aot=warning", "-cp", str(JAR),
                             "dev.ngff.bench.harness.HarnessPeer", "train", str(train)] + ([s3] if s3 else []),
                   check=True, stdout=subprocess.DEVNULL)
    if not cache.exists():
        raise RuntimeError(f"the AOT training run wrote no {cache}")
    print(f"AOT cache of HarnessPeer: {cache} ({cache.stat().st_size >> 20} MiB)", file=sys.stderr, flush=True)
    return cache


def cmd_run(args):
    JAVA_OPTS[:] = shlex.split(args.java_opts)
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    out = Path(args.out)
    records = json.loads(out.read_text()) if out.exists() else {"runs": [], "meta": []}
    records["meta"].append(environment(args))
    tools = args.tools.split(",")
    if "zarrs-rust" in tools and not ZARRS_READ.exists():
        print(f"NOTE: {ZARRS_READ} is missing, so tool zarrs-rust is left out (cargo install zarrs_tools@0.8.1 "
              "--no-default-features --features benchmark,ome,info; or set ZARRS_BENCHMARK_READ_SYNC)",
              file=sys.stderr, flush=True)
        tools.remove("zarrs-rust")
    args.aot_cache = None
    if args.aot:
        with held(args.lock):
            args.aot_cache = train_aot_cache(work)
    for dataset in args.datasets.split(","):
        for layout in args.layouts.split(","):
            src = work / f"{dataset}-{layout}-{args.size}"
            with held(args.lock):  # one hold per dataset and layout: a few minutes at 512^3
                generate(dataset, layout, src, args)
                for op in args.ops.split(","):
                    if op in INNER_OPS and layout not in args.inner_layouts.split(","):
                        continue
                    op_tools = [t for t in tools if t != "zarrs-rust" or op in ZARRS_RUST_OPS] + (["cat"] if op == "read-all" and layout == "uncompressed" else []) \
                        + (["ngff-before"] if args.before_jar and layout in args.before_layouts.split(",") else []) \
                        + (["ngff-aot"] if args.aot_cache else [])
                    load = os.getloadavg()[0]
                    expected = None
                    if op == "roundtrip":
                        expected = run_child(tool_cmd("ngff", "read-all", src, None, args))["checksum"]
                    for r in range(args.runs):
                        k = r % len(op_tools)
                        for tool in op_tools[k:] + op_tools[:k]:  # alternate who goes first
                            dst = work / f"roundtrip-{tool}"
                            shutil.rmtree(dst, ignore_errors=True)
                            if args.cache == "cold":
                                drop_caches()
                            else:
                                warm(src)
                            if tool == "cat":
                                rec = run_child(["cat"] + data_files(src), stdout_json=False)
                                rec["seconds"] = rec["seconds_repeat"] = rec["wall"]
                            elif tool == "zarrs-rust":
                                rec = zarrs_rust(op, src, args)
                            else:
                                rec = run_child(tool_cmd(tool, op, src, dst, args), repeat=args.repeat)
                            if op == "roundtrip":
                                rec.pop("checksum", None)
                                if r == 0:  # read the copy back with ngff-engine once per tool
                                    rec["checksum"] = run_child(tool_cmd("ngff", "read-all", dst, None, args))["checksum"]
                            shutil.rmtree(dst, ignore_errors=True)
                            rec.update(dataset=dataset, layout=layout, op=op, tool=tool, run=r, size=args.size,
                                       cache=args.cache, load1=load)
                            if "checksum" in rec:
                                if expected is None:
                                    expected = rec["checksum"]
                                rec["checksum_ok"] = rec["checksum"] == expected
                                if not rec["checksum_ok"]:
                                    print(f"CHECKSUM MISMATCH {dataset}/{layout}/{op}/{tool}: {rec['checksum']} != {expected}",
                                          file=sys.stderr, flush=True)
                            records["runs"].append(rec)
                            print(f"{dataset:6} {layout:12} {op:11} {tool:11} run {r}: {rec['seconds']:.3f} s"
                                  f" / repeat {rec.get('seconds_repeat', float('nan')):.3f} s"
                                  f" (wall {rec['wall']:.2f}, cpu {rec['cpu']:.2f}, rss {rec['rss_mib']:.0f} MiB)",
                                  file=sys.stderr, flush=True)
                    out.write_text(json.dumps(records, indent=1))
            if not args.keep_data:
                shutil.rmtree(src, ignore_errors=True)
    return 0


def environment(args):
    def version(cmd):
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
            return (done.stdout.strip() or done.stderr.strip() or "?")  # java -version prints to stderr
        except Exception as e:  # noqa: BLE001 - a missing tool is reported, not fatal
            return f"unavailable ({e})"
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB RAM, {platform.platform()}",
        "command": " ".join(sys.argv),
        "load1_at_start": os.getloadavg()[0],
        "versions": version([sys.executable, "-c",
                             "import zarr, numpy, tensorstore, importlib.metadata as m; "
                             "print('zarr', zarr.__version__, '| numpy', numpy.__version__, '| tensorstore', "
                             "m.version('tensorstore'), '| zarrs', m.version('zarrs'))"]),
        "java": version(java()[:1] + ["-version"]) or "?",
        "size": args.size, "chunk": args.chunk, "inner": args.inner, "runs": args.runs, "cache": args.cache,
        "repeat": args.repeat, "java_opts": JAVA_OPTS,
    }


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def cmd_report(args):
    runs, metas = [], []
    for f in args.results:
        d = json.loads(Path(f).read_text())
        runs += d["runs"]
        metas += d["meta"]
    groups = {}
    for r in runs:
        groups.setdefault((r["dataset"], r["layout"], r["op"], r["size"], r["cache"]), {}).setdefault(r["tool"], []).append(r)
    lines = ["# Side-by-side: ngff-engine against tensorstore, zarr-python and zarrs", ""]
    for m in metas[:1]:
        lines += [f"- Machine: {m['machine']}", f"- Versions: {m['versions']}; Java: {m['java'].splitlines()[0] if m['java'] else '?'}"]
    caches = sorted({m["cache"] for m in metas})
    lines += [f"- Page cache: {', '.join(caches)} ("
              + "; ".join({"warm": "the data was read with cat right before every run",
                           "cold": "sync and drop_caches before every run"}[c] for c in caches) + ")",
              f"- Sizes: {', '.join(sorted({str(m['size']) + '^3 uint16, chunks ' + str(m['chunk']) + '^3, inner ' + str(m['inner']) + '^3' for m in metas}))}; "
              f"runs per tool: {', '.join(sorted({str(m['runs']) for m in metas}))}; calls per process: "
              f"{', '.join(sorted({str(m.get('repeat', 1)) for m in metas}))}",
              f"- Runs: {', '.join(sorted({m['date'] for m in metas}))} (UTC); command(s):"]
    lines += [f"  - `{c}`" for c in sorted({m['command'] for m in metas})]
    lines += ["- Each cell is the median of the runs of that tool (tools alternate within every round). "
              "Time is what the tool measured around the operation, without interpreter or JVM start-up; "
              "wall, CPU and peak RSS are of the whole process (getrusage of the child).",
              "- Ratio = peer time / ngff time: above 1 means ngff-engine is faster. `cat` reads the same chunk files "
              "into /dev/null (the floor for uncompressed reads).",
              "- Checksums: every tool's read is summed and compared with the others (round trips: the copy is "
              "read back by ngff-engine); a mismatch is marked with `!`. zarrs-rust (zarrs_benchmark_read_sync) "
              "times its own read, sums nothing and has no checksum.", ""]
    peers = [t for t in ["ngff-before", "ngff-aot", "tensorstore", "zarrs", "zarrs-rust", "zarr", "cat"] if any(t in g for g in groups.values())]
    order = sorted(groups, key=lambda k: (k[4], k[3], k[0], LAYOUTS.index(k[1]), OPS.index(k[2])))
    metrics = [("seconds", "First call in a fresh process (what a command-line user sees)")]
    if any(m.get("repeat", 1) > 1 for m in metas):
        metrics.append(("seconds_repeat", "Repeated call in the same process (what a long-running application sees)"))
    for metric, title in metrics:
        lines += [f"## {title}", "",
                  "| data | layout | op | ngff s | " + " | ".join(f"{p} s" for p in peers) + " | "
                  + " | ".join(f"ratio vs {p}" for p in peers) + " |",
                  "|" + "---|" * (4 + 2 * len(peers))]
        for key in order:
            g = groups[key]
            ours = median([r[metric] for r in g.get("ngff", []) if metric in r])
            cells, ratios = [], []
            for p in peers:
                ts = [r[metric] for r in g.get(p, []) if metric in r]
                if ts:
                    t = median(ts)
                    bad = "!" if any(r.get("checksum_ok") is False for r in g[p]) else ""
                    cells.append(f"{t:.3f}{bad}")
                    ratios.append(f"{t / ours:.2f}x" if ours == ours and ours > 0 else "-")
                else:
                    cells.append("-")
                    ratios.append("-")
            bad = "!" if any(r.get("checksum_ok") is False for r in g.get("ngff", [])) else ""
            label = f"{key[0]} {key[3]}^3" + (" cold" if key[4] == "cold" else "")
            lines.append(f"| {label} | {key[1]} | {key[2]} | {ours:.3f}{bad} | " + " | ".join(cells) + " | "
                         + " | ".join(ratios) + " |")
        lines.append("")
    lines += ["## Per process: median wall s / CPU s / peak RSS MiB (all calls of the process)", "",
              "| data | layout | op | " + " | ".join(["ngff"] + peers) + " |", "|" + "---|" * (4 + len(peers))]
    for key in order:
        g = groups[key]
        cells = []
        for t in ["ngff"] + peers:
            rs = g.get(t, [])
            cells.append(f"{median([r['wall'] for r in rs]):.2f} / {median([r['cpu'] for r in rs]):.2f} / "
                         f"{median([r['rss_mib'] for r in rs]):.0f}" if rs else "-")
        lines.append(f"| {key[0]} {key[3]}^3 | {key[1]} | {key[2]} | " + " | ".join(cells) + " |")
    loads = [r["load1"] for r in runs]
    lines += ["", f"Load average (1 min) when each group started: min {min(loads):.2f}, median {median(loads):.2f}, "
              f"max {max(loads):.2f} (2 cores shared with other work)." if loads else ""]
    text = "\n".join(lines) + "\n"
    if args.output:
        Path(args.output).write_text(text)
    print(text)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="measure")
    r.add_argument("--size", type=int, default=1024, help="cube edge (default 1024: 2 GiB of uint16)")
    r.add_argument("--chunk", type=int, default=256, help="chunk / shard edge (default 256)")
    r.add_argument("--inner", type=int, default=64, help="inner chunk edge of the sharded layout and read-inner block (default 64)")
    r.add_argument("--readers", type=int, default=8, help="concurrent readers in read-inner and read-chunks-par (default 8)")
    r.add_argument("--runs", type=int, default=None, help="runs per tool (default 5, --quick 3; medians)")
    r.add_argument("--repeat", type=int, default=2,
                   help="calls of the operation per process (default 2): the first call is the fresh-process figure, "
                        "the last the warmed-up one (JIT compiled, libraries loaded)")
    r.add_argument("--datasets", default="ramp,noisy",
                   help="ramp (z+y+x), zb (zarr_benchmarks' data: (x + y*y/32 + z^3) mod 65536), noisy")
    r.add_argument("--layouts", default=",".join(LAYOUTS))
    r.add_argument("--ops", default=",".join(OPS))
    r.add_argument("--inner-layouts", default="sharded", help="layouts read-inner runs on (default sharded)")
    r.add_argument("--tools", default=",".join(TOOLS))
    r.add_argument("--before-jar", help="also run HarnessPeer from this benchmarks.jar as tool 'ngff-before' "
                                        "(before/after comparisons of an engine change in one alternating run)")
    r.add_argument("--before-java-opts", default="",
                   help="JVM options 'ngff-before' gets after --java-opts (a later -XX option wins: e.g. an AOT cache trained for the before jar)")
    r.add_argument("--before-layouts", default="sharded", help="layouts 'ngff-before' runs on (default sharded)")
    r.add_argument("--cache", choices=["warm", "cold"], default="warm",
                   help="warm: cat the data before each run; cold: sync and drop the page cache before each run (root)")
    r.add_argument("--workdir", default=os.environ.get("NGFF_HARNESS_DIR", "/tmp/ngff-harness"))
    r.add_argument("--out", default="harness-results.json")
    r.add_argument("--java-opts", default="",
                   help="extra JVM options for ngff and ngff-before, e.g. '-XX:+UseTransparentHugePages' (recorded)")
    r.add_argument("--aot", action="store_true",
                   help="also run tool 'ngff-aot': HarnessPeer with a JDK AOT cache trained on a small sharded array")
    r.add_argument("--lock", default=None, help="flock this file around each measured group (e.g. /tmp/ngff-build.lock)")
    r.add_argument("--keep-data", action="store_true", help="keep the generated arrays for a later invocation")
    r.add_argument("--quick", action="store_true", help="smoke size: 256^3 (chunk 128, inner 32), 3 runs unless --runs")
    rep = sub.add_parser("report", help="Markdown from results")
    rep.add_argument("results", nargs="+")
    rep.add_argument("--output")
    a = ap.parse_args()
    if a.cmd == "run":
        if a.quick:
            a.size, a.chunk, a.inner = 256, 128, 32
            a.runs = a.runs or 3
        a.runs = a.runs or 5
        if not JAR.exists():
            raise SystemExit(f"{JAR} is missing: ./mvnw -Pbench -pl ngff-bench -am package -DskipTests")
        return cmd_run(a)
    return cmd_report(a)


if __name__ == "__main__":
    sys.exit(main())
