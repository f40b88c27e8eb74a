#!/usr/bin/env bash
# The packages as an end user gets them: builds the `package` preset (Release, no tests) in
# build/package, makes the .deb and .tar.gz with CPack, checks the .deb with lintian, installs it
# with apt-get, runs hearth-cli and the app from /usr, removes it and checks that the programs are
# gone while the user's data stayed. Then unpacks the .tar.gz in a temporary folder and runs it
# from there.
#   package_test.sh SOURCE_DIR TINY_MODEL.gguf SCREENSHOT_CHECK DEV_HEARTH_CLI XVFB_RUN
# Installing needs root: as any other user this reports itself skipped (exit 77) and does nothing.
set -euo pipefail
src=$1 model=$2 check=$3 dev_cli=$4 xvfb_run=$5
build=$src/build/package

skip() {
    echo "package_test: SKIPPED: $*"
    exit 77
}
fail() {
    echo "package_test: FAILED: $*" >&2
    exit 1
}
[ "$(id -u)" -eq 0 ] || skip "installing the .deb needs root (CI runs this as root)"
if [ "$(dpkg-query -W -f='${Status}' hearth 2>/dev/null)" = "install ok installed" ]; then
    skip "a hearth package is already installed on this machine and is left alone"
fi

version=$(sed -n 's/^project(Hearth VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
work=$(mktemp -d)
installed_by_us=0
cleanup() {
    if [ "$installed_by_us" = 1 ] &&
        [ "$(dpkg-query -W -f='${Status}' hearth 2>/dev/null)" = "install ok installed" ]; then
        apt-get remove -y -qq -o DPkg::Lock::Timeout=600 hearth >/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

times=()
step_start=$(date +%s)
timed() { # timed NAME: records the seconds since the previous call under NAME
    local now
    now=$(date +%s)
    times+=("$1 $((now - step_start))s")
    echo "package_test: $1 took $((now - step_start)) s"
    step_start=$now
}

# --- Build and package -----------------------------------------------------------------------
launcher=()
if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
(cd "$src" && cmake --preset package "${launcher[@]}" >"$work/configure.log") ||
    { cat "$work/configure.log"; fail "configuring the package preset"; }
(cd "$src" && cmake --build --preset package) || fail "building the package preset"
timed "build (configure + compile)"
rm -rf "$build/packages"
(cd "$build" && cpack -G "DEB;TGZ" >"$work/cpack.log") || { cat "$work/cpack.log"; fail "cpack"; }
deb=$(echo "$build"/packages/hearth_"$version"_*.deb)
tgz=$build/packages/hearth-$version-Linux.tar.gz
[ -f "$deb" ] || fail "no .deb in $build/packages"
[ -f "$tgz" ] || fail "no .tar.gz in $build/packages"
timed "cpack (.deb + .tar.gz)"
ls -l "$build/packages"
dpkg-deb --info "$deb" | sed -n '/Package:/,$p'

# --- The .deb's contents and metadata ----------------------------------------------------------
dpkg-deb --contents "$deb" | awk '{print $6}' >"$work/contents"
for path in usr/bin/hearth usr/bin/hearth-cli usr/bin/hearth-bench \
    usr/share/applications/hearth.desktop usr/share/metainfo/io.github.hearth_app.Hearth.metainfo.xml \
    usr/share/icons/hicolor/scalable/apps/hearth.svg \
    usr/share/man/man1/hearth.1.gz usr/share/man/man1/hearth-cli.1.gz \
    usr/share/doc/hearth/copyright usr/share/doc/hearth/changelog.gz; do
    grep -qx "./$path" "$work/contents" || fail "$path is not in the .deb"
done
for size in 16 22 24 32 48 64 128 256 512; do
    grep -qx "./usr/share/icons/hicolor/${size}x${size}/apps/hearth.png" "$work/contents" ||
        fail "the ${size}x${size} icon is not in the .deb"
done
depends=$(dpkg-deb --field "$deb" Depends)
for dep in libvulkan1 libicu libsqlite3 libqt6quick6 qml6-module-qtquick-controls \
    qml6-module-qtquick-layouts qml6-module-qtquick-dialogs; do
    [[ $depends == *"$dep"* ]] || fail "Depends lacks $dep: $depends"
done
[[ $(dpkg-deb --field "$deb" Recommends) == *mesa-vulkan-drivers* ]] ||
    fail "Recommends lacks mesa-vulkan-drivers"
# Every system QML module the app's QML imports (directly or through another module, as Qt's
# qmlimportscanner finds them) comes from a package the .deb depends on.
if [ -n "${HEARTH_QMLIMPORTSCANNER:-}" ]; then
    "$HEARTH_QMLIMPORTSCANNER" -rootPath "$src/ui" -importPath "$HEARTH_QT_QML_DIR" |
        grep -o "\"path\": \"$HEARTH_QT_QML_DIR/[^\"]*\"" | cut -d'"' -f4 | sort -u >"$work/qml-dirs"
    [ -s "$work/qml-dirs" ] || fail "qmlimportscanner found no QML imports"
    while read -r dir; do
        [ -f "$dir/qmldir" ] || continue # built into libQt6Qml, no module files
        owner=$(dpkg-query -S "$dir/qmldir" | cut -d: -f1)
        [[ ", $depends," == *", $owner"[\ ,]* ]] ||
            fail "the app imports QML from $dir ($owner), which Depends does not name: $depends"
    done <"$work/qml-dirs"
    echo "package_test: the QML modules imported come from: $(xargs -I{} dpkg-query -S {}/qmldir \
        <"$work/qml-dirs" 2>/dev/null | cut -d: -f1 | sort -u | xargs)"
fi

# --- lintian: errors fail, and so does any warning not accepted in installer/lintian-accepted.txt
lintian --fail-on error,warning --suppress-tags-from-file "$src/installer/lintian-accepted.txt" \
    "$deb" || fail "lintian found problems in the .deb (see above)"
timed "lintian"

# --- A user's data from before the install --------------------------------------------------
home=$work/home
mkdir -p "$home"
user_env=(env -u XDG_DATA_HOME -u XDG_CONFIG_HOME HOME="$home")
history=$home/.local/share/Hearth/Hearth/conversations.db
"${user_env[@]}" "$dev_cli" run --model "$model" --prompt "planted before the install" \
    --max-tokens 2 >/dev/null 2>&1 || fail "planting a conversation with the dev build's hearth-cli"
[ -f "$history" ] || fail "hearth-cli did not record into $history"
# Where the app's model downloads go.
models=$home/.local/share/Hearth/Hearth/models
mkdir -p "$models"
echo "stands for a downloaded model" >"$models/planted.gguf"

# --- Install, as a user would ---------------------------------------------------------------
installed_by_us=1
(cd "$build/packages" && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    -o DPkg::Lock::Timeout=600 "./$(basename "$deb")") || fail "apt-get install"
timed "apt-get install"

[ "$(command -v hearth-cli)" = /usr/bin/hearth-cli ] || fail "hearth-cli is not /usr/bin/hearth-cli"
[ "$(command -v hearth)" = /usr/bin/hearth ] || fail "hearth is not /usr/bin/hearth"
/usr/bin/hearth-cli --version | tee "$work/version"
grep -q "^hearth-cli $version (Release) backends: " "$work/version" || fail "hearth-cli --version"
/usr/bin/hearth --version | grep -q "^hearth $version (Release)" || fail "hearth --version"
(cd "$work" && "${user_env[@]}" /usr/bin/hearth-cli run --model "$model" --prompt hi \
    --max-tokens 4 --temperature 0 --threads 2 >"$work/run.out" 2>"$work/run.err") ||
    { cat "$work/run.out" "$work/run.err"; fail "hearth-cli run from /usr/bin"; }
grep -q "4 generated" "$work/run.err" || { cat "$work/run.err"; fail "hearth-cli run stats"; }
man -w hearth-cli | grep -q "^/usr/share/man/man1/hearth-cli.1.gz$" || fail "man hearth-cli"
desktop-file-validate /usr/share/applications/hearth.desktop || fail "the installed desktop entry"
shot=$work/installed-hearth.png
"${user_env[@]}" "$xvfb_run" -a -s "-screen 0 1280x800x24" /usr/bin/hearth --screenshot "$shot" ||
    fail "the installed hearth did not start"
"$check" "$shot" || fail "the installed hearth's window"
timed "checks of the installed package"

# --- Remove: the programs go, the user's data stays -------------------------------------------
DEBIAN_FRONTEND=noninteractive apt-get remove -y -q -o DPkg::Lock::Timeout=600 hearth ||
    fail "apt-get remove"
installed_by_us=0
timed "apt-get remove"
for path in /usr/bin/hearth /usr/bin/hearth-cli /usr/bin/hearth-bench \
    /usr/share/applications/hearth.desktop /usr/share/icons/hicolor/48x48/apps/hearth.png \
    /usr/share/man/man1/hearth-cli.1.gz /usr/share/doc/hearth; do
    [ ! -e "$path" ] || fail "$path is still there after apt-get remove"
done
[ -f "$models/planted.gguf" ] || fail "the user's downloaded model is gone"
"$dev_cli" history list --db "$history" >"$work/history" || fail "reading the history after removal"
cat "$work/history"
grep -q "planted before the install" "$work/history" && [ "$(grep -c . "$work/history")" -ge 2 ] ||
    fail "the conversations recorded before and while installed are not all in $history"

# --- The .tar.gz runs from wherever it is unpacked ------------------------------------------
mkdir -p "$work/unpacked"
tar -xzf "$tgz" -C "$work/unpacked"
dir=$work/unpacked/hearth-$version-Linux
(cd / && "$dir/bin/hearth-cli" --version) | grep -q "^hearth-cli $version (Release)" ||
    fail "the unpacked hearth-cli --version"
(cd / && "${user_env[@]}" "$dir/bin/hearth-cli" run --model "$model" --prompt hi --max-tokens 2 \
    --threads 2 --no-history >/dev/null 2>&1) || fail "the unpacked hearth-cli run"
shot=$work/unpacked-hearth.png
(cd / && "${user_env[@]}" "$xvfb_run" -a -s "-screen 0 1280x800x24" "$dir/bin/hearth" \
    --screenshot "$shot") || fail "the unpacked hearth did not start"
"$check" "$shot" || fail "the unpacked hearth's window"
timed "the .tar.gz"

echo "package_test: durations: ${times[*]}"
printf '%s\n' "${times[@]}" >"$build/package-test-durations.txt" # kept for a run that passed
echo "package_test: the .deb installs, runs and uninstalls cleanly; the .tar.gz runs unpacked"
