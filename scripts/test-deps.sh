#!/usr/bin/env bash
# Installs what the full test suite needs beyond Maven: the Python peers (.venv), zarrita (npm) and the
# native libraries loaded through java.lang.foreign (libzfp1). Each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/peers-venv.sh    # zarr-python, zarrs pipeline, tensorstore, numcodecs, ome-zarr, ome-zarr-models
bash scripts/peers-npm.sh     # zarrita, the JavaScript reader and writer of the conformance matrix
bash scripts/native-libs.sh   # libzfp1 for numcodecs.zfpy and zfp; cargo and the crates for native/pco (pcodec)
