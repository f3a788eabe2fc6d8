#!/usr/bin/env bash
# Runs every test: installs the tools, builds the site with trunk (which also proves that the
# WebGPU path compiles for wasm32), then runs the native tests and the headless-Chromium tests.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

scripts/setup.sh
export PATH="$root/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

echo "[test] building the site (trunk build --release)"
trunk build --release

echo "[test] running the native and browser tests"
cargo test --locked
