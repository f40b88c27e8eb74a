#!/usr/bin/env bash
# Starts the real app in a virtual X display, saves its window as PNG and checks the picture.
#   window_screenshot_test.sh XVFB_RUN HEARTH SCREENSHOT_CHECK OUTPUT.png
set -euo pipefail
xvfb_run=$1 hearth=$2 check=$3 output=$4
mkdir -p "$(dirname "$output")"
rm -f "$output"
# A private folder, so the test neither reads nor writes the user's preferences or history.
config=$(mktemp -d)
trap 'rm -rf "$config"' EXIT
XDG_CONFIG_HOME=$config XDG_DATA_HOME=$config "$xvfb_run" -a -s "-screen 0 1280x800x24" "$hearth" --screenshot "$output"
"$check" "$output"
