#!/usr/bin/env bash
# A manual page renders without groff warnings and names every option its program's --help shows.
#   man_page_test.sh PAGE.1 PROGRAM [HELP_ARGS...]
set -euo pipefail
page=$1 program=$2
shift 2
help=$("$program" "$@" 2>&1 || true)
[ -n "$help" ] || { echo "$program $* printed nothing" >&2; exit 1; }

warnings=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$page" 2>&1 >/dev/null)
if [ -n "$warnings" ]; then
    echo "$page: groff warnings:" >&2
    echo "$warnings" >&2
    exit 1
fi

# The page's text with troff's \- turned back into -, so that options read as typed.
text=$(sed 's/\\-/-/g' "$page")
missing=0
for option in $(grep -o -- '--[a-z][a-z-]*' <<<"$help" | sort -u); do
    if ! grep -q -- "$option\b" <<<"$text"; then
        echo "$page does not describe $option (shown by $program --help)" >&2
        missing=1
    fi
done
# hearth-cli's commands: the first word of each indented "  command ..." line of the help.
for command in $(sed -n 's/^  \([a-z][a-z]*\)\( \|$\).*/\1/p' <<<"$help" | sort -u); do
    if ! grep -q "^\.B hearth-cli $command\b" <<<"$text"; then
        echo "$page has no synopsis line for the command $command" >&2
        missing=1
    fi
done
[ "$missing" = 0 ] && echo "$page: renders cleanly and covers $program's --help"
