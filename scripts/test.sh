#!/usr/bin/env bash
# Installs what is missing, builds the dev preset (Debug, tests, warnings as errors) and runs the
# whole test suite with ctest. Needs no display and no GPU: the UI tests use Qt's offscreen
# platform and Xvfb, the Vulkan tests Mesa's lavapipe.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh
cmake --preset dev
cmake --build --preset dev

# Show the devices the tests will see (lavapipe, unless HEARTH_TEST_VULKAN_ICD was emptied).
icd=$(sed -n 's/^HEARTH_TEST_VULKAN_ICD:FILEPATH=//p' build/dev/CMakeCache.txt)
env ${icd:+VK_DRIVER_FILES=$icd} build/dev/bin/hearth-cli devices

ctest --preset dev --parallel "$(nproc)"
