#!/usr/bin/env bash
# Installs TensorFlow.js and its wasm backend from npm into .tools/tfjs, unless the pinned version
# is already there. Then copies the browser bundles and the backend's .wasm files into
# bench/tfjs/vendor/, where bench/tfjs/index.html loads them. Only the npm registry is contacted.
set -euo pipefail

TFJS_VERSION=4.22.0
root=$(cd "$(dirname "$0")/.." && pwd)
prefix="$root/.tools/tfjs"
modules="$prefix/node_modules/@tensorflow"
vendor="$root/bench/tfjs/vendor"

log() { printf '[tfjs-bench-setup] %s\n' "$*"; }

installed_version() {
  node -p "require('$modules/$1/package.json').version" 2>/dev/null || true
}

if [[ $(installed_version tfjs) != "$TFJS_VERSION" ]] ||
  [[ $(installed_version tfjs-backend-wasm) != "$TFJS_VERSION" ]]; then
  log "installing @tensorflow/tfjs and @tensorflow/tfjs-backend-wasm $TFJS_VERSION into $prefix"
  mkdir -p "$prefix"
  npm install --silent --no-audit --no-fund --prefix "$prefix" \
    "@tensorflow/tfjs@$TFJS_VERSION" "@tensorflow/tfjs-backend-wasm@$TFJS_VERSION"
fi

mkdir -p "$vendor"
cp "$modules/tfjs/dist/tf.min.js" "$vendor/"
cp "$modules/tfjs-backend-wasm/dist/tf-backend-wasm.min.js" "$vendor/"
cp "$modules"/tfjs-backend-wasm/dist/tfjs-backend-wasm*.wasm "$vendor/"
log "TensorFlow.js $TFJS_VERSION ready in $vendor"
