#!/usr/bin/env bash
# On a machine with an NVIDIA GPU and driver (and the build dependencies of scripts/setup-deps.sh
# already there): builds the engine with the CUDA kernels, runs the CUDA kernel and full-model
# tests (which report themselves skipped elsewhere), then times hearth-bench --backend cuda on a
# sparse model with gpt-oss-20b's real shapes. Pass extra hearth-bench options as arguments.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/cuda/bin:$PATH"

cmake --preset dev -DHEARTH_BUILD_GUI=OFF -DHEARTH_CUDA=ON
cmake --build build/dev --target hearth_cuda_tests make_tiny_model hearth_tiny_models
ctest --test-dir build/dev -R Cuda --output-on-failure

# Optimised host code for the timing (the kernels are optimised in every preset).
cmake --preset release -DHEARTH_BUILD_GUI=OFF -DHEARTH_CUDA=ON
cmake --build build/release --target hearth-bench
model=build/dev/fixtures/gpt-oss-20b-sparse.gguf
[ -f "$model" ] || build/dev/bin/make_tiny_model --tokenizer build/dev/fixtures/tokenizer.json \
    --sparse 20b --out "$model"
build/release/bin/hearth-bench --model "$model" --backend cuda --depth 0,4096 "$@"
