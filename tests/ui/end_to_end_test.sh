#!/usr/bin/env bash
# The real app, driven like a user through X input (xdotool) in a virtual display:
# the first-run page and a download from a fake hub on 127.0.0.1; send a message to the tiny
# model, wait for the streamed answer, regenerate it (Ctrl+R), quit, start again and find the
# conversation in the sidebar and by search. Screenshots of each step, in light and dark and in
# English and Korean, go to OUTPUT_DIR.
#   end_to_end_test.sh XVFB_RUN HEARTH HEARTH_CLI MODEL OUTPUT_DIR FAKE_HUB_SERVER
set -euo pipefail

if [ "${1:-}" != --inside ]; then
  xvfb_run=$1
  shift
  exec "$xvfb_run" -a -s "-screen 0 1280x800x24" "$0" --inside "$@"
fi
shift
hearth=$1 cli=$2 model=$3 out=$4 fake_hub=$5
mkdir -p "$out"
rm -f "$out"/e2e-*.png

# A fresh home: no preferences, no history, no models but those put there below.
home=$(mktemp -d)
pid= hub_pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; [ -n "$hub_pid" ] && kill "$hub_pid" 2>/dev/null; rm -rf "$home"' EXIT
export HOME=$home XDG_CONFIG_HOME=$home/config XDG_DATA_HOME=$home/data
db=$XDG_DATA_HOME/Hearth/Hearth/conversations.db
conf=$XDG_CONFIG_HOME/Hearth/Hearth.conf
mkdir -p "$(dirname "$conf")"

# Preferences as the Settings dialog stores them; the model is remembered from --model.
prefer() { # theme language
  local model_line=
  [ -f "$conf" ] && model_line=$(grep '^path=' "$conf" || true)
  printf '[appearance]\ntheme=%s\nlanguage=%s\n[chat]\nmaxAnswerTokens=40\n[model]\nbackend=cpu\n%s\n' \
    "$1" "$2" "$model_line" >"$conf"
}

fail() { echo "end_to_end_test: $*" >&2; exit 1; }

# Waits up to $1 seconds for the command after it to succeed.
wait_for() {
  local seconds=$1
  shift
  for _ in $(seq $((seconds * 10))); do
    if "$@"; then return 0; fi
    sleep 0.1
  done
  return 1
}

start_app() {
  "$hearth" "$@" &
  pid=$!
  window=$(timeout 20 xdotool search --sync --onlyvisible --name '^Hearth$' | head -1) ||
    fail "no window"
  sleep 1 # the first frames and the model's load (the tiny model takes well under a second)
  # No window manager: the keyboard follows the pointer, and a click activates the window.
  xdotool mousemove --window "$window" 690 680 click 1 # the composer

}

stop_app() {
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=
}

shot() { import -window root "$out/e2e-$1.png"; }

history_json() { "$cli" history export --format json --db "$db" 2>/dev/null; }
answers() { history_json | grep -c '"role": "assistant"' || true; }
none_streaming() { ! history_json | grep -q '"status": "streaming"'; }
has_answers() { [ "$(answers)" -ge "$1" ] && none_streaming; }

# Startup without a model, to the first frames of an interactive window.
start_ms=$(date +%s%3N)
"$hearth" --screenshot "$home/startup.png"
echo "startup to a shown window (no model, 3 frames, then quit): $(($(date +%s%3N) - start_ms)) ms"

# 0. No model chosen yet: the first-run page lists the one in ~/Downloads. Its Download button
# fetches from the fake hub (served slowly), and the page shows the progress.
mkdir -p "$home/Downloads"
ln -s "$model" "$home/Downloads/gpt-oss-20b-tiny.gguf"
coproc hub { exec python3 "$fake_hub" "$model"; }
hub_pid=$hub_PID
read -r _ port <&"${hub[0]}"
export HF_ENDPOINT=http://127.0.0.1:$port
prefer light en
start_app
shot 0-first-run-light-en
xdotool mousemove --window "$window" 352 426 click 1 # Download
part=$XDG_DATA_HOME/Hearth/Hearth/models/gpt-oss-20b-mxfp4.gguf.part
wait_for 10 test -s "$part" || { shot 0-download-failure; fail "Download fetched nothing"; }
sleep 1
shot 0-downloading-light-en
stop_app
kill "$hub_pid"
hub_pid=
unset HF_ENDPOINT

# 1. Send a message and wait for the streamed answer.
prefer light en
start_app --model "$model"
xdotool type --delay 15 "Hello from the end to end test"
xdotool key Return
# The model may still be loading: the text then stays in the composer, and Enter sends it later.
wait_for 10 has_answers 1 || { xdotool key Return; wait_for 30 has_answers 1; } ||
  { shot 0-failure; fail "no answer was recorded"; }
sleep 0.5
shot 1-answer-light-en

# 2. Regenerate: a second answer to the same question.
xdotool key ctrl+r
wait_for 30 has_answers 2 || fail "regenerating recorded no second answer"
sleep 0.5
shot 2-regenerated-light-en
[ "$(history_json | grep -c '"role": "user"')" -eq 1 ] || fail "regenerating added a question"
stop_app

# 3. Start again: the conversation is in the sidebar, and search finds it.
prefer dark en
start_app
shot 3-restarted-dark-en
xdotool key ctrl+f
xdotool type --delay 15 "end to end"
sleep 1
shot 4-search-dark-en
"$cli" history search "end to end" --db "$db" | grep -q "Hello from the end to end test" ||
  fail "the store's search does not find the question"
stop_app

# 4. In Korean, dark and light: the conversation opened from the sidebar, and the settings.
for theme in dark light; do
  prefer "$theme" ko
  start_app
  xdotool mousemove --window "$window" 130 160 click 1 # the first conversation in the sidebar
  sleep 1
  shot "5-conversation-$theme-ko"
  xdotool key ctrl+comma
  sleep 1
  shot "6-settings-$theme-ko"
  stop_app
done

for f in "$out"/e2e-*.png; do [ -s "$f" ] || fail "empty screenshot $f"; done
echo "end_to_end_test: screenshots in $out"
