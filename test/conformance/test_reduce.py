"""Reductions, cumsum and softmax against torch: dtypes (and torch's dtype
errors), dims (negative, several, empty = all, out of range, repeated),
keepdim, empty and 0-d tensors, non-contiguous inputs, NaN and ties, and
the accuracy of large float32 sums. Expected values and error messages
always come from torch, computed here."""
import math

import pytest
import torch

from conftest import KernelError, make, noncontig, assert_same

LAYOUTS = ["contig", "strided", "permuted"]

# (shape, dims): [] reduces everything, as torch's dim=[]
DIM_CASES = [
    ((3, 4, 5), [1]),
    ((3, 4, 5), [-1]),
    ((3, 4, 5), [0, 2]),
    ((3, 4, 5), [2, 0, 1]),
    ((3, 4, 5), []),
    ((4, 1, 3), [1]),
    ((7,), [0]),
    ((), []),
    ((), [0]),
    ((), [-1]),
    ((0, 3), [0]),
    ((0, 3), [1]),
    ((2, 0, 3), []),
    ((2, 3), [2]),       # out of range
    ((2, 3), [-3]),      # out of range
    ((), [1]),           # out of range for 0-d
    ((2, 3), [0, 0]),    # repeated
    ((2, 3), [0, -2]),   # repeated after wrapping
]
ONE_DIM_CASES = [
    ((3, 4, 5), 1), ((3, 4, 5), -1), ((3, 4, 5), 0), ((6,), 0), ((), 0), ((), -1),
    ((0, 3), 1), ((0, 3), 0), ((3, 0), -1), ((4, 1, 3), 1), ((2, 3), 2), ((2, 3), -3),
]
CASE_IDS = [f"{s}-{d}" for s, d in DIM_CASES]
ONE_IDS = [f"{s}-{d}" for s, d in ONE_DIM_CASES]


def layout(t, kind):
    return t if kind == "contig" else noncontig(t, kind)


def first_line(e):
    return str(e).split("\n")[0]


def expect(drv, op, args, fn, nout=1, **tol):
    """Run op on args and compare with fn() (torch). If torch raises, tsi
    must raise the same message."""
    try:
        want = fn()
    except (RuntimeError, IndexError, ValueError) as e:
        with pytest.raises(KernelError) as ki:
            drv.run(op, *args, nout=nout)
        assert str(ki.value) == "error: " + first_line(e)
        return
    got = drv.run(op, *args, nout=nout)
    if nout == 1:
        assert_same(got, want, **tol)
    else:
        for g, w in zip(got, want):
            assert_same(g, w, **tol)


def data(shape, dtype, seed=0):
    return make(shape, dtype, seed=seed, low=-3 if dtype.is_floating_point else -5,
                high=3 if dtype.is_floating_point else 6)


# ------------------------------------------------------------ sum, mean, prod

SUM_DTYPES = [torch.float32, torch.float64, torch.float16, torch.int64, torch.int32,
              torch.int8, torch.uint8, torch.bool]


@pytest.mark.parametrize("dtype", SUM_DTYPES, ids=str)
@pytest.mark.parametrize("shape,dims", DIM_CASES, ids=CASE_IDS)
@pytest.mark.parametrize("lay", LAYOUTS)
def test_sum(drv, dtype, shape, dims, lay):
    x = layout(data(shape, dtype), lay)
    for keepdim in (False, True):
        expect(drv, "sum", [x, dims, keepdim, None], lambda: torch.sum(x, dims, keepdim))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16, torch.int64,
                                   torch.bool], ids=str)
@pytest.mark.parametrize("shape,dims", DIM_CASES, ids=CASE_IDS)
@pytest.mark.parametrize("lay", ["contig", "permuted"])
def test_mean(drv, dtype, shape, dims, lay):
    x = layout(data(shape, dtype), lay)
    for keepdim in (False, True):
        expect(drv, "mean", [x, dims, keepdim, None], lambda: torch.mean(x, dims, keepdim))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.int64, torch.int16,
                                   torch.uint8, torch.bool, torch.float16], ids=str)
@pytest.mark.parametrize("shape,dim", ONE_DIM_CASES + [((3, 4, 5), None), ((0, 2), None)],
                         ids=ONE_IDS + ["all", "all-empty"])
@pytest.mark.parametrize("lay", ["contig", "strided"])
def test_prod(drv, dtype, shape, dim, lay):
    x = layout(make(shape, dtype, seed=1, low=-2, high=3), lay)
    if dim is None:
        expect(drv, "prod", [x, [], False, None], lambda: torch.prod(x))
        return
    for keepdim in (False, True):
        expect(drv, "prod", [x, dim, keepdim, None], lambda: torch.prod(x, dim, keepdim))


# dtype= arguments: the input is converted first (float -> int truncates,
# int -> bool is "nonzero"), narrow integer results wrap.
DTYPE_ARG_CASES = [
    (torch.int8, torch.int8), (torch.int8, torch.int64), (torch.int64, torch.int16),
    (torch.float32, torch.int64), (torch.float32, torch.int32), (torch.float64, torch.float32),
    (torch.float32, torch.float64), (torch.float16, torch.float32), (torch.float32, torch.float16),
    (torch.int64, torch.float32), (torch.int32, torch.float64), (torch.int64, torch.bool),
    (torch.float32, torch.bool), (torch.bool, torch.float32), (torch.uint8, torch.int8),
]


@pytest.mark.parametrize("src,dt", DTYPE_ARG_CASES, ids=str)
@pytest.mark.parametrize("op", ["sum", "mean", "prod"])
def test_dtype_argument(drv, src, dt, op):
    x = make((6, 7), src, seed=4, low=-60, high=60) if not src.is_floating_point \
        else make((6, 7), src, seed=4, low=-40, high=40)
    if op == "prod":
        x = make((6, 7), src, seed=4, low=-3, high=4)
        expect(drv, op, [x, 1, False, dt], lambda: torch.prod(x, 1, dtype=dt))
        expect(drv, op, [x, [], False, dt], lambda: torch.prod(x, dtype=dt))
        return
    fn = getattr(torch, op)
    expect(drv, op, [x, [1], True, dt], lambda: fn(x, [1], True, dtype=dt))
    expect(drv, op, [x, [], False, dt], lambda: fn(x, [], dtype=dt))


def test_integer_sum_wraps(drv):
    x = torch.full((300,), 100, dtype=torch.int8)
    expect(drv, "sum", [x, [], False, torch.int8], lambda: torch.sum(x, dtype=torch.int8))
    big = torch.full((4,), 2**62, dtype=torch.int64)
    expect(drv, "sum", [big, [], False, None], lambda: torch.sum(big))
    expect(drv, "prod", [big, [], False, None], lambda: torch.prod(big))


# ------------------------------------------------------------------ accuracy

@pytest.mark.parametrize("shape,dims", [((1000000,), []), ((1000, 1000), [0]),
                                        ((1000, 1000), [1]), ((100, 100, 100), [0, 2]),
                                        ((2, 500000), [1]), ((500000, 2), [0])])
def test_large_float32_sum_accuracy(drv, shape, dims):
    g = torch.Generator().manual_seed(7)
    x = torch.rand(shape, generator=g, dtype=torch.float32) + 0.5
    got = drv.run("sum", x, dims, False, None)
    want = torch.sum(x, dims)
    assert_same(got, want, rtol=1e-5, atol=0)
    # and against a float64 reference: at least as accurate as torch
    ref = torch.sum(x.double(), dims)
    our_err = (got.double() - ref).abs().max().item()
    torch_err = (want.double() - ref).abs().max().item()
    assert our_err <= max(torch_err, 1e-7 * ref.abs().max().item())


def test_large_reductions_threaded_paths(drv):
    # full reductions split the reduced dim across threads; per-row ones a kept dim
    g = torch.Generator().manual_seed(3)
    x = torch.randn(1 << 20, generator=g, dtype=torch.float64)
    expect(drv, "sum", [x, [], False, None], lambda: torch.sum(x), rtol=1e-10)
    expect(drv, "var", [x, [], 1, False], lambda: torch.var(x), rtol=1e-9)
    expect(drv, "norm", [x, 2.0, []], lambda: torch.norm(x), rtol=1e-10)
    expect(drv, "logsumexp", [x, [0], False], lambda: torch.logsumexp(x, [0]), rtol=1e-10)
    expect(drv, "amax", [x, [], False], lambda: torch.amax(x, []))
    xi = torch.randint(-1000, 1000, (1 << 20,), generator=g)
    expect(drv, "sum", [xi, [], False, None], lambda: torch.sum(xi))
    y = torch.randn(300, 4000, generator=g).t()  # non-contiguous, large
    for dims in ([0], [1], []):
        expect(drv, "sum", [y, dims, False, None], lambda: torch.sum(y, dims), rtol=1e-5, atol=1e-4)
        expect(drv, "amin", [y, dims, True], lambda: torch.amin(y, dims, True))


def test_large_argmax_ties_and_nan(drv):
    # the first occurrence wins even when the halves are reduced by different threads
    x = torch.zeros(1 << 20)
    x[700000] = 5
    x[100] = 5
    x[900000] = 5
    expect(drv, "argmax", [x, None, False], lambda: torch.argmax(x))
    expect(drv, "max_dim", [x, 0, False], lambda: torch.max(x, 0), nout=2)
    x[800000] = float("nan")
    x[950000] = float("nan")
    expect(drv, "argmax", [x, 0, False], lambda: torch.argmax(x, 0))
    expect(drv, "min_dim", [x, 0, True], lambda: torch.min(x, 0, True), nout=2)
    expect(drv, "max_all", [x], lambda: torch.max(x))
    y = torch.zeros(4, 1 << 18)
    y[:, 5] = 1
    y[:, 200000] = 1
    y[2, 100] = float("nan")
    expect(drv, "max_dim", [y, 1, False], lambda: torch.max(y, 1), nout=2)
    expect(drv, "argmin", [y.t(), 0, False], lambda: torch.argmin(y.t(), 0))


# ------------------------------------------------------------ max, min, arg*

MINMAX_DTYPES = [torch.float32, torch.float64, torch.float16, torch.int64, torch.int16,
                 torch.uint8, torch.bool]


def with_nan_and_ties(shape, dtype, seed):
    x = make(shape, dtype, seed=seed, low=-2, high=3)  # few distinct values: many ties
    if dtype.is_floating_point and x.numel() >= 6:
        flat = x.view(-1)
        flat[3] = float("nan")
        flat[-2] = float("nan")
    return x


@pytest.mark.parametrize("dtype", MINMAX_DTYPES, ids=str)
@pytest.mark.parametrize("shape,dims", DIM_CASES + [((0, 3), []), ((3, 0), [-2, 1])],
                         ids=CASE_IDS + ["empty-all", "empty-zero-dim"])
@pytest.mark.parametrize("op", ["amax", "amin"])
def test_amax_amin(drv, dtype, shape, dims, op):
    x = noncontig(with_nan_and_ties(shape, dtype, 2), "permuted")
    fn = getattr(torch, op)
    for keepdim in (False, True):
        expect(drv, op, [x, dims, keepdim], lambda: fn(x, dims, keepdim))


@pytest.mark.parametrize("dtype", MINMAX_DTYPES, ids=str)
@pytest.mark.parametrize("shape,dim", ONE_DIM_CASES, ids=ONE_IDS)
@pytest.mark.parametrize("op", ["max", "min"])
@pytest.mark.parametrize("lay", ["contig", "permuted"])
def test_max_min_dim(drv, dtype, shape, dim, op, lay):
    x = layout(with_nan_and_ties(shape, dtype, 5), lay)
    fn = getattr(torch, op)
    for keepdim in (False, True):
        expect(drv, op + "_dim", [x, dim, keepdim], lambda: tuple(fn(x, dim, keepdim)), nout=2)


@pytest.mark.parametrize("dtype", MINMAX_DTYPES, ids=str)
@pytest.mark.parametrize("shape,dim", ONE_DIM_CASES + [((3, 4, 5), None), ((), None),
                                                       ((0, 2), None), ((1, 5), None)],
                         ids=ONE_IDS + ["flat", "flat-0d", "flat-empty", "flat-row"])
@pytest.mark.parametrize("op", ["argmax", "argmin"])
def test_argmax_argmin(drv, dtype, shape, dim, op):
    x = noncontig(with_nan_and_ties(shape, dtype, 6), "strided")
    fn = getattr(torch, op)
    for keepdim in (False, True):
        expect(drv, op, [x, dim, keepdim], lambda: fn(x, dim, keepdim))


@pytest.mark.parametrize("dtype", MINMAX_DTYPES, ids=str)
@pytest.mark.parametrize("shape", [(3, 4), (), (0,), (2, 0), (5,)], ids=str)
@pytest.mark.parametrize("op", ["max", "min"])
def test_max_min_all(drv, dtype, shape, op):
    x = with_nan_and_ties(shape, dtype, 8)
    fn = getattr(torch, op)
    expect(drv, op + "_all", [x], lambda: fn(x))


def test_nan_index_is_first_nan(drv):
    n = float("nan")
    x = torch.tensor([[1., n, 3., n], [2., 2., 1., 2.], [n, 5., n, 5.], [-1., -1., -1., -1.]])
    for op in ("max", "min"):
        fn = getattr(torch, op)
        expect(drv, op + "_dim", [x, 1, False], lambda: tuple(fn(x, 1)), nout=2)
        expect(drv, op + "_dim", [x.t(), 0, False], lambda: tuple(fn(x.t(), 0)), nout=2)
    expect(drv, "argmax", [x, 1, False], lambda: torch.argmax(x, 1))
    expect(drv, "argmin", [x, None, False], lambda: torch.argmin(x))


# ---------------------------------------------------------------- var, std

@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16, torch.int64],
                         ids=str)
@pytest.mark.parametrize("shape,dims", DIM_CASES + [((1, 4), [0])], ids=CASE_IDS + ["one"])
@pytest.mark.parametrize("op", ["var", "std"])
def test_var_std(drv, dtype, shape, dims, op):
    x = noncontig(data(shape, dtype), "permuted")
    fn = getattr(torch, op)
    for correction, keepdim in ((1, False), (1, True), (0, False), (2, True)):
        expect(drv, op, [x, dims, correction, keepdim],
               lambda: fn(x, dims, correction=correction, keepdim=keepdim))


# ----------------------------------------------------------------- any, all

@pytest.mark.parametrize("dtype", [torch.bool, torch.uint8, torch.int64, torch.float32,
                                   torch.float16], ids=str)
@pytest.mark.parametrize("shape,dim", ONE_DIM_CASES + [((3, 4, 5), None), ((0, 3), None)],
                         ids=ONE_IDS + ["all", "all-empty"])
@pytest.mark.parametrize("op", ["any", "all"])
def test_any_all(drv, dtype, shape, dim, op):
    x = make(shape, dtype, seed=9, low=0, high=2)
    if dtype == torch.bool and x.numel() > 4:  # make some rows all-true
        x.view(-1)[::2] = True
    if dtype.is_floating_point and x.numel() > 4:
        x.view(-1)[1] = float("nan")  # nan is truthy
    x = noncontig(x, "strided")
    fn = getattr(torch, op)
    if dim is None:
        expect(drv, op, [x, [], False], lambda: fn(x))
        return
    for keepdim in (False, True):
        expect(drv, op, [x, dim, keepdim], lambda: fn(x, dim, keepdim))


# ---------------------------------------------------------------- logsumexp

@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.int64, torch.bool,
                                   torch.float16], ids=str)
@pytest.mark.parametrize("shape,dims", DIM_CASES, ids=CASE_IDS)
def test_logsumexp(drv, dtype, shape, dims):
    x = noncontig(data(shape, dtype), "permuted")
    for keepdim in (False, True):
        expect(drv, "logsumexp", [x, dims, keepdim], lambda: torch.logsumexp(x, dims, keepdim))


def test_logsumexp_infinities(drv):
    inf = float("inf")
    x = torch.tensor([[inf, 1.], [-inf, -inf], [1., float("nan")], [-inf, 2.], [100., 100.]])
    expect(drv, "logsumexp", [x, [1], False], lambda: torch.logsumexp(x, [1]))


# --------------------------------------------------------------------- norm

@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16, torch.int64],
                         ids=str)
@pytest.mark.parametrize("shape,dims", DIM_CASES, ids=CASE_IDS)
def test_norm(drv, dtype, shape, dims):
    # every order on the plain cases; the dims/error cases with p = 2 and inf
    x = noncontig(data(shape, dtype), "permuted")
    plain = (shape, dims) in DIM_CASES[:8] + [((0, 3), [0]), ((2, 0, 3), [])]
    orders = [2.0, 1.0, 3.0, 0.5, 0.0, -1.0, math.inf, -math.inf] if plain else [2.0, math.inf]
    for p in orders:
        for keepdim in ((False, True) if p in (2.0, math.inf) else (dims == [1],)):
            expect(drv, "norm", [x, p, dims, keepdim],
                   lambda: torch.norm(x, p, dims, keepdim),
                   rtol=2e-3 if dtype == torch.float16 else 2e-5)


def test_norm_overflow_underflow_and_dtype(drv):
    x = torch.tensor([[1e20, 1e20], [1e-30, 1e-30], [3., 4.]])
    expect(drv, "norm", [x, 2.0, [1]], lambda: torch.norm(x, 2, [1]))
    expect(drv, "norm", [x, 2.0, [1], False, torch.float64],
           lambda: torch.norm(x, 2.0, [1], False, dtype=torch.float64))
    expect(drv, "norm", [x, 2.0, [1], False, torch.int64],
           lambda: torch.norm(x, 2.0, [1], False, dtype=torch.int64))


# ------------------------------------------------------------------- cumsum

@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16, torch.int64,
                                   torch.int32, torch.int8, torch.uint8, torch.bool], ids=str)
@pytest.mark.parametrize("shape,dim", ONE_DIM_CASES, ids=ONE_IDS)
def test_cumsum(drv, dtype, shape, dim):
    lays = LAYOUTS if dtype in (torch.float32, torch.int64) else ["contig"]
    for lay in lays:
        x = layout(data(shape, dtype), lay)
        expect(drv, "cumsum", [x, dim, None], lambda: torch.cumsum(x, dim))


@pytest.mark.parametrize("src,dt", DTYPE_ARG_CASES, ids=str)
def test_cumsum_dtype(drv, src, dt):
    x = make((5, 70), src, seed=4, low=-60, high=60)
    expect(drv, "cumsum", [x, 1, dt], lambda: torch.cumsum(x, 1, dtype=dt))
    expect(drv, "cumsum", [x, 0, dt], lambda: torch.cumsum(x, 0, dtype=dt))


def test_cumsum_large(drv):
    g = torch.Generator().manual_seed(1)
    x = torch.rand(300, 1000, generator=g)
    expect(drv, "cumsum", [x, 0, None], lambda: torch.cumsum(x, 0), rtol=1e-5)
    expect(drv, "cumsum", [x, 1, None], lambda: torch.cumsum(x, 1), rtol=1e-5)
    expect(drv, "cumsum", [x.t(), 1, None], lambda: torch.cumsum(x.t(), 1), rtol=1e-5)


# ------------------------------------------------------------------ softmax

SOFTMAX_CASES = ONE_DIM_CASES + [((2, 3, 130), 2), ((2, 130, 3), 1), ((70, 5), 0)]
SOFTMAX_IDS = ONE_IDS + ["wide-last", "wide-mid", "tall"]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16, torch.int64,
                                   torch.bool], ids=str)
@pytest.mark.parametrize("shape,dim", SOFTMAX_CASES, ids=SOFTMAX_IDS)
@pytest.mark.parametrize("lay", ["contig", "permuted"])
def test_softmax(drv, dtype, shape, dim, lay):
    x = layout(make(shape, dtype, seed=11, low=-8, high=8), lay)
    for op in ("softmax", "log_softmax"):
        fn = getattr(torch, op)
        expect(drv, op, [x, dim, None], lambda: fn(x, dim))


@pytest.mark.parametrize("src,dt", [(torch.int64, torch.float32), (torch.float16, torch.float32),
                                    (torch.float64, torch.float32), (torch.float32, torch.float64),
                                    (torch.float32, torch.float16), (torch.float32, torch.int64)],
                         ids=str)
@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
@pytest.mark.parametrize("dim", [0, 1])
def test_softmax_dtype(drv, src, dt, op, dim):
    x = make((4, 6), src, seed=12, low=-5, high=5)
    fn = getattr(torch, op)
    expect(drv, op, [x, dim, dt], lambda: fn(x, dim, dtype=dt))


def test_softmax_special_values(drv):
    inf, nan = float("inf"), float("nan")
    x = torch.tensor([[1., nan, 2.], [1., inf, 2.], [1., -inf, 2.], [-inf, -inf, -inf],
                      [1000., 1000., -1000.]])
    for op in ("softmax", "log_softmax"):
        fn = getattr(torch, op)
        expect(drv, op, [x, 1, None], lambda: fn(x, 1))
        expect(drv, op, [x.t().contiguous(), 0, None], lambda: fn(x.t().contiguous(), 0))


def test_softmax_large(drv):
    g = torch.Generator().manual_seed(2)
    x = torch.randn(64, 8, 512, generator=g) * 4
    for dim in (2, 1, 0):
        expect(drv, "softmax", [x, dim, None], lambda: torch.softmax(x, dim))
        expect(drv, "log_softmax", [x, dim, None], lambda: torch.log_softmax(x, dim))


# ----------------------------------------------------------------- bfloat16
# .npy has no bfloat16: the driver's bf16_* ops convert inputs to bfloat16
# and bfloat16 results to float32; torch does the same around its op.

def bf16_expect(drv, op, args, fn, nout=1, tol=1e-2):
    def torch_side():
        r = fn(*[a.bfloat16() if isinstance(a, torch.Tensor) else a for a in args])
        rs = r if isinstance(r, tuple) else (r,)
        rs = tuple(t.float() if t.dtype == torch.bfloat16 else t for t in rs)
        return rs if nout > 1 else rs[0]
    expect(drv, "bf16_" + op, args, torch_side, nout=nout, rtol=tol, atol=tol)


@pytest.mark.parametrize("lay", ["contig", "permuted"])
def test_bfloat16(drv, lay):
    x = layout(make((3, 4, 5), torch.float32, seed=13, low=-3, high=3), lay)
    bf16_expect(drv, "sum", [x, [1], False, None], lambda t, d, k, dt: torch.sum(t, d, k))
    bf16_expect(drv, "mean", [x, [0, 2], True, None], lambda t, d, k, dt: torch.mean(t, d, k))
    bf16_expect(drv, "prod", [x, 1, False, None], lambda t, d, k, dt: torch.prod(t, d, k))
    bf16_expect(drv, "amax", [x, [2], False], lambda t, d, k: torch.amax(t, d, k))
    bf16_expect(drv, "max_dim", [x, 1, False], lambda t, d, k: tuple(torch.max(t, d, k)), nout=2)
    bf16_expect(drv, "argmax", [x, 2, True], lambda t, d, k: torch.argmax(t, d, k))
    bf16_expect(drv, "var", [x, [1], 1, False], lambda t, d, c, k: torch.var(t, d, correction=c))
    bf16_expect(drv, "logsumexp", [x, [2], False], lambda t, d, k: torch.logsumexp(t, d, k))
    bf16_expect(drv, "norm", [x, 2.0, [2]], lambda t, p, d: torch.norm(t, p, d))
    bf16_expect(drv, "cumsum", [x, 1, None], lambda t, d, dt: torch.cumsum(t, d), tol=3e-2)
    bf16_expect(drv, "softmax", [x, 2, None], lambda t, d, dt: torch.softmax(t, d))
    bf16_expect(drv, "log_softmax", [x, 1, None], lambda t, d, dt: torch.log_softmax(t, d))
