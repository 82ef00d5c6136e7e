"""Matrix products against torch: matmul over every rank combination (with
broadcast batches, 1-d promotion, transposed and non-contiguous operands,
empty dims), mm/mv/dot/bmm, addmm/baddbmm with beta/alpha, linear, dtypes
(integers, bfloat16, and torch's errors for float16/bool and mismatches) and
large products through OpenBLAS. Expected values and messages come from
torch, computed here."""
import pytest
import torch

from conftest import KernelError, make, noncontig, assert_same

FLOAT_TOL = dict(rtol=1e-5, atol=1e-5)


def first_line(e):
    return str(e).split("\n")[0]


def expect(drv, op, args, fn, **tol):
    """Compare op(args) with fn() from torch; a torch error must come back
    as the same message."""
    try:
        want = fn()
    except (RuntimeError, IndexError, ValueError) as e:
        with pytest.raises(KernelError) as ki:
            drv.run(op, *args)
        assert str(ki.value) == "error: " + first_line(e)
        return
    got = drv.run(op, *args)
    assert_same(got, want, **(tol or FLOAT_TOL))


def operand(shape, dtype, lay, seed):
    """A tensor of `shape` in a given memory layout:
    contig; t: the last two dims stored transposed (a transposed view, as
    w.t() or x.mT); strided: every other element; perm: all dims reversed."""
    x = make(shape, dtype, seed=seed, low=-3, high=4)
    if lay == "contig" or len(shape) == 0:
        return x
    if lay == "t":
        if len(shape) == 1:
            return noncontig(x, "strided")
        return x.mT.contiguous().mT
    return noncontig(x, "strided" if lay == "strided" else "permuted")


MATMUL_PAIRS = [
    # 1-d / 2-d
    ((3,), (3,)), ((0,), (0,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
    ((2, 0), (0, 4)), ((0, 3), (3, 4)), ((2, 3), (3, 0)), ((1, 3), (3, 1)), ((0, 3), (3,)),
    # folded into one mm / mv
    ((5, 2, 3), (3,)), ((3,), (5, 3, 4)), ((5, 2, 3), (3, 4)), ((2, 3), (5, 3, 4)),
    ((2, 3, 2, 3), (3,)), ((3,), (2, 3, 3, 4)), ((2, 3, 2, 3), (3, 4)), ((2, 3), (2, 3, 3, 4)),
    ((5, 1, 3), (3, 4)), ((0, 2, 3), (3, 4)), ((3, 5, 0), (0, 0)),
    # batched with broadcasting
    ((5, 2, 3), (5, 3, 4)), ((1, 2, 3), (5, 3, 4)), ((5, 2, 3), (1, 3, 4)),
    ((2, 5, 2, 3), (5, 3, 4)), ((2, 1, 2, 3), (1, 5, 3, 4)), ((2, 1, 3, 2, 4), (1, 5, 1, 4, 3)),
    ((5, 2, 0), (5, 0, 4)), ((0, 2, 3), (0, 3, 4)), ((5, 1, 3), (5, 3, 1)),
    # shape errors on every path
    ((4,), (5,)), ((2, 3), (4,)), ((4,), (2, 3)), ((2, 3), (4, 5)), ((7, 2, 3), (7, 4, 5)),
    ((7, 2, 3), (6, 3, 5)), ((7, 2, 3), (4,)), ((4,), (7, 2, 3)), ((7, 2, 3), (4, 5)),
    ((2, 3), (7, 4, 5)), ((2, 7, 2, 3), (7, 4, 5)), ((5, 2, 3), (0, 3, 4)), ((), (3,)), ((3,), ()),
]
PAIR_IDS = [f"{a}@{b}" for a, b in MATMUL_PAIRS]
LAYOUT_PAIRS = [("contig", "contig"), ("t", "contig"), ("contig", "t"), ("t", "t"),
                ("strided", "perm"), ("perm", "strided")]


@pytest.mark.parametrize("sa,sb", MATMUL_PAIRS, ids=PAIR_IDS)
@pytest.mark.parametrize("la,lb", LAYOUT_PAIRS, ids=str)
def test_matmul_float(drv, sa, sb, la, lb):
    a, b = operand(sa, torch.float32, la, 1), operand(sb, torch.float32, lb, 2)
    expect(drv, "matmul", [a, b], lambda: torch.matmul(a, b))
    if la == lb:  # float64 (dgemm/dgemv/ddot) on fewer layouts
        ad, bd = operand(sa, torch.float64, la, 1), operand(sb, torch.float64, lb, 2)
        expect(drv, "matmul", [ad, bd], lambda: torch.matmul(ad, bd))


@pytest.mark.parametrize("sa,sb", MATMUL_PAIRS, ids=PAIR_IDS)
@pytest.mark.parametrize("dtype", [torch.int64, torch.int32, torch.int8, torch.uint8,
                                   torch.float16, torch.bool], ids=str)
def test_matmul_other_dtypes(drv, sa, sb, dtype):
    # integers run on loops (int8 wraps like torch); float16 and bool raise
    # torch's "not implemented" unless the product is empty
    a, b = operand(sa, dtype, "t", 3), operand(sb, dtype, "contig", 4)
    expect(drv, "matmul", [a, b], lambda: torch.matmul(a, b))


@pytest.mark.parametrize("sa,sb", [((2, 3), (3, 4)), ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)),
                                   ((4, 2, 3), (4, 3, 2)), ((4, 2, 3), (3, 2)), ((2, 3), (4, 3, 2)),
                                   ((3,), (4, 3, 2)), ((2, 0), (0, 3)), ((0, 3), (3,)),
                                   ((4, 2, 0), (4, 0, 2)), ((2, 0), (4, 0, 3)), ((4, 2, 0), (0,))],
                         ids=str)
@pytest.mark.parametrize("da,db", [(torch.float32, torch.float64), (torch.float64, torch.float32),
                                   (torch.int64, torch.float32), (torch.float32, torch.int64),
                                   (torch.float16, torch.float32), (torch.float32, torch.float16)],
                         ids=str)
def test_matmul_mixed_dtypes(drv, sa, sb, da, db):
    # errors for real products; empty products pick torch's result dtype
    a, b = make(sa, da, seed=5), make(sb, db, seed=6)
    expect(drv, "matmul", [a, b], lambda: torch.matmul(a, b))


def test_matmul_permuted_3d_goes_batched(drv):
    # a (0, 2, 1)-permuted 3-d operand makes torch use bmm, which changes the
    # error message; the values are the same either way
    a = make((7, 3, 2), torch.float32, seed=1).permute(0, 2, 1)
    for b in (make((3, 5), torch.float32, seed=2), make((4, 5), torch.float32, seed=2)):
        expect(drv, "matmul", [a, b], lambda: torch.matmul(a, b))
        expect(drv, "matmul", [b.t(), a.mT], lambda: torch.matmul(b.t(), a.mT))


@pytest.mark.parametrize("shapes", [((64, 300, 200), (200, 150)), ((8, 128, 256), (8, 256, 64)),
                                    ((1024, 512), (512,)), ((512,), (512, 384)),
                                    ((300, 400), (400, 200)), ((200, 8, 8), (200, 8, 8)),
                                    ((200, 1, 16), (200, 16, 16)), ((200, 16, 16), (200, 16, 1)),
                                    ((3, 100, 64), (64, 100)), ((50000,), (50000,))],
                         ids=str)
@pytest.mark.parametrize("lay", ["contig", "t"])
def test_matmul_large(drv, shapes, lay):
    g = torch.Generator().manual_seed(0)
    a = torch.rand(shapes[0], generator=g) * 2 - 1
    b = torch.rand(shapes[1], generator=g) * 2 - 1
    if lay == "t":
        a = a.mT.contiguous().mT if a.dim() > 1 else a
        b = b.mT.contiguous().mT if b.dim() > 1 else b
    expect(drv, "matmul", [a, b], lambda: torch.matmul(a, b), rtol=1e-4, atol=1e-4)
    ad, bd = a.double(), b.double()
    expect(drv, "matmul", [ad, bd], lambda: torch.matmul(ad, bd), rtol=1e-10, atol=1e-10)


def test_matmul_int_large_and_wrapping(drv):
    a = make((40, 70, 30), torch.int64, seed=1, low=-1000, high=1000)
    b = make((30, 20), torch.int64, seed=2, low=-1000, high=1000)
    expect(drv, "matmul", [a, b], lambda: torch.matmul(a, b))
    big = torch.full((3, 4), 2**40, dtype=torch.int64)
    expect(drv, "matmul", [big, big.t()], lambda: torch.matmul(big, big.t()))
    c = make((9, 200), torch.int8, seed=3, low=-100, high=100)
    expect(drv, "matmul", [c, c.t()], lambda: torch.matmul(c, c.t()))


# ---------------------------------------------------------- mm, mv, dot, bmm

@pytest.mark.parametrize("op,sa,sb", [
    ("mm", (2, 3), (3, 4)), ("mm", (2, 3), (4, 5)), ("mm", (2, 3), (3,)), ("mm", (3,), (3, 2)),
    ("mm", (2, 3), (1, 3, 3)), ("mm", (2, 0), (0, 3)), ("mm", (0, 3), (3, 2)),
    ("mv", (2, 3), (3,)), ("mv", (2, 3), (4,)), ("mv", (3,), (3,)), ("mv", (2, 3), (3, 1)),
    ("mv", (0, 3), (3,)), ("mv", (2, 0), (0,)),
    ("dot", (3,), (3,)), ("dot", (2,), (3,)), ("dot", (2, 3), (3,)), ("dot", (0,), (0,)),
    ("bmm", (2, 2, 3), (2, 3, 4)), ("bmm", (2, 3), (3, 3)), ("bmm", (3, 3, 2), (3, 2)),
    ("bmm", (2, 2, 3), (3, 3, 3)), ("bmm", (2, 2, 3), (2, 4, 3)), ("bmm", (0, 2, 3), (0, 3, 4)),
    ("bmm", (2, 2, 0), (2, 0, 3)),
], ids=str)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.int64, torch.int16,
                                   torch.float16, torch.bool], ids=str)
@pytest.mark.parametrize("lay", ["contig", "t"])
def test_mm_mv_dot_bmm(drv, op, sa, sb, dtype, lay):
    a, b = operand(sa, dtype, lay, 7), operand(sb, dtype, "contig", 8)
    fn = getattr(torch, op)
    expect(drv, op, [a, b], lambda: fn(a, b))


@pytest.mark.parametrize("op,sa,sb", [("mm", (2, 3), (3, 4)), ("mm", (2, 0), (0, 3)),
                                      ("mv", (2, 3), (3,)), ("mv", (2, 0), (0,)),
                                      ("dot", (3,), (3,)), ("bmm", (2, 2, 3), (2, 3, 4)),
                                      ("bmm", (2, 2, 0), (2, 0, 3))], ids=str)
@pytest.mark.parametrize("da,db", [(torch.float32, torch.float64), (torch.int32, torch.int64),
                                   (torch.float16, torch.float32), (torch.float32, torch.float16),
                                   (torch.int64, torch.float32)], ids=str)
def test_mm_mv_dot_bmm_mixed(drv, op, sa, sb, da, db):
    a, b = make(sa, da, seed=1), make(sb, db, seed=2)
    fn = getattr(torch, op)
    expect(drv, op, [a, b], lambda: fn(a, b))


# ----------------------------------------------------------- addmm, baddbmm

ADDMM_SELF = [(3,), (2, 3), (1, 3), (2, 1), (), (4,), (1, 2, 3), (2, 4)]
SCALES = [(1, 1), (0.5, 2.0), (0, 1), (1, 0), (2, -1), (0.0, 0.0)]


@pytest.mark.parametrize("self_shape", ADDMM_SELF, ids=str)
@pytest.mark.parametrize("beta,alpha", SCALES, ids=str)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.int64, torch.float16],
                         ids=str)
def test_addmm(drv, self_shape, beta, alpha, dtype):
    s = make(self_shape, dtype, seed=1)
    a, b = operand((2, 4), dtype, "t", 2), make((4, 3), dtype, seed=3)
    if dtype.is_floating_point and beta == 0 and s.numel():
        s = s.clone()
        s.view(-1)[0] = float("nan")  # beta == 0 ignores self, nan included
    expect(drv, "addmm", [s, a, b, beta, alpha], lambda: torch.addmm(s, a, b, beta=beta, alpha=alpha))


@pytest.mark.parametrize("case", [
    ((3,), (2, 0), (0, 3)), ((3,), (0, 2), (2, 3)), ((3,), (2, 3), (4, 3)), ((3,), (3,), (3, 3)),
    ((3,), (2, 3), (3,)),
], ids=str)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float16, torch.bool], ids=str)
def test_addmm_edges(drv, case, dtype):
    s, a, b = (make(sh, dtype, seed=i) for i, sh in enumerate(case))
    expect(drv, "addmm", [s, a, b, 2, 1], lambda: torch.addmm(s, a, b, beta=2))


@pytest.mark.parametrize("ds,da,db", [(torch.float64, torch.float32, torch.float32),
                                      (torch.float32, torch.float64, torch.float32),
                                      (torch.float32, torch.float32, torch.float64)], ids=str)
def test_addmm_dtype_errors(drv, ds, da, db):
    s, a, b = make((3,), ds, seed=0), make((2, 3), da, seed=1), make((3, 3), db, seed=2)
    expect(drv, "addmm", [s, a, b], lambda: torch.addmm(s, a, b))
    s3, a3, b3 = make((3,), ds, seed=0), make((2, 2, 3), da, seed=1), make((2, 3, 3), db, seed=2)
    expect(drv, "baddbmm", [s3, a3, b3], lambda: torch.baddbmm(s3, a3, b3))


@pytest.mark.parametrize("self_shape", [(3,), (2, 2, 3), (2, 1, 3), (4,), (1, 2, 2, 3), ()], ids=str)
@pytest.mark.parametrize("beta,alpha", SCALES[:3], ids=str)
@pytest.mark.parametrize("dtype", [torch.float32, torch.int64, torch.float16], ids=str)
@pytest.mark.parametrize("shapes", [((2, 2, 4), (2, 4, 3)), ((2, 2, 0), (2, 0, 3)),
                                    ((2, 2, 4), (3, 4, 3)), ((2, 4), (2, 4, 3))], ids=str)
def test_baddbmm(drv, self_shape, beta, alpha, dtype, shapes):
    s = make(self_shape, dtype, seed=1)
    a, b = operand(shapes[0], dtype, "t", 2), make(shapes[1], dtype, seed=3)
    expect(drv, "baddbmm", [s, a, b, beta, alpha],
           lambda: torch.baddbmm(s, a, b, beta=beta, alpha=alpha))


# ------------------------------------------------------------------- linear

F = torch.nn.functional
LINEAR_X = [(3,), (2, 3), (4, 2, 3), (2, 4, 2, 3), (0, 3), (2, 0, 3), (2, 5), ()]
LINEAR_WB = [((5, 3), (5,)), ((5, 3), None), ((3,), None), ((3,), ()), ((5, 3), (1,)),
             ((5, 3), (2, 5)), ((5, 3), (6,)), ((5, 3), ()), ((1, 5, 3), (5,)), ((5, 3), (4, 2, 5)),
             ((0, 3), (0,))]


@pytest.mark.parametrize("xs", LINEAR_X, ids=str)
@pytest.mark.parametrize("ws,bs", LINEAR_WB, ids=str)
@pytest.mark.parametrize("lx,lw", [("contig", "contig"), ("contig", "t"), ("strided", "contig"),
                                   ("perm", "t")], ids=str)
def test_linear(drv, xs, ws, bs, lx, lw):
    x = operand(xs, torch.float32, lx, 1)
    w = operand(ws, torch.float32, lw, 2)
    b = None if bs is None else make(bs, torch.float32, seed=3)
    expect(drv, "linear", [x, w, b], lambda: F.linear(x, w, b))


@pytest.mark.parametrize("dx,dw,db", [(torch.float64,) * 3, (torch.int64,) * 3, (torch.int32,) * 3,
                                      (torch.float16,) * 3,
                                      (torch.float32, torch.float64, torch.float32),
                                      (torch.float32, torch.float32, torch.float64),
                                      (torch.float32, torch.float32, torch.int64),
                                      (torch.int64, torch.int64, torch.float32)], ids=str)
@pytest.mark.parametrize("xs", [(2, 3), (4, 2, 3), (2, 4, 2, 3), (3,)], ids=str)
def test_linear_dtypes(drv, dx, dw, db, xs):
    x, w, b = make(xs, dx, seed=1), make((5, 3), dw, seed=2), make((5,), db, seed=3)
    expect(drv, "linear", [x, w, b], lambda: F.linear(x, w, b))
    expect(drv, "linear", [x, w, None], lambda: F.linear(x, w))


def test_linear_large(drv):
    g = torch.Generator().manual_seed(4)
    x = torch.randn(8, 128, 256, generator=g)
    w = torch.randn(384, 256, generator=g) / 16
    b = torch.randn(384, generator=g)
    expect(drv, "linear", [x, w, b], lambda: F.linear(x, w, b), rtol=1e-4, atol=1e-4)
    xt = x.transpose(0, 1)  # non-contiguous 3-d: matmul then add
    expect(drv, "linear", [xt, w, b], lambda: F.linear(xt, w, b), rtol=1e-4, atol=1e-4)


# ---------------------------------------------------------------- bfloat16
# The bf16_* driver ops convert inputs to bfloat16 and the (bfloat16) result
# to float32. tsi multiplies bfloat16 in float32 and rounds once. torch
# 1.13's own small bfloat16 GEMM rounds every partial sum to bfloat16, so the
# expected value is torch's float32 product of the bfloat16 inputs, rounded
# to bfloat16.

def bf16(t):
    return None if t is None else t.bfloat16()


def rounded(t):
    return t.bfloat16().float()


BF16_TOL = dict(rtol=8e-3, atol=1e-3)


@pytest.mark.parametrize("sa,sb", [((2, 3), (3, 4)), ((3,), (3,)), ((2, 3), (3,)), ((5, 2, 3), (3, 4)),
                                   ((5, 2, 3), (5, 3, 4)), ((2, 3), (5, 3, 4)), ((2, 0), (0, 3)),
                                   ((40, 64), (64, 30))],
                         ids=str)
def test_bfloat16(drv, sa, sb):
    a, b = operand(sa, torch.float32, "t", 1), make(sb, torch.float32, seed=2)
    expect(drv, "bf16_matmul", [a, b],
           lambda: rounded(torch.matmul(rounded(a), rounded(b))), **BF16_TOL)
    # the result dtype and the errors follow torch's bfloat16 matmul
    assert torch.matmul(bf16(a), bf16(b)).dtype == torch.bfloat16


def test_bfloat16_addmm_linear(drv):
    s, a, b = make((3,), torch.float32, seed=1), make((2, 4), torch.float32, seed=2), \
        make((4, 3), torch.float32, seed=3)
    expect(drv, "bf16_addmm", [s, a, b, 0.5, 2.0],
           lambda: rounded(torch.addmm(rounded(s), rounded(a), rounded(b), beta=0.5, alpha=2.0)),
           **BF16_TOL)
    x, w = make((3, 2, 4), torch.float32, seed=4), make((3, 4), torch.float32, seed=5)
    expect(drv, "bf16_linear", [x, w, s],
           lambda: rounded(F.linear(rounded(x), rounded(w), rounded(s))), **BF16_TOL)
