#!/usr/bin/env bash
# Runs one libFuzzer target for a fixed time on a working copy of its committed corpus, so new
# inputs it finds never dirty the source tree. A crash fails the test and leaves the input in WORK.
#   run_fuzzer.sh FUZZER SECONDS WORK CORPUS
set -euo pipefail
fuzzer=$1 seconds=$2 work=$3 corpus=$4
mkdir -p "$work"
cp -n "$corpus"/* "$work"/ 2>/dev/null || true
cd "$work"
exec "$fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 "$work"
