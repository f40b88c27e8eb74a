#!/usr/bin/env bash
# Builds, on this machine, everything a lent GPU machine needs for the GPU checks, into .dev/
# (ignored by git): optimised Vulkan and CUDA test binaries and hearth-bench with the CUDA kernels
# (SASS for the data-centre GPUs that machine has as well as the consumer ones) and the fixture
# tool, 17 MB stripped. The GPU machine then spends its minutes testing and timing, not compiling;
# it writes the fixture models itself (carried, they would be 180 MB). Needs scripts/setup-deps.sh's packages and nvcc (/usr/local/cuda/bin).
#
# Each REVISION given (a commit to compare against) adds its own hearth-bench, built in a
# worktree with SASS for sm_90 only (the lent GPUs), to .dev/base/<commit>/: gpu-kit-run.sh
# then times it beside the kit's, in turns, on the same machine. About 10 minutes each.
#
# Then, on the GPU machine (the device tool's run; .gl holds the Vulkan loader packages that its
# README says how to download):
#   command: bash scripts/gpu-kit-run.sh      carry: [".dev", ".gl"]
# (.dev with both peers is more than a call carries: name its parts instead, .dev/icu among them,
# with one peer a call.)
#
# Usage: scripts/gpu-kit.sh [REVISION...]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/cuda/bin:$PATH"

build=build/gpu
kit=.dev
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DHEARTH_BUILD_TESTS=ON \
    -DHEARTH_BUILD_GUI=OFF -DHEARTH_CUDA=ON -DHEARTH_CUDA_ARCHS="75;86;89;90;120" \
    -DHEARTH_TEST_VULKAN_ICD="" # the Vulkan tests run on the machine's own GPU, not lavapipe
cmake --build "$build" -j"$(nproc)" --target hearth_vulkan_tests hearth_cuda_tests hearth-bench \
    make_tiny_model

rm -rf "$kit/bin"
mkdir -p "$kit/bin"
for binary in hearth_vulkan_tests hearth_cuda_tests hearth-bench make_tiny_model; do
    strip -o "$kit/bin/$binary" "$build/bin/$binary"
done
# The lent machines have no ICU 72 (Debian 12's), which the binaries link: its two libraries go
# along, xz-packed (8 MB), and gpu-kit-run.sh unpacks them where the machine lacks them.
mkdir -p "$kit/icu"
icu_library=$(ldconfig -p | sed -n 's/.*libicuuc.so.72 .*=> //p' | head -1)
[ -n "$icu_library" ] || { echo "gpu-kit.sh: no libicuuc.so.72 here to carry" >&2; exit 1; }
icu=$(dirname "$(readlink -f "$icu_library")")
tar -C "$icu" -cJf "$kit/icu/icu72.tar.xz" libicuuc.so.72 libicuuc.so.72.1 libicudata.so.72 \
    libicudata.so.72.1
# The test binaries open the fixtures and the reference goldens where they were built:
# gpu-kit-run.sh makes those paths on the GPU machine.
sed -n 's/^HEARTH_FIXTURE_DIR:[A-Z]*=//p' "$build/CMakeCache.txt" >"$kit/FIXTURE_DIR"
echo "$PWD" >"$kit/SOURCE_DIR"
git describe --always --dirty >"$kit/COMMIT"

# One worktree and build tree for every revision: checking the next one out touches only the
# files that differ, so its build is incremental.
rm -rf "$kit/base"
tree=build/gpu-base-worktree
for revision in "$@"; do
    commit=$(git rev-parse --short "$revision^{commit}")
    # Only a worktree of its own: git -C in a plain folder here would move this checkout.
    if [ -e "$tree/.git" ]; then
        git -C "$tree" checkout --quiet --detach "$commit"
    else
        rm -rf "$tree"
        git worktree prune
        git worktree add --detach "$tree" "$commit"
    fi
    cmake -S "$tree" -B build/gpu-base -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DHEARTH_BUILD_TESTS=OFF -DHEARTH_BUILD_GUI=OFF -DHEARTH_CUDA=ON -DHEARTH_CUDA_ARCHS=90
    cmake --build build/gpu-base -j"$(nproc)" --target hearth-bench
    mkdir -p "$kit/base/$commit"
    strip -o "$kit/base/$commit/hearth-bench" build/gpu-base/bin/hearth-bench
done
du -sh "$kit"
