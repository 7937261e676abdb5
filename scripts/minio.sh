#!/usr/bin/env bash
# Builds the MinIO server that the S3 tests start beside S3Mock (a real S3 server, as most facilities run),
# from its Go module at a pinned commit, into .cache/minio/ (ignored by git; NGFF_MINIO_DIR overrides).
# Takes about 2.5 minutes on 2 cores; skipped when that version is already built. Needs Go >= 1.24 and
# network access to the Go module proxy. The tests find the binary at .cache/minio/minio or $NGFF_MINIO.
set -euo pipefail
cd "$(dirname "$0")/.."

# github.com/minio/minio at commit 7aac2a2c5b7c (2026-02-12): what @latest resolved to on 2026-12-06.
# MinIO tags its releases RELEASE.<date>, which Go does not take as versions, so pin the pseudo-version.
MINIO_VERSION="v0.0.0-20260212201848-7aac2a2c5b7c"
DEST="${NGFF_MINIO_DIR:-$PWD/.cache/minio}"

if [ -x "$DEST/minio" ] && [ "$(cat "$DEST/version" 2>/dev/null)" = "$MINIO_VERSION" ]; then
  echo "minio $MINIO_VERSION already built: $DEST/minio"
  exit 0
fi
if ! command -v go >/dev/null; then
  echo "error: building MinIO needs Go (https://go.dev/dl/); the MinIO tests skip without it, and fail under CI=true" >&2
  exit 1
fi
mkdir -p "$DEST"
echo "building minio $MINIO_VERSION into $DEST (about 2.5 minutes on 2 cores)"
GOBIN="$DEST" CGO_ENABLED=0 go install "github.com/minio/minio@$MINIO_VERSION"
echo "$MINIO_VERSION" > "$DEST/version"
"$DEST/minio" --version | head -1
