"""Unary elementwise kernels, the parameterised ones (clamp, hardtanh,
threshold, leaky_relu, elu, softplus) and where, against torch: all npy
dtypes (errors where torch errors, with torch's message), special values,
a dense sweep of the math functions, 0-d/empty/non-contiguous inputs and
the output layout, in-place and out= variants. Tolerances: rtol 1e-5 /
atol 1e-6, float16 results 1e-3 (conftest.assert_same)."""
import pytest
import torch
import torch.nn.functional as F

from conftest import NPY_DTYPES, Driver, KernelError, assert_same, make, noncontig
from ew_common import (BINARY, SCALAR_OK, UNARY, UNARY_INPLACE, check, check_strides,
                       torch_error)

UOPS = list(UNARY)
FLOATS = [torch.float32, torch.float64]


@pytest.fixture(scope="module")
def drv(tmp_path_factory):
    return Driver(tmp_path_factory.mktemp("elementwise_unary"))


@pytest.mark.parametrize("dtype", NPY_DTYPES, ids=str)
@pytest.mark.parametrize("op", UOPS)
def test_unary_dtypes(drv, op, dtype):
    t = make((3, 4), dtype, seed=1)
    check(drv, lambda: UNARY[op](t), "unary", op, t)


SPECIAL = [float("inf"), float("-inf"), float("nan"), -0.0, 0.0, 1.0, -1.0, 0.5, -0.5, 1.5,
           2.5, -2.5, 1e-30, -1e-30, 1e-3, -1e-3, 3e38, -3e38, 88.0, 89.0, -88.0, -104.0,
           710.0, 20.0, -20.0, 3.0, -3.0, 6.0]


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
@pytest.mark.parametrize("op", UOPS)
def test_unary_special_values(drv, op, dtype):
    t = torch.tensor(SPECIAL, dtype=dtype)
    if op == "log1p" and dtype == torch.float32:
        # torch 1.13's float32 log1p overflows to inf for x > ~1.7e38 (it
        # forms 1 + x); tsi gives the finite answer: compare with float64.
        assert torch.isinf(torch.log1p(torch.tensor([3e38]))).all()
        check(drv, lambda: torch.log1p(t.double()).float(), "unary", op, t)
        return
    check(drv, lambda: UNARY[op](t), "unary", op, t)


@pytest.mark.parametrize("dtype", FLOATS + [torch.float16], ids=str)
@pytest.mark.parametrize("op", UOPS)
def test_unary_sweep(drv, op, dtype):
    """A dense sweep over [-12, 12] (and a wide log-spaced one) catches
    formula differences that a handful of random values could miss."""
    t = torch.cat([torch.linspace(-12, 12, 1201, dtype=torch.float64),
                   torch.logspace(-6, 6, 200, dtype=torch.float64),
                   -torch.logspace(-6, 6, 200, dtype=torch.float64)]).to(dtype)
    check(drv, lambda: UNARY[op](t), "unary", op, t)


@pytest.mark.parametrize("shape", [(), (0,), (2, 0, 3), (1,), (1, 1, 1)], ids=str)
@pytest.mark.parametrize("op", ["exp", "neg", "logical_not", "floor", "gelu", "sign"])
def test_unary_shapes(drv, op, shape):
    for dtype in [torch.float32, torch.int64]:
        t = make(shape, dtype, seed=2)
        check(drv, lambda: UNARY[op](t), "unary", op, t)


@pytest.mark.parametrize("kind", ["strided", "permuted"])
@pytest.mark.parametrize("dtype", [torch.float32, torch.int32, torch.float16], ids=str)
@pytest.mark.parametrize("op", UOPS)
def test_unary_noncontiguous(drv, op, dtype, kind):
    t = noncontig(make((3, 4, 5), dtype, seed=3), kind)
    expected = check(drv, lambda: UNARY[op](t), "unary", op, t)
    if expected is not None:
        check_strides(drv, expected, "unary", op, t)


@pytest.mark.parametrize("layout", ["contiguous", "strided", "permuted"])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.int64, torch.uint8,
                                   torch.bool, torch.float16], ids=str)
@pytest.mark.parametrize("op", sorted(UNARY_INPLACE))
def test_unary_inplace(drv, op, dtype, layout):
    t = make((3, 4), dtype, seed=4)
    t = noncontig(t, layout) if layout != "contiguous" else t
    x = t.clone() if layout == "contiguous" else noncontig(t.clone(), layout)
    check(drv, lambda: UNARY_INPLACE[op](x), "unary_", op, t)


@pytest.mark.parametrize("out_dtype", [torch.float64, torch.float32, torch.int64, torch.float16,
                                       torch.bool], ids=str)
@pytest.mark.parametrize("op", ["exp", "abs", "logical_not", "sigmoid", "floor"])
def test_unary_out(drv, op, out_dtype):
    for dtype in [torch.int32, torch.float32]:
        t = make((2, 3), dtype, seed=5)
        out = torch.zeros((2, 3), dtype=out_dtype)
        check(drv, lambda: UNARY[op](t, out=out.clone()), "unary_out", op, t, out)
    p = make((3, 2), torch.float32, seed=6).t()  # a resized out follows the input layout
    expected = torch.exp(p, out=torch.empty(0))
    check_strides(drv, expected, "unary_out", "exp", p, torch.empty(0))


def test_unary_large_parallel(drv):
    t = make((300, 300), torch.float32, seed=7).t()
    expected = check(drv, lambda: torch.sigmoid(t), "unary", "sigmoid", t)
    check_strides(drv, expected, "unary", "sigmoid", t)
    i = make((700, 100), torch.int64, seed=8)
    check(drv, lambda: torch.abs(i), "unary", "abs", i)


# ----------------------------------------------------------------- clamp

N = None
NAN, INF = float("nan"), float("inf")
CLAMP_BOUNDS = [(0, 3), (0.5, N), (N, 2), (-1, 200), (-255, 1), (-256, 1), (2, 1), (-1.5, 2.5),
                (NAN, N), (N, NAN), (N, INF), (-INF, 0.0), (True, N), (N, True), (300, N),
                (1e300, N), (-2**63, 2**63 - 1), (1, 1e10), (N, N)]


@pytest.mark.parametrize("bounds", CLAMP_BOUNDS, ids=repr)
@pytest.mark.parametrize("dtype", NPY_DTYPES, ids=str)
def test_clamp_scalar(drv, dtype, bounds):
    lo, hi = bounds
    t = make((3, 4), dtype, seed=9)
    check(drv, lambda: torch.clamp(t, lo, hi), "clamp", t, lo, hi)


@pytest.mark.parametrize("bounds", [(0, 3), (0.5, N), (N, 2), (1, 0.5)], ids=repr)
@pytest.mark.parametrize("dtype", [torch.float32, torch.int64, torch.uint8, torch.bool,
                                   torch.int16, torch.float16], ids=str)
def test_clamp_scalar_inplace(drv, dtype, bounds):
    lo, hi = bounds
    t = noncontig(make((3, 4), dtype, seed=10), "permuted")
    check(drv, lambda: noncontig(t.clone(), "permuted").clamp_(lo, hi), "clamp_", t, lo, hi)


def test_clamp_special_values(drv):
    t = torch.tensor([NAN, -0.0, 0.0, INF, -INF, 1.0, -1.0])
    for lo, hi in [(0.0, 0.0), (-0.0, 0.5), (NAN, 1.0), (1.0, NAN), (-INF, INF), (0.5, -0.5)]:
        check(drv, lambda: torch.clamp(t, lo, hi), "clamp", t, lo, hi)
        got = drv.run("clamp", t, lo, hi)
        assert torch.equal(torch.signbit(got), torch.signbit(torch.clamp(t, lo, hi)))


CLAMP_TENSORS = [
    # (shape/dtype of t, of min or None, of max or None)
    (((3, 4), torch.float32), ((3, 4), torch.float32), ((3, 4), torch.float32)),
    (((3, 4), torch.float32), ((4,), torch.float32), None),
    (((3, 4), torch.float32), None, ((3, 1), torch.float64)),
    (((3, 4), torch.int64), ((), torch.float32), None),
    (((3, 4), torch.int8), ((4,), torch.int16), ((3, 1), torch.int8)),
    (((3, 1), torch.float32), ((1, 4), torch.float32), ((2, 1, 1), torch.float32)),
    (((3, 4), torch.bool), ((3, 4), torch.bool), None),
    (((3, 4), torch.bool), ((3, 4), torch.bool), ((3, 4), torch.bool)),
    (((3, 4), torch.float16), ((3, 4), torch.float16), None),
    (((3, 4), torch.float16), ((3, 4), torch.float16), ((3, 4), torch.float16)),
    (((3, 4), torch.float16), ((3, 4), torch.float32), ((3, 4), torch.float32)),
    (((3, 4), torch.uint8), ((3, 4), torch.int8), ((), torch.int64)),
    (((3, 4), torch.float32), None, None),
    (((3, 4), torch.float32), ((2, 4), torch.float32), None),
]


@pytest.mark.parametrize("case", range(len(CLAMP_TENSORS)))
def test_clamp_tensor(drv, case):
    spec = CLAMP_TENSORS[case]
    t, lo, hi = [make(s[0], s[1], seed=11 + k) if s else None for k, s in enumerate(spec)]
    check(drv, lambda: torch.clamp(t, lo, hi), "clamp", t, lo, hi)
    if lo is not None or hi is not None:
        check(drv, lambda: t.clone().clamp_(lo, hi), "clamp_", t, lo, hi)


def test_clamp_tensor_nan_and_layout(drv):
    t = torch.tensor([[NAN, 1.0, -0.0], [2.0, 0.0, -5.0]])
    lo = torch.tensor([0.0, NAN, 0.0])
    hi = torch.tensor([[1.0], [NAN]])
    check(drv, lambda: torch.clamp(t, lo, hi), "clamp", t, lo, hi)
    check(drv, lambda: torch.clamp(t, min=lo), "clamp", t, lo, None)
    p = make((4, 3), torch.float32).t()
    check_strides(drv, torch.clamp(p, torch.zeros(3, 4), torch.ones(4)), "clamp", p,
                  torch.zeros(3, 4), torch.ones(4))
    check_strides(drv, torch.clamp(p, 0.5), "clamp", p, 0.5, None)


# ------------------------------------------------------------ activations

HARDTANH = [(-1.0, 1.0), (0, 2.5), (0.5, 300), (-1, 300), (-1.5, 2.5), (2, 1), (0, -0.5),
            (-1e300, 1), (1e300, 2), (0.0, 6.0)]


@pytest.mark.parametrize("bounds", HARDTANH, ids=repr)
@pytest.mark.parametrize("dtype", NPY_DTYPES, ids=str)
def test_hardtanh(drv, dtype, bounds):
    t = make((3, 4), dtype, seed=12)
    check(drv, lambda: F.hardtanh(t, *bounds), "hardtanh", t, *bounds)


@pytest.mark.parametrize("params", [(1, 2), (2.5, 7), (2, -1), (-1, 0), (-1.5, 0), (300, 2),
                                    (2, 1000), (1e300, 0), (0.5, -0.5), (NAN, 1.0),
                                    (1.0, NAN)], ids=repr)
@pytest.mark.parametrize("dtype", NPY_DTYPES, ids=str)
def test_threshold(drv, dtype, params):
    t = make((3, 4), dtype, seed=13)
    check(drv, lambda: F.threshold(t, *params), "threshold", t, *params)


@pytest.mark.parametrize("slope", [0.01, 2, True, -0.5, 1e300, 0.0], ids=repr)
@pytest.mark.parametrize("dtype", NPY_DTYPES, ids=str)
def test_leaky_relu(drv, dtype, slope):
    t = make((3, 4), dtype, seed=14)
    check(drv, lambda: F.leaky_relu(t, slope), "leaky_relu", t, slope)


ELU = [(1.0, 1.0, 1.0), (0.5, 2.0, 1.5), (1.6732632423543772, 1.0507009873554805, 1.0),
       (1e300, 1.0, 1.0), (2, 3, 1), (-1.0, 0.5, 2.0)]


@pytest.mark.parametrize("params", ELU, ids=repr)
@pytest.mark.parametrize("dtype", NPY_DTYPES, ids=str)
def test_elu(drv, dtype, params):
    t = make((3, 4), dtype, seed=15, low=-5, high=5)
    check(drv, lambda: torch.ops.aten.elu(t, *params), "elu", t, *params)


@pytest.mark.parametrize("params", [(1, 20), (2, 1), (0.5, 5), (0, 20), (1e300, 1), (2, 1e300),
                                    (-1, 20), (3, -2)], ids=repr)
@pytest.mark.parametrize("dtype", NPY_DTYPES, ids=str)
def test_softplus(drv, dtype, params):
    t = make((3, 4), dtype, seed=16, low=-25, high=25)
    check(drv, lambda: F.softplus(t, *params), "softplus", t, *params)


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
def test_activation_special_values(drv, dtype):
    t = torch.tensor(SPECIAL, dtype=dtype)
    check(drv, lambda: F.hardtanh(t, -2.0, 2.0), "hardtanh", t, -2.0, 2.0)
    check(drv, lambda: F.threshold(t, 0.5, -7.0), "threshold", t, 0.5, -7.0)
    check(drv, lambda: F.leaky_relu(t, 0.1), "leaky_relu", t, 0.1)
    check(drv, lambda: torch.ops.aten.elu(t, 1.5, 1.2, 0.7), "elu", t, 1.5, 1.2, 0.7)
    check(drv, lambda: F.softplus(t, 2, 10), "softplus", t, 2, 10)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.int64, torch.float16],
                         ids=str)
def test_activation_inplace(drv, dtype):
    t = noncontig(make((3, 4), dtype, seed=17), "strided")

    def fresh():
        return noncontig(t.clone(), "strided")
    check(drv, lambda: F.hardtanh(fresh(), -1.5, 2.0, inplace=True), "hardtanh_", t, -1.5, 2.0)
    check(drv, lambda: F.threshold(fresh(), 1, 20, inplace=True), "threshold_", t, 1, 20)
    check(drv, lambda: F.leaky_relu(fresh(), 0.2, inplace=True), "leaky_relu_", t, 0.2)
    check(drv, lambda: torch.ops.aten.elu_(fresh(), 1.0, 1.0, 1.0), "elu_", t, 1.0, 1.0, 1.0)
    out = torch.zeros((3, 4), dtype=torch.float64)
    check(drv, lambda: torch.ops.aten.softplus.out(t, 1, 20, out=out.clone()), "softplus_out",
          t, 1, 20, out)


# ------------------------------------------------------------------ where

WHERE_DTYPES = [(torch.float32, torch.float32), (torch.int64, torch.float32),
                (torch.uint8, torch.int8), (torch.bool, torch.bool), (torch.float16, torch.float64),
                (torch.int16, torch.int32), (torch.bool, torch.uint8)]


@pytest.mark.parametrize("dts", WHERE_DTYPES, ids=str)
@pytest.mark.parametrize("cond_dtype", [torch.bool, torch.uint8, torch.int64, torch.float32],
                         ids=str)
def test_where_dtypes(drv, cond_dtype, dts):
    c = make((3, 4), torch.bool, seed=18).to(cond_dtype)
    a, b = make((3, 4), dts[0], seed=19), make((3, 4), dts[1], seed=20)
    check(drv, lambda: torch.where(c, a, b), "where", c, a, b)


@pytest.mark.parametrize("operands", [(2.5, 1), (1, 0), (True, 0), ("f16", 2.5), ("i8", 2.5),
                                      ("i8", 300), (300, "i8"), ("i8", -129), ("u8", -1), ("u8", -255),
                                      ("f16", 1e10), (1e300, "f32"), (2**40, 1), ("i8", "i64_0d"),
                                      (2.5, "i64"), ("b", True), ("f32_0d", "i8")],
                         ids=str)
def test_where_scalars(drv, operands):
    c = make((2, 3), torch.bool, seed=21)
    tensors = {"f16": make((2, 3), torch.float16, seed=1), "i8": make((2, 3), torch.int8, seed=2),
               "i64": make((3,), torch.int64, seed=3), "b": make((2, 3), torch.bool, seed=4),
               "f32_0d": make((), torch.float32, seed=5), "u8": make((2, 3), torch.uint8, seed=6),
               "f32": make((2, 3), torch.float32, seed=7),
               "i64_0d": torch.tensor(300)}
    a, b = [tensors[x] if isinstance(x, str) else x for x in operands]
    check(drv, lambda: torch.where(c, a, b), "where", c, a, b)


@pytest.mark.parametrize("shapes", [((2, 1), (3,), (4, 1, 1)), ((), (2, 3), ()),
                                    ((2,), (3,), (3,)), ((0, 3), (3,), (1,)), ((3, 1), (1, 4), ())],
                         ids=str)
def test_where_broadcast(drv, shapes):
    c = make(shapes[0], torch.bool, seed=22)
    a, b = make(shapes[1], torch.float32, seed=23), make(shapes[2], torch.float32, seed=24)
    check(drv, lambda: torch.where(c, a, b), "where", c, a, b)


def test_where_layout(drv):
    c = make((4, 3), torch.bool, seed=25).t()
    a = make((4, 3), torch.float64, seed=26).t()
    b = make((3, 4), torch.float64, seed=27)
    check_strides(drv, torch.where(c, a, b), "where", c, a, b)
    check_strides(drv, torch.where(c, 1.0, 0.0), "where", c, 1.0, 0.0)
    big = make((300, 300), torch.bool, seed=28)
    check(drv, lambda: torch.where(big, 1, -1), "where", big, 1, -1)


# --------------------------------------------------------------- bfloat16
# .npy has no bfloat16: the driver's bf16 wrapper converts float32 tensor
# arguments (holding bfloat16-exact values) to bfloat16 and returns bfloat16
# results as float32. Tolerance 1e-2: one bfloat16 ulp is 2^-8 relative, and
# torch rounds some intermediates to bfloat16 where tsi keeps float32.

def bf16_check(drv, torch_fn, op, *args):
    """torch_fn gets the tensor arguments, float32 ones as bfloat16."""
    targs = [a.to(torch.bfloat16) if a.dtype == torch.float32 else a
             for a in args if isinstance(a, torch.Tensor)]
    expected, err = torch_error(lambda: torch_fn(*targs))
    if err is not None:
        with pytest.raises(KernelError) as ki:
            drv.run("bf16", op, *args)
        assert str(ki.value) == "error: " + err
        return
    got = drv.run("bf16", op, *args)
    if expected.dtype == torch.bfloat16:
        expected = expected.float()
    assert_same(got, expected, rtol=1e-2, atol=1e-2)


def bf16_values(shape, seed, low=-10, high=10):
    return make(shape, torch.float32, seed=seed, low=low, high=high).to(torch.bfloat16).float()


@pytest.mark.parametrize("op", UOPS)
def test_bfloat16_unary(drv, op):
    t = bf16_values((4, 5), seed=30)
    bf16_check(drv, UNARY[op], "unary", op, t)
    bf16_check(drv, UNARY[op], "unary", op, t.t())  # non-contiguous


@pytest.mark.parametrize("op", ["add", "sub", "mul", "div", "div_floor", "remainder", "pow",
                                "maximum", "atan2", "lt", "logical_and", "bitwise_and"])
def test_bfloat16_binary(drv, op):
    a, b = bf16_values((3, 4), seed=31), bf16_values((4,), seed=32, low=1, high=5)
    bf16_check(drv, BINARY[op], "binary", op, a, b)
    if op in SCALAR_OK:
        bf16_check(drv, lambda x: BINARY[op](x, 2.5), "binary", op, a, 2.5)
    i = make((3, 4), torch.int32, seed=33)  # bfloat16 with int32: bfloat16
    bf16_check(drv, BINARY[op], "binary", op, a, i)
    f = make((3, 4), torch.float16, seed=34)  # bfloat16 with float16: float32
    bf16_check(drv, BINARY[op], "binary", op, a, f)


def test_bfloat16_params(drv):
    t = bf16_values((3, 4), seed=35)
    bf16_check(drv, lambda x: torch.clamp(x, -1.5, 2.0), "clamp", t, -1.5, 2.0)
    bf16_check(drv, lambda x: torch.clamp(x, -1e300), "clamp", t, -1e300, None)
    bf16_check(drv, lambda x: F.hardtanh(x, -2.0, 2.0), "hardtanh", t, -2.0, 2.0)
    bf16_check(drv, lambda x: F.threshold(x, 0.5, -1.0), "threshold", t, 0.5, -1.0)
    bf16_check(drv, lambda x: F.leaky_relu(x, 0.1), "leaky_relu", t, 0.1)
    bf16_check(drv, lambda x: torch.ops.aten.elu(x, 1.0, 1.0, 1.0), "elu", t, 1.0, 1.0, 1.0)
    bf16_check(drv, lambda x: F.softplus(x, 2, 5), "softplus", t, 2, 5)
    c = make((3, 4), torch.bool, seed=36)
    bf16_check(drv, lambda c_, x: torch.where(c_, x, 0.5), "where", c, t, 0.5)
    bf16_check(drv, lambda x: x.clone().mul_(3), "binary_", "mul", t, 3)
    bf16_check(drv, lambda x: x.clone().exp_(), "unary_", "exp", t)
