#!/usr/bin/env bash
# Makes sure the ngff-codecs build can build native/pco (pcodec through the Rust pco crate, zarrs.gdeflate through
# gdeflate-sys, whose C sources need gcc): cargo on PATH
# (installed with rustup's minimal profile when missing) and the locked crates fetched. Without it the build
# still succeeds, but pcodec and gdeflate are unavailable, and under CI=true their tests fail.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
fi
if ! command -v cargo >/dev/null 2>&1; then
    if command -v curl >/dev/null 2>&1; then
        curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
        export PATH="$HOME/.cargo/bin:$PATH"
    else
        echo "rust-pco.sh: no cargo and no curl to install it (rustup); pcodec will be unavailable" >&2
        exit 1
    fi
fi
cargo --version
cargo fetch --locked --manifest-path native/pco/Cargo.toml
