#!/usr/bin/env bash
# Installs Debian's chromium and chromedriver (headless, for the browser tests of ngff serve, ServeInBrowserTest)
# and the npm packages of their pages under ngff-server/src/test/js: zarrita's browser modules for viewer.html
# (pinned by the package-lock.json there) and vizarr's published build for vizarr.html. Each step is skipped when
# already done.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    if command -v apt-get >/dev/null; then
        SUDO=""
        if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then
            SUDO=sudo
        fi
        $SUDO apt-get install -y --no-install-recommends chromium chromium-driver \
            || { $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends chromium chromium-driver; }
    else
        echo "browser.sh: no apt-get; install chromium and chromedriver yourself (the viewer tests look for them on the PATH, or NGFF_CHROMIUM and NGFF_CHROMEDRIVER)" >&2
        exit 1
    fi
fi
cd ngff-server/src/test/js
if ! { [ -f node_modules/.ngff-stamp ] && cmp -s package-lock.json node_modules/.ngff-stamp; }; then
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json node_modules/.ngff-stamp
fi
# vizarr as published on npm by the Galaxy project (@galaxyproject/vizarr: vizarr's viewer built into one
# self-contained static/index.js). Its package.json names vizarr itself as a git dependency, which npm cannot
# install from the registry alone, so the tarball is fetched with `npm pack` (no dependencies: the build bundles
# them), checked against the pinned integrity and unpacked where vizarr.html loads it.
VIZARR_VERSION=0.1.8
VIZARR_INTEGRITY=sha512-aNqs+Im0T4hospAIMG8kG71lzosrWYjKGRQUjF0h/ydqpWqDJ0S59adT8gH2HNJJZoq9GHhGALFpHF0DRs4eFQ==
vizarr_dir=node_modules/@galaxyproject/vizarr
if ! { [ -f "$vizarr_dir/.ngff-stamp" ] && [ "$(cat "$vizarr_dir/.ngff-stamp")" = "$VIZARR_INTEGRITY" ]; }; then
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    npm pack "@galaxyproject/vizarr@$VIZARR_VERSION" --pack-destination "$tmp" --loglevel=error >/dev/null
    tarball="$tmp/galaxyproject-vizarr-$VIZARR_VERSION.tgz"
    actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
    if [ "$actual" != "$VIZARR_INTEGRITY" ]; then
        echo "browser.sh: $tarball has integrity $actual, expected $VIZARR_INTEGRITY" >&2
        exit 1
    fi
    rm -rf "$vizarr_dir"
    mkdir -p "$vizarr_dir"
    tar -xzf "$tarball" -C "$vizarr_dir" --strip-components=1
    echo "$VIZARR_INTEGRITY" > "$vizarr_dir/.ngff-stamp"
fi
