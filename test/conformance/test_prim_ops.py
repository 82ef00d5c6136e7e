"""Conformance of the non-tensor operators (numbers, strings, lists, dicts,
printing) against torch 1.13.

Every expected value comes from torch in this process:
  - ops whose arguments are concrete types (int, float, str, int[], ...) are
    called through torch.ops.<ns>.<op>.<overload>, which runs exactly the
    registered operator the TorchScript interpreter runs for that overload;
  - generic ops (t[], Dict(k, t), str(), format(), hash()) are run inside
    small TorchScript functions compiled with torch.jit.CompilationUnit; the
    test checks the compiled graph really calls the overload under test, and
    the functions return mutated containers so in-place effects compare too.
tsi runs the same overload by name through test/opdriver, many cases per
process (`opdriver -f`), and prints Python expressions that are eval'ed
back. Errors compare by message; cases where torch itself crashes (SIGFPE
on integer % 0) are not run in torch and only checked to fail cleanly.
"""
import math
import os
import subprocess
import sys
from typing import Dict, List, Optional, Tuple  # noqa: F401 (TorchScript sources)

import numpy as np
import pytest
import torch

from conftest import BUILD

OPDRIVER = os.path.join(BUILD, "test", "opdriver")

INT64_MIN = -2**63
INT64_MAX = 2**63 - 1

# ------------------------------------------------------------------ helpers


class T:
    """A tensor as opdriver prints it: T('dtype', [sizes], [flat values])."""

    def __init__(self, dtype, sizes, values):
        self.dtype, self.sizes, self.values = dtype, list(sizes), list(values)

    def __repr__(self):
        return f"T({self.dtype!r}, {self.sizes}, {self.values})"


def device(s):
    return ("device", s)


EVAL_NS = {"nan": float("nan"), "inf": float("inf"), "T": T, "device": device,
           "complex": complex}

_npy_counter = [0]


def save_tensor(tmp_path, t):
    _npy_counter[0] += 1
    p = str(tmp_path / f"t{_npy_counter[0]}.npy")
    np.save(p, t.detach().contiguous().numpy())
    return p


def lit(v, tmp_path=None):
    """A Python value as an opdriver literal (one line, no tabs)."""
    if v is None or isinstance(v, bool):
        return repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, complex):
        return f"complex({v.real!r}, {v.imag!r})"
    if isinstance(v, str):
        out = ["'"]
        for ch in v:
            out.append({"\\": "\\\\", "'": "\\'", "\n": "\\n", "\t": "\\t", "\r": "\\r",
                        "\0": "\\0"}.get(ch, ch))
        out.append("'")
        return "".join(out)
    if isinstance(v, list):
        return "[" + ", ".join(lit(x, tmp_path) for x in v) + "]"
    if isinstance(v, tuple):
        inner = ", ".join(lit(x, tmp_path) for x in v)
        return "(" + inner + ("," if len(v) == 1 else "") + ")"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{lit(k, tmp_path)}: {lit(x, tmp_path)}" for k, x in v.items()) + "}"
    if isinstance(v, torch.Tensor):
        return "@" + save_tensor(tmp_path, v)
    if isinstance(v, Typed):
        return f"<{v.type}>" + lit(v.value, tmp_path)
    raise TypeError(f"no literal for {type(v)}")


class Typed:
    """An argument with an explicit schema type for opdriver (e.g. empty containers)."""

    def __init__(self, type_, value):
        self.type, self.value = type_, value


def untyped(v):
    return v.value if isinstance(v, Typed) else v


def run_opdriver(tmp_path, calls):
    """calls: [(opname, [args])] -> one result tuple per call."""
    _npy_counter[0] += 1
    path = tmp_path / f"cases{_npy_counter[0]}.txt"
    lines = []
    for op, args in calls:
        lines.append("\t".join([op] + [lit(a, tmp_path) for a in args]))
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8", "surrogateescape"))
    r = subprocess.run([OPDRIVER, "-f", str(path)], capture_output=True, timeout=600)
    assert r.returncode == 0, f"opdriver failed ({r.returncode}): {r.stderr.decode()[-2000:]}"
    out = r.stdout.decode("utf-8", "surrogateescape").splitlines()
    assert len(out) == len(calls), f"{len(out)} results for {len(calls)} calls"
    return [eval(line, dict(EVAL_NS)) for line in out]


def err_text(e):
    """torch's message: the last line of a TorchScript traceback, without the class."""
    s = str(e).strip()
    if "Traceback of TorchScript" in s or "The following operation failed" in s:
        s = s.splitlines()[-1]
        for prefix in ("RuntimeError: ", "builtins.RuntimeError: "):
            if s.startswith(prefix):
                s = s[len(prefix):]
    return s


def norm(v):
    """torch's Python results in opdriver's printed form."""
    if isinstance(v, torch.Tensor):
        return T(str(v.dtype).replace("torch.", ""), v.shape, v.flatten().tolist())
    if isinstance(v, torch.device):
        return ("device", str(v))
    if isinstance(v, list):
        return [norm(x) for x in v]
    if isinstance(v, tuple):
        return tuple(norm(x) for x in v)
    if isinstance(v, dict):
        return {norm(k): norm(x) for k, x in v.items()}
    return v


def same(a, b, rel=0.0):
    """Exact equality (NaN == NaN, -0.0 != 0.0, int != float), with an
    optional relative tolerance for floats and complex."""
    if isinstance(a, T) and isinstance(b, T):
        return a.dtype == b.dtype and a.sizes == b.sizes and same(a.values, b.values, rel)
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        if a == b:
            return math.copysign(1, a) == math.copysign(1, b)
        return rel > 0 and abs(a - b) <= rel * max(abs(a), abs(b))
    if isinstance(a, complex):
        return same(a.real, b.real, rel) and same(a.imag, b.imag, rel)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y, rel) for x, y in zip(a, b))
    if isinstance(a, dict):
        return (len(a) == len(b) and all(same(x, y) for x, y in zip(a.keys(), b.keys()))
                and all(same(x, y, rel) for x, y in zip(a.values(), b.values())))
    return a == b


def op_callable(name):
    """torch.ops.aten.add.int for 'aten::add.int' (the '' overload is .default)."""
    ns, rest = name.split("::")
    base, _, ov = rest.partition(".")
    return getattr(getattr(getattr(torch.ops, ns), base), ov or "default")


_nrets_cache = {}


def n_returns(name):
    if name not in _nrets_cache:
        base, _, ov = name.partition(".")
        s = [s for s in torch._C._jit_get_schemas_for_operator(base) if s.overload_name == ov]
        _nrets_cache[name] = len(s[0].returns)
    return _nrets_cache[name]


class Checker:
    """Collects (op, args, expected) cases, runs them through opdriver in
    one batch and reports every mismatch."""

    def __init__(self, tmp_path, rel=0.0):
        self.tmp_path = tmp_path
        self.rel = rel
        self.cases = []  # (op, args, expected, rel, label)

    def expect(self, op, args, expected, rel=None, label=""):
        """expected: ('ok', [outs], [args after] or None) or ('err', msg or None)."""
        self.cases.append((op, args, expected, self.rel if rel is None else rel, label))

    def torch_op(self, op, *args, rel=None, check_args=False):
        """Expected value from torch.ops for a call with concrete types."""
        f = op_callable(op)
        try:
            r = f(*[untyped(a) for a in args])
        except UnicodeDecodeError:
            # torch made a str that is not UTF-8: only check tsi agrees it is not
            self.expect(op, list(args), ("nonutf8",), rel)
            return
        except Exception as e:  # noqa: BLE001 (torch raises several classes)
            self.expect(op, list(args), ("err", err_text(e)), rel)
            return
        outs = list(r) if n_returns(op) > 1 else ([] if n_returns(op) == 0 else [r])
        self.expect(op, list(args), ("ok", norm(outs), None), rel)

    def run(self):
        results = run_opdriver(self.tmp_path, [(op, args) for op, args, _, _, _ in self.cases])
        bad = []
        for (op, args, exp, rel, label), got in zip(self.cases, results):
            shown = f"{op}{tuple(untyped(a) for a in args)!r} {label}"
            if exp[0] == "nonutf8":
                if got[0] != "ok" or not any("\udc80" <= ch <= "\udcff" for ch in repr(got[1])):
                    bad.append(f"{shown}: torch gave non-UTF-8 text, tsi gave {got!r}")
                continue
            if exp[0] == "err":
                if got[0] != "err":
                    bad.append(f"{shown}: torch raised {exp[1]!r}, tsi returned {got[1]!r}")
                elif exp[1] is not None and got[1] != exp[1]:
                    bad.append(f"{shown}: error {got[1]!r} != torch's {exp[1]!r}")
                continue
            if got[0] != "ok":
                bad.append(f"{shown}: tsi raised {got[1]!r}, torch returned {exp[1]!r}")
                continue
            if not same(got[1], exp[1], rel):
                bad.append(f"{shown}: {got[1]!r} != torch's {exp[1]!r}")
            elif exp[2] is not None and not same(got[2], exp[2], rel):
                bad.append(f"{shown}: arguments after the call {got[2]!r} != torch's {exp[2]!r}")
        assert not bad, f"{len(bad)} of {len(self.cases)} cases differ:\n" + "\n".join(bad[:60])
        return len(self.cases)


@pytest.fixture
def chk(tmp_path):
    return Checker(tmp_path)


# ------------------------------------------------------------ TorchScript


def script(src):
    return torch.jit.CompilationUnit(src)


def uses_overload(fn, op):
    """Does the scripted function's graph call exactly this overload?"""
    base, _, ov = op.partition(".")
    for n in fn.graph.nodes():
        if n.kind() == base:
            try:
                s = n.schema()
            except RuntimeError:
                continue
            name = s.split("(")[0]
            if name == op or (not ov and name == base):
                return True
    return False


def ts_expect(chk, fn, op, args, mutated=(), rel=None, label=""):
    """Expected value from a scripted function calling `op`: it returns the
    op's result, or (result, *mutated containers) when `mutated` lists the
    argument positions changed in place; with result=None for ops that
    return nothing."""
    assert uses_overload(fn, op), f"{fn.name} does not call {op}:\n{fn.graph}"
    try:
        r = fn(*[untyped(a) for a in args])
    except UnicodeDecodeError:
        chk.expect(op, list(args), ("nonutf8",), rel, label)
        return
    except Exception as e:  # noqa: BLE001
        chk.expect(op, list(args), ("err", err_text(e)), rel, label)
        return
    after = None
    if mutated:
        r, *containers = r
        after = [untyped(a) for a in args]
        for pos, value in zip(mutated, containers):
            after[pos] = value
        after = norm(after)
    nret = n_returns(op)
    outs = [] if nret == 0 else (list(r) if nret > 1 else [r])
    chk.expect(op, list(args), ("ok", norm(outs), after), rel, label)


# ================================================================= numbers

INTS = [0, 1, -1, 2, -3, 7, -7, 13, 2**31, -2**31 - 1, 2**62, INT64_MAX, INT64_MIN]
FLOATS = [0.0, -0.0, 0.5, -1.5, 2.0, 7.25, -7.0, 1e-5, 1e20, 1e300, 2.5e-310,
          float("inf"), float("-inf"), float("nan")]
SMALL_FLOATS = [0.0, -0.0, 0.5, -1.5, 2.0, -7.0, 1e-5, 1e20, float("inf"), float("nan")]
COMPLEX = [0j, 1 + 2j, -1.5 + 0.5j, 3 - 4j, complex(0, -0.0), complex(float("inf"), 1)]


def pairs(xs, ys):
    return [(x, y) for x in xs for y in ys]


def traps(op, a, b):
    """Integer cases on which torch's C++ executes a trapping division
    (x % 0, INT64_MIN / -1): running them would kill the test process."""
    if not (isinstance(a, int) and isinstance(b, int)):
        return False
    name = op.split(".")[0]
    if name not in ("aten::floordiv", "aten::remainder", "aten::divmod", "aten::gcd",
                    "aten::__round_to_zero_floordiv"):
        return False
    if (a, b) in ((INT64_MIN, -1), (-1, INT64_MIN)):
        return True
    return b == 0 and name in ("aten::remainder", "aten::__round_to_zero_floordiv")


def mixed_pairs():
    """(overload suffix, pairs) for the int/float/int_float/float_int/Scalar overloads."""
    return [
        ("int", pairs(INTS, INTS)),
        ("float", pairs(FLOATS, FLOATS)),
        ("int_float", pairs(INTS, SMALL_FLOATS)),
        ("float_int", pairs(SMALL_FLOATS, INTS)),
    ]


def scalar_pairs():
    return pairs(INTS[:9], INTS[:9]) + pairs(SMALL_FLOATS, INTS[:9]) + \
        pairs(INTS[:9], SMALL_FLOATS) + pairs(SMALL_FLOATS, SMALL_FLOATS)


BINARY_MIXED = ["aten::add", "aten::sub", "aten::mul", "aten::floordiv", "aten::remainder",
                "aten::pow", "prim::min", "prim::max", "aten::lt", "aten::le", "aten::gt",
                "aten::ge", "aten::eq", "aten::ne", "aten::atan2", "aten::copysign",
                "aten::fmod", "aten::mathremainder", "aten::polar"]
SCALAR_OVERLOAD = {"aten::pow": "Scalar_Scalar", "aten::atan2": "Scalar_Scalar",
                   "aten::polar": "Scalar_Scalar"}


@pytest.mark.parametrize("base", BINARY_MIXED)
def test_binary_numbers(chk, base):
    for ov, ps in mixed_pairs():
        op = f"{base}.{ov}"
        for a, b in ps:
            if traps(op, a, b):
                continue
            chk.torch_op(op, a, b)
    scalar = SCALAR_OVERLOAD.get(base, "")
    op = f"{base}.{scalar}" if scalar else base
    for a, b in scalar_pairs():
        if not traps(op, a, b):
            chk.torch_op(op, a, b)
    chk.run()


def test_division_and_misc_binary(chk):
    for op in ["aten::div.int", "aten::divmod.int", "aten::gcd.int", "aten::__and__.int",
               "aten::__or__.int", "aten::__xor__.int", "aten::__round_to_zero_floordiv.int",
               "aten::log.int_int"]:
        for a, b in pairs(INTS, INTS):
            if not traps(op, a, b):
                chk.torch_op(op, a, b)
    for op in ["aten::div.float", "aten::divmod.float", "aten::log.float_float"]:
        for a, b in pairs(FLOATS, FLOATS):
            chk.torch_op(op, a, b)
    for op in ["aten::divmod.int_float", "aten::log.int_float"]:
        for a, b in pairs(INTS, SMALL_FLOATS):
            chk.torch_op(op, a, b)
    for op in ["aten::divmod.float_int", "aten::log.float_int"]:
        for a, b in pairs(SMALL_FLOATS, INTS):
            chk.torch_op(op, a, b)
    for a, b in scalar_pairs():
        chk.torch_op("aten::div", a, b)
        chk.torch_op("aten::log.Scalar_Scalar", a, b)
    for op in ["aten::__and__.bool", "aten::__or__.bool", "aten::__xor__.bool",
               "aten::eq.bool", "aten::ne.bool"]:
        for a, b in pairs([True, False], [True, False]):
            chk.torch_op(op, a, b)
    shifts = [0, 1, 3, 62, 63, 64, 65, 127, -1, -64]
    for op in ["aten::__lshift__.int", "aten::__rshift__.int"]:
        for a, b in pairs([0, 1, -1, 5, -8, 2**40, INT64_MIN, INT64_MAX], shifts):
            chk.torch_op(op, a, b)
    chk.run()


def test_integer_traps_fail_cleanly(tmp_path):
    """Where torch's C++ dies with SIGFPE, tsi reports an error (or wraps)."""
    res = run_opdriver(tmp_path, [("aten::remainder.int", [7, 0]),
                                  ("aten::remainder", [7, 0]),
                                  ("aten::__round_to_zero_floordiv.int", [7, 0]),
                                  ("aten::remainder.int", [INT64_MIN, -1]),
                                  ("aten::floordiv.int", [INT64_MIN, -1]),
                                  ("aten::divmod.int", [INT64_MIN, -1]),
                                  ("aten::gcd.int", [INT64_MIN, -1])])
    assert [r[0] for r in res[:3]] == ["err"] * 3
    assert all("ZeroDivisionError" in r[1] for r in res[:3])
    assert res[3][:2] == ("ok", [0])
    assert res[4][:2] == ("ok", [INT64_MIN])
    assert res[5][:2] == ("ok", [INT64_MIN, 0])
    assert res[6][:2] == ("ok", [1])


def test_complex_arithmetic(chk):
    chk.rel = 1e-12
    for base in ["aten::add", "aten::sub", "aten::mul", "aten::eq", "aten::ne"]:
        for a, b in pairs(COMPLEX, COMPLEX):
            chk.torch_op(f"{base}.complex", a, b)
        for a, b in pairs([0, 3, -2], COMPLEX):
            chk.torch_op(f"{base}.int_complex" if base not in ("aten::eq", "aten::ne")
                         else f"{base}.float_complex", a if base not in ("aten::eq", "aten::ne")
                         else float(a), b)
        for a, b in pairs(COMPLEX, [0.0, 2.5, -1.0]):
            chk.torch_op(f"{base}.complex_float", a, b)
    for a, b in pairs(COMPLEX, COMPLEX[:4]):
        chk.torch_op("aten::div.complex", a, b)
        chk.torch_op("aten::pow.complex", a, b)
        chk.torch_op("aten::log.complex_complex", a, b)
    for a in COMPLEX:
        chk.torch_op("aten::pow.complex_float", a, 2.0)
        chk.torch_op("aten::pow.float_complex", 2.0, a)
    chk.run()


UNARY_FLOAT_VALUED = ["aten::exp", "aten::log", "aten::log10", "aten::sqrt", "aten::acos",
                      "aten::asin", "aten::atan", "aten::cos", "aten::sin", "aten::tan",
                      "aten::cosh", "aten::sinh", "aten::tanh", "aten::acosh", "aten::asinh",
                      "aten::atanh", "aten::log1p", "aten::expm1", "aten::erf", "aten::erfc",
                      "aten::gamma", "aten::lgamma", "aten::fabs", "aten::degrees",
                      "aten::radians", "aten::round", "aten::angle", "aten::neg", "prim::abs",
                      "aten::floor", "aten::ceil"]
WITH_COMPLEX = {"aten::exp", "aten::log", "aten::log10", "aten::sqrt", "aten::acos",
                "aten::asin", "aten::atan", "aten::cos", "aten::sin", "aten::tan", "aten::cosh",
                "aten::sinh", "aten::tanh", "aten::acosh", "aten::asinh", "aten::atanh",
                "aten::angle", "aten::neg", "prim::abs"}
UNARY_FLOATS = FLOATS + [2.5, -0.5, 3.5, 0.49999999999999994, 1e10 + 0.5, 2**31 + 0.25,
                         -2**31 - 0.75, 1e19, -1e19, 170.5, 1.0, -1.0, 3.0]


@pytest.mark.parametrize("base", UNARY_FLOAT_VALUED)
def test_unary_math(chk, base):
    for a in INTS + [100, 171, -100]:
        chk.torch_op(f"{base}.int", a)
        chk.torch_op(f"{base}.Scalar", a)
    for a in UNARY_FLOATS:
        chk.torch_op(f"{base}.float", a)
        chk.torch_op(f"{base}.Scalar", a)
    if base in WITH_COMPLEX:
        for a in COMPLEX:
            chk.torch_op(f"{base}.complex", a, rel=1e-12)
            chk.torch_op(f"{base}.Scalar", a, rel=1e-6)
    chk.run()


def test_float_predicates_and_misc(chk):
    for op in ["aten::isnan", "aten::isinf", "aten::isfinite"]:
        for a in FLOATS:
            chk.torch_op(f"{op}.float", a)
        for a in COMPLEX + [complex(float("nan"), 0)]:
            chk.torch_op(f"{op}.complex", a)
    for a in list(range(-2, 70)) + [2**32 + 3, 2**31 - 1 - 2**31 + 100, 2**32 - 5]:
        if a < 10**5:
            chk.torch_op("aten::factorial.int", a)
    for a in UNARY_FLOATS:
        chk.torch_op("aten::modf", a)
        chk.torch_op("aten::frexp", a)
        for e in [0, 1, -3, 1100, -1100, 2**32 + 2]:
            chk.torch_op("aten::ldexp", a, e)
    for lo, hi, step in [(0, 10, 1), (0, 10, 3), (10, 0, -3), (5, 5, 1), (0, 10, -1),
                         (-5, 5, 2), (0, 10, 0), (INT64_MIN, INT64_MAX, 1), (3, -7, -2)]:
        chk.torch_op("aten::__range_length", lo, hi, step)
    for i, s, st in [(0, 0, 1), (3, 2, 5), (2, 10, -3), (2**62, 3, 4)]:
        chk.torch_op("aten::__derive_index", i, s, st)
    chk.run()


def test_conversions(chk, tmp_path):
    for a in [True, False]:
        chk.torch_op("aten::Int.bool", a)
        chk.torch_op("aten::Float.bool", a)
    for a in UNARY_FLOATS:
        chk.torch_op("aten::Int.float", a)
        chk.torch_op("aten::Int.Scalar", a)
        chk.torch_op("aten::Bool.float", a)
        chk.torch_op("aten::Float.Scalar", a)
        chk.torch_op("aten::Complex.Scalar", a)
    for a in INTS + [2**24 + 1, 2**53 + 1, -(2**53) - 3]:
        chk.torch_op("aten::Int.Scalar", a)
        chk.torch_op("aten::Float.int", a)
        chk.torch_op("aten::Float.Scalar", a)
        chk.torch_op("aten::Bool.int", a)
        chk.torch_op("aten::Complex.Scalar", a)
    for a in COMPLEX:
        chk.torch_op("aten::Float.Scalar", a)
        chk.torch_op("aten::Complex.Scalar", a)
    for s in ["0", "12", "-7", "+5", " 5", "\t7", "0005", "5 ", "1_000", "0x12", "", "abc",
              "12x", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
              "99999999999999999999", "١٢", "-", " "]:
        chk.torch_op("aten::Int.str", s)
    for s in ["0", "1.5", "-2.25e3", "1e5", " 2", "2.", ".5", "1e5x", "inf", "-inf", "nan",
              "infinity", "NaN", "1e400", "1e-310", "0x1.8p1", "", "abc", "1.5 ", "1,5",
              "nan(123)", "+.5e-2"]:
        chk.torch_op("aten::Float.str", s)
    for ov, a, b in [("int_int", 1, 2), ("float_float", 1.5, -2.0), ("int_float", 3, 0.5),
                     ("float_int", 0.25, -4), ("bool_bool", True, False), ("int_bool", 2, True),
                     ("bool_int", False, 7), ("float_bool", 1.5, True), ("bool_float", True, 2.5)]:
        chk.torch_op(f"aten::Complex.{ov}", a, b)
    tensors = [torch.tensor(2.7), torch.tensor(-2.7, dtype=torch.float64), torch.tensor(3),
               torch.tensor(True), torch.tensor(200, dtype=torch.uint8),
               torch.tensor(float("nan")), torch.tensor(1e30), torch.tensor([1, 2]),
               torch.tensor([5.5]), torch.zeros(0), torch.tensor(-7, dtype=torch.int32),
               torch.tensor([[0.0]]), torch.tensor(2**40)]
    for t in tensors:
        for op in ["aten::Int.Tensor", "aten::Float.Tensor", "aten::Bool.Tensor",
                   "aten::IntImplicit", "aten::FloatImplicit", "aten::ScalarImplicit"]:
            chk.torch_op(op, t)
    chk.torch_op("aten::Complex.Tensor_Tensor", torch.tensor(1.5), torch.tensor(-2))
    chk.torch_op("aten::Complex.Tensor_int", torch.tensor(1.5), 3)
    chk.torch_op("aten::Complex.float_Tensor", 0.5, torch.tensor(4.0))
    chk.run()


def test_hash(chk):
    fns = script('''
def h_int(a: int) -> int:
    return hash(a)
def h_float(a: float) -> int:
    return hash(a)
def h_str(a: str) -> int:
    return hash(a)
def h_bool(a: bool) -> int:
    return hash(a)
def h_tup(a: Tuple[int, str, float]) -> int:
    return hash(a)
def h_nested(a: Tuple[Tuple[int, int], str]) -> int:
    return hash(a)
''')
    for a in INTS:
        ts_expect(chk, fns.h_int, "aten::hash.generic", [a])
    for a in FLOATS:
        ts_expect(chk, fns.h_float, "aten::hash.generic", [a])
    for a in ["", "a", "abc", "hello world", "x" * 7, "y" * 8, "z" * 9, "é日本", "a\tb"]:
        ts_expect(chk, fns.h_str, "aten::hash.generic", [a])
    for a in [True, False]:
        ts_expect(chk, fns.h_bool, "aten::hash.generic", [a])
    for a in [(1, "a", 2.5), (0, "", 0.0), (-1, "xyz", float("nan"))]:
        ts_expect(chk, fns.h_tup, "aten::hash.generic", [a])
    ts_expect(chk, fns.h_nested, "aten::hash.generic", [((1, 2), "q")])
    chk.run()
