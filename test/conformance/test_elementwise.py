"""Binary elementwise kernels against torch: every op over the npy dtypes
(errors where torch errors, with torch's message), mixed-dtype promotion,
broadcasting, 0-d and empty tensors, non-contiguous inputs and the output
layout tsi picks, Python-number operands on either side, in-place and out=
variants, special float values, integer wrap-around and division by zero,
add/sub with alpha, pow's scalar rules. Tolerances: rtol 1e-5 / atol 1e-6,
float16 results 1e-3 (conftest.assert_same)."""
import pytest
import torch

from conftest import NPY_DTYPES, Driver, assert_same, make, noncontig
from ew_common import (BINARY, DIVISIONS, INPLACE, RSCALAR, SCALAR_OK, check, check_strides,
                       nonzero)

OPS = list(BINARY)


@pytest.fixture(scope="module")
def drv(tmp_path_factory):
    """One driver (one temp directory) for the module: a fresh tmp_path per
    case costs more than the case itself."""
    return Driver(tmp_path_factory.mktemp("elementwise"))


def operands(op, shape_a, shape_b, dt_a, dt_b, seed=0):
    a = make(shape_a, dt_a, seed=seed)
    b = make(shape_b, dt_b, seed=seed + 1)
    if op in DIVISIONS:
        b = nonzero(b)
    if op == "pow" and not dt_a.is_floating_point and not dt_b.is_floating_point:
        b = b.remainder(5) if dt_b != torch.bool else b  # keep integer powers small
    return a, b


@pytest.mark.parametrize("dtype", NPY_DTYPES, ids=str)
@pytest.mark.parametrize("op", OPS)
def test_same_dtype(drv, op, dtype):
    a, b = operands(op, (3, 4), (3, 4), dtype, dtype)
    check(drv, lambda: BINARY[op](a, b), "binary", op, a, b)


MIXED = [(torch.int32, torch.float32), (torch.uint8, torch.int8), (torch.bool, torch.int64),
         (torch.float16, torch.float32), (torch.int64, torch.float64),
         (torch.float16, torch.int64), (torch.bool, torch.float16), (torch.uint8, torch.bool),
         (torch.int16, torch.uint8), (torch.float32, torch.float64)]


@pytest.mark.parametrize("dts", MIXED, ids=str)
@pytest.mark.parametrize("op", OPS)
def test_mixed_dtypes(drv, op, dts):
    a, b = operands(op, (2, 5), (2, 5), *dts, seed=4)
    check(drv, lambda: BINARY[op](a, b), "binary", op, a, b)
    check(drv, lambda: BINARY[op](b, a), "binary", op, b, a)


SHAPES = [((3, 1), (1, 4)), ((2, 3, 4), (4,)), ((), (2, 3)), ((2, 3), ()), ((), ()),
          ((0,), (0,)), ((2, 0, 3), (3,)), ((2, 0, 3), (1, 1, 1)), ((3,), (2, 1)),
          ((1,), (0,)), ((4, 1, 2), (3, 1))]


@pytest.mark.parametrize("shapes", SHAPES, ids=str)
@pytest.mark.parametrize("dtype", [torch.float32, torch.int64], ids=str)
@pytest.mark.parametrize("op", ["add", "mul", "div", "pow", "remainder", "maximum", "lt",
                                "logical_xor", "bitwise_and", "atan2"])
def test_broadcast(drv, op, dtype, shapes):
    a, b = operands(op, shapes[0], shapes[1], dtype, dtype, seed=7)
    check(drv, lambda: BINARY[op](a, b), "binary", op, a, b)


@pytest.mark.parametrize("shapes", [((3,), (4,)), ((2, 3), (3, 2)), ((2, 0), (3,))], ids=str)
def test_broadcast_error(drv, shapes):
    a, b = make(shapes[0], torch.float32), make(shapes[1], torch.float32)
    check(drv, lambda: torch.add(a, b), "binary", "add", a, b)


@pytest.mark.parametrize("kinds", [("strided", "permuted"), ("permuted", "strided"),
                                   ("permuted", "permuted")], ids=str)
@pytest.mark.parametrize("dtype", [torch.float32, torch.int32], ids=str)
@pytest.mark.parametrize("op", OPS)
def test_noncontiguous(drv, op, dtype, kinds):
    a, b = operands(op, (3, 4, 5), (3, 4, 5), dtype, dtype, seed=2)
    a, b = noncontig(a, kinds[0]), noncontig(b, kinds[1])
    expected = check(drv, lambda: BINARY[op](a, b), "binary", op, a, b)
    if expected is not None:
        check_strides(drv, expected, "binary", op, a, b)


def _perm(t, dims):
    return t.permute(*dims).contiguous().permute(*[dims.index(i) for i in range(len(dims))])


LAYOUTS = {
    "perm_contig": lambda: (_perm(make((2, 3, 4), torch.float32), (2, 0, 1)),
                            make((2, 3, 4), torch.float32, seed=1)),
    "contig_perm": lambda: (make((2, 3, 4), torch.float32),
                            _perm(make((2, 3, 4), torch.float32, seed=1), (2, 0, 1))),
    "perm_scalar": lambda: (_perm(make((2, 3, 4), torch.float32), (1, 2, 0)), 2.5),
    "perm_0d": lambda: (_perm(make((2, 3, 4), torch.float32), (1, 2, 0)),
                        make((), torch.float64, seed=3)),
    "transposed_bcast": lambda: (make((4, 3), torch.float32).t(), make((4,), torch.float32)),
    "col_row": lambda: (make((1, 3), torch.float32).t(), make((2,), torch.float32)),
    "bcast_perm": lambda: (make((3,), torch.float32), make((3, 5), torch.float32).t()),
    "strided": lambda: (make((4, 6), torch.float32)[:, ::2], make((4, 3), torch.float32)),
    "both_perm_3d": lambda: (_perm(make((2, 3, 4), torch.float32), (1, 0, 2)),
                             _perm(make((2, 3, 4), torch.float32, seed=5), (2, 1, 0))),
    "expanded": lambda: (make((3, 1), torch.float32).expand(3, 4), make((3, 4), torch.float32).t().contiguous().t()),
}


@pytest.mark.parametrize("name", sorted(LAYOUTS))
@pytest.mark.parametrize("op", ["add", "lt", "pow"])
def test_output_layout(drv, op, name):
    a, b = LAYOUTS[name]()
    expected = BINARY[op](a, b)
    check_strides(drv, expected, "binary", op, a, b)


SCALARS = [2, -3, 0, 300, 2.5, -0.5, True, False, float("inf"), float("nan")]


@pytest.mark.parametrize("s", SCALARS, ids=repr)
@pytest.mark.parametrize("dtype", NPY_DTYPES, ids=str)
@pytest.mark.parametrize("op", SCALAR_OK)
def test_scalar_operand(drv, op, dtype, s):
    t = make((2, 3), dtype, seed=5)
    check(drv, lambda: BINARY[op](t, s), "binary", op, t, s)


@pytest.mark.parametrize("s", [2, -3, 2.5, True, 0], ids=repr)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.int64, torch.int8,
                                   torch.uint8, torch.bool, torch.float16], ids=str)
@pytest.mark.parametrize("op", sorted(RSCALAR))
def test_scalar_first(drv, op, dtype, s):
    t = make((2, 3), dtype, seed=6)
    if op in ("remainder", "floor_divide"):
        t = nonzero(t)
    check(drv, lambda: RSCALAR[op](s, t), "binary", op, s, t)


@pytest.mark.parametrize("dtype", [torch.int64, torch.int32, torch.int16, torch.int8,
                                   torch.uint8], ids=str)
@pytest.mark.parametrize("op", DIVISIONS)
def test_integer_division_by_zero(drv, op, dtype):
    a = make((5,), dtype, seed=1)
    b = nonzero(make((5,), dtype, seed=2))
    b[3] = 0
    check(drv, lambda: BINARY[op](a, b), "binary", op, a, b)
    check(drv, lambda: BINARY[op](a, 0), "binary", op, a, 0)
    e = torch.zeros((0,), dtype=dtype)  # no elements, no error
    check(drv, lambda: BINARY[op](e, 0), "binary", op, e, 0)


@pytest.mark.parametrize("dtype", [torch.int8, torch.int16, torch.int32, torch.int64], ids=str)
@pytest.mark.parametrize("op", ["div_trunc", "div_floor", "remainder", "fmod"])
def test_integer_division_extremes(drv, op, dtype):
    info = torch.iinfo(dtype)
    a = torch.tensor([info.max, info.min + 1, 7, -7, 7, -7, 0], dtype=dtype)
    b = torch.tensor([-1, -1, 2, 2, -2, -2, -3], dtype=dtype)
    check(drv, lambda: BINARY[op](a, b), "binary", op, a, b)
    if dtype in (torch.int8, torch.int16):  # torch traps on INT_MIN / -1 for wider types
        m = torch.tensor([info.min], dtype=dtype)
        check(drv, lambda: BINARY[op](m, -1), "binary", op, m, -1)


SPECIAL = [float("inf"), float("-inf"), float("nan"), -0.0, 0.0, 1.0, -1.0, 2.5, -2.5, 1e-30,
           3e38, -7.0, 0.5]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=str)
@pytest.mark.parametrize("op", OPS)
def test_special_values(drv, op, dtype):
    v = torch.tensor(SPECIAL, dtype=dtype)
    a, b = v.reshape(-1, 1), v.reshape(1, -1)
    check(drv, lambda: BINARY[op](a, b), "binary", op, a, b)


def test_signed_zero_results(drv):
    """-0.0 must come out where torch gives -0.0 (values compare equal)."""
    a = torch.tensor([-0.5, 0.5, -0.0, 0.0, -1.0, 5.0, -5.0])
    b = torch.tensor([3.0, -3.0, 3.0, -3.0, float("inf"), float("inf"), -0.0])
    for op in ["div_floor", "div_trunc", "remainder", "fmod", "maximum", "minimum", "mul"]:
        expected = BINARY[op](a, b)
        got = drv.run("binary", op, a, b)
        assert_same(got, expected)
        assert torch.equal(torch.signbit(got), torch.signbit(expected)), op


@pytest.mark.parametrize("op", ["add", "sub", "mul", "pow", "neg_sub"])
@pytest.mark.parametrize("dtype", [torch.int8, torch.uint8, torch.int16, torch.int32,
                                   torch.int64], ids=str)
def test_integer_wraparound(drv, op, dtype):
    info = torch.iinfo(dtype)
    a = torch.tensor([info.max, info.min, info.max - 3, 100, 77, 3], dtype=dtype)
    b = torch.tensor([1, 1, info.max, 100, 200 if info.max > 200 else 50, 63], dtype=dtype)
    if op == "pow":
        b = torch.tensor([2, 3, 7, 5, 13, 41], dtype=dtype)
    if op == "neg_sub":
        a, b = b, a
        op = "sub"
    check(drv, lambda: BINARY[op](a, b), "binary", op, a, b)


@pytest.mark.parametrize("op", sorted(INPLACE))
@pytest.mark.parametrize("dts", [(torch.float32, torch.float32), (torch.float32, torch.int64),
                                 (torch.int64, torch.float32), (torch.int8, torch.int64),
                                 (torch.float16, torch.float32), (torch.bool, torch.bool),
                                 (torch.int32, torch.int32), (torch.uint8, torch.bool)], ids=str)
@pytest.mark.parametrize("layout", ["contiguous", "strided", "permuted"])
def test_inplace(drv, op, dts, layout):
    a, b = operands(op, (3, 4), (3, 4), *dts, seed=8)
    a = noncontig(a, layout) if layout != "contiguous" else a
    x = a.clone() if layout == "contiguous" else noncontig(a.clone(), layout)
    check(drv, lambda: getattr(x, INPLACE[op])(b), "binary_", op, a, b)


def test_inplace_broadcast(drv):
    a, b = make((3, 4), torch.float32), make((4,), torch.float32, seed=1)
    check(drv, lambda: a.clone().mul_(b), "binary_", "mul", a, b)
    a1 = make((3, 1), torch.float32)
    check(drv, lambda: a1.clone().add_(torch.ones(1, 4)), "binary_", "add", a1, torch.ones(1, 4))
    # in place with a Python number and with a 0-d tensor
    check(drv, lambda: a.clone().add_(2), "binary_", "add", a, 2)
    i = make((3, 4), torch.int64)
    check(drv, lambda: i.clone().add_(2.5), "binary_", "add", i, 2.5)
    check(drv, lambda: i.clone().div_(2), "binary_", "div", i, 2)
    z = make((), torch.float64, seed=2)
    check(drv, lambda: a.clone().sub_(z), "binary_", "sub", a, z)


def spec(v):
    return [v.storage_offset(), v.dim(), *v.shape, *v.stride()]


VIEW_CASES = {
    # name: (mode, base shape, view a, view b); torch errors on partial overlap
    "shifted": ("inplace", (8,), lambda t: t[:6], lambda t: t[2:]),
    "shifted_back": ("inplace", (8,), lambda t: t[2:], lambda t: t[:6]),
    "disjoint": ("inplace", (8,), lambda t: t[:4], lambda t: t[4:]),
    "same": ("inplace", (3, 3), lambda t: t, lambda t: t),
    "transposed": ("inplace", (3, 3), lambda t: t, lambda t: t.t()),
    "row_of_self": ("inplace", (4, 4), lambda t: t, lambda t: t[0]),
    "interleaved": ("inplace", (8,), lambda t: t[::2], lambda t: t[1::2]),
    "strided_overlap": ("inplace", (4, 4), lambda t: t[:, :2], lambda t: t[:, 1:3]),
    "out_transposed": ("out", (3, 3), lambda t: t.t(), lambda t: t),
    "out_disjoint": ("out", (8,), lambda t: t[4:], lambda t: t[:4]),
    "out_same": ("out", (2, 4), lambda t: t, lambda t: t),
}


@pytest.mark.parametrize("name", sorted(VIEW_CASES))
def test_aliasing_views(drv, name):
    """Inputs and output that share memory: torch's overlap checks, and the
    result when they pass (the whole storage is compared)."""
    mode, shape, fa, fb = VIEW_CASES[name]
    base = make(shape, torch.float32, seed=3)

    def run_torch():
        t = base.clone()
        if mode == "inplace":
            fa(t).add_(fb(t))
        else:
            torch.add(fb(t), 1, out=fa(t))
        return t
    check(drv, run_torch, "binary_views", mode, "add", base, spec(fa(base)), spec(fb(base)))


def test_internal_overlap(drv):
    e = torch.ones(3, 1).expand(3, 4)
    check(drv, lambda: torch.ones(3, 1).expand(3, 4).add_(1), "binary_", "add", e, 1)


@pytest.mark.parametrize("op", ["add", "mul", "div", "lt", "pow", "floor_divide"])
@pytest.mark.parametrize("out_dtype", [torch.float32, torch.float64, torch.int64, torch.bool,
                                       torch.float16], ids=str)
def test_out(drv, op, out_dtype):
    a, b = operands(op, (3, 4), (3, 4), torch.float32, torch.int32, seed=9)
    out = torch.zeros((3, 4), dtype=out_dtype)
    check(drv, lambda: BINARY[op](a, b, out=out.clone()), "binary_out", op, a, b, out)


def test_out_layouts(drv):
    a = make((2, 3, 4), torch.float32).permute(2, 0, 1)
    b = make((4, 2, 3), torch.float32, seed=1)
    # out of the right shape keeps its own (non-contiguous) layout
    out = torch.zeros(3, 2, 4).permute(2, 1, 0)
    expected = torch.add(a, b, out=out.clone())
    check_strides(drv, expected, "binary_out", "add", a, b, out)
    # an empty out is resized with the inputs' layout
    expected = torch.add(a, b, out=torch.empty(0))
    check_strides(drv, expected, "binary_out", "add", a, b, torch.empty(0))
    # a wrong-shaped out is resized too (torch warns)
    with pytest.warns(UserWarning):
        expected = torch.mul(a, 3, out=torch.ones(5))
    check_strides(drv, expected, "binary_out", "mul", a, 3, torch.ones(5))


ALPHAS = [2, -1, 0, 2.5, True, False, 1, 1.0]


@pytest.mark.parametrize("alpha", ALPHAS, ids=repr)
@pytest.mark.parametrize("dts", [(torch.float32, torch.float32), (torch.int64, torch.int64),
                                 (torch.int32, torch.float32), (torch.float32, torch.int64),
                                 (torch.bool, torch.bool), (torch.uint8, torch.uint8),
                                 (torch.float16, torch.float16), (torch.bool, torch.int8),
                                 (torch.float64, torch.float32)], ids=str)
@pytest.mark.parametrize("op", ["add", "sub"])
def test_alpha(drv, op, dts, alpha):
    a, b = make((2, 3), dts[0], seed=1), make((2, 3), dts[1], seed=2)
    fn = torch.add if op == "add" else torch.sub
    check(drv, lambda: fn(a, b, alpha=alpha), op, a, b, alpha)
    check(drv, lambda: fn(a, 3, alpha=alpha), op, a, 3, alpha)
    check(drv, lambda: getattr(a.clone(), op + "_")(b, alpha=alpha), op + "_", a, b, alpha)


def test_alpha_broadcast_0d(drv):
    a, b = make((2, 3), torch.int32), make((), torch.float64, seed=3)
    check(drv, lambda: torch.add(a, b, alpha=3), "add", a, b, 3)
    check(drv, lambda: torch.sub(b, a, alpha=2.5), "sub", b, a, 2.5)
    u = make((4,), torch.uint8)
    check(drv, lambda: torch.add(u, 300, alpha=2), "add", u, 300, 2)


POW_SCALAR = [(torch.int64, -1), (torch.int64, -1000), (torch.int8, 300), (torch.int8, 2**40),
              (torch.int8, -1), (torch.uint8, -1), (torch.uint8, 255), (torch.int64, 2**62),
              (torch.int32, 0), (torch.int64, 2.5), (torch.int64, -0.5), (torch.bool, 2),
              (torch.bool, True), (torch.bool, 0.5), (torch.float16, 1e10), (torch.float16, 0.1),
              (torch.float32, 1e300), (torch.float32, -2), (torch.float32, 0.5),
              (torch.float32, 3), (torch.float64, -0.5), (torch.int64, True), (torch.int64, False),
              (torch.float32, True)]


@pytest.mark.parametrize("case", POW_SCALAR, ids=str)
def test_pow_tensor_scalar(drv, case):
    dtype, s = case
    t = make((2, 4), dtype, seed=3, low=-3, high=4)
    check(drv, lambda: torch.pow(t, s), "binary", "pow", t, s)


@pytest.mark.parametrize("s", [1, 1.0, 2, -2, 2.5, 0, True, 1000], ids=repr)
@pytest.mark.parametrize("dtype", [torch.int64, torch.int8, torch.bool, torch.float32,
                                   torch.float16], ids=str)
def test_pow_scalar_tensor(drv, dtype, s):
    t = make((2, 4), dtype, seed=4, low=-3, high=4)
    check(drv, lambda: torch.pow(s, t), "binary", "pow", s, t)
    if type(s) is not bool and s == 1:  # 1 ** t: ones in t's layout
        p = noncontig(t, "permuted")
        check_strides(drv, torch.pow(s, p), "binary", "pow", s, p)


def test_pow_tensor_tensor_negative_int(drv):
    a = torch.tensor([1, -1, 2, -1, 0, 3, -2], dtype=torch.int64)
    b = torch.tensor([-3, -3, -1, -2, -1, 41, 63], dtype=torch.int64)
    check(drv, lambda: torch.pow(a, b), "binary", "pow", a, b)
    z = torch.tensor(-1)
    check(drv, lambda: torch.pow(a, z), "binary", "pow", a, z)


def test_comparison_promotion(drv):
    """Comparisons run in the promoted dtype: 300 wraps to 44 in uint8,
    int64 compared with float64 loses precision like torch."""
    u = torch.tensor([44, 200, 3], dtype=torch.uint8)
    for op in ["eq", "lt", "ge"]:
        check(drv, lambda: BINARY[op](u, 300), "binary", op, u, 300)
    big = torch.tensor([2**53 + 1, 2**24 + 1])
    f = torch.tensor([2.0**53, 2.0**24], dtype=torch.float64)
    check(drv, lambda: torch.eq(big, f), "binary", "eq", big, f)
    check(drv, lambda: torch.eq(big, 2.0**24), "binary", "eq", big, 2.0**24)
    out = torch.zeros(3, dtype=torch.int32)
    check(drv, lambda: torch.gt(u, 10, out=out.clone()), "binary_out", "gt", u, 10, out)


def test_large_parallel(drv):
    """Big enough for the OpenMP split; permuted operands."""
    a = make((256, 300), torch.float32, seed=1)
    b = make((300, 256), torch.float32, seed=2).t()
    check(drv, lambda: a * b + 0, "binary", "mul", a, b)
    i = make((512, 260), torch.int32, seed=3)
    check(drv, lambda: torch.remainder(i, 7), "binary", "remainder", i, 7)
    expected = torch.atan2(b, a)
    check_strides(drv, expected, "binary", "atan2", b, a)
