#!/usr/bin/env bash
# Installs the project with its sources and javadoc jars (-Prelease: doclint fails the build on broken docs),
# then builds and runs examples/read-write, a separate project that uses the installed artifacts through
# ngff-bom, and checks what it prints. Extra arguments go to both Maven runs (e.g. -o).
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/find-jdk.sh

fail() { echo "example.sh: FAILED: $*" >&2; exit 1; }

# the version of the reactor (the parent's own <version>) and of the BOM, which has no parent to inherit it from
version="$(sed -n '/<artifactId>ngff-parent<\/artifactId>/{n;s:.*<version>\(.*\)</version>.*:\1:p;q}' pom.xml)"
bom_version="$(sed -n '/<artifactId>ngff-bom<\/artifactId>/{n;s:.*<version>\(.*\)</version>.*:\1:p;q}' ngff-bom/pom.xml)"
[ -n "$version" ] || fail "could not read the project version from pom.xml"
[ "$bom_version" = "$version" ] || fail "ngff-bom/pom.xml has version '$bom_version', the project '$version'"

start=$SECONDS
./mvnw -B -ntp -q -Prelease install -DskipTests "$@"
echo "example.sh: installed $version with sources and javadoc in $((SECONDS - start)) s"
for m in ngff-core ngff-codecs ngff-s3 ngff-validate ngff-tiff ngff-convert ngff-server ngff-spark ngff-cli; do
    for kind in sources javadoc; do
        [ -s "$m/target/$m-$version-$kind.jar" ] || fail "no $m/target/$m-$version-$kind.jar"
    done
done

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
start=$SECONDS
log="$out/run.log"
rm -rf examples/read-write/target
if ! ./mvnw -B -ntp -q -f examples/read-write/pom.xml -Dngff.version="$version" -Dexample.out="$out/image.ome.zarr" \
        package exec:exec "$@" >"$log" 2>&1; then
    cat "$log" >&2
    fail "examples/read-write did not build or run"
fi
cat "$log"
expect() { grep -qxF "$1" "$log" || fail "examples/read-write did not print '$1'"; }
expect "version 0.5, axes [z, y, x], pixel size [2.0, 0.5, 0.5]"
expect "codecs [bytes, zstd]"
expect "read [2, 64, 64] uint16, sum 33550336, mismatches 0"   # 0 + 1 + ... + 8191
grep -q '"zstd"' "$out/image.ome.zarr/0/zarr.json" || fail "$out/image.ome.zarr/0/zarr.json names no zstd codec"
echo "example.sh: examples/read-write built and ran against the installed $version in $((SECONDS - start)) s: OK"
