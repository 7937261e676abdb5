#!/usr/bin/env bash
# Installs Debian's chromium (headless, for the browser test of ngff serve, ServeInBrowserTest) and the npm
# packages of its viewer page ngff-server/src/test/js/viewer.html (zarrita's browser modules, pinned by the
# package-lock.json there). Each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null; then
    if command -v apt-get >/dev/null; then
        SUDO=""
        if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then
            SUDO=sudo
        fi
        $SUDO apt-get install -y --no-install-recommends chromium chromium-driver \
            || { $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends chromium chromium-driver; }
    else
        echo "browser.sh: no apt-get; install chromium yourself (the viewer test looks for 'chromium' on the PATH or NGFF_CHROMIUM)" >&2
        exit 1
    fi
fi
cd ngff-server/src/test/js
if [ -f node_modules/.ngff-stamp ] && cmp -s package-lock.json node_modules/.ngff-stamp; then
    exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
cp package-lock.json node_modules/.ngff-stamp
