#!/usr/bin/env bash
# Profiles ngff-engine's side of one harness operation with JFR (built into the JDK; no agent to install):
#   ngff-bench/harness/profile.sh OUT_PREFIX OP DIR [ARGS...]     e.g. profile.sh /tmp/p read-all /tmp/ngff-harness/noisy-sharded-512
# Repeats the operation NGFF_HARNESS_REPEAT times (default 5) in one JVM so the profile shows warm code,
# then prints the hottest methods (own time) and the top allocation sites. The recording stays in OUT_PREFIX.jfr.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$root/.ci/find-jdk.sh"
out="$1"; shift
NGFF_HARNESS_REPEAT="${NGFF_HARNESS_REPEAT:-5}" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
    "-XX:StartFlightRecording=filename=$out.jfr,settings=profile" \
    -cp "$root/ngff-bench/target/benchmarks.jar" dev.ngff.bench.harness.HarnessPeer "$@" 2>/dev/null
"$JAVA_HOME/bin/jfr" view --width 160 hot-methods "$out.jfr"
"$JAVA_HOME/bin/jfr" view --width 160 allocation-by-site "$out.jfr" | head -20
