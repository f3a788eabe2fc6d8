#!/usr/bin/env bash
# Installs every tool the build and the tests need, skipping what is already there at the pinned
# version: the wasm32 target, trunk, wasm-bindgen-cli (same version as Cargo.lock), wasm-opt from
# the npm package binaryen, and Debian's Chromium with ChromeDriver.
set -euo pipefail

TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132.0.0
root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '[setup] %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION\$"; then
  log "installing trunk $TRUNK_VERSION (about 10 minutes on 2 cores)"
  cargo install --locked trunk --version "$TRUNK_VERSION"
fi

# The CLI must match the wasm-bindgen crate in Cargo.lock exactly, or the generated glue breaks.
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' \
  "$root/Cargo.lock" 2>/dev/null || true)
bindgen_version=${bindgen_version:-0.2.130}
if ! wasm-bindgen --version 2>/dev/null | grep -q " $bindgen_version\$"; then
  log "installing wasm-bindgen-cli $bindgen_version (about 4 minutes)"
  # --locked fails here because one of its locked dependencies is missing from the registry.
  cargo install wasm-bindgen-cli --version "$bindgen_version"
fi

# Debian's binaryen (wasm-opt 108) breaks wasm-bindgen's externref table, so use npm's build.
if [[ ! -x "$root/.tools/node_modules/.bin/wasm-opt" ]] ||
  ! "$root/.tools/node_modules/.bin/wasm-opt" --version | grep -q "version ${BINARYEN_VERSION%%.*}"; then
  log "installing wasm-opt from npm binaryen@$BINARYEN_VERSION"
  npm install --silent --no-audit --no-fund --prefix "$root/.tools" "binaryen@$BINARYEN_VERSION"
fi

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  log "installing chromium and chromium-driver from Debian"
  sudo_cmd=""
  [[ $(id -u) -eq 0 ]] || sudo_cmd=sudo
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium chromium-driver >/dev/null
fi
log "tools ready"
