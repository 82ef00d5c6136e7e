#!/bin/sh
# Set up, build and run every test: the normal build, then the sanitizer
# build (AddressSanitizer + UndefinedBehaviorSanitizer) on the same suite.
set -eu
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh build
meson test -C build --print-errorlogs --num-processes 2
./scripts/build.sh build-asan -Db_sanitize=address,undefined -Db_lundef=false --buildtype=debug
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    meson test -C build-asan --print-errorlogs --num-processes 2 --timeout-multiplier 4
echo "all tests passed"
