#!/bin/sh
# Builds the JDK ahead-of-time cache that ./ngff uses (JEP 483/514/515), beside the jar: target/ngff.aot, and
# target/ngff.aot.stamp, which names the JVM, the jar's size and time and the JVM options it was trained with.
# ./ngff uses the cache only when the stamp matches; the JVM itself also checks and ignores a stale cache.
# Run by Maven in ngff-cli's package phase, after the shaded jar: aot-cache.sh JAVA_HOME TARGET_DIR
# Never fails the build: without a JDK that can write a cache, or when training fails, it ships no cache and
# says why. NGFF_AOT=0 skips it.
set -u
java_home="$1"
target="$2"
root="$(cd "$(dirname "$0")/../../.." && pwd)"
jar="$target/ngff.jar"
cache="$target/ngff.aot"
stamp="$target/ngff.aot.stamp"
work="$target/aot-training"
rm -f "$cache" "$stamp"
if [ "${NGFF_AOT:-1}" = "0" ]; then
    echo "ngff AOT cache: skipped (NGFF_AOT=0)"
    exit 0
fi
java="$java_home/bin/java"
# the same JVM options as the launcher's (a cache made under other module options is refused)
opts="$(JAVA_HOME="$java_home" "$root/ngff" --print-jvm-options)" || { echo "ngff AOT cache: skipped (the launcher gave no JVM options)"; exit 0; }
rm -rf "$work"
mkdir -p "$work"
# S3: without it a process's first request spends about a second loading and linking the AWS SDK's request
# pipeline. With a MinIO binary at hand (scripts/minio.sh builds .cache/minio/minio; NGFF_MINIO overrides) the
# training also copies its tiny arrays to a MinIO started here on 127.0.0.1 and reads them back; without one it
# trains local work only and says so.
minio="${NGFF_MINIO:-$root/.cache/minio/minio}"
s3_endpoint=""
minio_pid=""
stop_minio() {
    if [ -n "$minio_pid" ]; then
        kill "$minio_pid" 2>/dev/null
        wait "$minio_pid" 2>/dev/null
        minio_pid=""
    fi
    rm -rf "$work/minio-data"
}
trap stop_minio EXIT
export AWS_ACCESS_KEY_ID=ngffaot AWS_SECRET_ACCESS_KEY=ngffaot-training AWS_REGION=us-east-1
if [ -x "$minio" ] && command -v curl >/dev/null 2>&1; then
    port=$((20000 + $$ % 20000))
    MINIO_ROOT_USER="$AWS_ACCESS_KEY_ID" MINIO_ROOT_PASSWORD="$AWS_SECRET_ACCESS_KEY" "$minio" server "$work/minio-data" \
        --address "127.0.0.1:$port" --console-address "127.0.0.1:$((port + 1))" >"$work/minio.log" 2>&1 &
    minio_pid=$!
    for _ in $(seq 100); do
        # live first, then the bucket (MinIO may answer 503 for a moment after it is live)
        if curl -sf "http://127.0.0.1:$port/minio/health/live" >/dev/null 2>&1 \
                && curl -sf --aws-sigv4 aws:amz:us-east-1:s3 --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
                    -X PUT "http://127.0.0.1:$port/ngff-aot" >/dev/null 2>&1; then
            s3_endpoint="http://127.0.0.1:$port"
            break
        fi
        sleep 0.2
    done
    [ -n "$s3_endpoint" ] || { echo "ngff AOT cache: MinIO did not start (see $work/minio.log); training without S3"; stop_minio; }
else
    echo "ngff AOT cache: no MinIO at $minio (scripts/minio.sh builds it); training without S3"
fi
# Trains once with the defaults; when that fails (JDK 25.0.3 crashes in ArchiveHeapWriter while writing archived
# class linking for this workload), once more without AOT class linking, which keeps the loaded-classes part of
# the cache. The option matters only when the cache is written, so the launcher need not know which one worked.
built=""
for extra in "" "-XX:-AOTClassLinking"; do
    rm -rf "$work"/*.zarr "$work"/*.npy "$cache"
    # shellcheck disable=SC2086
    if "$java" $opts $extra -XX:AOTCacheOutput="$cache" -XX:ErrorFile="$work/hs_err_%p.log" -Xlog:aot=error \
            -Xlog:cds=error -cp "$jar" dev.ngff.cli.internal.AotTraining "$work" $s3_endpoint >>"$work/training.log" 2>&1 \
            && [ -s "$cache" ]; then
        built="yes"
        break
    fi
done
if [ -n "$built" ]; then
    JAVA_HOME="$java_home" "$root/ngff" --print-aot-stamp >"$stamp"
    echo "ngff AOT cache: $cache ($(du -h "$cache" | cut -f1))${extra:+, written with $extra}${s3_endpoint:+, S3 trained on MinIO}"
else
    rm -f "$cache" "$cache.config"
    echo "ngff AOT cache: not built (training failed; see $work/training.log)"
fi
rm -rf "$work"/*.zarr "$work"/*.npy "$cache.config"
exit 0
