"""Malformed textual IR: `tsi graph` exits 1 with "file:line:col: error:
message", the source line and a caret line. The expected messages are
tsi's own, kept as golden files beside the inputs (test/ir/bad/NAME.ir and
NAME.expected). Usage errors exit 2."""
import os
import subprocess

import pytest

from conftest import TSI

SRC = os.environ.get("TSI_SOURCE_DIR") or os.path.join(os.path.dirname(__file__), "..", "..")
BAD = os.path.join(SRC, "test", "ir", "bad")
CASES = sorted(f[:-3] for f in os.listdir(BAD) if f.endswith(".ir"))


def run(*args, cwd=None):
    return subprocess.run([TSI, "graph", *args], capture_output=True, cwd=cwd, timeout=60)


@pytest.mark.parametrize("name", CASES)
def test_golden_message(name):
    with open(os.path.join(BAD, name + ".expected"), "rb") as f:
        want = f.read()
    r = run(name + ".ir", cwd=BAD)
    assert r.returncode == 1, r.stderr
    assert r.stdout == b""
    assert r.stderr == want
    first = want.decode().splitlines()[0]
    assert first.startswith(name + ".ir:") and ": error: " in first
    assert want.decode().splitlines()[-1].lstrip().startswith("^")


def test_every_case_has_expected_file():
    for name in CASES:
        assert os.path.exists(os.path.join(BAD, name + ".expected")), name


def test_missing_file(tmp_path):
    r = run(str(tmp_path / "nope.ir"))
    assert r.returncode == 1
    assert b"cannot open" in r.stderr


@pytest.mark.parametrize("args", [[], ["a.ir", "b.ir"], ["--bogus", "a.ir"]])
def test_usage_errors(args):
    r = run(*args)
    assert r.returncode == 2
    assert b"usage: tsi graph" in r.stderr


def test_help():
    r = run("--help")
    assert r.returncode == 0
    assert b"usage: tsi graph" in r.stdout


def test_archive_not_yet(tmp_path):
    p = tmp_path / "m.pt"
    p.write_bytes(b"PK\x03\x04" + b"\0" * 40)
    r = run(str(p))
    assert r.returncode == 1
    assert b"not supported" in r.stderr
