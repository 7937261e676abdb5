#!/usr/bin/env bash
# Creates .venv with pinned peer implementations (zarr-python, numcodecs, tensorstore, the zarrs
# codec pipeline, ome-zarr-py, ome-zarr-models, ngff-zarr, acquire-zarr for the frame-streaming benchmark) that the
# spec-conformance tests run to read what we write and to write what we read.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${NGFF_VENV:-.venv}"
STAMP="$VENV/.ngff-peers-5"
if [ -f "$STAMP" ]; then
  exit 0
fi
python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check \
  "numpy==2.4.6" "zarr==3.1.3" "numcodecs==0.16.6" "tensorstore==0.1.86" "google-crc32c==1.9.0" \
  "zarrs==0.2.3" "ome-zarr==0.18.0" "ome-zarr-models==1.7" \
  "pcodec==0.3.6" "zfpy==1.0.1" "acquire-zarr==0.10.0" "ngff-zarr==0.50.0"
# (pcodec and zfpy back numcodecs' PCodec and ZFPY, in the ranges numcodecs 0.16 declares: pcodec 0.3.x (1.x
# renamed DeltaSpec.none). Not zfpy 1.0.1.post0: numcodecs 0.16 parses the
# version as integers and then fails to import at all.)
"$VENV/bin/python" -c "import zarr, tensorstore, numcodecs, numpy, zarrs, ome_zarr, ome_zarr_models, ngff_zarr, pcodec, zfpy, acquire_zarr; from numcodecs import PCodec, ZFPY; print('peers:', 'zarr', zarr.__version__, 'numcodecs', numcodecs.__version__, 'numpy', numpy.__version__)"
touch "$STAMP"
