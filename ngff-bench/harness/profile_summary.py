#!/usr/bin/env python3
"""Summarises a JFR recording of one harness process as Markdown (a few dozen lines, not the raw file).

  profile_summary.py RECORDING.jfr [TITLE]

Java samples (jdk.ExecutionSample, threads running Java code) are split into: the harness's checksum, class
loading and linking anywhere in the stack (start-up work), engine code (top frame in dev.ngff outside
dev.ngff.bench), JDK code called by the engine, and the rest (no engine frame). Native samples
(jdk.NativeMethodSample, threads inside a native method) are grouped by method: zstd-jni's decompressor is the
native codec, pread/read/write the kernel's file I/O, Inflater the jar's class loading. Then the hottest top frames,
allocation by site (top frames of jdk.ObjectAllocationSample, by weight) and GC pauses.
"""
import collections
import json
import os
import subprocess
import sys
from pathlib import Path


def jfr_events(recording, events):
    jfr = Path(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64")) / "bin" / "jfr"
    out = subprocess.run([str(jfr), "print", "--json", "--stack-depth", "64", "--events", ",".join(events),
                          str(recording)], check=True, capture_output=True).stdout
    return json.loads(out)["recording"]["events"]


def frame_name(f):
    m = f["method"]
    return f"{m['type']['name'].replace('/', '.')}.{m['name']}"


def frames(e):
    st = e["values"].get("stackTrace") or {}
    return [frame_name(f) for f in st.get("frames", [])]


LINKING = ("ClassLoader.loadClass", "BuiltinClassLoader", "defineClass", "MethodHandleNatives.link", "Class.forName",
           "InnerClassLambdaMetafactory", "ServiceLoader", "ClassLoader.findNative", "SystemLookup", "loadLibrary")


def engine(f):
    return f.startswith("dev.ngff.") and not f.startswith("dev.ngff.bench.")


def category(fs):
    if not fs:
        return "no stack"
    if fs[0].startswith("dev.ngff.bench.harness.HarnessPeer.sum"):
        return "harness checksum (outside the timed operation, inside wall)"
    if any(k in f for f in fs for k in LINKING):
        return "class loading, linking, lambda spinning, native library loading (start-up work)"
    if engine(fs[0]):
        return "engine code (top frame dev.ngff)"
    if any(engine(f) for f in fs):
        return "JDK code called by the engine (copies, segments, collections)"
    return "no engine frame (JVM, JIT-less start-up, JFR, harness)"


def native_group(top):
    if "luben.zstd" in top or "Zstd" in top:
        return "native codec (zstd-jni)"
    if any(k in top for k in ("pread", "read0", "readBytes", "write0", "pwrite", "force0", "map0", "FileDispatcher")):
        return "file I/O system calls"
    if "Inflater" in top:
        return "jar decompression (class loading)"
    if any(k in top for k in ("Net", "socket", "Socket", "epoll", "Epoll", "poll")):
        return "network / event loop"
    return "other native"


def table(counter, total, unit="samples", n=12):
    lines = [f"| {unit} | share | what |", "|---:|---:|---|"]
    for k, v in counter.most_common(n):
        lines.append(f"| {v:.0f} | {100 * v / total:.1f}% | {k} |" if total else f"| {v} | - | {k} |")
    return lines


def main():
    rec = sys.argv[1]
    title = sys.argv[2] if len(sys.argv) > 2 else Path(rec).stem
    ev = jfr_events(rec, ["jdk.ExecutionSample", "jdk.NativeMethodSample", "jdk.ObjectAllocationSample",
                          "jdk.GarbageCollection"])
    by = collections.defaultdict(list)
    for e in ev:
        by[e["type"]].append(e)
    java = by["jdk.ExecutionSample"]
    native = by["jdk.NativeMethodSample"]
    out = [f"### {title}", "",
           f"Java samples: {len(java)}; native samples: {len(native)} (threads inside a native method, idle waits "
           "included: socket and futex waits of pool threads count here).", ""]
    cats = collections.Counter(category(frames(e)) for e in java)
    out += ["Java samples by kind:", ""] + table(cats, len(java)) + [""]
    tops = collections.Counter((frames(e) or ["?"])[0] for e in java)
    out += ["Hottest Java top frames:", ""] + table(tops, len(java), n=10) + [""]
    ngroups = collections.Counter(native_group((frames(e) or ["?"])[0]) for e in native)
    ntops = collections.Counter((frames(e) or ["?"])[0] for e in native)
    out += ["Native samples by kind:", ""] + table(ngroups, len(native)) + [""]
    out += ["Hottest native top frames:", ""] + table(ntops, len(native), n=6) + [""]
    alloc = collections.Counter()
    for e in by["jdk.ObjectAllocationSample"]:
        fs = frames(e)
        site = next((f for f in fs if engine(f) and "Buffers.allocate" not in f
                     and "NdBuffer.allocate" not in f), fs[0] if fs else "?")
        alloc[site] += e["values"].get("weight", 0) / 2**20
    total_alloc = sum(alloc.values())
    out += [f"Allocation by first engine frame (sampled weight {total_alloc:.0f} MiB):", ""] \
        + table(alloc, total_alloc, unit="MiB", n=8) + [""]
    gcs = by["jdk.GarbageCollection"]

    def ms(v):  # ISO-8601 durations as jfr --json prints them: PT0.024018188S
        return float(v[2:-1]) * 1e3 if isinstance(v, str) and v.startswith("PT") and v.endswith("S") else 0.0
    pauses = [ms(g["values"].get("sumOfPauses")) for g in gcs]
    out += [f"GC: {len(gcs)} collections, pauses {sum(pauses):.0f} ms in all, longest {max(pauses, default=0):.0f} ms.", ""]
    print("\n".join(out))


if __name__ == "__main__":
    main()
