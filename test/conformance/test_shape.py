"""Shape and view kernels against torch.

Every case runs the op in torch and in tsi (kdriver) on the same input.
When torch succeeds, values, dtype and shape must match, and so must the
geometry: whether the result shares the input's storage, its storage offset,
sizes and strides. When torch raises, tsi must fail too, with torch's
message text (taken from the torch exception, never typed here).

Inputs come in several layouts (contiguous, every-other-element strided,
transposed storage, a view with a storage offset) because view rules depend
on strides.
"""
import itertools
import os

import numpy as np
import pytest
import torch

from conftest import Driver, KernelError, assert_same, make, noncontig

class ExactDriver(Driver):
    """Passes every tensor as (whole storage, offset, sizes, strides), so tsi
    sees exactly torch's geometry, even the strides of size-0/1 dims that
    torch ignores when it calls a tensor contiguous."""

    def arg(self, x):
        if not isinstance(x, torch.Tensor):
            return super().arg(x)
        base = torch.empty(0, dtype=x.dtype).set_(x.storage())
        p = self._path("base")
        np.save(p, base.numpy())
        sizes = ",".join(map(str, x.shape)) or "-"
        strides = ",".join(map(str, x.stride())) or "-"
        return f"v:{p}:{x.storage_offset()}:{sizes}:{strides}"


@pytest.fixture
def drv(tmp_path):
    return ExactDriver(tmp_path)


# In sanitizer builds, make undefined behaviour fail the driver run.
os.environ.setdefault("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1")

DTYPES = [torch.float32, torch.int64, torch.bool]
LAYOUTS = ["contig", "strided", "permuted", "offset"]


def layout(t, kind):
    """t's values in the given layout (a 0-d tensor stays as it is, except
    for 'offset', which picks an element of a larger tensor)."""
    if kind == "contig":
        return t
    if kind == "offset":
        if t.numel() == 0:
            # torch lets an empty view sit past the end of an empty storage;
            # the driver's input loader refuses that geometry
            return t
        big = torch.stack([torch.zeros_like(t), t, torch.zeros_like(t)])
        return big[1]
    return noncontig(t, kind)


def geometry(r, x):
    """[shares x's storage, offset, sizes..., strides...] of torch's result."""
    root = x._base if x._base is not None else x
    shares = r is x or (r._base is not None and r._base is root)
    return [int(shares), r.storage_offset(), *r.shape, *r.stride()]


def torch_call(fn):
    """(result, None) or (None, torch's message)."""
    try:
        return fn(), None
    except (RuntimeError, IndexError, ValueError) as e:
        return None, str(e)


def expect_error(drv, op, args, msg):
    with pytest.raises(KernelError) as e:
        drv.run(op, *args, nout=2)
    assert msg in str(e.value), f"tsi: {e.value}\ntorch: {msg}"
    # under ASan a leak on the error path also exits 1: make it fail here
    assert "Sanitizer" not in str(e.value), str(e.value)


def check(drv, op, fn, x, *args):
    """Run op(x, *args) in tsi and fn(x) in torch; compare everything."""
    r, msg = torch_call(lambda: fn(x))
    if msg is not None:
        expect_error(drv, op, (x,) + args, msg)
        return
    vals, geo = drv.run(op, x, *args, nout=2)
    assert_same(vals, r)
    assert geo.tolist() == geometry(r, x)
    return r


def check_pieces(drv, op, fn, x, *args):
    """Like check for ops returning several tensors."""
    r, msg = torch_call(lambda: fn(x))
    if msg is not None:
        expect_error(drv, op, (x,) + args, msg)
        return
    vals, geo = drv.run(op, x, *args, nout=2)
    flat = torch.cat([p.reshape(-1) for p in r]) if r else torch.empty(0, dtype=x.dtype)
    assert_same(vals, flat)
    assert geo.tolist() == [geometry(p, x) for p in r]


def check_join(drv, op, fn, dim, ts):
    """cat/stack: tsi's op(dim, t...) against fn(ts, dim)."""
    r, msg = torch_call(lambda: fn(ts, dim))
    if msg is not None:
        expect_error(drv, op, (dim, *ts), msg)
        return
    vals, geo = drv.run(op, dim, *ts, nout=2)
    assert_same(vals, r)
    assert geo.tolist() == [0, r.storage_offset(), *r.shape, *r.stride()]


# ------------------------------------------------------------------ view

VIEW_CASES = [
    ((2, 3, 4), [[24], [-1], [4, 6], [2, -1, 2], [6, 4], [2, 3, 4], [1, 24, 1], [3, 8],
                 [2, 12], [2, 3, 2, 2], [-1, 4], [1, -1], [2, 5], [-1, -1], [-2, 12], [5, -1]]),
    ((6, 1), [[6], [1, 6], [3, 2], [6, 1, 1]]),
    ((), [[], [1], [-1], [1, 1], [2], [1, -1, 1]]),
    ((2, 0, 3), [[0], [-1], [0, 6], [-1, 3], [6, 0], [0, -1], [-1, 0], [3, 0, 2], [1]]),
]


@pytest.mark.parametrize("op", ["view", "reshape"])
@pytest.mark.parametrize("lay", LAYOUTS)
@pytest.mark.parametrize("shape,targets", VIEW_CASES, ids=lambda v: str(v))
def test_view_reshape(drv, op, lay, shape, targets):
    x = layout(make(shape, torch.float32, seed=1), lay)
    for sizes in targets:
        check(drv, op, lambda t: getattr(t, op)(sizes), x, sizes)


@pytest.mark.parametrize("dtype", DTYPES)
def test_view_dtypes(drv, dtype):
    x = make((4, 6), dtype, seed=2)
    check(drv, "view", lambda t: t.view(3, 8), x, [3, 8])
    check(drv, "reshape", lambda t: t.reshape(2, -1), x.t(), [2, -1])
    check(drv, "view", lambda t: t.view(-1, 2, 3), x[1:3], [-1, 2, 3])


def test_view_spanning_subspaces(drv):
    # A transposed tensor cannot be viewed as one dim, but can merge inner
    # groups that are still contiguous among themselves.
    base = make((2, 3, 4), torch.float32)
    x = base.permute(1, 0, 2)  # (3, 2, 4): dims 1 and 2 are not adjacent in memory
    for sizes in ([24], [3, 8], [6, 4], [3, 2, 2, 2], [1, 3, 1, 2, 4]):
        check(drv, "view", lambda t: t.view(sizes), x, sizes)
        check(drv, "reshape", lambda t: t.reshape(sizes), x, sizes)
    x = base[:, :, ::2]
    for sizes in ([2, 6], [6, 2], [12], [2, 3, 2, 1]):
        check(drv, "view", lambda t: t.view(sizes), x, sizes)
        check(drv, "reshape", lambda t: t.reshape(sizes), x, sizes)
    x = base.expand(2, 2, 3, 4)
    for sizes in ([4, 12], [2, 24], [48], [2, 2, 12]):
        check(drv, "view", lambda t: t.view(sizes), x, sizes)
        check(drv, "reshape", lambda t: t.reshape(sizes), x, sizes)


# --------------------------------------------------------------- flatten

FLATTEN_RANGES = [(0, -1), (1, 2), (0, 0), (-1, -1), (0, 1), (-2, -1), (2, 1), (0, 3), (-4, 0)]


@pytest.mark.parametrize("lay", LAYOUTS)
@pytest.mark.parametrize("shape", [(), (5,), (2, 3, 4), (2, 0, 3), (1, 3, 1)])
def test_flatten(drv, lay, shape):
    x = layout(make(shape, torch.float32, seed=3), lay)
    for s, e in FLATTEN_RANGES:
        check(drv, "flatten", lambda t: t.flatten(s, e), x, s, e)


@pytest.mark.parametrize("dtype", DTYPES)
def test_flatten_dtypes(drv, dtype):
    x = make((3, 4, 2), dtype, seed=4)
    check(drv, "flatten", lambda t: t.flatten(0, -1), x.transpose(0, 2), 0, -1)
    check(drv, "flatten", lambda t: t.flatten(1, 2), x, 1, 2)


# ------------------------------------------------------ permute, transpose

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lay", LAYOUTS)
def test_permute(drv, dtype, lay):
    x = layout(make((2, 3, 4), dtype, seed=5), lay)
    for p in itertools.permutations(range(3)):
        check(drv, "permute", lambda t: t.permute(p), x, list(p))
    for p in ([-1, 0, 1], [2, -3, -2], [0, 1], [0, 0, 1], [0, 1, 5], [0, 5, 0], [0, 1, 2, 3]):
        check(drv, "permute", lambda t: t.permute(p), x, p)


def test_permute_small(drv):
    for x, p in [(torch.tensor(2.5), []), (torch.tensor(2.5), [0]), (make((3,), torch.int64), [0]),
                 (make((3,), torch.int64), [-1]), (make((0, 2), torch.float32), [1, 0])]:
        check(drv, "permute", lambda t: t.permute(p), x, p)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lay", LAYOUTS)
def test_transpose(drv, dtype, lay):
    x = layout(make((2, 3, 4), dtype, seed=6), lay)
    for a, b in [(0, 2), (-1, 0), (1, 1), (0, 1), (-2, -1), (0, 3), (-4, 0)]:
        check(drv, "transpose", lambda t: t.transpose(a, b), x, a, b)


@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (2, 3, 4), (0, 3)])
def test_t(drv, shape):
    for lay in LAYOUTS:
        x = layout(make(shape, torch.int64, seed=7), lay)
        check(drv, "t", lambda t: t.t(), x)
    x = torch.tensor(1.0)
    for a, b in [(0, 0), (0, -1), (-1, 0), (0, 1)]:
        check(drv, "transpose", lambda t: t.transpose(a, b), x, a, b)


# ---------------------------------------------------------------- expand

EXPAND_CASES = [
    ((1, 3), [[4, 3], [-1, 3], [2, 4, 3], [1, -1, 3], [0, 3], [3], [4, 4], [-1, -1, 3],
              [2, -1, -1], [-2, 3], [1, 3]]),
    ((3, 1), [[3, 5], [2, 3, 5], [3, -1], [3, 0], [-1, 3, 1], [1, 1, 3, 1]]),
    ((2, 3), [[2, 3], [4, 2, 3], [3], [-1, 3, -1], [2, -2], [1, -1, 3]]),
    ((), [[], [3], [2, 3], [-1], [0], [1, 1]]),
    ((0, 1), [[0, 4], [2, 0, 4], [1, 0]]),
]


@pytest.mark.parametrize("lay", LAYOUTS)
@pytest.mark.parametrize("shape,targets", EXPAND_CASES, ids=lambda v: str(v))
def test_expand(drv, lay, shape, targets):
    x = layout(make(shape, torch.float32, seed=8), lay)
    for sizes in targets:
        check(drv, "expand", lambda t: t.expand(sizes), x, sizes)


@pytest.mark.parametrize("dtype", DTYPES + [torch.float64, torch.float16, torch.int32,
                                            torch.int16, torch.int8, torch.uint8])
def test_expand_dtypes(drv, dtype):
    x = make((2, 1), dtype, seed=9)
    check(drv, "expand", lambda t: t.expand(3, 2, 4), x, [3, 2, 4])
    check(drv, "expand", lambda t: t.expand(4), x, [4])  # error names the tensor type


def test_expand_as(drv):
    x = make((3, 1), torch.int64, seed=10)
    for other in [make((3, 4), torch.float32), make((2, 3, 5), torch.bool),
                  make((4, 4), torch.float32), make((3,), torch.float32)]:
        r, msg = torch_call(lambda: x.expand_as(other))
        if msg is not None:
            expect_error(drv, "expand_as", (x, other), msg)
            continue
        vals, geo = drv.run("expand_as", x, other, nout=2)
        assert_same(vals, r)
        assert geo.tolist() == geometry(r, x)


# ------------------------------------------------------ squeeze, unsqueeze

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(1, 3, 1, 2), (), (1,), (2, 0, 1), (3, 2)])
def test_squeeze(drv, dtype, shape):
    for lay in LAYOUTS:
        x = layout(make(shape, dtype, seed=11), lay)
        check(drv, "squeeze", lambda t: t.squeeze(), x)
        for d in (0, 1, -1, -2, 2, 4):
            check(drv, "squeeze", lambda t: t.squeeze(d), x, d)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(2, 3), (), (0, 3), (4,)])
def test_unsqueeze(drv, dtype, shape):
    for lay in LAYOUTS:
        x = layout(make(shape, dtype, seed=12), lay)
        for d in (0, 1, 2, -1, -2, -3, 3):
            check(drv, "unsqueeze", lambda t: t.unsqueeze(d), x, d)


# -------------------------------------------------- slice, select, narrow

def aten_slice(dim, start, end, step):
    return lambda t: torch.ops.aten.slice.Tensor(t, dim, start, end, step)


@pytest.mark.parametrize("lay", LAYOUTS)
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_slice_bounds(drv, lay, dim):
    x = layout(make((5, 4), torch.float32, seed=13), lay)
    starts = [None, 0, 1, -2, 7, -9, 4]
    ends = [None, 3, -1, 10, -10, 0]
    for start, end in itertools.product(starts, ends):
        check(drv, "slice", aten_slice(dim, start, end, 1), x, dim, start, end, 1)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lay", LAYOUTS)
def test_slice_steps(drv, dtype, lay):
    x = layout(make((7, 3), dtype, seed=14), lay)
    for start, end, step in [(None, None, 2), (1, None, 3), (-5, 6, 2), (0, 7, 7), (2, 3, 100),
                             (None, None, 2**40), (3, 1, 2), (None, None, 0), (1, 2, -1)]:
        check(drv, "slice", aten_slice(0, start, end, step), x, 0, start, end, step)
        check(drv, "slice", aten_slice(1, start, end, step), x, 1, start, end, step)


def test_slice_edge(drv):
    for x, dim in [(torch.tensor(3.0), 0), (make((4,), torch.int64), 1),
                   (make((0, 3), torch.bool), 0), (make((2, 3), torch.float32), -3)]:
        check(drv, "slice", aten_slice(dim, 1, 3, 1), x, dim, 1, 3, 1)
    x = make((6,), torch.int64)
    big = 2**62  # torch 1.13 mistakes values near the int64 limits for symbolic sizes
    for start, end in [(-big, big), (big, -big), (-big, -big), (big, big)]:
        check(drv, "slice", aten_slice(0, start, end, 1), x, 0, start, end, 1)


def test_slice_step_overflow(drv):
    # torch's stride * step wraps around (and then fails oddly); tsi refuses
    x = make((7, 3), torch.float32)
    expect_error(drv, "slice", (x, 0, None, None, 2**62), "too large")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lay", LAYOUTS)
def test_select(drv, dtype, lay):
    x = layout(make((3, 4), dtype, seed=15), lay)
    for dim in (0, 1, -1, -2, 2):
        for index in (0, 2, -1, -3, 3, -5, 4):
            check(drv, "select", lambda t: t.select(dim, index), x, dim, index)
    check(drv, "select", lambda t: t.select(0, 0), torch.tensor(1.0), 0, 0)
    check(drv, "select", lambda t: t.select(0, 0), make((0, 2), dtype), 0, 0)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lay", LAYOUTS)
def test_narrow(drv, dtype, lay):
    x = layout(make((5, 4), dtype, seed=16), lay)
    for dim, start, length in [(0, 0, 5), (0, -2, 2), (0, 5, 0), (0, 6, 0), (0, 0, -1),
                               (0, 2, 4), (1, 1, 2), (-1, -4, 4), (1, -5, 1), (2, 0, 1)]:
        check(drv, "narrow", lambda t: t.narrow(dim, start, length), x, dim, start, length)
    for x, start in [(torch.tensor(1.0), 0), (torch.ones(0), 0), (torch.ones(0), 1),
                     (torch.ones(0), -1)]:
        check(drv, "narrow", lambda t: t.narrow(0, start, 0), x, 0, start, 0)


# --------------------------------------------------- several results

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lay", LAYOUTS)
def test_unbind(drv, dtype, lay):
    x = layout(make((3, 4), dtype, seed=17), lay)
    for dim in (0, 1, -1, -2, 2):
        check_pieces(drv, "unbind", lambda t: t.unbind(dim), x, dim)
    for x, dim in [(make((0, 3), dtype), 0), (make((0, 3), dtype), 1), (torch.tensor(1.0), 0),
                   (torch.tensor(1.0), 1), (make((5,), dtype), 0)]:
        check_pieces(drv, "unbind", lambda t: t.unbind(dim), x, dim)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lay", LAYOUTS)
def test_chunk(drv, dtype, lay):
    x = layout(make((5, 4), dtype, seed=18), lay)
    for chunks in (1, 2, 3, 5, 7, 0, -1):
        for dim in (0, 1, -1, 2):
            check_pieces(drv, "chunk", lambda t: t.chunk(chunks, dim), x, chunks, dim)
    for x, chunks, dim in [(make((0, 3), dtype), 3, 0), (make((0, 3), dtype), 2, 1),
                           (torch.tensor(1.0), 1, 0)]:
        check_pieces(drv, "chunk", lambda t: t.chunk(chunks, dim), x, chunks, dim)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lay", LAYOUTS)
def test_split(drv, dtype, lay):
    x = layout(make((5, 4), dtype, seed=19), lay)
    for size in (1, 2, 3, 5, 10, 0, -1):
        for dim in (0, -1, 2):
            check_pieces(drv, "split", lambda t: t.split(size, dim), x, size, dim)
    for x, size in [(make((0, 3), dtype), 0), (make((0, 3), dtype), 2), (torch.tensor(1.0), 1)]:
        check_pieces(drv, "split", lambda t: t.split(size, 0), x, size, 0)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lay", LAYOUTS)
def test_split_with_sizes(drv, dtype, lay):
    x = layout(make((5, 4), dtype, seed=20), lay)
    for sizes, dim in [([2, 3], 0), ([0, 5], 0), ([1, 1, 3], 0), ([5], 0), ([1, 3], -1),
                       ([4, 0, 0], 1), ([1, 1], 0), ([1, -1, 5], 0), ([2, 3], 2), ([], 0),
                       ([6, -1], 0)]:
        check_pieces(drv, "split_with_sizes", lambda t: t.split_with_sizes(sizes, dim), x,
                     sizes, dim)
    check_pieces(drv, "split_with_sizes", lambda t: t.split_with_sizes([1], 0),
                 torch.tensor(1.0), [1], 0)


# ------------------------------------------------------------- diagonal

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lay", LAYOUTS)
def test_diagonal(drv, dtype, lay):
    x = layout(make((3, 4), dtype, seed=21), lay)
    for off in (0, 1, -1, 3, -3, 5, -5):
        for d1, d2 in ((0, 1), (1, 0), (-1, -2), (1, -1), (0, 2)):
            check(drv, "diagonal", lambda t: t.diagonal(off, d1, d2), x, off, d1, d2)
    x = layout(make((2, 3, 4), dtype, seed=22), lay)
    for off, d1, d2 in ((0, 0, 2), (1, 1, 2), (-1, 2, 0), (2, 0, 1)):
        check(drv, "diagonal", lambda t: t.diagonal(off, d1, d2), x, off, d1, d2)


# ----------------------------------------------------------- as_strided

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lay", ["contig", "offset", "strided"])
def test_as_strided(drv, dtype, lay):
    x = layout(make((3, 4), dtype, seed=23), lay)
    cases = [([2, 2], [1, 2], 0), ([3, 4], [4, 1], None), ([2, 3], [1, 1], None),
             ([4], [3], 0), ([12], [1], 0), ([12], [1], 1), ([2, 2], [1, 1], 30),
             ([2, 0], [1, 1], 100), ([], [], 11), ([], [], 12), ([2, 2], [1, -1], 0),
             ([2, 2], [1], 0), ([2, 2], [1, 1], -1), ([2, -2], [1, 1], 0),
             ([2**40, 2**40], [2**40, 2**40], 0), ([5], [0], 3), ([2, 3], [0, 2], None),
             ([1], [1], 2**40), ([2**40], [2**40], 0)]
    for sizes, strides, off in cases:
        if off is None:
            fn = lambda t: t.as_strided(sizes, strides)  # noqa: E731
        else:
            fn = lambda t: t.as_strided(sizes, strides, off)  # noqa: E731
        check(drv, "as_strided", fn, x, sizes, strides, off)


def test_as_strided_offset_overflow(drv):
    # torch's bounds check multiplies the offset by the item size without
    # an overflow check, so these views pass in torch and point far outside
    # the storage. tsi must refuse them.
    x = make((3, 4), torch.float32)
    for off in (2**61, 2**62, 2**63 - 1):
        expect_error(drv, "as_strided", (x, [1], [1], off), "out of bounds for storage")


# ------------------------------------------------------------------- cat

CAT_DTYPE_PAIRS = [(torch.float32, torch.float32), (torch.int64, torch.int64),
                   (torch.bool, torch.bool), (torch.int32, torch.float64),
                   (torch.bool, torch.int64), (torch.uint8, torch.int8),
                   (torch.float16, torch.float32), (torch.int64, torch.float16),
                   (torch.bool, torch.float32)]


@pytest.mark.parametrize("dts", CAT_DTYPE_PAIRS, ids=str)
def test_cat_promotion(drv, dts):
    a, b = make((2, 3), dts[0], seed=24), make((4, 3), dts[1], seed=25)
    check_join(drv, "cat", torch.cat, 0, [a, b])
    check_join(drv, "cat", torch.cat, 1, [a.t(), b.t()])
    # a skipped (0,) tensor still takes part in promotion
    check_join(drv, "cat", torch.cat, 0, [a, torch.empty(0, dtype=dts[1])])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lay", LAYOUTS)
def test_cat_layouts(drv, dtype, lay):
    a = layout(make((2, 3, 4), dtype, seed=26), lay)
    b = make((2, 3, 4), dtype, seed=27)
    for dim in (0, 1, 2, -1, -3):
        check_join(drv, "cat", torch.cat, dim, [a, b])
        check_join(drv, "cat", torch.cat, dim, [b, a, a])
        check_join(drv, "cat", torch.cat, dim, [a])


def test_cat_legacy_empty(drv):
    a = make((2, 3), torch.float32, seed=28)
    e = torch.empty(0)
    for ts, dim in [([a, e], 0), ([e, a], 1), ([e, a, e], -1), ([e, e], 0), ([e], 0),
                    ([e, e], 5), ([a, e], 5), ([make((0, 3), torch.float32), a], 0),
                    ([make((2, 0), torch.float32), a], 1), ([make((2, 0), torch.float32), a], 0),
                    ([e, make((0, 3), torch.float32)], 1)]:
        check_join(drv, "cat", torch.cat, dim, ts)


def test_cat_errors(drv):
    a = make((2, 3), torch.float32, seed=29)
    for ts, dim in [([a, make((2, 4), torch.float32)], 0), ([a, make((3, 3), torch.int64)], 1),
                    ([a, make((3,), torch.float32)], 0), ([a, torch.tensor(1.0)], 0),
                    ([torch.tensor(1.0)], 0), ([], 0), ([a, a], 2), ([a, a], -3),
                    ([make((2, 3, 4), torch.float32), make((2, 5, 4), torch.float32)], 2)]:
        check_join(drv, "cat", torch.cat, dim, ts)


def test_cat_channels_last(drv):
    cl = torch.channels_last
    x = make((2, 3, 4, 5), torch.float32, seed=30)
    y = make((2, 3, 4, 5), torch.float32, seed=31)
    xc, yc = x.to(memory_format=cl), y.to(memory_format=cl)
    for ts in ([xc, yc], [xc, y], [x, yc], [xc, torch.empty(0)],
               [torch.ones(2, 3, 1, 1).to(memory_format=cl)] * 2,
               [torch.ones(0, 3, 4, 5).to(memory_format=cl)] * 2):
        for dim in (0, 1, 3):
            check_join(drv, "cat", torch.cat, dim, ts)
    cl3 = torch.channels_last_3d
    z = make((2, 3, 2, 2, 2), torch.int64, seed=32).to(memory_format=cl3)
    check_join(drv, "cat", torch.cat, 1, [z, z])
    check_join(drv, "cat", torch.cat, 4, [z, z.contiguous()])


# ----------------------------------------------------------------- stack

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lay", LAYOUTS)
def test_stack(drv, dtype, lay):
    a = layout(make((2, 3), dtype, seed=33), lay)
    b = make((2, 3), dtype, seed=34)
    for dim in (0, 1, 2, -1, -3, 3, -4):
        check_join(drv, "stack", torch.stack, dim, [a, b])
        check_join(drv, "stack", torch.stack, dim, [a])


def test_stack_edge(drv):
    s, t = torch.tensor(1.5), torch.tensor(2)
    for ts, dim in [([s, t], 0), ([s, t], -1), ([s], 1), ([], 0),
                    ([make((2, 3), torch.float32), make((2, 4), torch.float32)], 0),
                    ([make((2, 3), torch.float32), make((2, 4), torch.float32)], 2),
                    ([make((2, 3), torch.float32), make((2, 3, 1), torch.float32)], -1),
                    ([torch.empty(0), torch.empty(0)], 0), ([torch.empty(0), torch.empty(0)], 1),
                    ([make((2, 3), torch.int32), make((2, 3), torch.float16)], 1)]:
        check_join(drv, "stack", torch.stack, dim, ts)
    x = make((2, 3, 4), torch.float32)
    perm = x.permute(2, 0, 1).contiguous().permute(1, 2, 0)
    for dim in range(4):
        check_join(drv, "stack", torch.stack, dim, [perm, perm])


# ---------------------------------------------------------------- repeat

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lay", LAYOUTS)
def test_repeat(drv, dtype, lay):
    x = layout(make((2, 3), dtype, seed=35), lay)
    for reps in ([2, 1], [1, 1], [2, 2, 2], [0, 1], [3, 1, 2], [1, 4], [2], [2, -1], [-1, 0]):
        check(drv, "repeat", lambda t: t.repeat(reps), x, reps)
    for x, reps in [(torch.tensor(2.0), []), (torch.tensor(2.0), [3]), (torch.tensor(2.0), [2, 3]),
                    (make((0, 2), dtype), [2, 2]), (make((2, 1), dtype).expand(2, 3), [2, 1])]:
        check(drv, "repeat", lambda t: t.repeat(reps), x, reps)


# ---------------------------------------------------------- index_select

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lay", LAYOUTS)
@pytest.mark.parametrize("idx_dtype", [torch.int64, torch.int32])
def test_index_select(drv, dtype, lay, idx_dtype):
    x = layout(make((4, 3), dtype, seed=36), lay)
    idx = torch.tensor([2, 0, 3, 3, 1], dtype=idx_dtype)
    for dim in (0, 1, -1, 2):
        for index in (idx, idx[::2], torch.tensor(1, dtype=idx_dtype),
                      torch.tensor([], dtype=idx_dtype), idx[:2].clamp(max=2)):
            check(drv, "index_select", lambda t: t.index_select(dim, index), x, dim, index)


def test_index_select_edge(drv):
    i64 = torch.int64
    cases = [
        (make((5,), torch.float32), 0, torch.tensor([4, 0, 4], dtype=i64)),
        (make((5,), torch.float32), 0, torch.tensor([5], dtype=i64)),
        (make((5,), torch.float32), 0, torch.tensor([-1], dtype=i64)),
        (make((4, 3), torch.float32), 0, torch.tensor([4], dtype=i64)),
        (make((4, 3), torch.float32), 1, torch.tensor([-1], dtype=i64)),
        (make((4, 3), torch.float32), 0, torch.tensor([[1]], dtype=i64)),
        (make((4, 3), torch.float32), 0, torch.tensor([1], dtype=torch.int16)),
        (make((4, 3), torch.float32), 0, torch.tensor([1.0])),
        (torch.tensor(3.0), 0, torch.tensor([0], dtype=i64)),
        (torch.tensor(3.0), 0, torch.tensor(0, dtype=i64)),
        (torch.tensor(3.0), 0, torch.tensor([0, 0], dtype=i64)),
        (torch.tensor(3.0), 0, torch.tensor([1], dtype=i64)),
        (torch.tensor(3.0), -1, torch.tensor([0], dtype=i64)),
        (torch.ones(0, 3), 0, torch.tensor([0], dtype=i64)),
        (torch.ones(0, 3), 0, torch.tensor([], dtype=i64)),
        (torch.ones(3, 0), 0, torch.tensor([2, 0], dtype=i64)),
        (torch.ones(3, 0), 0, torch.tensor([5], dtype=i64)),
        (torch.ones(0), 0, torch.tensor([0], dtype=i64)),
        (torch.ones(0), 0, torch.tensor([], dtype=i64)),
    ]
    for x, dim, index in cases:
        check(drv, "index_select", lambda t: t.index_select(dim, index), x, dim, index)


# ------------------------------------------------------------ flip, roll

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lay", LAYOUTS)
def test_flip(drv, dtype, lay):
    x = layout(make((2, 3, 4), dtype, seed=37), lay)
    for dims in ([0], [1], [2], [-1], [0, 2], [0, 1, 2], [], [0, -3], [3], [1, 1]):
        check(drv, "flip", lambda t: t.flip(dims), x, dims)


def test_flip_layouts(drv):
    x = make((2, 3, 2), torch.float32, seed=38)
    for v in (x[:, ::2], x.expand(3, 2, 3, 2), x.permute(2, 0, 1), x.permute(1, 2, 0)[:, ::2],
              torch.tensor(4.0), torch.ones(0, 3), make((1, 4), torch.int64),
              make((3, 4), torch.float16), make((2, 5), torch.int16).t(),
              torch.empty_strided((1, 3, 2), (100, 1, 3)).copy_(make((1, 3, 2), torch.float32)),
              make((2, 3, 4), torch.float32)[:, :1].permute(2, 1, 0)):  # not dense
        for dims in ([0], [-1], list(range(v.dim()))):
            check(drv, "flip", lambda t: t.flip(dims), v, dims)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lay", LAYOUTS)
def test_roll(drv, dtype, lay):
    x = layout(make((3, 4), dtype, seed=39), lay)
    for shifts, dims in [([1], [0]), ([-1], [1]), ([5], [-1]), ([13], []), ([-2], []),
                         ([1, 2], [0, 1]), ([0], [0]), ([1, 2], [0]), ([], []), ([1], [2]),
                         ([2**62], [1])]:
        check(drv, "roll", lambda t: t.roll(shifts, dims), x, shifts, dims)
    for v, shifts, dims in [(torch.tensor(1.0), [1], []), (torch.tensor(1.0), [1], [0]),
                            (torch.ones(0, 3), [1], [1]), (torch.ones(0, 3).t(), [1], [0])]:
        check(drv, "roll", lambda t: t.roll(shifts, dims), v, shifts, dims)


# ---------------------------------------------------------------- gather

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lay", LAYOUTS)
def test_gather(drv, dtype, lay):
    x = layout(make((3, 4), dtype, seed=40), lay)
    g = torch.Generator().manual_seed(41)
    for dim in (0, 1, -1):
        bound = x.shape[dim]
        for ishape in ((3, 4), (2, 3), (3, 2), (5, 4) if dim == 0 else (3, 6), (1, 1)):
            index = torch.randint(0, bound, ishape, generator=g)
            check(drv, "gather", lambda t: t.gather(dim, index), x, dim, index)
        index = torch.randint(0, bound, (4, 3), generator=g)
        check(drv, "gather", lambda t: t.gather(dim, index.t()), x, dim, index.t())


def test_gather_edge(drv):
    x = make((2, 3), torch.float32, seed=42)
    cases = [
        (x, 0, torch.zeros(0, 5, dtype=torch.int64)),
        (x, 0, torch.zeros(0, 5, dtype=torch.int32)),
        (x, 2, torch.zeros(0, 5, dtype=torch.int64)),
        (x, 0, torch.zeros(1, 4, dtype=torch.int64)),
        (x, 0, torch.zeros(1, 2, dtype=torch.int32)),
        (x, 0, torch.full((1, 2), 5)),
        (x, 0, torch.full((1, 2), -1)),
        (x, 1, torch.full((2, 2), 3)),
        (x, 0, torch.full((3,), 0)),
        (torch.tensor(1.5), 0, torch.tensor(0)),
        (torch.tensor(1.5), 0, torch.tensor([0, 0])),
        (torch.tensor(1.5), 0, torch.tensor([1])),
        (make((3,), torch.int64), 0, torch.tensor(2)),
        (make((3,), torch.int64), 0, torch.tensor([[2]])),
    ]
    for x, dim, index in cases:
        check(drv, "gather", lambda t: t.gather(dim, index), x, dim, index)
