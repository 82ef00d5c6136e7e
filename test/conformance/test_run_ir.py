"""`tsi run` on text-IR graphs made by torch: results equal torch's, errors
are TorchScript tracebacks with exit 1, usage errors exit 2; -o writes
result.json; the example program (public C API only) runs the same way."""
import json
import os
import subprocess
import sys

import pytest
import torch

from conftest import BUILD, TSI

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "corpus"))
from lang_functions import CASES  # noqa: E402

RUN_MODEL = os.path.join(BUILD, "examples", "run_model")


def literal(v):
    """A Python value as a tsi argument literal (repr is Python syntax)."""
    return repr(v)


def torch_result(fn, args):
    try:
        return ("ok", fn(*args))
    except Exception as e:  # torch.jit.Error or RuntimeError
        return ("error", str(e))


def jsonable(v):
    """torch's result in result.json's form: tuples as lists."""
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    return v


def ir_file(tmp_path, src):
    cu = torch.jit.CompilationUnit(src)
    path = tmp_path / "f.ir"
    path.write_text(str(cu.f.graph))
    return cu.f, path


@pytest.mark.parametrize("index", range(len(CASES)))
def test_language_function(tmp_path, index):
    src, calls = CASES[index]
    fn, path = ir_file(tmp_path, src)
    for args in calls:
        kind, expected = torch_result(fn, args)
        out = tmp_path / "out"
        r = subprocess.run([TSI, "run", str(path), "-o", str(out)] + [literal(a) for a in args],
                           capture_output=True, text=True, timeout=60)
        if kind == "error":
            assert r.returncode == 1, (args, r.stdout, r.stderr)
            assert "Traceback of TorchScript" in r.stderr
            # the final line names the exception as torch's does
            assert expected.strip().splitlines()[-1] in r.stderr, (expected, r.stderr)
            continue
        assert r.returncode == 0, (args, r.stderr)
        got = json.loads((out / "result.json").read_text())
        assert got == jsonable(expected), (args, got, expected)


def test_usage_errors(tmp_path):
    fn, path = ir_file(tmp_path, CASES[0][0])
    for argv in (["run"], ["run", str(path), "1"], ["run", str(path), "1", "'x'"],
                 ["run", str(path), "1", "2", "--runs", "0"], ["run", str(path), "[1,"]):
        r = subprocess.run([TSI] + argv, capture_output=True, text=True)
        assert r.returncode == 2, (argv, r.stderr)
        assert r.stderr.strip()


def test_model_errors(tmp_path):
    bad = tmp_path / "bad.ir"
    bad.write_text("graph(%x : int):\n  return (%y)\n")
    r = subprocess.run([TSI, "run", str(bad), "1"], capture_output=True, text=True)
    assert r.returncode == 1 and "bad.ir:2" in r.stderr
    r = subprocess.run([TSI, "run", str(tmp_path / "missing.ir")], capture_output=True, text=True)
    assert r.returncode == 1 and "missing.ir" in r.stderr


def test_example_program(tmp_path):
    src, calls = CASES[8]
    fn, path = ir_file(tmp_path, src)
    args = calls[0]
    r = subprocess.run([RUN_MODEL, str(path)] + [literal(a) for a in args],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    tsi_text = subprocess.run([TSI, "run", str(path)] + [literal(a) for a in args],
                              capture_output=True, text=True).stdout
    assert r.stdout == tsi_text
    r = subprocess.run([RUN_MODEL, str(path), "1"], capture_output=True, text=True)
    assert r.returncode == 1 and "takes 2 arguments" in r.stderr
