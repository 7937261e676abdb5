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
# Trains once with the defaults; when that fails (JDK 25.0.3 crashes in ArchiveHeapWriter while writing archived
# class linking for this workload), once more without AOT class linking, which keeps the loaded-classes part of
# the cache. The option matters only when the cache is written, so the launcher need not know which one worked.
built=""
for extra in "" "-XX:-AOTClassLinking"; do
    rm -rf "$work"/*.zarr "$work"/*.npy "$cache"
    # shellcheck disable=SC2086
    if "$java" $opts $extra -XX:AOTCacheOutput="$cache" -XX:ErrorFile="$work/hs_err_%p.log" -Xlog:aot=error \
            -Xlog:cds=error -cp "$jar" dev.ngff.cli.internal.AotTraining "$work" >>"$work/training.log" 2>&1 \
            && [ -s "$cache" ]; then
        built="yes"
        break
    fi
done
if [ -n "$built" ]; then
    JAVA_HOME="$java_home" "$root/ngff" --print-aot-stamp >"$stamp"
    echo "ngff AOT cache: $cache ($(du -h "$cache" | cut -f1))${extra:+, written with $extra}"
else
    rm -f "$cache" "$cache.config"
    echo "ngff AOT cache: not built (training failed; see $work/training.log)"
fi
rm -rf "$work"/*.zarr "$work"/*.npy "$cache.config"
exit 0
