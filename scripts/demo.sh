#!/bin/sh
# Set up, build and run the demo.
set -eu
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh build
exec ./examples/demo.sh build
