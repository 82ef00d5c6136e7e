"""Neural-network kernels (kernels/conv.c, pool.c, norm.c, nn.c, rnn.c,
attention.c) against torch 1.13.

Tolerances: float32 results use rtol = atol = 1e-4 (convolution, GEMM and
reduction accumulation order differs from torch's oneDNN/MKL paths); float64
uses rtol = atol = 1e-10; integer results must be exact.
"""
import pytest
import torch
import torch.nn.functional as F

from conftest import KernelError, assert_same, make, noncontig

TOL = {torch.float32: dict(rtol=1e-4, atol=1e-4), torch.float64: dict(rtol=1e-10, atol=1e-10),
       torch.bfloat16: dict(rtol=2e-2, atol=2e-1)}
FLOATS = [torch.float32, torch.float64]


def tol(dt):
    return TOL.get(dt, {})


def close(ours, theirs):
    assert_same(ours, theirs, **tol(theirs.dtype))


def torch_error(fn):
    """torch's error message for a call that must fail."""
    with pytest.raises(Exception) as e:
        fn()
    return str(e.value).splitlines()[0]


def same_error(drv, fn, op, *args):
    msg = torch_error(fn)
    with pytest.raises(KernelError) as e:
        drv.run(op, *args)
    assert msg in str(e.value), f"ours: {e.value}\ntorch: {msg}"


def rnd(shape, dt, seed=0):
    return make(shape, dt, seed=seed, low=-1, high=1)


# ------------------------------------------------------------ convolution

CONV2D = [
    # (N, C, H, W), (O, C/g, kh, kw), stride, padding, dilation, groups
    ((2, 4, 9, 9), (6, 4, 3, 3), 1, 1, 1, 1),
    ((2, 4, 9, 9), (6, 4, 3, 3), 2, 1, 1, 1),
    ((1, 4, 10, 11), (6, 4, 3, 2), [2, 1], [1, 0], [2, 1], 1),
    ((2, 8, 7, 7), (16, 8, 1, 1), 1, 0, 1, 1),      # 1x1: one GEMM
    ((2, 8, 8, 8), (16, 8, 1, 1), 2, 0, 1, 1),      # 1x1 strided projection
    ((1, 3, 20, 20), (8, 3, 7, 7), 2, 3, 1, 1),     # stem
    ((2, 8, 9, 9), (12, 2, 3, 3), 1, 1, 1, 4),      # grouped
    ((2, 8, 9, 9), (8, 1, 3, 3), 1, 1, 1, 8),       # depthwise
    ((2, 8, 10, 10), (8, 1, 3, 3), 2, 1, 1, 8),     # depthwise strided
    ((1, 4, 10, 10), (8, 1, 5, 5), 1, 2, 2, 4),     # depthwise, multiplier 2, dilated
    ((2, 6, 6, 6), (6, 1, 3, 3), 3, 0, 1, 6),       # depthwise, stride 3 no pad
    ((0, 4, 9, 9), (6, 4, 3, 3), 1, 1, 1, 1),       # empty batch
    ((2, 4, 3, 3), (5, 4, 3, 3), 1, 0, 1, 1),       # 1x1 output
    ((1, 2, 5, 5), (3, 2, 2, 2), 1, 4, 1, 1),       # padding larger than kernel
]


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("case", range(len(CONV2D)))
@pytest.mark.parametrize("with_bias", [True, False])
def test_conv2d(drv, dt, case, with_bias):
    xs, ws, s, p, d, g = CONV2D[case]
    x, w = rnd(xs, dt, 1), rnd(ws, dt, 2)
    b = rnd((ws[0],), dt, 3) if with_bias else None
    ref = F.conv2d(x, w, b, s, p, d, g)
    ls = lambda v: v if isinstance(v, list) else [v]
    close(drv.run("conv", x, w, b, ls(s), ls(p), ls(d), g, 2), ref)
    close(drv.run("convolution", x, w, b, ls(s), ls(p), ls(d), False, [0], g), ref)


@pytest.mark.parametrize("dt", FLOATS)
def test_conv2d_noncontig(drv, dt):
    x, w, b = rnd((2, 4, 8, 8), dt, 1), rnd((6, 4, 3, 3), dt, 2), rnd((6,), dt, 3)
    ref = F.conv2d(x, w, b, 1, 1)
    for kind in ["strided", "permuted"]:
        close(drv.run("conv", noncontig(x, kind), noncontig(w, kind), noncontig(b), [1], [1],
                      [1], 1, 2), ref)
    xl = x.contiguous(memory_format=torch.channels_last)
    close(drv.run("conv", xl, w, b, [1], [1], [1], 1, 2), ref)


@pytest.mark.parametrize("dt", FLOATS)
def test_conv2d_unbatched(drv, dt):
    x, w = rnd((4, 8, 8), dt, 1), rnd((6, 4, 3, 3), dt, 2)
    close(drv.run("conv", x, w, None, [1], [0], [1], 1, 2), F.conv2d(x, w))


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("args", [((2, 4, 11), (6, 4, 3), 1, 1, 1, 1), ((2, 4, 11), (6, 2, 4), 2, 2, 2, 2),
                                  ((1, 6, 9), (6, 1, 3), 1, 1, 1, 6), ((2, 4, 7), (5, 4, 1), 1, 0, 1, 1),
                                  ((4, 11), (6, 4, 3), 1, 0, 1, 1)])
def test_conv1d(drv, dt, args):
    xs, ws, s, p, d, g = args
    x, w, b = rnd(xs, dt, 1), rnd(ws, dt, 2), rnd((ws[0],), dt, 3)
    close(drv.run("conv", x, w, b, [s], [p], [d], g, 1), F.conv1d(x, w, b, s, p, d, g))


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("args", [((2, 4, 5, 6, 7), (6, 4, 3, 3, 3), 1, 1, 1, 1),
                                  ((1, 4, 7, 7, 7), (4, 2, 3, 2, 3), [2, 1, 2], [1, 0, 1], [1, 2, 1], 2),
                                  ((1, 4, 5, 5, 5), (4, 1, 3, 3, 3), 1, 1, 1, 4),
                                  ((2, 4, 3, 4, 5), (3, 4, 1, 1, 1), 1, 0, 1, 1)])
def test_conv3d(drv, dt, args):
    xs, ws, s, p, d, g = args
    x, w, b = rnd(xs, dt, 1), rnd(ws, dt, 2), rnd((ws[0],), dt, 3)
    ls = lambda v: v if isinstance(v, list) else [v]
    close(drv.run("conv", x, w, b, ls(s), ls(p), ls(d), g, 3), F.conv3d(x, w, b, s, p, d, g))


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("mode", ["same", "valid"])
@pytest.mark.parametrize("dim,xs,ws,d", [(2, (2, 4, 8, 9), (6, 4, 3, 3), 1), (2, (2, 4, 8, 9), (6, 4, 4, 2), 1),
                                         (2, (1, 4, 8, 8), (6, 2, 3, 4), 2), (1, (2, 4, 10), (6, 4, 4), 3),
                                         (3, (1, 2, 5, 6, 7), (3, 2, 2, 3, 4), 1)])
def test_conv_padding_mode(drv, dt, mode, dim, xs, ws, d):
    g = xs[1] // ws[1]
    x, w, b = rnd(xs, dt, 1), rnd(ws, dt, 2), rnd((ws[0],), dt, 3)
    fn = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[dim]
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = fn(x, w, b, 1, mode, d, g)
    close(drv.run("conv", x, w, b, [1], mode, [d], g, dim), ref)


CONVT = [
    # x, w (C, O/g, k...), stride, padding, output_padding, groups, dilation
    ((2, 4, 5, 5), (4, 3, 3, 3), 1, 0, 0, 1, 1),
    ((2, 4, 5, 5), (4, 3, 3, 3), 2, 1, 1, 1, 1),
    ((1, 4, 6, 5), (4, 2, 4, 3), [2, 3], [1, 0], [1, 2], 2, [1, 1]),
    ((1, 4, 5, 5), (4, 2, 3, 3), 2, 2, 1, 1, 2),
    ((2, 6, 4, 4), (6, 5, 1, 1), 1, 0, 0, 1, 1),    # 1x1: one GEMM
    ((2, 6, 4, 4), (6, 1, 3, 3), 2, 1, 0, 6, 1),    # depthwise transposed
    ((0, 4, 5, 5), (4, 3, 3, 3), 1, 0, 0, 1, 1),
]


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("case", range(len(CONVT)))
def test_conv_transpose2d(drv, dt, case):
    xs, ws, s, p, op, g, d = CONVT[case]
    x, w, b = rnd(xs, dt, 1), rnd(ws, dt, 2), rnd((ws[1] * g,), dt, 3)
    ref = F.conv_transpose2d(x, w, b, s, p, op, g, d)
    ls = lambda v: v if isinstance(v, list) else [v]
    close(drv.run("conv_transpose", x, w, b, ls(s), ls(p), ls(op), g, ls(d), 2), ref)
    close(drv.run("conv_transpose", x, w, None, ls(s), ls(p), ls(op), g, ls(d), 2),
          F.conv_transpose2d(x, w, None, s, p, op, g, d))
    close(drv.run("convolution", x, w, b, ls(s), ls(p), ls(d), True, ls(op), g), ref)


@pytest.mark.parametrize("dt", FLOATS)
def test_conv_transpose_1d_3d(drv, dt):
    x, w, b = rnd((2, 4, 7), dt, 1), rnd((4, 3, 3), dt, 2), rnd((3,), dt, 3)
    close(drv.run("conv_transpose", x, w, b, [2], [1], [1], 1, [1], 1),
          F.conv_transpose1d(x, w, b, 2, 1, 1))
    close(drv.run("conv_transpose", x[0], w, b, [1], [0], [0], 1, [2], 1),
          F.conv_transpose1d(x[0], w, b, 1, 0, 0, 1, 2))
    x, w, b = rnd((1, 4, 3, 4, 5), dt, 1), rnd((4, 2, 2, 3, 3), dt, 2), rnd((4,), dt, 3)
    close(drv.run("conv_transpose", x, w, b, [2, 1, 2], [0, 1, 1], [1, 0, 0], 2, [1], 3),
          F.conv_transpose3d(x, w, b, [2, 1, 2], [0, 1, 1], [1, 0, 0], 2))


@pytest.mark.parametrize("dt", [torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8])
def test_conv_integer(drv, dt):
    x, w, b = make((2, 4, 6, 6), dt, 1, -5, 5), make((6, 2, 3, 3), dt, 2, -5, 5), make((6,), dt, 3)
    assert_same(drv.run("conv", x, w, b, [1], [1], [1], 2, 2), F.conv2d(x, w, b, 1, 1, 1, 2))
    assert_same(drv.run("conv", x, w[:4, :1], None, [2], [0], [1], 4, 2), F.conv2d(x, w[:4, :1], None, 2, 0, 1, 4))


def test_conv_transpose_int64(drv):
    x, w, b = make((2, 4, 4, 5), torch.int64, 1, -5, 5), make((4, 3, 3, 2), torch.int64, 2, -5, 5), make((6,), torch.int64, 3)
    assert_same(drv.run("conv_transpose", x, w, b, [2, 1], [1, 0], [1, 0], 2, [1], 2),
                F.conv_transpose2d(x, w, b, [2, 1], [1, 0], [1, 0], 2))


CONV_ERRORS = [
    (lambda x, w: F.conv2d(x, w.double()), lambda x, w: ("conv", x, w.double(), None, [1], [0], [1], 1, 2)),
    (lambda x, w: F.conv2d(x.double(), w), lambda x, w: ("conv", x.double(), w, None, [1], [0], [1], 1, 2)),
    (lambda x, w: F.conv2d(x, w, torch.zeros(6).double()),
     lambda x, w: ("conv", x, w, torch.zeros(6).double(), [1], [0], [1], 1, 2)),
    (lambda x, w: F.conv2d(x, w, torch.zeros(5)), lambda x, w: ("conv", x, w, torch.zeros(5), [1], [0], [1], 1, 2)),
    (lambda x, w: F.conv2d(x, w[:, :3]), lambda x, w: ("conv", x, w[:, :3].contiguous(), None, [1], [0], [1], 1, 2)),
    (lambda x, w: F.conv2d(x, w[:, :2], groups=2), lambda x, w: ("conv", x, w[:, :2].contiguous(), None, [1], [0], [1], 2, 2)),
    (lambda x, w: F.conv2d(x, w[:5, :2], groups=2), lambda x, w: ("conv", x, w[:5, :2].contiguous(), None, [1], [0], [1], 2, 2)),
    (lambda x, w: F.conv2d(x, w, stride=0), lambda x, w: ("conv", x, w, None, [0], [0], [1], 1, 2)),
    (lambda x, w: F.conv2d(x, w, padding=-1), lambda x, w: ("conv", x, w, None, [1], [-1], [1], 1, 2)),
    (lambda x, w: F.conv2d(x, w, dilation=0), lambda x, w: ("conv", x, w, None, [1], [0], [0], 1, 2)),
    (lambda x, w: F.conv2d(x, w, groups=0), lambda x, w: ("conv", x, w, None, [1], [0], [1], 0, 2)),
    (lambda x, w: F.conv2d(x, w, stride=[1, 1, 1]), lambda x, w: ("conv", x, w, None, [1, 1, 1], [0], [1], 1, 2)),
    (lambda x, w: F.conv2d(x[0, 0], w), lambda x, w: ("conv", x[0, 0].contiguous(), w, None, [1], [0], [1], 1, 2)),
    (lambda x, w: F.conv2d(x, w, dilation=5), lambda x, w: ("conv", x, w, None, [1], [0], [5], 1, 2)),
    (lambda x, w: F.conv2d(x, w, padding="same", stride=2), lambda x, w: ("conv", x, w, None, [2], "same", [1], 1, 2)),
    (lambda x, w: F.conv2d(x, w, padding="foo"), lambda x, w: ("conv", x, w, None, [1], "foo", [1], 1, 2)),
    (lambda x, w: F.conv2d(x.half(), w.half()), lambda x, w: ("conv", x.half(), w.half(), None, [1], [0], [1], 1, 2)),
    (lambda x, w: F.conv2d(x.bool(), w.bool()), lambda x, w: ("conv", x.bool(), w.bool(), None, [1], [0], [1], 1, 2)),
    (lambda x, w: F.conv2d(x.long(), w), lambda x, w: ("conv", x.long(), w, None, [1], [0], [1], 1, 2)),
    (lambda x, w: F.conv_transpose2d(x, w, output_padding=1), lambda x, w: ("conv_transpose", x, w, None, [1], [0], [1], 1, [1], 2)),
    (lambda x, w: F.conv_transpose2d(x, w[:3]), lambda x, w: ("conv_transpose", x, w[:3].contiguous(), None, [1], [0], [0], 1, [1], 2)),
    (lambda x, w: F.conv_transpose2d(x[:, :3], w[:3], padding=5), lambda x, w: ("conv_transpose", x[:, :3].contiguous(), w[:3].contiguous(), None, [1], [5], [0], 1, [1], 2)),
    (lambda x, w: F.conv_transpose2d(x[:, :6], w, torch.zeros(4)), lambda x, w: ("conv_transpose", x[:, :6].contiguous(), w, torch.zeros(4), [1], [0], [0], 1, [1], 2)),
    (lambda x, w: F.conv_transpose2d(x[:, :6], w.double()), lambda x, w: ("conv_transpose", x[:, :6].contiguous(), w.double(), None, [1], [0], [0], 1, [1], 2)),
    (lambda x, w: F.conv_transpose2d(x.int(), w.int()), lambda x, w: ("conv_transpose", x.int(), w.int(), None, [1], [0], [0], 1, [1], 2)),
    (lambda x, w: F.conv_transpose1d(x[:, :6, 0], w[:, :, 0], output_padding=1), lambda x, w: ("conv_transpose", x[:, :6, 0].contiguous(), w[:, :, 0].contiguous(), None, [1], [0], [1], 1, [1], 1)),
    (lambda x, w: F.conv_transpose3d(x[:, :6, None], w[:, :, None], output_padding=1), lambda x, w: ("conv_transpose", x[:, :6, None].contiguous(), w[:, :, None].contiguous(), None, [1], [0], [1], 1, [1], 3)),
    (lambda x, w: torch.convolution(x, w[0], None, [1], [0], [1], False, [0], 1), lambda x, w: ("convolution", x, w[0].contiguous(), None, [1], [0], [1], False, [0], 1)),
    (lambda x, w: torch.convolution(x, w[..., 0], None, [1], [0], [1], False, [0], 1), lambda x, w: ("convolution", x, w[..., 0].contiguous(), None, [1], [0], [1], False, [0], 1)),
    (lambda x, w: torch.convolution(x, torch.zeros(0, 6, 3, 3), None, [1], [0], [1], False, [0], 1), lambda x, w: ("convolution", x, torch.zeros(0, 6, 3, 3), None, [1], [0], [1], False, [0], 1)),
]


@pytest.mark.parametrize("case", range(len(CONV_ERRORS)))
def test_conv_errors(drv, case):
    x, w = rnd((2, 6, 8, 8), torch.float32, 1), rnd((6, 6, 3, 3), torch.float32, 2)
    fn, args = CONV_ERRORS[case]
    same_error(drv, lambda: fn(x, w), *args(x, w))


# ---------------------------------------------------------------- pooling

def ls(v):
    return list(v) if isinstance(v, (list, tuple)) else [v]


MAXPOOL2D = [
    # shape, kernel, stride, padding, dilation, ceil
    ((2, 3, 8, 8), 2, None, 0, 1, False),
    ((2, 3, 9, 9), 3, 2, 1, 1, False),
    ((2, 3, 9, 9), 3, 2, 1, 1, True),
    ((1, 2, 10, 7), [3, 2], [2, 1], [1, 0], [2, 1], True),
    ((3, 11, 11), 3, 2, 0, 1, True),                      # unbatched
    ((1, 64, 112, 112), 3, 2, 1, 1, False),               # resnet stem pool
    ((0, 3, 8, 8), 2, None, 0, 1, False),
]


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("case", range(len(MAXPOOL2D)))
def test_max_pool2d(drv, dt, case):
    xs, k, s, p, d, c = MAXPOOL2D[case]
    x = rnd(xs, dt, 1)
    y, i = F.max_pool2d(x, k, s, p, d, c, return_indices=True)
    ys, ii = drv.run("max_pool", x, ls(k), ls(s) if s else [], ls(p), ls(d), c, 2, True, nout=2)
    close(ys, y)
    assert_same(ii, i)
    close(drv.run("max_pool", noncontig(x), ls(k), ls(s) if s else [], ls(p), ls(d), c, 2, False), y)


@pytest.mark.parametrize("dt", FLOATS)
def test_max_pool_nan(drv, dt):
    x = rnd((1, 2, 6, 6), dt, 1)
    x[0, 0, 1, 1] = float("nan")
    x[0, 1, 4, 4] = float("inf")
    y, i = F.max_pool2d(x, 3, 2, 1, return_indices=True)
    ys, ii = drv.run("max_pool", x, [3], [2], [1], [1], False, 2, True, nout=2)
    close(ys, y)
    assert_same(ii, i)


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("args", [((2, 3, 9), 3, 2, 1, 1, False), ((2, 3, 9), 2, None, 0, 2, True),
                                  ((4, 10), 3, 3, 1, 1, True), ((2, 3, 4), 5, 1, 0, 1, False)])
def test_max_pool1d(drv, dt, args):
    xs, k, s, p, d, c = args
    x = rnd(xs, dt, 1)
    y = F.max_pool1d(x, k, s, p, d, c)
    close(drv.run("max_pool", x, [k], [s] if s else [], [p], [d], c, 1, False), y)
    if y.shape[-1] > 0:
        y, i = F.max_pool1d(x, k, s, p, d, c, return_indices=True)
        ys, ii = drv.run("max_pool", x, [k], [s] if s else [], [p], [d], c, 1, True, nout=2)
        close(ys, y)
        assert_same(ii, i)


AVGPOOL2D = [
    # shape, kernel, stride, padding, ceil, count_include_pad, divisor
    ((2, 3, 8, 8), 2, None, 0, False, True, None),
    ((2, 3, 9, 9), 3, 2, 1, False, True, None),
    ((2, 3, 9, 9), 3, 2, 1, False, False, None),
    ((2, 3, 9, 9), 3, 2, 1, True, True, None),
    ((2, 3, 10, 9), [3, 2], [2, 3], [1, 1], True, False, None),
    ((1, 2, 7, 7), 3, 2, 1, True, True, 5),
    ((3, 7, 7), 2, 2, 1, False, True, None),
]


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("case", range(len(AVGPOOL2D)))
def test_avg_pool2d(drv, dt, case):
    xs, k, s, p, c, cip, div = AVGPOOL2D[case]
    x = rnd(xs, dt, 1)
    y = F.avg_pool2d(x, k, s, p, c, cip, div)
    close(drv.run("avg_pool", x, ls(k), ls(s) if s else [], ls(p), c, cip, div, 2), y)
    close(drv.run("avg_pool", noncontig(x, "permuted"), ls(k), ls(s) if s else [], ls(p), c, cip, div, 2), y)


def test_avg_pool2d_int64(drv):
    x = make((2, 3, 7, 7), torch.int64, 1, -50, 50)
    assert_same(drv.run("avg_pool", x, [3], [2], [1], True, False, None, 2), F.avg_pool2d(x, 3, 2, 1, True, False))


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("args", [((2, 3, 9), 3, 2, 1, False, True), ((2, 3, 9), 3, 2, 1, True, False),
                                  ((4, 10), 2, None, 0, False, True)])
def test_avg_pool1d(drv, dt, args):
    xs, k, s, p, c, cip = args
    x = rnd(xs, dt, 1)
    close(drv.run("avg_pool", x, [k], [s] if s else [], [p], c, cip, None, 1), F.avg_pool1d(x, k, s, p, c, cip))


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("xs,os", [((2, 3, 7, 7), [1, 1]), ((2, 3, 10, 9), [3, 4]), ((3, 5, 5), [7, 2]),
                                   ((1, 512, 7, 7), [1, 1]), ((2, 3, 6, 6), [6, 6]), ((0, 3, 4, 4), [2, 2]),
                                   ((2, 3, 4, 4), [0, 2])])
def test_adaptive_pool2d(drv, dt, xs, os):
    x = rnd(xs, dt, 1)
    close(drv.run("adaptive_avg_pool", x, os, 2), F.adaptive_avg_pool2d(x, os))
    y, i = F.adaptive_max_pool2d(x, os, return_indices=True)
    ys, ii = drv.run("adaptive_max_pool", x, os, 2, nout=2)
    close(ys, y)
    assert_same(ii, i)


@pytest.mark.parametrize("dt", FLOATS)
def test_adaptive_pool1d(drv, dt):
    x = rnd((2, 3, 10), dt, 1)
    close(drv.run("adaptive_avg_pool", x, [4], 1), F.adaptive_avg_pool1d(x, 4))
    y, i = F.adaptive_max_pool1d(x, 4, return_indices=True)
    ys, ii = drv.run("adaptive_max_pool", x[0], [3], 1, nout=2)
    y, i = F.adaptive_max_pool1d(x[0], 3, return_indices=True)
    close(ys, y)
    assert_same(ii, i)


POOL_ERRORS = [
    (lambda x: F.max_pool2d(x, 3, padding=2), ("max_pool", [3], [], [2], [1], False, 2, True)),
    (lambda x: F.max_pool2d(x, 0), ("max_pool", [0], [], [0], [1], False, 2, True)),
    (lambda x: F.max_pool2d(x, 2, dilation=0), ("max_pool", [2], [], [0], [0], False, 2, True)),
    (lambda x: F.max_pool2d(x, 9), ("max_pool", [9], [], [0], [1], False, 2, False)),
    (lambda x: torch.max_pool2d(x, [2, 2, 2]), ("max_pool", [2, 2, 2], [], [0], [1], False, 2, False)),
    (lambda x: torch.max_pool2d(x, [2, 2], [1, 1, 1]), ("max_pool", [2, 2], [1, 1, 1], [0], [1], False, 2, False)),
    (lambda x: F.max_pool2d(x.long(), 2), ("max_pool", [2], [], [0], [1], False, 2, False), torch.long),
    (lambda x: F.max_pool1d(x[0], 3, padding=2), ("max_pool", [3], [], [2], [1], False, 1, False), None, 0),
    (lambda x: F.max_pool1d(x[0], 0), ("max_pool", [0], [], [0], [1], False, 1, False), None, 0),
    (lambda x: F.max_pool1d(x, 2), ("max_pool", [2], [], [0], [1], False, 1, False)),
    (lambda x: F.max_pool1d(x[0], 2, dilation=0), ("max_pool", [2], [], [0], [0], False, 1, False), None, 0),
    (lambda x: F.max_pool1d(x[0], 9, return_indices=True), ("max_pool", [9], [], [0], [1], False, 1, True), None, 0),
    (lambda x: F.avg_pool2d(x, 3, padding=2), ("avg_pool", [3], [], [2], False, True, None, 2)),
    (lambda x: F.avg_pool2d(x, 9), ("avg_pool", [9], [], [0], False, True, None, 2)),
    (lambda x: F.avg_pool2d(x, 2, divisor_override=0), ("avg_pool", [2], [], [0], False, True, 0, 2)),
    (lambda x: F.avg_pool2d(x.int(), 2), ("avg_pool", [2], [], [0], False, True, None, 2), torch.int),
    (lambda x: F.avg_pool1d(x, 2), ("avg_pool", [2], [], [0], False, True, None, 1)),
    (lambda x: torch.avg_pool1d(x[0], [2, 2]), ("avg_pool", [2, 2], [], [0], False, True, None, 1), None, 0),
    (lambda x: F.adaptive_avg_pool2d(x[0, 0], 2), ("adaptive_avg_pool", [2, 2], 2), None, (0, 0)),
    (lambda x: F.adaptive_avg_pool2d(x[:, :, :0], 2), ("adaptive_avg_pool", [2, 2], 2), None, "empty"),
    (lambda x: F.adaptive_avg_pool2d(x, -1), ("adaptive_avg_pool", [-1, -1], 2)),
    (lambda x: F.adaptive_max_pool2d(x[0, 0], 2), ("adaptive_max_pool", [2, 2], 2), None, (0, 0)),
    (lambda x: F.adaptive_avg_pool1d(x, 2), ("adaptive_avg_pool", [2], 1)),
    (lambda x: F.adaptive_max_pool2d(x.long(), 2), ("adaptive_max_pool", [2, 2], 2), torch.long),
]


@pytest.mark.parametrize("case", range(len(POOL_ERRORS)))
def test_pool_errors(drv, case):
    x = rnd((2, 3, 8, 8), torch.float32, 1)
    fn, args, *rest = POOL_ERRORS[case]
    dt = rest[0] if rest else None
    xi = x.to(dt) if dt else x
    if len(rest) > 1:
        sel = rest[1]
        xi = xi[:, :, :0] if sel == "empty" else xi[sel]
    same_error(drv, lambda: fn(x), args[0], xi.contiguous(), *args[1:])


# ---------------------------------------------------------- normalization

@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("xs", [(2, 3, 4, 5), (4, 3), (2, 3, 7), (1, 3, 2, 2, 2), (0, 3, 4)])
@pytest.mark.parametrize("affine", [True, False])
def test_batch_norm_eval(drv, dt, xs, affine):
    x = rnd(xs, dt, 1)
    m, v = rnd((3,), dt, 2), rnd((3,), dt, 3).abs() + 0.5
    w, b = (rnd((3,), dt, 4), rnd((3,), dt, 5)) if affine else (None, None)
    ref = torch.batch_norm(x, w, b, m, v, False, 0.1, 1e-5, False)
    ys = drv.run("batch_norm", noncontig(x), w, b, m, v, False, 0.1, 1e-5, nout=3)
    close(ys[0], ref)
    assert_same(ys[1], m)


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("xs", [(4, 3, 5, 5), (6, 3)])
def test_batch_norm_train(drv, dt, xs):
    x = rnd(xs, dt, 1)
    m, v = rnd((3,), dt, 2), rnd((3,), dt, 3).abs() + 0.5
    w, b = rnd((3,), dt, 4), rnd((3,), dt, 5)
    ys = drv.run("batch_norm", x, w, b, m, v, True, 0.3, 1e-5, nout=3)
    mm, vv = m.clone(), v.clone()
    ref = torch.batch_norm(x, w, b, mm, vv, True, 0.3, 1e-5, False)
    close(ys[0], ref)
    close(ys[1], mm)
    close(ys[2], vv)
    close(drv.run("batch_norm", x, None, None, None, None, True, 0.1, 1e-3),
          torch.batch_norm(x, None, None, None, None, True, 0.1, 1e-3, False))


@pytest.mark.parametrize("dt", FLOATS)
def test_instance_norm(drv, dt):
    x = rnd((2, 3, 5, 4), dt, 1)
    m, v = rnd((3,), dt, 2), rnd((3,), dt, 3).abs() + 0.5
    w, b = rnd((3,), dt, 4), rnd((3,), dt, 5)
    close(drv.run("instance_norm", x, w, b, None, None, True, 0.1, 1e-5),
          torch.instance_norm(x, w, b, None, None, True, 0.1, 1e-5, False))
    close(drv.run("instance_norm", x, None, None, m, v, False, 0.1, 1e-5, nout=3)[0],
          torch.instance_norm(x, None, None, m, v, False, 0.1, 1e-5, False))
    ys = drv.run("instance_norm", x, w, b, m, v, True, 0.2, 1e-5, nout=3)
    mm, vv = m.clone(), v.clone()
    ref = torch.instance_norm(x, w, b, mm, vv, True, 0.2, 1e-5, False)
    close(ys[0], ref)
    close(ys[1], mm)
    close(ys[2], vv)


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("xs,ns", [((2, 3, 8), [8]), ((2, 3, 4, 5), [4, 5]), ((5, 16), [16]), ((0, 4), [4]),
                                   ((3, 1), [1])])
@pytest.mark.parametrize("affine", ["both", "weight", "none"])
def test_layer_norm(drv, dt, xs, ns, affine):
    x = rnd(xs, dt, 1)
    w = rnd(ns, dt, 2) if affine != "none" else None
    b = rnd(ns, dt, 3) if affine == "both" else None
    close(drv.run("layer_norm", noncontig(x), ns, w, b, 1e-5), F.layer_norm(x, ns, w, b, 1e-5))
    ref = torch.native_layer_norm(x, ns, w, b, 1e-5)
    ours = drv.run("native_layer_norm", x, ns, w, b, 1e-5, nout=3)
    for o, r in zip(ours, ref):
        close(o, r)


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("xs,g", [((2, 6, 4, 4), 3), ((2, 6, 5), 6), ((3, 4), 1), ((2, 8, 3, 3), 2)])
def test_group_norm(drv, dt, xs, g):
    x = rnd(xs, dt, 1)
    w, b = rnd((xs[1],), dt, 2), rnd((xs[1],), dt, 3)
    close(drv.run("group_norm", x, g, w, b, 1e-5), F.group_norm(x, g, w, b, 1e-5))
    close(drv.run("group_norm", noncontig(x), g, None, None, 1e-3), F.group_norm(x, g, None, None, 1e-3))


NORM_ERRORS = [
    (lambda x, v: torch.batch_norm(x[0, 0, 0], v, v, v, v, False, 0.1, 1e-5, False), ("batch_norm", "x000", "v", "v", "v", "v", False, 0.1, 1e-5)),
    (lambda x, v: torch.batch_norm(x, v, v, torch.zeros(4), v, False, 0.1, 1e-5, False), ("batch_norm", "x", "v", "v", torch.zeros(4), "v", False, 0.1, 1e-5)),
    (lambda x, v: torch.batch_norm(x, torch.ones(4), v, v, v, False, 0.1, 1e-5, False), ("batch_norm", "x", torch.ones(4), "v", "v", "v", False, 0.1, 1e-5)),
    (lambda x, v: torch.batch_norm(x, v, v, None, v, False, 0.1, 1e-5, False), ("batch_norm", "x", "v", "v", None, "v", False, 0.1, 1e-5)),
    (lambda x, v: torch.batch_norm(x, v, v, v, None, False, 0.1, 1e-5, False), ("batch_norm", "x", "v", "v", "v", None, False, 0.1, 1e-5)),
    (lambda x, v: torch.batch_norm(x.long(), v, v, v, v, False, 0.1, 1e-5, False), ("batch_norm", "xl", "v", "v", "v", "v", False, 0.1, 1e-5)),
    (lambda x, v: torch.batch_norm(x, v.double(), v, v, v, False, 0.1, 1e-5, False), ("batch_norm", "x", "vd", "v", "v", "v", False, 0.1, 1e-5)),
    (lambda x, v: torch.batch_norm(x.double(), v, v, v, v, False, 0.1, 1e-5, False), ("batch_norm", "xd", "v", "v", "v", "v", False, 0.1, 1e-5)),
    (lambda x, v: torch.batch_norm(x, v, v, v.double(), v.double(), False, 0.1, 1e-5, False), ("batch_norm", "x", "v", "v", "vd", "vd", False, 0.1, 1e-5)),
    (lambda x, v: torch.instance_norm(x, v, v, None, None, False, 0.1, 1e-5, False), ("instance_norm", "x", "v", "v", None, None, False, 0.1, 1e-5)),
    (lambda x, v: F.layer_norm(x, [3, 4]), ("layer_norm", "x", [3, 4], None, None, 1e-5)),
    (lambda x, v: F.layer_norm(x[0, 0, 0], [3, 4]), ("layer_norm", "x000", [3, 4], None, None, 1e-5)),
    (lambda x, v: F.layer_norm(x, [4], v), ("layer_norm", "x", [4], "v", None, 1e-5)),
    (lambda x, v: F.layer_norm(x, [4], None, v), ("layer_norm", "x", [4], None, "v", 1e-5)),
    (lambda x, v: torch.layer_norm(x, []), ("layer_norm", "x", [], None, None, 1e-5)),
    (lambda x, v: F.layer_norm(x.long(), [4]), ("layer_norm", "xl", [4], None, None, 1e-5)),
    (lambda x, v: F.layer_norm(x, [4], torch.ones(4).double()), ("layer_norm", "x", [4], torch.ones(4).double(), None, 1e-5)),
    (lambda x, v: F.group_norm(x, 2), ("group_norm", "x", 2, None, None, 1e-5)),
    (lambda x, v: F.group_norm(x, 3, torch.ones(2)), ("group_norm", "x", 3, torch.ones(2), None, 1e-5)),
    (lambda x, v: F.group_norm(x, 3, v, torch.ones(2)), ("group_norm", "x", 3, "v", torch.ones(2), 1e-5)),
    (lambda x, v: torch.group_norm(x, 0), ("group_norm", "x", 0, None, None, 1e-5)),
    (lambda x, v: torch.group_norm(x.long(), 3), ("group_norm", "xl", 3, None, None, 1e-5)),
]


@pytest.mark.parametrize("case", range(len(NORM_ERRORS)))
def test_norm_errors(drv, case):
    x = rnd((2, 3, 4, 4), torch.float32, 1)
    v = rnd((3,), torch.float32, 2).abs() + 0.5
    sub = {"x": x, "x000": x[0, 0, 0].contiguous(), "xl": x.long(), "xd": x.double(), "v": v, "vd": v.double()}
    fn, args = NORM_ERRORS[case]
    same_error(drv, lambda: fn(x, v), args[0], *[sub[a] if isinstance(a, str) else a for a in args[1:]])


# ------------------------------------------------------------ small ops

@pytest.mark.parametrize("dt", FLOATS + [torch.int64])
def test_dropout_inference(drv, dt):
    x = make((2, 3, 4), dt, 1)
    for feature in [False, True]:
        for alpha in [False, True]:
            assert_same(drv.run("dropout", x, 0.5, False, feature, alpha), x)
    assert_same(drv.run("dropout", x, 0.0, True, False, False), x)
    if dt.is_floating_point:
        x[0, 0, 0] = float("nan")
        assert_same(drv.run("dropout", x, 1.0, True, False, False), torch.dropout(x, 1.0, True))
        assert_same(drv.run("dropout", x, 1.0, True, True, False), torch.feature_dropout(x, 1.0, True))
    same_error(drv, lambda: torch.dropout(x, 1.5, False), "dropout", x, 1.5, False, False, False)
    same_error(drv, lambda: torch.feature_dropout(x, -0.5, True), "dropout", x, -0.5, True, True, False)


@pytest.mark.parametrize("dt", FLOATS)
def test_prelu(drv, dt):
    x = rnd((2, 3, 4, 4), dt, 1)
    for w in [rnd((3,), dt, 2), rnd((1,), dt, 3), rnd((), dt, 4)]:
        close(drv.run("prelu", noncontig(x), w), torch.prelu(x, w))
    close(drv.run("prelu", x[0, 0, 0], rnd((1,), dt, 3)), torch.prelu(x[0, 0, 0], rnd((1,), dt, 3)))
    close(drv.run("prelu", x[:, :, 0, 0], rnd((3,), dt, 3)), torch.prelu(x[:, :, 0, 0], rnd((3,), dt, 3)))
    for w, xx in [(torch.ones(4, dtype=dt), x), (torch.ones(3, 1, dtype=dt), x), (torch.ones(5, dtype=dt), x[0, 0, 0]),
                  (torch.ones(3, dtype=dt).long(), x.long())]:
        same_error(drv, lambda: torch.prelu(xx, w), "prelu", xx.contiguous(), w)


@pytest.mark.parametrize("dt", FLOATS)
def test_glu(drv, dt):
    x = rnd((2, 4, 6), dt, 1)
    for d in [-1, 1, 0]:
        close(drv.run("glu", noncontig(x), d), F.glu(x, d))
    same_error(drv, lambda: F.glu(x[:, :3], 1), "glu", x[:, :3].contiguous(), 1)
    same_error(drv, lambda: F.glu(x, 3), "glu", x, 3)
    same_error(drv, lambda: F.glu(x.long(), 2), "glu", x.long(), 2)


@pytest.mark.parametrize("dt", FLOATS + [torch.int64])
def test_pixel_shuffle(drv, dt):
    x = make((2, 8, 3, 5), dt, 1)
    assert_same(drv.run("pixel_shuffle", noncontig(x), 2, False), F.pixel_shuffle(x, 2))
    assert_same(drv.run("pixel_shuffle", x[0], 2, False), F.pixel_shuffle(x[0], 2))
    y = make((2, 3, 2, 4, 6), dt, 2)
    assert_same(drv.run("pixel_shuffle", y, 2, True), F.pixel_unshuffle(y, 2))
    same_error(drv, lambda: F.pixel_shuffle(x[:, :7], 2), "pixel_shuffle", x[:, :7].contiguous(), 2, False)
    same_error(drv, lambda: F.pixel_shuffle(x[0, 0], 2), "pixel_shuffle", x[0, 0].contiguous(), 2, False)
    same_error(drv, lambda: F.pixel_shuffle(x, 0), "pixel_shuffle", x, 0, False)
    same_error(drv, lambda: F.pixel_unshuffle(x, 2), "pixel_shuffle", x, 2, True)
    same_error(drv, lambda: F.pixel_unshuffle(x[..., :4], 2), "pixel_shuffle", x[..., :4].contiguous(), 2, True)


@pytest.mark.parametrize("dt", FLOATS + [torch.int64])
def test_embedding(drv, dt):
    w = make((10, 4), dt, 1)
    for idx in [torch.tensor([[1, 2], [0, 9]]), torch.tensor(3), torch.tensor([5, 5, 1], dtype=torch.int32),
                torch.zeros(0, 3, dtype=torch.long)]:
        assert_same(drv.run("embedding", w, idx, -1), F.embedding(idx, w))
    assert_same(drv.run("embedding", noncontig(w), noncontig(torch.tensor([[1, 2], [0, 9]])), 2),
                F.embedding(torch.tensor([[1, 2], [0, 9]]), w, 2))
    for idx in [torch.tensor([1.0]), torch.tensor([10]), torch.tensor([-1])]:
        same_error(drv, lambda: torch.embedding(w, idx), "embedding", w, idx, -1)
    same_error(drv, lambda: torch.embedding(w[0], torch.tensor([1])), "embedding", w[0].contiguous(), torch.tensor([1]), -1)


def test_one_hot(drv):
    i = torch.tensor([[1, 2, 0], [3, 3, 1]])
    assert_same(drv.run("one_hot", i, 5), F.one_hot(i, 5))
    assert_same(drv.run("one_hot", i, -1), F.one_hot(i))
    e = torch.zeros(0, dtype=torch.long)
    assert_same(drv.run("one_hot", e, 4), F.one_hot(e, 4))
    for idx, n in [(torch.tensor([1, -2]), -1), (torch.tensor([1, 5]), 4), (torch.tensor([1.0]), 4),
                   (torch.tensor([1], dtype=torch.int32), 4), (e, -1)]:
        same_error(drv, lambda: F.one_hot(idx, n), "one_hot", idx, n)


# ------------------------------------------------------------ recurrent

RNN_CASES = [
    # input_size, hidden, layers, bias, bidirectional, batch_first, seq, batch
    (5, 7, 1, True, False, False, 6, 3),
    (5, 7, 2, True, True, False, 6, 3),
    (4, 6, 3, False, False, True, 5, 2),
    (4, 6, 2, True, True, True, 1, 1),
    (3, 8, 1, True, True, False, 0, 2),
]


def rnn_flat(m):
    return [p.detach() for p in m._flat_weights]


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("case", range(len(RNN_CASES)))
@pytest.mark.parametrize("proj", [0, 4])
def test_lstm(drv, dt, case, proj):
    I, H, L, bias, bi, bf, S, B = RNN_CASES[case]
    torch.manual_seed(case)
    m = torch.nn.LSTM(I, H, L, bias=bias, bidirectional=bi, batch_first=bf, proj_size=proj).to(dt).eval()
    D = 2 if bi else 1
    x = rnd((B, S, I) if bf else (S, B, I), dt, 1)
    h0, c0 = rnd((L * D, B, proj or H), dt, 2), rnd((L * D, B, H), dt, 3)
    if S == 0:
        same_error(drv, lambda: m(x, (h0, c0)), "lstm", x, h0, c0, bias, L, 0.0, False, bi, bf, *rnn_flat(m))
        return
    with torch.no_grad():
        y, (hy, cy) = m(x, (h0, c0))
    ours = drv.run("lstm", x, h0, c0, bias, L, 0.0, False, bi, bf, *rnn_flat(m), nout=3)
    for o, r in zip(ours, [y, hy, cy]):
        close(o, r)


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("case", range(len(RNN_CASES)))
def test_gru(drv, dt, case):
    I, H, L, bias, bi, bf, S, B = RNN_CASES[case]
    torch.manual_seed(case)
    m = torch.nn.GRU(I, H, L, bias=bias, bidirectional=bi, batch_first=bf).to(dt).eval()
    D = 2 if bi else 1
    x = rnd((B, S, I) if bf else (S, B, I), dt, 1)
    h0 = rnd((L * D, B, H), dt, 2)
    if S == 0:
        same_error(drv, lambda: m(x, h0), "gru", x, h0, bias, L, 0.0, False, bi, bf, *rnn_flat(m))
        return
    with torch.no_grad():
        y, hy = m(noncontig(x), h0)
    ours = drv.run("gru", noncontig(x), h0, bias, L, 0.0, False, bi, bf, *rnn_flat(m), nout=2)
    for o, r in zip(ours, [y, hy]):
        close(o, r)


def test_rnn_aten_ops(drv):
    """aten::lstm / aten::gru called as the scripted graphs call them."""
    m = torch.nn.LSTM(4, 5, 2, dropout=0.3).eval()
    x, h0, c0 = rnd((3, 2, 4), torch.float32, 1), rnd((2, 2, 5), torch.float32, 2), rnd((2, 2, 5), torch.float32, 3)
    ref = torch.lstm(x, (h0, c0), rnn_flat(m), True, 2, 0.3, False, False, False)
    ours = drv.run("lstm", x, h0, c0, True, 2, 0.3, False, False, False, *rnn_flat(m), nout=3)
    for o, r in zip(ours, ref):
        close(o, r)
    g = torch.nn.GRU(4, 5, 1).eval()
    ref = torch.gru(x, h0[:1], rnn_flat(g), True, 1, 0.0, False, False, False)
    ours = drv.run("gru", x, h0[:1].contiguous(), True, 1, 0.0, False, False, False, *rnn_flat(g), nout=2)
    for o, r in zip(ours, ref):
        close(o, r)


# ------------------------------------------------------------ attention

def mha_params(E, dt, seed=0):
    torch.manual_seed(seed)
    m = torch.nn.MultiheadAttention(E, 1, batch_first=True).to(dt)
    with torch.no_grad():
        m.in_proj_bias.uniform_(-0.5, 0.5)
        m.out_proj.bias.uniform_(-0.5, 0.5)
    return [m.in_proj_weight.detach(), m.in_proj_bias.detach(), m.out_proj.weight.detach(),
            m.out_proj.bias.detach()]


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("B,S,E,H", [(2, 5, 8, 2), (1, 7, 12, 3), (3, 1, 4, 1), (0, 3, 8, 2)])
@pytest.mark.parametrize("need_weights,average", [(False, True), (True, True), (True, False)])
def test_native_mha_self(drv, dt, B, S, E, H, need_weights, average):
    x = rnd((B, S, E), dt, 1)
    p = mha_params(E, dt)
    out, w = torch._native_multi_head_attention(x, x, x, E, H, *p, None, need_weights, average, None)
    ours = drv.run("native_mha", x, None, None, E, H, *p, None, need_weights, average, None,
                   nout=2 if w is not None else 1)
    if w is None:
        close(ours, out)
    else:
        close(ours[0], out)
        close(ours[1], w)


@pytest.mark.parametrize("dt", FLOATS)
def test_native_mha_cross(drv, dt):
    q, k, v = rnd((2, 4, 8), dt, 1), rnd((2, 4, 8), dt, 2), rnd((2, 4, 8), dt, 3)
    p = mha_params(8, dt)
    out, w = torch._native_multi_head_attention(q, k, v, 8, 2, *p, None, True, True, None)
    ours = drv.run("native_mha", q, k, v, 8, 2, *p, None, True, True, None, nout=2)
    close(ours[0], out)
    close(ours[1], w)
    out, w = torch._native_multi_head_attention(q, k, k, 8, 2, *p, None, True, True, None)
    ours = drv.run("native_mha", q, k, None, 8, 2, *p, None, True, True, None, nout=2)
    close(ours[0], out)


@pytest.mark.parametrize("dt", FLOATS)
def test_native_mha_masks(drv, dt):
    x = rnd((2, 4, 8), dt, 1)
    p = mha_params(8, dt)
    kpm = torch.tensor([[False, False, True, False], [True, False, True, True]])
    full = torch.rand(2, 2, 4, 4, generator=torch.Generator().manual_seed(3)) > 0.7
    full[..., 0] = False  # no fully masked rows here
    for mask, mt in [(kpm, 1), (kpm, 2), (full, 2), (kpm.long(), 1)]:
        out, w = torch._native_multi_head_attention(x, x, x, 8, 2, *p, mask, True, False, mt)
        ours = drv.run("native_mha", x, None, None, 8, 2, *p, mask, True, False, mt, nout=2)
        close(ours[0], out)
        close(ours[1], w)
    # a fully masked batch gives NaN, as in torch
    kpm[1] = True
    out, w = torch._native_multi_head_attention(x, x, x, 8, 2, *p, kpm, True, True, 1)
    ours = drv.run("native_mha", x, None, None, 8, 2, *p, kpm, True, True, 1, nout=2)
    close(ours[0], out)
    close(ours[1], w)


def test_native_mha_errors(drv):
    x = rnd((2, 4, 8), torch.float32, 1)
    p = mha_params(8, torch.float32)
    kpm = torch.zeros(2, 4, dtype=torch.bool)
    cases = [
        (x, 8, 3, p, kpm, 1),                       # heads do not divide
        (x, 6, 2, p, None, None),                   # embed_dim mismatch
        (x, 8, 2, [p[0][:12], *p[1:]], None, None),  # qkv weight
        (x, 8, 2, [p[0], p[1][:12], *p[2:]], None, None),
        (x[0], 8, 2, p, None, None),
        (x, 8, 2, p, kpm, None),
        (x, 8, 2, p, torch.zeros(4, 4, dtype=torch.bool), 1),
        (x, 8, 2, p, kpm, 0),
        (x, 8, 2, p, torch.zeros(2, 4, 4, dtype=torch.bool), 1),
    ]
    for xx, E, H, pp, mask, mt in cases:
        xx = xx.contiguous()
        same_error(drv, lambda: torch._native_multi_head_attention(xx, xx, xx, E, H, *pp, mask, True, True, mt),
                   "native_mha", xx, None, None, E, H, *[t.contiguous() for t in pp], mask, True, True, mt)


def encoder_args(layer):
    a = layer.self_attn
    return [a.embed_dim, a.num_heads, a.in_proj_weight, a.in_proj_bias, a.out_proj.weight, a.out_proj.bias,
            layer.activation_relu_or_gelu == 2, layer.norm_first, layer.norm1.eps,
            layer.norm1.weight, layer.norm1.bias, layer.norm2.weight, layer.norm2.bias,
            layer.linear1.weight, layer.linear1.bias, layer.linear2.weight, layer.linear2.bias]


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
def test_transformer_encoder_layer(drv, dt, norm_first, activation):
    torch.manual_seed(1)
    layer = torch.nn.TransformerEncoderLayer(16, 4, 32, dropout=0.1, activation=activation, batch_first=True,
                                             norm_first=norm_first).to(dt).eval()
    with torch.no_grad():
        for prm in layer.parameters():
            if prm.dim() == 1:
                prm.uniform_(-0.5, 0.5)
    x = rnd((3, 5, 16), dt, 2)
    with torch.no_grad():
        args = [t.detach() if isinstance(t, torch.Tensor) else t for t in encoder_args(layer)]
        ref = torch._transformer_encoder_layer_fwd(x, *args, None, None)
        assert_same(ref, layer(x), **tol(dt))  # the fused op is what the module runs
        close(drv.run("encoder_layer", x, *args, None, None), ref)
        kpm = torch.tensor([[False] * 5, [False, False, True, True, False], [True, False, False, False, False]])
        ref = torch._transformer_encoder_layer_fwd(x, *args, kpm, 1)
        close(drv.run("encoder_layer", x, *args, kpm, 1), ref)
        e = torch.zeros(0, 5, 16, dtype=dt)
        assert_same(drv.run("encoder_layer", e, *args, None, None), torch._transformer_encoder_layer_fwd(e, *args, None, None))
