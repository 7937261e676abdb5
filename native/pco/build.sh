#!/bin/sh
# Builds libngffpco.so (the C ABI over the pco and gdeflate-sys crates, src/lib.rs) into $1 on linux-x86_64 with cargo.
# Without cargo, or when the build fails, it says why (and writes the reason next to where the library
# would be, for PcodecLibrary.unavailabilityCause()) and succeeds: the build goes on without pcodec and gdeflate.
out="$1"
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$out"
rm -f "$out/libngffpco.so" "$out/unavailable.txt"
skip() {
    echo "native library libngffpco.so (pcodec, gdeflate): skipped, $1"
    printf '%s\n' "$1" > "$out/unavailable.txt"
    exit 0
}
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
    skip "only linux-x86_64 is built (this is $(uname -s)-$(uname -m))"
fi
CARGO="$(command -v cargo 2>/dev/null || true)"
if [ -z "$CARGO" ] && [ -x "$HOME/.cargo/bin/cargo" ]; then
    CARGO="$HOME/.cargo/bin/cargo"
fi
[ -n "$CARGO" ] || skip "the build found no cargo on PATH (install Rust, e.g. via rustup, and rebuild)"
if ! "$CARGO" build --release --locked --quiet --manifest-path "$here/Cargo.toml" >&2; then
    skip "cargo build --release --locked failed in native/pco (see the build log)"
fi
cp "$here/target/release/libngff_pco.so" "$out/libngffpco.so"
echo "native library libngffpco.so (pcodec, gdeflate): built $out/libngffpco.so"
