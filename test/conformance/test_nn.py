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
