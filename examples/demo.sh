#!/bin/sh
# The demo: what tsi does today, on inputs torch makes.
#   1. read a .pt archive (torch.jit.save of a small conv net) and describe it;
#   2. print a graph torch wrote as text IR, as torch prints it;
#   3. run that graph and compare the answer with torch's.
set -eu
build=${1:-build}
tsi="$build/tools/tsi"
work="$build/demo"
mkdir -p "$work"
expected=$(/usr/bin/python3 "$(dirname "$0")/demo/make_demo.py" "$work")

echo "== tsi info $work/tinynet.pt"
"$tsi" info "$work/tinynet.pt"
echo
echo "== tsi graph $work/collatz.ir"
"$tsi" graph "$work/collatz.ir"
echo
echo "== tsi run $work/collatz.ir 27"
got=$("$tsi" run "$work/collatz.ir" 27)
echo "$got   (torch says $expected)"
[ "$got" = "$expected" ] || { echo "demo: tsi and torch disagree" >&2; exit 1; }
