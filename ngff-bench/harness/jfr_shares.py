#!/usr/bin/env python3
"""Groups the CPU-time samples of a JFR recording into the shares that explain a conversion's CPU.

The recording must have JDK 25's CPU-time sampler on (one sample per THROTTLE of a thread's CPU time, native code and
system calls included), e.g. NGFF_JAVA_OPTS="-XX:StartFlightRecording=filename=X.jfr,jdk.CPUTimeSample#enabled=true,
jdk.CPUTimeSample#throttle=10ms". Each sample goes to the first group (in the order below) whose pattern some frame
of its stack matches; the rest go to "ngff, other" (a dev.ngff frame, named by its innermost one) or "JVM / other".
GC threads are not sampled: their CPU comes from the jdk.GCCPUTime events.

  jfr_shares.py X.jfr [--top 8]
"""
import argparse
import collections
import os
import re
import subprocess
from pathlib import Path

GROUPS = [  # (name, regex on a frame "package.Class.method")
    ("zstd (libzstd via zstd-jni)", re.compile(r"luben\.zstd|\.Zstd\w*\.")),
    ("TIFF inflate (libdeflate / zlib)", re.compile(r"java\.util\.zip\.Inflater|\.Libdeflate\.")),
    ("TIFF JPEG decode (ImageIO)", re.compile(r"javax\.imageio|com\.sun\.imageio|sun\.awt\.image")),
    ("downsampling (means)", re.compile(r"\.Reduction\.|dev\.ngff\.pyramid\.\w*Downsampl")),
    ("file I/O (read, write, rename; kernel time included)",
     re.compile(r"sun\.nio\.ch\.File|sun\.nio\.fs\.|java\.io\.RandomAccessFile|java\.nio\.file\.Files\.")),
    ("CRC-32C (journal, shard index)", re.compile(r"java\.util\.zip\.CRC32C|\.Crc32c")),
    ("copies into inner chunks / blocks", re.compile(r"\.NdBuffer\.copy|System\.arraycopy|MemorySegment\.copy")),
]
FRAME = re.compile(r"^\s+([\w$.]+)\.([\w$<>]+)\(")


def samples(jfr, path):
    text = subprocess.run([jfr, "print", "--events", "jdk.CPUTimeSample", "--stack-depth", "96", str(path)],
                          check=True, capture_output=True, text=True).stdout
    for block in text.split("jdk.CPUTimeSample {")[1:]:
        yield [f"{m.group(1)}.{m.group(2)}" for m in map(FRAME.match, block.splitlines()) if m]


def gc_cpu(jfr, path):
    text = subprocess.run([jfr, "print", "--events", "jdk.GCCPUTime", str(path)], check=True, capture_output=True,
                          text=True).stdout
    unit = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}
    return sum(float(v) * unit[u] for v, u in re.findall(r"(?:userTime|systemTime) = ([\d.]+) (s|ms|us|ns)", text))


def classify(frames):
    for name, pattern in GROUPS:
        if any(pattern.search(f) for f in frames):
            return name, None
    ours = next((f for f in frames if f.startswith("dev.ngff.")), None)
    if ours:
        return "ngff, other", ours.rsplit(".", 2)[-2] + "." + ours.rsplit(".", 1)[-1]
    return "JVM / other (start-up, class loading, JDK)", frames[0] if frames else "?"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("recording")
    ap.add_argument("--top", type=int, default=8, help="how many frames of the two open groups to list")
    ap.add_argument("--throttle-ms", type=float, default=10.0)
    args = ap.parse_args()
    jfr = str(Path(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64")) / "bin" / "jfr")
    counts, detail = collections.Counter(), collections.defaultdict(collections.Counter)
    for frames in samples(jfr, args.recording):
        group, where = classify(frames)
        counts[group] += 1
        if where:
            detail[group][where] += 1
    total = sum(counts.values())
    print(f"{total} samples (one per {args.throttle_ms:g} ms of a thread's CPU, ~{total * args.throttle_ms / 1e3:.1f} s); "
          f"GC threads {gc_cpu(jfr, args.recording):.1f} s of CPU")
    print("| where | samples | share | ~CPU s |\n|---|---|---|---|")
    for group, n in counts.most_common():
        print(f"| {group} | {n} | {100.0 * n / total:.1f}% | {n * args.throttle_ms / 1e3:.1f} |")
    for group in sorted(detail):
        print(f"\n{group}: " + ", ".join(f"{w} {n}" for w, n in detail[group].most_common(args.top)))


if __name__ == "__main__":
    main()
