#!/usr/bin/env bash
# Load test of `ngff serve` against nginx (Debian) serving the same directory on loopback: wrk (Debian)
# requests random chunks of one array (one GET per request, keep-alive), 64 and 256 connections, and
# prints requests/s and latency percentiles side by side. Needs wrk and nginx on the PATH (apt-get install
# wrk nginx-light) and the ngff jar (./ngff builds it). Run it alone: it loads both cores.
#
#   flock /tmp/ngff-build.lock bash ngff-bench/harness/serve_load.sh [OUT.md]
#
# DURATION (default 20s), CONNECTIONS (default "64 256"), THREADS (wrk threads, default 2) and SHAPE/CHUNKS
# (of the served array) override the defaults. BEFORE_JAR=path/to/an/older/ngff.jar adds a third server, that
# build's ngff serve, for before/after figures in the same run. NGFF_JAR=path runs that jar as "ngff" instead of
# ./ngff; NGFF_OPTS and BEFORE_OPTS add JVM options (system properties) to either, so one jar can be measured
# against itself with a setting changed. ROUNDS=N (default 1) repeats the ngff/before pair N times per connection
# count, alternating, and NGINX_RUNS=0 leaves nginx out of the timed runs (it still serves the byte check).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-}"
duration="${DURATION:-20s}"
connections="${CONNECTIONS:-64 256}"
threads="${THREADS:-2}"
rounds="${ROUNDS:-1}"
shape="${SHAPE:-64,1024,1024}"
chunks="${CHUNKS:-4,64,64}"
for tool in wrk nginx curl; do
    command -v "$tool" >/dev/null || { echo "serve_load.sh: $tool is not on the PATH (apt-get install wrk nginx-light curl)" >&2; exit 1; }
done
work="$(mktemp -d /tmp/ngff-serve-load.XXXXXX)"
ngff_pid=""
before_pid=""
[ "${NGINX_RUNS:-1}" = 0 ] && timed_nginx=0 || timed_nginx=1
cleanup() {
    [ -n "$ngff_pid" ] && kill "$ngff_pid" 2>/dev/null || true
    [ -n "$before_pid" ] && kill "$before_pid" 2>/dev/null || true
    [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/data" "$work/tmp"
chmod 755 "$work"   # nginx's workers run as another user and must read the data
. "$root/ngff-bench/harness/serve_common.sh"
serve_make_data "$work" "$shape" "$chunks" "$root/ngff"
chmod -R a+rX "$work/data"
nkeys=$(wc -l < "$work/keys.txt")
bytes=$(cd "$work/data" && du -sb bench.zarr | cut -f1)
ngff_port=$(free_port)
nginx_port=$(free_port)
before_port=$(free_port)
servers="ngff nginx"

cat > "$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 8192; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 60s;
    keepalive_requests 100000000;
    open_file_cache max=10000 inactive=60s;
    default_type application/octet-stream;
    client_body_temp_path $work/tmp;
    proxy_temp_path $work/tmp;
    fastcgi_temp_path $work/tmp;
    uwsgi_temp_path $work/tmp;
    scgi_temp_path $work/tmp;
    server {
        listen 127.0.0.1:$nginx_port;
        root $work/data;
        location / { add_header Access-Control-Allow-Origin * always; }
    }
}
CONF
nginx -p "$work" -c "$work/nginx.conf"

if [ -n "${NGFF_JAR:-}" ]; then
    . "$root/.ci/find-jdk.sh"
    # shellcheck disable=SC2086
    "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Xmx768m ${NGFF_OPTS:-} \
        -jar "$NGFF_JAR" serve "$work/data/bench.zarr" --port "$ngff_port" --rate-limit 0 --max-connections 100000 \
        > "$work/ngff.out" 2>&1 &
else
    NGFF_JAVA_OPTS="${NGFF_OPTS:-}" "$root/ngff" serve "$work/data/bench.zarr" --port "$ngff_port" --rate-limit 0 \
        --max-connections 100000 > "$work/ngff.out" 2>&1 &
fi
ngff_pid=$!
first_key=$(head -n 1 "$work/keys.txt")
if [ -n "${BEFORE_JAR:-}" ]; then
    . "$root/.ci/find-jdk.sh"
    # shellcheck disable=SC2086
    "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Xmx768m ${BEFORE_OPTS:-} -jar "$BEFORE_JAR" \
        serve "$work/data/bench.zarr" --port "$before_port" --rate-limit 0 --max-connections 100000 > "$work/before.out" 2>&1 &
    before_pid=$!
    servers="ngff before nginx"
    if [ "$rounds" -gt 1 ]; then
        servers=""
        for _ in $(seq 1 "$rounds"); do servers="$servers ngff before"; done
        servers="$servers nginx"
    fi
    for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$before_port/$first_key" 2>/dev/null && break; sleep 0.2; done
fi
for _ in $(seq 1 100); do
    curl -fs -o /dev/null "http://127.0.0.1:$ngff_port/$first_key" && curl -fs -o /dev/null "http://127.0.0.1:$nginx_port/$first_key" && break
    sleep 0.2
done
curl -fs -o /dev/null "http://127.0.0.1:$ngff_port/$first_key" || { cat "$work/ngff.out" >&2; exit 1; }
curl -fs -o /dev/null "http://127.0.0.1:$nginx_port/$first_key" || { cat "$work/nginx-error.log" >&2; exit 1; }
cmp <(curl -fs "http://127.0.0.1:$ngff_port/$first_key") <(curl -fs "http://127.0.0.1:$nginx_port/$first_key") \
    || { echo "serve_load.sh: the two servers answer with different bytes" >&2; exit 1; }

# warm both up (the JVM compiles its hot paths; nginx fills its open-file cache)
wrk -t"$threads" -c64 -d10s -s "$work/random.lua" "http://127.0.0.1:$ngff_port" >/dev/null
[ -n "$before_pid" ] && wrk -t"$threads" -c64 -d10s -s "$work/random.lua" "http://127.0.0.1:$before_port" >/dev/null
[ "$timed_nginx" = 1 ] && wrk -t"$threads" -c64 -d5s -s "$work/random.lua" "http://127.0.0.1:$nginx_port" >/dev/null

run() {  # server port connections -> "req/s p50 p99 errors"
    local r
    r=$(wrk -t"$threads" -c"$3" -d"$duration" --latency -s "$work/random.lua" "http://127.0.0.1:$2")
    echo "$r" > "$work/wrk-$1-$3.txt"
    local rps p50 p99 errs
    rps=$(echo "$r" | awk '/Requests\/sec/ {print $2}')
    p50=$(echo "$r" | awk '$1 == "50%" {print $2}')
    p99=$(echo "$r" | awk '$1 == "99%" {print $2}')
    errs=$(echo "$r" | awk '/Non-2xx|Socket errors/ {printf "%s ", $0}')
    echo "$rps|$p50|$p99|${errs:-none}"
}

{
    echo "| connections | server | requests/s | p50 | p99 | errors |"
    echo "|---|---|---|---|---|---|"
    for c in $connections; do
        for server in $servers; do
            [ "$server" = nginx ] && [ "$timed_nginx" = 0 ] && continue
            port=$ngff_port
            [ "$server" = nginx ] && port=$nginx_port
            [ "$server" = before ] && port=$before_port
            IFS='|' read -r rps p50 p99 errs <<< "$(run "$server" "$port" "$c")"
            echo "| $c | $server | $rps | $p50 | $p99 | $errs |"
        done
    done
} | tee "$work/table.md"

transport=$(grep -o '(io_uring[^)]*)\|(epoll[^)]*)\|(nio[^)]*)' "$work/ngff.out" | head -n 1)
{
    echo
    echo "array: $shape uint16, chunks $chunks, zstd:1; $nkeys chunk files, $bytes bytes; wrk -t$threads -d$duration, random chunk per request"
    echo "ngff serve $transport ${NGFF_JAR:-./ngff} ${NGFF_OPTS:-}; before ${BEFORE_JAR:-none} ${BEFORE_OPTS:-}"
    echo "ngff serve --rate-limit 0; nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), 2 workers, sendfile, open_file_cache"
} | tee -a "$work/table.md"
if [ -n "$out" ]; then
    cp "$work/table.md" "$out"
fi
