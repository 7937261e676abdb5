#!/usr/bin/env bash
# Runs the conformance matrix alone and refreshes the committed copy docs/conformance-matrix.md.
# Extra arguments go to Maven (e.g. -Dngff.probeLimits=true to re-check every peer limit).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/peers-venv.sh
bash scripts/peers-npm.sh
. .ci/find-jdk.sh
./mvnw -B -ntp -pl spec-conformance -am verify -Dtest=ConformanceMatrixTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dngff.updateDocs=true "$@"
echo "docs/conformance-matrix.md refreshed from spec-conformance/target/conformance-matrix.md"
