#!/usr/bin/env bash
# Installs what is missing, builds the release preset and starts the Hearth desktop app.
#   scripts/start.sh [hearth options]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh
cmake --preset release
cmake --build --preset release
exec build/release/bin/hearth "$@"
