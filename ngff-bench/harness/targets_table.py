#!/usr/bin/env python3
"""The side-by-side table of issue 18 from harness records: whole process (wall), in-process time, peak RSS, and the
ratio to each target (met / not met).

  targets_table.py WHOLE.json [INPROCESS.json]

WHOLE: one call per process (harness.py run --repeat 1): wall and peak RSS are the whole process of one operation.
INPROCESS: two calls per process (--repeat 2): 'seconds_repeat' is the second call in a warm process.
Targets (ratio = peer / ngff, medians): wall >= 1.1x zarrs-rust and >= 1.3x tensorstore; peak RSS of read-all <= the
result + 64 MB, of chunk and inner-chunk reads <= 128 MB.
"""
import json
import statistics
import sys

OPS = ["read-all", "read-chunks", "read-chunks-par", "read-inner-1", "read-inner", "roundtrip"]
LAYOUTS = ["uncompressed", "zstd", "sharded"]
LABEL = {"read-all": "read all", "read-chunks": "chunk by chunk, 1 at a time",
         "read-chunks-par": "chunk by chunk, 8 at a time", "read-inner-1": "inner chunks, 1 at a time",
         "read-inner": "inner chunks, 8 at a time", "roundtrip": "round trip"}


def groups(path):
    g = {}
    for r in json.load(open(path))["runs"]:
        g.setdefault((r["layout"], r["op"]), {}).setdefault(r["tool"], []).append(r)
    return g


def med(rs, key):
    xs = [r[key] for r in rs if key in r and r[key] == r[key]]
    return statistics.median(xs) if xs else None


def verdict(ratio, target):
    return "-" if ratio is None else f"{ratio:.2f}x {'met' if ratio >= target else 'NOT met'}"


def main():
    whole = groups(sys.argv[1])
    inproc = groups(sys.argv[2]) if len(sys.argv) > 2 else {}
    size = next(iter(json.load(open(sys.argv[1]))["runs"]))["size"]
    result_mib = size ** 3 * 2 / 2**20
    out = ["| layout | workload | ngff wall s | tensorstore wall s | zarrs wall s | vs zarrs (>= 1.1x) | "
           "vs tensorstore (>= 1.3x) | ngff / ts / zarrs in-process s (first call) | "
           "ngff / ts second call s (vs ts >= 1.3x) | peak RSS MiB ngff / ts / zarrs (target) |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for layout in LAYOUTS:
        for op in OPS:
            g = whole.get((layout, op))
            if not g:
                continue
            w = {t: med(g.get(t, []), "wall") for t in ("ngff", "tensorstore", "zarrs-rust")}
            s = {t: med(g.get(t, []), "seconds") for t in ("ngff", "tensorstore", "zarrs-rust")}
            m = {t: med(g.get(t, []), "rss_mib") for t in ("ngff", "tensorstore", "zarrs-rust")}
            rz = w["zarrs-rust"] / w["ngff"] if w["zarrs-rust"] else None
            rt = w["tensorstore"] / w["ngff"] if w["tensorstore"] else None
            gi = inproc.get((layout, op), {})
            n2, t2 = med(gi.get("ngff", []), "seconds_repeat"), med(gi.get("tensorstore", []), "seconds_repeat")
            second = f"{n2:.2f} / {t2:.2f} ({verdict(t2 / n2, 1.3)})" if n2 and t2 else "-"
            limit = result_mib + 64e6 / 2**20 if op in ("read-all", "roundtrip") else 128e6 / 2**20
            rss_target = "" if op == "roundtrip" else \
                f" (<= {limit:.0f}: {'met' if m['ngff'] <= limit else 'NOT met'})"
            fmt = lambda x: "-" if x is None else f"{x:.2f}"  # noqa: E731
            out.append(f"| {layout} | {LABEL[op]} | {fmt(w['ngff'])} | {fmt(w['tensorstore'])} | {fmt(w['zarrs-rust'])} | "
                       f"{verdict(rz, 1.1)} | {verdict(rt, 1.3)} | {fmt(s['ngff'])} / {fmt(s['tensorstore'])} / "
                       f"{fmt(s['zarrs-rust'])} | {second} | {m['ngff']:.0f} / {fmt(m['tensorstore'])[:-3]} / "
                       f"{fmt(m['zarrs-rust'])[:-3] if m['zarrs-rust'] else '-'}{rss_target} |")
    print("\n".join(out))


if __name__ == "__main__":
    main()
