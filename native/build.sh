#!/bin/sh
# Builds libngffkernels.so into $1 when this is linux-x86_64 with gcc and make; otherwise says why and
# succeeds, so the build goes on and the Java kernels are used (NativeKernels.unavailabilityCause()).
out="$1"
here="$(cd "$(dirname "$0")" && pwd)"
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
    echo "native kernels: skipped on $(uname -s)-$(uname -m) (only linux-x86_64 is built)"; exit 0
fi
for tool in gcc make; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "native kernels: skipped, no $tool on PATH"; exit 0
    fi
done
if ! make -s -C "$here" OUT="$out" >&2; then
    echo "native kernels: WARNING: the C build failed; the Java kernels will be used"; exit 0
fi
echo "native kernels: built $out/libngffkernels.so"
