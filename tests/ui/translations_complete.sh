#!/usr/bin/env bash
# Every visible string has its Korean translation: lupdate reads the current sources into a copy
# of the .ts (a new or changed string appears there unfinished), then lrelease must finish all.
#   translations_complete.sh LUPDATE LRELEASE SOURCE_DIR TS_FILE
set -euo pipefail
lupdate=$1 lrelease=$2 source_dir=$3 ts=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$ts" "$work/check.ts"
"$lupdate" "$source_dir/ui" "$source_dir/app" -extensions qml,cpp,h -no-obsolete -locations none \
  -ts "$work/check.ts" >/dev/null
report=$("$lrelease" "$work/check.ts" -qm "$work/check.qm")
echo "$report"
if ! grep -q "finished and 0 unfinished" <<<"$report"; then
  echo "Strings without a Korean translation:" >&2
  grep -B2 'type="unfinished"' "$work/check.ts" | grep '<source>' >&2 || true
  exit 1
fi
if grep -q "untranslated" <<<"$report"; then exit 1; fi
