#!/usr/bin/env bash
# Installs zarrita (pinned in spec-conformance/src/test/js/package-lock.json) for the conformance matrix,
# which runs it with Node.js as the JavaScript reader that web viewers use. Needs node >= 20 and npm.
set -euo pipefail
cd "$(dirname "$0")/../spec-conformance/src/test/js"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "peers-npm.sh: node and npm are needed for the zarrita peer (install Node.js >= 20)" >&2
  exit 1
fi
if [ -f node_modules/.ngff-stamp ] && cmp -s package-lock.json node_modules/.ngff-stamp; then
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
cp package-lock.json node_modules/.ngff-stamp
node -e 'import("zarrita").then(() => console.log("peers: zarrita", require("./node_modules/zarrita/package.json").version, "node", process.version))'
