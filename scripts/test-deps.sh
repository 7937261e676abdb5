#!/usr/bin/env bash
# Installs what the full test suite needs beyond Maven: the Python peers (.venv), zarrita (npm), chromium and the
# native libraries loaded through java.lang.foreign (libzfp1) and the MinIO server of the S3 tests. Each
# step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/peers-venv.sh    # zarr-python, zarrs pipeline, tensorstore, numcodecs, ome-zarr, ome-zarr-models
bash scripts/peers-npm.sh     # zarrita, the JavaScript reader and writer of the conformance matrix
bash scripts/native-libs.sh   # libzfp1 for numcodecs.zfpy and zfp; cargo and the crates for native/pco (pcodec)
bash scripts/minio.sh         # MinIO, the real S3 server the S3 store tests run against beside S3Mock
bash scripts/browser.sh       # chromium and the viewer page's zarrita for the browser test of ngff serve
