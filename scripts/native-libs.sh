#!/usr/bin/env bash
# Installs the optional native libraries that ngff-codecs and ngff-tiff load through java.lang.foreign (libzfp1
# for numcodecs.zfpy and zfp; libdeflate0 for TIFF deflate tiles, which fall back to the JDK's zlib without it)
# and the Rust toolchain and crates for native/pco (pcodec, built by the Maven build). Without them the codecs
# that need them fail with an error naming the library, and the tests that need them fail under CI=true.
set -euo pipefail
bash "$(dirname "$0")/rust-pco.sh"
if ldconfig -p 2>/dev/null | grep -q 'libzfp\.so\.1' && ldconfig -p 2>/dev/null | grep -q 'libdeflate\.so\.0'; then
    exit 0
fi
if command -v apt-get >/dev/null; then
    SUDO=""
    if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then
        SUDO=sudo
    fi
    $SUDO apt-get install -y --no-install-recommends libzfp1 libdeflate0 \
        || { $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends libzfp1 libdeflate0; }
else
    echo "native-libs.sh: no apt-get; install the zfp library (libzfp.so.1) and libdeflate (libdeflate.so.0) yourself" >&2
fi
