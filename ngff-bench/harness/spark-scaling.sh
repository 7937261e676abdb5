#!/usr/bin/env bash
# Scaling of ngff-spark (docs/spark.md, ngff-bench/results/spark.md). On one sample image (made once, kept in WORK):
# `ngff pyramid` on one JVM against SparkMain pyramid on local[1], local[2] and a standalone master with 2 workers of
# 1 core each on loopback; then `ngff convert --levels auto` against SparkMain convert on the same three masters.
# The runs alternate (every kind once per round, ROUNDS rounds); every output is compared with the first single-JVM
# output, file by file (diff -r), then removed. One line per run: whole process time, the job's own time as the
# program prints it, CPU seconds and peak RSS of the launched process (for Spark: the driver, which on local[N]
# also runs the tasks), and how busy the whole machine was during the run (all processes, executors included).
# Usage (from the repository root; it compiles the reactor's classes itself unless SKIP_BUILD=1 and WORK has them):
#   flock /tmp/ngff-build.lock ngff-bench/harness/spark-scaling.sh [SHAPE] [WORKDIR]
# Environment: ROUNDS (1), KINDS ("ngff local1 local2 standalone"), JOBS ("pyramid convert"), SKIP_BUILD (0),
#   SAMPLE_ONLY (0: 1 stops after making the sample). Outputs are compared with the first run of the first kind
#   (kept in WORK/expected-JOB, from an earlier invocation too).
set -euo pipefail
. .ci/find-jdk.sh
SHAPE=${1:-128,1024,1024}
WORK=${2:-$(mktemp -d /tmp/ngff-spark-scaling.XXXXXX)}
ROUNDS=${ROUNDS:-1}
JOBS=${JOBS:-pyramid convert}
mkdir -p "$WORK"
JAVA="$JAVA_HOME/bin/java"
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -s "$WORK/cp.txt" ]; then
  # in the reactor (ngff-convert and friends need not be installed): the last module, ngff-spark, writes cp.txt
  ./mvnw -B -o -q -pl ngff-spark -am test-compile dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
fi
# the reactor's classes instead of any installed ngff jars
CP=$(tr ':' '\n' < "$WORK/cp.txt" | grep -v '/dev/ngff/' | paste -sd:)
for m in ngff-core ngff-codecs ngff-s3 ngff-tiff ngff-convert ngff-validate ngff-server ngff-cli ngff-spark; do CP="$PWD/$m/target/classes:$CP"; done
OPENS=(--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false
  -Dio.netty.tryReflectionSetAccessible=true --enable-native-access=ALL-UNNAMED)
NGFF=("$JAVA" --enable-native-access=ALL-UNNAMED -cp "$CP" dev.ngff.cli.Main)
SPARK=("$JAVA" "${OPENS[@]}" -Dspark.ui.enabled=false -Dspark.driver.host=127.0.0.1)
CONVERT=(--levels auto --shards 32,256,256)

if [ ! -f "$WORK/sample/zarr.json" ]; then
  rm -rf "$WORK/sample"
  "${NGFF[@]}" sample --shape "$SHAPE" --chunks 32,128,128 --shards 32,256,256 --levels 1 "$WORK/sample" >/dev/null
fi
du -sh "$WORK/sample" | sed 's/^/sample on disk: /'
[ "${SAMPLE_ONLY:-0}" = 1 ] && exit 0

cpu_jiffies() { awk '/^cpu / {busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, busy + $5 + $6}' /proc/stat; }
# measure LABEL OUTFILE CMD...: runs CMD (stdout to OUTFILE, stderr to OUTFILE.err) and prints one line
measure() {
  local label=$1 out=$2; shift 2
  local b0 t0 b1 t1 wall user sys rss job
  read -r b0 t0 < <(cpu_jiffies)
  /usr/bin/time -f '%e %U %S %M' -o "$out.time" "$@" >"$out" 2>"$out.err" || echo "  ($label exited with an error; see $out.err)"
  read -r b1 t1 < <(cpu_jiffies)
  read -r wall user sys rss < <(tail -1 "$out.time")
  # the job's own time: the last "in N s" / "N s" figure the program printed (Spark: from SparkContext up)
  job=$(grep -oE '(in|,) [0-9.]+ ?s\b' "$out" | tail -1 | grep -oE '[0-9.]+' || true)
  printf '%-30s whole %6.1f s  job %6s s  CPU %6.1f s (%3.0f%% of a core)  peak RSS %5.0f MiB  machine %3.0f%% busy\n' \
    "$label" "$wall" "${job:--}" "$(echo "$user + $sys" | bc)" "$(echo "($user + $sys) * 100 / $wall" | bc)" \
    "$(echo "$rss / 1024" | bc)" "$(echo "($b1 - $b0) * 100 / ($t1 - $t0)" | bc)"
}
# same EXPECTED ACTUAL: identical files (empty directories left aside)
same() {
  if diff -rq "$1" "$2" >/dev/null 2>&1; then echo "  output identical"; return; fi
  local a b
  a=$(cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
  b=$(cd "$2" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
  if [ "$a" = "$b" ]; then echo "  output identical (files; the directory trees differ in empty directories)"
  else echo "  output DIFFERENT"; diff -rq "$1" "$2" | head -5 | sed 's/^/    /'; fi
}
# each stage's last progress line (its shards, bytes and seconds)
stages() {
  awk '/^(pyramid level|convert: ).*: [0-9]+\/[0-9]+ shards/ {k = $0; sub(/: [0-9]+\/[0-9]+ shards.*/, "", k); last[k] = $0}
       END {for (k in last) print "    " last[k]}' "$1" | sort
}

read -r -a KINDS <<< "${KINDS:-ngff local1 local2 standalone}"
STANDALONE_OPTS=()
if [[ " ${KINDS[*]} " == *" standalone "* ]]; then
  # a standalone cluster on loopback, up for the whole series (executors still start per application, inside the
  # measured time): a SPARK_HOME whose jars/ holds the class path, 1 master, 2 workers x 1 core
  SH="$WORK/spark-home"; mkdir -p "$SH/jars"
  for j in $(echo "$CP" | tr ':' '\n' | grep '\.jar$'); do ln -sf "$j" "$SH/jars/"; done
  CLASSES=$(echo "$CP" | tr ':' '\n' | grep -v '\.jar$' | paste -sd:)
  # SPARK_SCALA_VERSION: without it the workers look for a Spark build tree ("Cannot find any build directories")
  export SPARK_HOME="$SH" SPARK_LOCAL_IP=127.0.0.1 SPARK_SCALA_VERSION=2.13
  "$JAVA" "${OPENS[@]}" -cp "$CP" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port 17077 --webui-port 18080 \
      >"$WORK/master.log" 2>&1 & MASTER=$!
  sleep 5
  W=()
  for i in 1 2; do
    "$JAVA" "${OPENS[@]}" -cp "$CP" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 1 --memory 3g \
        --webui-port $((18080 + i)) --work-dir "$WORK/worker$i" spark://127.0.0.1:17077 >"$WORK/worker$i.log" 2>&1 &
    W+=($!)
  done
  trap 'kill "${W[@]}" "$MASTER" 2>/dev/null || true' EXIT
  sleep 8
  STANDALONE_OPTS=(-Dspark.master=spark://127.0.0.1:17077 -Dspark.executor.extraClassPath="$CLASSES"
      -Dspark.executor.cores=1 -Dspark.executor.memory=2g)
fi
master_opts() {
  case $1 in
    local1) echo "-Dspark.master=local[1]" ;;
    local2) echo "-Dspark.master=local[2]" ;;
  esac
}

# what the machine does without us (other agents, the idle cluster): the floor under every "machine busy" figure
measure "nothing (sleep 10)" "$WORK/idle.txt" sleep 10
for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round, $(date -u +%H:%M:%S) UTC"
  for job in $JOBS; do
    for kind in "${KINDS[@]}"; do
      out="$WORK/out-$job"
      rm -rf "$out"
      opts=()
      if [ "$kind" = standalone ]; then opts=("${STANDALONE_OPTS[@]}"); elif [ "$kind" != ngff ]; then opts=("$(master_opts "$kind")"); fi
      if [ "$job" = pyramid ]; then
        cp -r "$WORK/sample" "$out"
        if [ "$kind" = ngff ]; then
          measure "ngff pyramid --workers 2" "$WORK/r$round-$job-$kind.txt" "${NGFF[@]}" pyramid --workers 2 "$out"
        else
          measure "SparkMain pyramid $kind" "$WORK/r$round-$job-$kind.txt" "${SPARK[@]}" "${opts[@]}" -cp "$CP" \
              dev.ngff.spark.SparkMain pyramid "$out"
        fi
      else
        if [ "$kind" = ngff ]; then
          measure "ngff convert --workers 2" "$WORK/r$round-$job-$kind.txt" "${NGFF[@]}" convert --workers 2 \
              "${CONVERT[@]}" "$WORK/sample" "$out"
        else
          measure "SparkMain convert $kind" "$WORK/r$round-$job-$kind.txt" "${SPARK[@]}" "${opts[@]}" -cp "$CP" \
              dev.ngff.spark.SparkMain convert "${CONVERT[@]}" "$WORK/sample" "$out"
        fi
      fi
      [ "$kind" != ngff ] && stages "$WORK/r$round-$job-$kind.txt"
      if [ ! -d "$WORK/expected-$job" ]; then mv "$out" "$WORK/expected-$job"; echo "  (reference output)"
      else same "$WORK/expected-$job" "$out"; rm -rf "$out"; fi
    done
  done
done
echo "work dir: $WORK (the sample and the reference outputs are kept)"
