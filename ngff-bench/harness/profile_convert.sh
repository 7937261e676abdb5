#!/usr/bin/env bash
# One `ngff convert` under JFR's CPU-time sampler (JDK 25: one sample per 10 ms of a thread's CPU time, native code
# and system calls included), under the shared build lock, then the shares of its CPU by jfr_shares.py:
#   ngff-bench/harness/profile_convert.sh OUT_PREFIX SRC DST [convert options...]
# Writes OUT_PREFIX.jfr, OUT_PREFIX.log (its stderr) and OUT_PREFIX.txt (the wall, user and system CPU and peak RSS of the process, then the
# shares). DST is removed before and after the run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$root/.ci/find-jdk.sh"
out="$1" src="$2" dst="$3"
shift 3
rm -rf "$dst"
flock "${NGFF_BUILD_LOCK:-/tmp/ngff-build.lock}" env \
    NGFF_JAVA_OPTS="${NGFF_JAVA_OPTS:-} -XX:StartFlightRecording=filename=$out.jfr,jdk.CPUTimeSample#enabled=true,jdk.CPUTimeSample#throttle=10ms" \
    /usr/bin/time -f 'wall %e s, user %U s, sys %S s, peak RSS %M KiB' -o "$out.txt" \
    "$root/ngff" convert "$src" "$dst" "$@" >/dev/null 2>"$out.log"
rm -rf "$dst"
python3 "$here/jfr_shares.py" "$out.jfr" >> "$out.txt"
cat "$out.txt"
