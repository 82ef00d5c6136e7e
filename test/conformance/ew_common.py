"""Helpers shared by the elementwise conformance tests (test_elementwise*.py).

`check` runs an op in torch and in tsi on the same arguments: when torch
raises, tsi must raise too, with torch's message (its first line); otherwise
dtype, shape and values must match (conftest.assert_same).
"""
import pytest
import torch
import torch.nn.functional as F

from conftest import KernelError, assert_same

# Every binary op tsi has, with the torch call that defines it.
BINARY = {
    "add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div,
    "div_trunc": lambda a, b: torch.div(a, b, rounding_mode="trunc"),
    "div_floor": lambda a, b: torch.div(a, b, rounding_mode="floor"),
    "floor_divide": torch.floor_divide, "remainder": torch.remainder, "fmod": torch.fmod,
    "pow": torch.pow, "maximum": torch.maximum, "minimum": torch.minimum,
    "atan2": torch.atan2, "eq": torch.eq, "ne": torch.ne, "lt": torch.lt, "le": torch.le,
    "gt": torch.gt, "ge": torch.ge, "logical_and": torch.logical_and,
    "logical_or": torch.logical_or, "logical_xor": torch.logical_xor,
    "bitwise_and": torch.bitwise_and, "bitwise_or": torch.bitwise_or,
    "bitwise_xor": torch.bitwise_xor,
}
# torch's Python bindings take a number as the second operand for these.
SCALAR_OK = ["add", "sub", "mul", "div", "div_trunc", "div_floor", "floor_divide", "remainder",
             "fmod", "pow", "eq", "ne", "lt", "le", "gt", "ge", "bitwise_and", "bitwise_or",
             "bitwise_xor"]
# ... and these as the first operand (Python's reflected operators).
RSCALAR = {
    "add": lambda s, t: s + t, "sub": lambda s, t: s - t, "mul": lambda s, t: s * t,
    "div": lambda s, t: s / t, "floor_divide": lambda s, t: s // t,
    "remainder": lambda s, t: s % t, "pow": lambda s, t: s ** t,
    "lt": lambda s, t: s < t, "eq": lambda s, t: s == t,
    "bitwise_and": lambda s, t: s & t,
}
# Inplace counterparts (torch.Tensor methods).
INPLACE = {
    "add": "add_", "sub": "sub_", "mul": "mul_", "div": "div_", "floor_divide": "floor_divide_",
    "remainder": "remainder_", "fmod": "fmod_", "pow": "pow_", "atan2": "atan2_", "eq": "eq_",
    "lt": "lt_", "ge": "ge_", "logical_and": "logical_and_", "logical_xor": "logical_xor_",
    "bitwise_or": "bitwise_or_",
}
DIVISIONS = ["div_trunc", "div_floor", "floor_divide", "remainder", "fmod"]

UNARY = {
    "neg": torch.neg, "abs": torch.abs, "exp": torch.exp, "log": torch.log, "log2": torch.log2,
    "log10": torch.log10, "log1p": torch.log1p, "expm1": torch.expm1, "sqrt": torch.sqrt,
    "rsqrt": torch.rsqrt, "sin": torch.sin, "cos": torch.cos, "tan": torch.tan,
    "tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu, "erf": torch.erf,
    "floor": torch.floor, "ceil": torch.ceil, "round": torch.round, "trunc": torch.trunc,
    "sign": torch.sign, "reciprocal": torch.reciprocal, "logical_not": torch.logical_not,
    "bitwise_not": torch.bitwise_not, "isnan": torch.isnan, "silu": F.silu, "gelu": F.gelu,
    "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"), "hardsigmoid": F.hardsigmoid,
    "hardswish": F.hardswish, "mish": F.mish,
}
UNARY_INPLACE = {
    "neg": torch.Tensor.neg_, "abs": torch.Tensor.abs_, "exp": torch.Tensor.exp_,
    "sqrt": torch.Tensor.sqrt_, "sigmoid": torch.Tensor.sigmoid_, "relu": torch.relu_,
    "floor": torch.Tensor.floor_, "round": torch.Tensor.round_, "sign": torch.Tensor.sign_,
    "reciprocal": torch.Tensor.reciprocal_, "logical_not": torch.Tensor.logical_not_,
    "bitwise_not": torch.Tensor.bitwise_not_, "silu": lambda x: F.silu(x, inplace=True),
    "hardswish": lambda x: F.hardswish(x, inplace=True), "tanh": torch.Tensor.tanh_,
}


def torch_error(fn):
    """Run fn; return (result, None) or (None, message of torch's error)."""
    try:
        return fn(), None
    except RuntimeError as e:
        return None, str(e).split("\n")[0]


def check(drv, torch_fn, op, *args, rtol=1e-5, atol=1e-6, msg=True):
    """Compare tsi's `op(*args)` with torch_fn() (errors included).

    Returns torch's result (None when it raised)."""
    expected, err = torch_error(torch_fn)
    if err is not None:
        with pytest.raises(KernelError) as ki:
            drv.run(op, *args)
        if msg:
            assert str(ki.value) == "error: " + err, f"{ki.value} != torch: {err}"
        return None
    got = drv.run(op, *args)
    assert_same(got, expected, rtol=rtol, atol=atol)
    return expected


def check_strides(drv, expected, op, *args):
    """tsi's result of op(*args) has torch's values and torch's strides."""
    got, strides = drv.run("strides", op, *args, nout=2)
    assert_same(got, expected)
    assert tuple(strides.tolist()) == expected.stride(), \
        f"strides {tuple(strides.tolist())} != torch's {expected.stride()}"


def nonzero(t):
    """t with zeros replaced by ones (divisors for integer division)."""
    if t.dtype == torch.bool:
        return torch.ones_like(t)
    return torch.where(t == 0, torch.ones_like(t), t)
