#!/usr/bin/env bash
# A full disk during an acquisition, on a real file system: mounts a 24 MiB tmpfs, streams frames into it
# until writes fail with ENOSPC (AcquireFullDisk.java fill: the error is reported once, the frames flushed
# before it read back intact), grows the tmpfs to 48 MiB and resumes the acquisition to 250 frames (resume:
# every frame of level 0 read back). Needs root (mount) and ngff-bench/target/benchmarks.jar
# (./mvnw -Pbench -pl ngff-bench -am package -DskipTests). Not part of CI: CI runners cannot mount.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="${JAR:-$root/ngff-bench/target/benchmarks.jar}"
if [ "$(id -u)" != 0 ]; then
    echo "acquire-full-disk.sh: needs root to mount a tmpfs; not run" >&2
    exit 2
fi
[ -f "$jar" ] || { echo "acquire-full-disk.sh: $jar is missing (build it with -Pbench)" >&2; exit 2; }
. "$root/.ci/find-jdk.sh"
dir="$(mktemp -d)"
cleanup() { umount "$dir" 2>/dev/null || true; rmdir "$dir"; }
trap cleanup EXIT
mount -t tmpfs -o size=24m tmpfs "$dir"
run() { "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$jar" "$root/scripts/AcquireFullDisk.java" "$@" 2>&1 \
    | grep -v '^WARNING'; }
run "$dir/acq.ome.zarr" fill 1000
leftovers="$(find "$dir" -name '.tmp-*' | wc -l)"
echo "temporary files left: $leftovers"
[ "$leftovers" = 0 ]
mount -o remount,size=48m "$dir"
run "$dir/acq.ome.zarr" resume 250
echo "acquire-full-disk.sh: passed"
