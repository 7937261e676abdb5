#!/usr/bin/env bash
# Settings of `ngff serve` side by side: one server per variant (the same jar, or another one, with its own JVM
# options), all serving the same array as serve_load.sh, then wrk (random chunk GETs, keep-alive) against each in
# turn, ROUNDS times in alternation, per connection count. For choosing settings; serve_load.sh compares with nginx.
#
#   VARIANTS='base=;loops1=-Dngff.serve.eventLoops=1' JAR=ngff-cli/target/ngff.jar \
#       flock /tmp/ngff-build.lock bash ngff-bench/harness/serve_variants.sh [OUT.md]
#
# VARIANTS: NAME=JVM-OPTIONS entries separated by ';' (a NAME=JAR@OPTIONS entry runs another jar). JAR (default
# ngff-cli/target/ngff.jar), DURATION (default 10s), CONNECTIONS (default "64 256"), ROUNDS (default 2), THREADS
# (wrk threads, default 2), SHAPE/CHUNKS as in serve_load.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-}"
jar="${JAR:-$root/ngff-cli/target/ngff.jar}"
duration="${DURATION:-10s}"
connections="${CONNECTIONS:-64 256}"
rounds="${ROUNDS:-2}"
threads="${THREADS:-2}"
shape="${SHAPE:-64,1024,1024}"
chunks="${CHUNKS:-4,64,64}"
: "${VARIANTS:?VARIANTS='name=jvm options;...' is required}"
for tool in wrk curl; do
    command -v "$tool" >/dev/null || { echo "serve_variants.sh: $tool is not on the PATH" >&2; exit 1; }
done
. "$root/.ci/find-jdk.sh"
work="$(mktemp -d /tmp/ngff-serve-variants.XXXXXX)"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

. "$root/ngff-bench/harness/serve_common.sh"
serve_make_data "$work" "$shape" "$chunks" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx768m -jar "$jar"
first=$(head -n 1 "$work/keys.txt")

names=()
ports=()
IFS=';' read -r -a entries <<< "$VARIANTS"
for entry in "${entries[@]}"; do
    [ -z "$entry" ] && continue
    name="${entry%%=*}"
    spec="${entry#*=}"
    vjar="$jar"
    if [[ "$spec" == *@* ]]; then
        vjar="${spec%%@*}"
        spec="${spec#*@}"
    fi
    port=$(free_port)
    # shellcheck disable=SC2086
    "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx768m $spec -jar "$vjar" serve "$work/data/bench.zarr" \
        --port "$port" --rate-limit 0 --max-connections 100000 > "$work/$name.out" 2>&1 &
    pids+=($!)
    names+=("$name")
    ports+=("$port")
done
for i in "${!names[@]}"; do
    for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:${ports[$i]}/$first" && break; sleep 0.2; done
    curl -fs -o /dev/null "http://127.0.0.1:${ports[$i]}/$first" || { cat "$work/${names[$i]}.out" >&2; exit 1; }
    wrk -t"$threads" -c64 -d8s -s "$work/random.lua" "http://127.0.0.1:${ports[$i]}" >/dev/null   # JIT warm-up
done

{
    echo "| connections | round | variant | requests/s | p50 | p99 | errors |"
    echo "|---|---|---|---|---|---|---|"
    for c in $connections; do
        for r in $(seq 1 "$rounds"); do
            for i in "${!names[@]}"; do
                res=$(wrk -t"$threads" -c"$c" -d"$duration" --latency -s "$work/random.lua" "http://127.0.0.1:${ports[$i]}")
                rps=$(echo "$res" | awk '/Requests\/sec/ {print $2}')
                p50=$(echo "$res" | awk '$1 == "50%" {print $2}')
                p99=$(echo "$res" | awk '$1 == "99%" {print $2}')
                errs=$(echo "$res" | awk '/Non-2xx|Socket errors/ {printf "%s ", $0}')
                echo "| $c | $r | ${names[$i]} | $rps | $p50 | $p99 | ${errs:-none} |"
            done
        done
    done
    echo
    echo "variants: $VARIANTS; jar $jar; wrk -t$threads -d$duration; array $shape chunks $chunks"
} | tee "$work/table.md"
[ -n "$out" ] && cp "$work/table.md" "$out"
exit 0
