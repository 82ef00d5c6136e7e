"""The textual IR round trip against torch: `tsi graph` reads what torch's
str(graph) prints and prints it back byte for byte.

The corpus is made by tools/gen_ir_corpus.py with the installed torch
(scripted functions and modules across the language, their inlined graphs,
graphs after standard passes and frozen graphs). torch's text carries
` # file:line:col` source comments; tsi does not keep source locations of
parsed text, so comments are stripped from torch's text before comparing
(the parser skips them). Object constants print their address
(`object(0x...)`), which is normalised on both sides.
"""
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

import pytest
import torch

from conftest import TSI

SRC = os.environ.get("TSI_SOURCE_DIR") or os.path.join(os.path.dirname(__file__), "..", "..")
GEN = os.path.join(SRC, "tools", "gen_ir_corpus.py")

_COMMENT = re.compile(r" # [^\n]*:\d+:\d+$", re.M)
_OBJECT = re.compile(r"object\(0x[0-9a-fA-F]+\)")


def normalise(text):
    return _OBJECT.sub("object(0x)", _COMMENT.sub("", text))


def _make_corpus():
    d = tempfile.mkdtemp(prefix="tsi_ir_corpus_")
    r = subprocess.run([sys.executable, GEN, d], capture_output=True, text=True, timeout=900)
    if r.returncode != 0:
        raise RuntimeError("corpus generator failed:\n" + r.stderr)
    return d


CORPUS = _make_corpus()
FILES = sorted(f for f in os.listdir(CORPUS) if f.endswith(".ir"))


def teardown_module(module):
    shutil.rmtree(CORPUS, ignore_errors=True)


def tsi_graph(path):
    return subprocess.run([TSI, "graph", path], capture_output=True, text=True, timeout=120)


def check_roundtrip(path):
    with open(path) as f:
        want = normalise(f.read())
    r = tsi_graph(path)
    assert r.returncode == 0, r.stderr
    assert normalise(r.stdout) == want


def test_corpus_size():
    assert len(FILES) >= 200, f"only {len(FILES)} graphs in the corpus"


@pytest.mark.parametrize("name", FILES)
def test_roundtrip(name):
    check_roundtrip(os.path.join(CORPUS, name))


def test_printed_text_parses_again(tmp_path):
    """tsi's own output (comments gone) is a fixed point."""
    for name in FILES[::7]:
        r = tsi_graph(os.path.join(CORPUS, name))
        assert r.returncode == 0, r.stderr
        p = tmp_path / name
        p.write_text(r.stdout)
        r2 = tsi_graph(str(p))
        assert r2.returncode == 0, r2.stderr
        assert r2.stdout == r.stdout


# ------------------------------------------------------------------ floats

def _random_double(rng):
    e = rng.uniform(-323, 308)
    v = rng.choice([-1.0, 1.0]) * 10.0 ** e if e > -307 else 5e-324 * rng.randint(1, 10**6)
    if rng.random() < 0.25:
        v = float(round(v))
    return v


FLOAT_VALUES = [0.1, 1e-05, 1e16, 1e20, -0.0, float("inf"), float("-inf"), float("nan"),
                2.5e-310, 5e-324, 1.7976931348623157e308, 1e10, 9999999999.0, 1e17, 1e-7,
                123456789.0, 0.5, 2.0, -3.0, 1 / 3, 2 ** 0.5, 6.02214076e23]


@pytest.mark.parametrize("seed", range(4))
def test_float_constants(tmp_path, seed):
    """Float constants of all magnitudes, as torch prints them (IValue repr)."""
    rng = random.Random(seed)
    values = FLOAT_VALUES + [_random_double(rng) for _ in range(300)]
    g = torch._C.Graph()
    for v in values:
        g.insertConstant(v)
    g.insertConstant(values[:20])
    g.insertConstant(tuple(values[20:40]))
    g.insertConstant(complex(values[41], values[42]))
    p = tmp_path / "floats.ir"
    p.write_text(str(g))
    check_roundtrip(str(p))


def _random_tensor(rng):
    ndim = rng.choice([0, 1, 1, 2, 2, 3, 4])
    shape, n = [], 1
    for _ in range(ndim):
        s = rng.randint(1, 4)
        if n * s > 10:
            s = 1
        shape.append(s)
        n *= s
    if ndim and rng.random() < 0.05:
        shape[rng.randrange(ndim)] = 0
    dt = rng.choice([torch.float32, torch.float32, torch.float64, torch.float16, torch.bfloat16,
                     torch.int64, torch.int32, torch.int8, torch.uint8, torch.bool])
    gen = torch.Generator().manual_seed(rng.randrange(2**31))
    if dt.is_floating_point:
        lo = rng.uniform(-12, 12)
        hi = lo + rng.uniform(0, 8)
        mag = 10 ** (torch.rand(shape, generator=gen, dtype=torch.float64) * (hi - lo) + lo)
        t = (torch.rand(shape, generator=gen, dtype=torch.float64) * 2 - 1) * mag
        mode = rng.random()
        if mode < 0.2:
            t = t.round()
        if mode > 0.9 and t.numel():
            t.view(-1)[0] = rng.choice([float("inf"), float("-inf"), float("nan"), 0.0, -0.0])
        t = t.to(dt)
    elif dt == torch.bool:
        t = torch.randint(0, 2, shape, generator=gen).bool()
    else:
        hi = {torch.uint8: 255, torch.int8: 127}.get(dt, 10 ** rng.randint(1, 12))
        lo = 0 if dt == torch.uint8 else -hi
        t = torch.randint(lo, hi, shape, generator=gen, dtype=torch.int64).to(dt)
    if t.dim() >= 2 and rng.random() < 0.2:
        t = t.transpose(0, 1)
    return t


@pytest.mark.parametrize("seed", range(6))
def test_tensor_constants(tmp_path, seed):
    """Tensor constants in all three printed forms ({v}, aten's inline text,
    <Tensor>), across dtypes, ranks, layouts and magnitudes."""
    rng = random.Random(1000 + seed)
    g = torch._C.Graph()
    for _ in range(150):
        g.insertConstant(_random_tensor(rng))
    g.insertConstant(torch.zeros(3, 5))  # <Tensor>
    g.insertConstant((torch.ones(2), 3))
    p = tmp_path / "tensors.ir"
    p.write_text(str(g))
    check_roundtrip(str(p))


def test_type_forms(tmp_path):
    """Every way torch prints a type (IR form), made with torch's type API."""
    C = torch._C
    T = C.TensorType
    I, F, S = C.IntType.get(), C.FloatType.get(), C.StringType.get()
    types = [
        T.get(), T.get().with_dtype(torch.float), T.get().with_sizes([2, 3]),
        T.get().with_dtype(torch.float).with_sizes([]),
        T.create_from_tensor(torch.zeros(2)).with_sizes([None, 3]),
        T.get().with_dtype(torch.complex64).with_sizes([2]),
        T.create_from_tensor(torch.zeros(2)).with_dtype(torch.qint8),
        T.create_from_tensor(torch.zeros(2, 3).t()), T.create_from_tensor(torch.zeros([])),
        T.create_from_tensor(torch.zeros(2, dtype=torch.bfloat16).requires_grad_()),
        C.ListType(I), C.OptionalType(C.ListType(C.OptionalType(T.get()))),
        C.DictType(S, C.TupleType([I, T.get()])), C.DictType(I, C.ListType(F)),
        C.TupleType([]), C.TupleType([C.TupleType([I]), C.OptionalType(S)]),
        C.UnionType([I, S, C.NoneType.get()]), C.UnionType([I, F, C.ComplexType.get()]),
        C.UnionType([I, F, C.ComplexType.get(), S]), C.UnionType([C.ListType(I), S]),
        C.FutureType(C.ListType(I)), C.RRefType(I), C.NumberType.get(), C.DeviceObjType.get(),
        C.StreamObjType.get(), C.AnyType.get(), C.NoneType.get(), C.BoolType.get(),
        C.ComplexType.get(), C.OptionalType(C.NumberType.get()), F, S,
    ]
    g = C.Graph()
    for ty in types:
        g.addInput().setType(ty)
    p = tmp_path / "types.ir"
    p.write_text(str(g))
    check_roundtrip(str(p))
