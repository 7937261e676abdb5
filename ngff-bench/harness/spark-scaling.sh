#!/usr/bin/env bash
# Scaling of the Spark pyramid (docs/spark.md): ngff pyramid on one JVM, then SparkMain pyramid on local[1],
# local[2] and a standalone master with 2 workers of 1 core each on loopback, each on a fresh copy of one
# sample image; every output is compared (every file) with ngff pyramid's. Prints one line per run.
# Then the same for a conversion with levels made anew (ngff convert --levels auto against SparkMain convert).
# Usage (from the repository root; it compiles the reactor's classes itself):
#   flock /tmp/ngff-build.lock ngff-bench/harness/spark-scaling.sh [SHAPE] [WORKDIR]
set -euo pipefail
. .ci/find-jdk.sh
SHAPE=${1:-128,1024,1024}
WORK=${2:-$(mktemp -d /tmp/ngff-spark-scaling.XXXXXX)}
mkdir -p "$WORK"
JAVA="$JAVA_HOME/bin/java"
# in the reactor (ngff-convert and friends need not be installed): the last module, ngff-spark, writes cp.txt
./mvnw -B -o -q -pl ngff-spark -am test-compile dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
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
ngff() { "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$CP" dev.ngff.cli.Main "$@"; }
now() { date +%s.%N; }
sums() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum); } # every file, not empty directories

rm -rf "$WORK/sample" && ngff sample --shape "$SHAPE" --chunks 32,128,128 --shards 32,256,256 --levels 1 "$WORK/sample" >/dev/null
du -sh "$WORK/sample" | sed 's/^/sample on disk: /'
cp -r "$WORK/sample" "$WORK/expected"
t0=$(now); ngff pyramid --workers 2 "$WORK/expected"; t1=$(now)
echo "ngff pyramid (1 JVM, --workers 2): $(echo "$t1 - $t0" | bc) s"

spark_run() { # name, extra java options...
  local name=$1; shift
  rm -rf "$WORK/$name" && cp -r "$WORK/sample" "$WORK/$name"
  local a b
  a=$(now)
  "$JAVA" "${OPENS[@]}" -Dspark.ui.enabled=false -Dspark.driver.host=127.0.0.1 "$@" -cp "$CP" dev.ngff.spark.SparkMain \
      pyramid "$WORK/$name" 2>"$WORK/$name.log" | tee "$WORK/$name.levels" | grep -v '^pyramid level' || true
  b=$(now)
  if [ "$(sums "$WORK/expected")" = "$(sums "$WORK/$name")" ]; then same=identical; else same=DIFFERENT; fi
  echo "SparkMain pyramid $name: $(echo "$b - $a" | bc) s (whole process, JVM and Spark start included), output $same"
  # each stage's last progress line: its shards, bytes and seconds (the cost of each level as its own stage)
  awk -F: '/^pyramid level/ {last[$1] = $0} END {for (k in last) print "  " last[k]}' "$WORK/$name.levels" | sort
}
spark_run local1 -Dspark.master='local[1]'
spark_run local2 -Dspark.master='local[2]'

# convert: the one-level sample as OME-Zarr 0.5 with its levels made anew (level 0 copied by shard, then a stage
# per level on Spark; one streaming pass in ngff convert)
CONVERT=(--levels auto --shards 32,256,256)
t0=$(now); ngff convert "${CONVERT[@]}" "$WORK/sample" "$WORK/converted" >/dev/null; t1=$(now)
echo "ngff convert ${CONVERT[*]} (1 JVM): $(echo "$t1 - $t0" | bc) s"
for m in 1 2; do
  rm -rf "$WORK/converted$m"
  a=$(now)
  "$JAVA" "${OPENS[@]}" -Dspark.ui.enabled=false -Dspark.driver.host=127.0.0.1 -Dspark.master="local[$m]" -cp "$CP" \
      dev.ngff.spark.SparkMain convert "${CONVERT[@]}" "$WORK/sample" "$WORK/converted$m" 2>"$WORK/converted$m.log" \
      > "$WORK/converted$m.levels" || true
  b=$(now)
  if [ "$(sums "$WORK/converted")" = "$(sums "$WORK/converted$m")" ]; then same=identical; else same=DIFFERENT; fi
  echo "SparkMain convert local[$m]: $(echo "$b - $a" | bc) s (whole process), output $same"
  awk -F: '/^convert: / {last[$2] = $0} END {for (k in last) print "  " last[k]}' "$WORK/converted$m.levels" | sort
done

if [ "${STANDALONE:-1}" = 1 ]; then
  # a standalone cluster on loopback: a SPARK_HOME whose jars/ holds the class path, 1 master, 2 workers x 1 core
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
  sleep 8
  spark_run standalone2 -Dspark.master=spark://127.0.0.1:17077 -Dspark.executor.extraClassPath="$CLASSES" \
      -Dspark.executor.cores=1 -Dspark.executor.memory=2g || true
  kill "${W[@]}" "$MASTER" 2>/dev/null || true
  wait 2>/dev/null || true
fi
echo "work dir: $WORK"
