#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Hearth needs to build, test and run.
# Idempotent and non-interactive: only missing packages are installed, as root or through sudo.
#   scripts/setup-deps.sh            build + run + test + packaging dependencies
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  qt6-base-dev qt6-declarative-dev qt6-tools-dev qt6-l10n-tools libqt6sql6-sqlite
  qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-layouts
  qml6-module-qtquick-templates qml6-module-qtquick-window qml6-module-qtquick-dialogs
  qml6-module-qt-labs-folderlistmodel qml6-module-qtqml-workerscript qml6-module-qttest
  libgl-dev libgl1-mesa-dri libvulkan-dev mesa-vulkan-drivers glslang-tools glslang-dev spirv-tools vulkan-tools
  libsqlite3-dev libicu-dev libmd4c-dev libgtest-dev libgmock-dev nlohmann-json3-dev
  xvfb xauth xdotool imagemagick fonts-dejavu-core fonts-noto-cjk
  clang-16 libclang-rt-16-dev libc++-16-dev libc++abi-16-dev
  python3-minimal python3-numpy
  librsvg2-bin lintian appstream desktop-file-utils man-db
  qml6-module-qtqml qt6-wayland ca-certificates
)

missing=()
for p in "${packages[@]}"; do
  # dpkg-query prints "install ok installed" only for packages that are fully installed.
  if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-deps: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null; then
  as_root=(sudo)
else
  echo "setup-deps: missing packages (${missing[*]}) and neither root nor sudo is available" >&2
  exit 1
fi

echo "setup-deps: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
