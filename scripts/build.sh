#!/bin/sh
# Configure (once) and build a tree. Usage: scripts/build.sh DIR [meson options...]
set -eu
dir=$1
shift
cd "$(dirname "$0")/.."
if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" -Dwerror=true "$@"
fi
meson compile -C "$dir"
