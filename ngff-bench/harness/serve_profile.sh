#!/usr/bin/env bash
# Where `ngff serve` spends its CPU under load: the same data and random-chunk wrk script as serve_load.sh,
# one server, JFR (settings=profile: Java hot methods and allocation sites) and `perf record` (kernel against
# JVM against JIT-compiled code, per thread) at once, while wrk runs with CONNECTIONS (default 256).
# Needs wrk, curl and perf on the PATH and the ngff jar. Run it alone (under the build lock): it loads both cores.
#
#   flock /tmp/ngff-build.lock bash ngff-bench/harness/serve_profile.sh OUT_DIR
#
# NGFF_JAR (default ngff-cli/target/ngff.jar), NGFF_OPTS (extra JVM options), DURATION (wrk seconds while
# sampling, default 12), SHAPE/CHUNKS as in serve_load.sh. OUT_DIR keeps serve.jfr, perf.data and the summaries.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:?usage: serve_profile.sh OUT_DIR}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
jar="${NGFF_JAR:-$root/ngff-cli/target/ngff.jar}"
connections="${CONNECTIONS:-256}"
duration="${DURATION:-12}"
shape="${SHAPE:-64,1024,1024}"
chunks="${CHUNKS:-4,64,64}"
for tool in wrk curl perf; do
    command -v "$tool" >/dev/null || { echo "serve_profile.sh: $tool is not on the PATH" >&2; exit 1; }
done
. "$root/.ci/find-jdk.sh"
work="$(mktemp -d /tmp/ngff-serve-profile.XXXXXX)"
pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
java_cmd=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx768m)

. "$root/ngff-bench/harness/serve_common.sh"
serve_make_data "$work" "$shape" "$chunks" "${java_cmd[@]}" -jar "$jar"
port=$(free_port)
# shellcheck disable=SC2086
"${java_cmd[@]}" ${NGFF_OPTS:-} -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints \
    -jar "$jar" serve "$work/data/bench.zarr" --port "$port" --rate-limit 0 --max-connections 100000 > "$work/ngff.out" 2>&1 &
pid=$!
first=$(head -n 1 "$work/keys.txt")
for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$port/$first" && break; sleep 0.2; done
wrk -t2 -c64 -d8s -s "$work/random.lua" "http://127.0.0.1:$port" >/dev/null   # warm-up: the JIT compiles the hot paths

"$JAVA_HOME/bin/jcmd" "$pid" JFR.start name=serve settings=profile filename="$out/serve.jfr" >/dev/null
wrk -t2 -c"$connections" -d"$((duration + 2))s" --latency -s "$work/random.lua" "http://127.0.0.1:$port" > "$out/wrk.txt" &
wrk_pid=$!
sleep 1
perf record -q -F 499 -g -p "$pid" -o "$out/perf.data" -- sleep "$duration" 2>/dev/null
wait "$wrk_pid"
"$JAVA_HOME/bin/jcmd" "$pid" JFR.stop name=serve >/dev/null

set +o pipefail # head closes the reports' pipes early
{
    echo "== wrk -c$connections"
    grep -E 'Requests/sec|^ +50%|^ +99%' "$out/wrk.txt"
    echo "== perf: share of the server's samples by thread"
    perf report -i "$out/perf.data" --no-children -g none --sort comm --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -12
    echo "== perf: by object (kernel, JVM, JIT-compiled code, native libraries)"
    perf report -i "$out/perf.data" --no-children -g none --sort dso --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -12
    echo "== perf: kernel symbols"
    perf report -i "$out/perf.data" --no-children -g none --sort sym --stdio 2>/dev/null | grep -E '^ +[0-9].*\[k\]' | head -30
    echo "== JFR: hot methods"
    "$JAVA_HOME/bin/jfr" view --width 160 hot-methods "$out/serve.jfr" | head -40
    echo "== JFR: allocation by site"
    "$JAVA_HOME/bin/jfr" view --width 160 allocation-by-site "$out/serve.jfr" | head -20
} | tee "$out/summary.txt"
