#!/usr/bin/env bash
# Creates .venv with pinned peer implementations (zarr-python, numcodecs, tensorstore, the zarrs
# codec pipeline, ome-zarr-py, ome-zarr-models, ngff-zarr, acquire-zarr for the frame-streaming benchmark,
# tifffile with imagecodecs writing the TIFFs that conversion reads, dask-image for ngff-zarr's gaussian) that the
# spec-conformance tests run to read what we write and to write what we read.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${NGFF_VENV:-.venv}"
STAMP="$VENV/.ngff-peers-7"
if [ -f "$STAMP" ]; then
  exit 0
fi
python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check \
  "numpy==2.4.6" "zarr==3.1.3" "numcodecs==0.16.6" "tensorstore==0.1.86" "google-crc32c==1.9.0" \
  "zarrs==0.2.3" "ome-zarr==0.18.0" "ome-zarr-models==1.7" \
  "pcodec==0.3.6" "zfpy==1.0.1" "acquire-zarr==0.10.0" "ngff-zarr==0.50.0" \
  "tifffile==2026.3.3" "imagecodecs==2026.3.6" "dask-image==2026.5.0"
# (pcodec and zfpy back numcodecs' PCodec and ZFPY, in the ranges numcodecs 0.16 declares: pcodec 0.3.x (1.x
# renamed DeltaSpec.none). Not zfpy 1.0.1.post0: numcodecs 0.16 parses the
# version as integers and then fails to import at all.)
"$VENV/bin/python" -c "import zarr, tensorstore, numcodecs, numpy, zarrs, ome_zarr, ome_zarr_models, ngff_zarr, pcodec, zfpy, acquire_zarr, tifffile, imagecodecs, dask_image; from numcodecs import PCodec, ZFPY; print('peers:', 'zarr', zarr.__version__, 'numcodecs', numcodecs.__version__, 'numpy', numpy.__version__)"
# ome-zarr-transformations-conformance 0.1.2 (MIT): cases of the 0.6 transformation graph with expected
# coordinates. Its runner needs Python >= 3.12, so only the wheel's data is unpacked (into share/), each
# conformance.toml also written as conformance.json, for TransformGraphConformanceTest.
"$VENV/bin/pip" download -q --disable-pip-version-check --no-deps --only-binary=:all: --python-version 3.12 \
  "ome-zarr-transformations-conformance==0.1.2" -d "$VENV/downloads"
"$VENV/bin/python" - "$VENV" <<'PY'
import json, pathlib, sys, tomllib, zipfile
venv = pathlib.Path(sys.argv[1])
dest = venv / "share" / "ome-zarr-transformations-conformance"
wheel = next((venv / "downloads").glob("ome_zarr_transformations_conformance-0.1.2-*.whl"))
with zipfile.ZipFile(wheel) as z:
    for n in z.namelist():
        if n.startswith("cases/") and not n.endswith("/"):
            (dest / n).parent.mkdir(parents=True, exist_ok=True)
            (dest / n).write_bytes(z.read(n))
for t in dest.glob("cases/*/conformance.toml"):
    t.with_suffix(".json").write_text(json.dumps(tomllib.loads(t.read_text())))
print("transformations conformance cases:", len(list(dest.glob("cases/*/conformance.json"))))
PY
touch "$STAMP"
