#!/bin/sh
# Install every Debian package that building, the demo and the tests need.
# Safe to run repeatedly: packages already present are skipped.
set -eu

PACKAGES="meson ninja-build gcc clang llvm libclang-rt-14-dev pkg-config \
libzip-dev libopenblas-dev libcmocka-dev zip unzip \
python3 python3-numpy python3-pytest python3-torch python3-torchvision libtorch-dev"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
if [ -z "$missing" ]; then
    exit 0
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then
    SUDO="sudo"
fi
echo "setup: installing:$missing"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
