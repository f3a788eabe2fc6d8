#!/usr/bin/env bash
# Measures the numbers in docs/BENCHMARKS.md: native steps per second, the gzipped wasm size, and
# in headless Chromium, for the CPU and the WebGPU (SwiftShader) device, steps per second, time
# from load to the end of the first step and the longest frame, then the same workload in
# TensorFlow.js's wasm backend for the speed target. Run it on an otherwise idle machine; results
# go to test-artifacts/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

scripts/setup.sh
export PATH="$root/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
steps=${BENCH_STEPS:-20}

echo "== native (release, flex CPU device)"
cargo run --release --quiet -- bench --steps 50

echo "== wasm size"
trunk build --release >/dev/null
for wasm in dist/*.wasm; do
  printf '%s: %d bytes, %d bytes gzipped (gzip -9)\n' "$wasm" "$(wc -c <"$wasm")" "$(gzip -9 -c "$wasm" | wc -c)"
done

echo "== browser ($steps timed steps per backend)"
VICREG_BENCH_STEPS=$steps VICREG_BENCH_BACKENDS=cpu,webgpu \
  cargo test --quiet --test browser bench_mode_reports_speed -- --nocapture
cat test-artifacts/bench-cpu.json test-artifacts/bench-webgpu.json

echo "== TensorFlow.js reference (wasm backend, $steps timed steps)"
scripts/tfjs-bench-setup.sh
VICREG_BENCH_STEPS=$steps cargo test --quiet --test tfjs_reference -- --ignored --nocapture
cat test-artifacts/bench-tfjs-wasm.json
