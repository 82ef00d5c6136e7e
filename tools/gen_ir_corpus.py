#!/usr/bin/python3
"""Generate a corpus of TorchScript graphs printed by torch (str(graph)).

    /usr/bin/python3 tools/gen_ir_corpus.py OUTDIR

Writes OUTDIR/NAME.ir, one graph per file, exactly as torch 1.13 prints it
(source comments included). The graphs come from scripted functions and
modules across the language, plus their inlined graphs, graphs after
standard passes (constant propagation, DCE, CSE, peephole, tuple lowering,
...) and frozen module graphs (conv+bn nets, so tensor constants appear in
all three printed forms: `{v}`, inline values and `<Tensor>`).

Scripting needs inspectable source, so the source below is written to a
.py file in OUTDIR/_src and imported from there.
"""
import importlib
import os
import shutil
import sys

import torch

SOURCE = r'''
import math
from enum import Enum
from typing import Any, Dict, List, NamedTuple, Optional, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor


# ---------------------------------------------------------------- helpers

def helper_add(a: int, b: int = 3) -> int:
    return a + b


def helper_tensor(x: Tensor, scale: float = 2.0) -> Tensor:
    return x * scale + 1


class Color(Enum):
    RED = 1
    GREEN = 2
    BLUE = 3


class Mood(Enum):
    HAPPY = "happy"
    SAD = "sad"


class Point(NamedTuple):
    x: int
    y: float


class Pair(NamedTuple):
    first: Tensor
    second: Optional[Tensor]


@torch.jit.script
class Box(object):
    def __init__(self, v: int):
        self.v = v
        self.items: List[int] = []

    def get(self) -> int:
        return self.v

    def push(self, x: int) -> None:
        self.items.append(x)
        self.v += x


@torch.jit.script
class Counter(object):
    def __init__(self):
        self.count = 0

    def __enter__(self):
        self.count += 1
        return self.count

    def __exit__(self, a: Any, b: Any, c: Any):
        self.count -= 1


@torch.jit.interface
class OneInterface(object):
    def run(self, x: int) -> int:
        pass


@torch.jit.script
class ImplA(object):
    def __init__(self):
        pass

    def run(self, x: int) -> int:
        return x + 1


@torch.jit.interface
class ModIface(nn.Module):
    def forward(self, x: Tensor) -> Tensor:
        pass


# -------------------------------------------------------------- functions

def f_arith(x: int, y: float) -> float:
    z = x * 2 + 1
    w = z / 3
    return w + y - x % 4 + x // 3 - 2 ** 3


def f_tensor_ops(x: Tensor, y: Tensor) -> Tensor:
    z = torch.matmul(x, y.t())
    z = torch.relu(z) + torch.sigmoid(z) * 0.5
    z = z.view(-1).sum(dim=0, keepdim=True)
    return F.softmax(z, dim=0)


def f_if(x: Tensor, flag: bool) -> Tensor:
    if flag:
        y = x + 1
    else:
        y = x - 1
    if x.dim() > 2:
        y = y * 2
    elif x.dim() == 1:
        y = y / 2
    return y


def f_for_range(n: int) -> int:
    s = 0
    for i in range(n):
        s += i * i
    for j in range(2, n, 3):
        s -= j
    return s


def f_while(n: int) -> int:
    i = 0
    acc = 1
    while i < n:
        i += 1
        if i == 3:
            continue
        if acc > 1000:
            break
        acc *= 2
    return acc


def f_list_ops(xs: List[int]) -> List[int]:
    out: List[int] = []
    for v in xs:
        out.append(v * 2)
    out.insert(0, 7)
    out.extend([1, 2, 3])
    out.pop()
    out[1] = 5
    y = out[1:3]
    return y + [len(out)]


def f_list_comp(xs: List[float]) -> List[float]:
    sq = [v * v for v in xs]
    return sq + [v + 1.0 for v in sq]


def f_tensor_list(xs: List[Tensor]) -> Tensor:
    ys = [x * 2 for x in xs]
    return torch.cat(ys, dim=0) + torch.stack(ys).sum(0).sum()


def f_dict_ops(d: Dict[str, int]) -> Dict[str, int]:
    out: Dict[str, int] = {}
    for k, v in d.items():
        out[k] = v + 1
    for k in d.keys():
        out[k + "_x"] = d[k]
    if "a" in out:
        out.pop("a")
    out["z"] = out.get("q", 5)
    return out


def f_dict_comp(keys: List[str]) -> Dict[str, int]:
    return {k: len(k) for k in keys}


def f_dict_tensor(d: Dict[int, Tensor], x: Tensor) -> Tensor:
    total = x
    for k, v in d.items():
        total = total + v * k
    return total


def f_tuples(x: Tensor) -> Tuple[Tensor, int, Tuple[float, str]]:
    t = (x, 1, (2.5, "s"))
    a, b, c = t
    d, e = c
    return a + b, b, (d * 2, e)


def f_tuple_index(t: Tuple[int, int, int]) -> int:
    return t[0] + t[-1] + t[1:][0]


def f_strings(s: str, n: int) -> str:
    a = s + "!" + str(n)
    b = a.upper().lower().strip()
    parts = b.split(",")
    c = "-".join(parts)
    if c.startswith("x") or c.endswith("y"):
        c = c.replace("x", "y")
    return c[1:] + str(n) + "{}={}".format("k", n)


def f_string_escapes() -> List[str]:
    return ["tab\t", "nl\n", "quote\"", "apos'", "bs\\", "bell\a", "ctl\x01", "del\x7f", "cr\r", "uml\xe9", "snow\u2603"]


def f_fstring(x: int, name: str) -> str:
    return f"{name} has {x} items and {x * 2.5} halves"


def f_optional(x: Optional[int], t: Optional[Tensor]) -> int:
    if x is None:
        x = 3
    if t is not None:
        x = x + int(t.sum())
    return x


def f_optional_ret(flag: bool) -> Optional[Tensor]:
    if flag:
        return torch.zeros(2)
    return None


def f_union(u: Union[int, str, List[int]]) -> int:
    if isinstance(u, int):
        return u
    elif isinstance(u, str):
        return len(u)
    else:
        return sum(u)


def f_any(a: Any) -> Any:
    return a


def f_raise(x: int) -> int:
    if x < 0:
        raise ValueError("negative: " + str(x))
    assert x != 3, "three is not allowed"
    return x


def f_try_like(x: List[int]) -> int:
    if len(x) == 0:
        raise RuntimeError("empty")
    return x[0]


def f_class(v: int) -> int:
    b = Box(v)
    b.push(3)
    b.push(4)
    return b.get() + len(b.items)


def f_with(x: int) -> int:
    c = Counter()
    with c as n:
        x = x + n
    return x + c.count


def f_namedtuple(a: int) -> Point:
    p = Point(a, 2.5)
    return Point(p.x + 1, p.y * 2)


def f_namedtuple_tensor(x: Tensor) -> Pair:
    return Pair(x, None)


def f_enum(c: Color) -> int:
    if c == Color.RED:
        return 1
    return c.value + len(c.name)


def f_enum_str(m: Mood) -> str:
    return m.value


def f_interface(i: OneInterface, x: int) -> int:
    return i.run(x)


def f_use_interface(x: int) -> int:
    impl: OneInterface = ImplA()
    return f_interface(impl, x)


def f_fork(x: Tensor) -> Tensor:
    fut = torch.jit.fork(helper_tensor, x, 3.0)
    y = x * 2
    return torch.jit.wait(fut) + y


def fork_inner(a: Tensor) -> Tensor:
    f2 = torch.jit.fork(torch.relu, a)
    return torch.jit.wait(f2) + 1


def f_fork_nested(x: Tensor) -> Tensor:
    fut = torch.jit.fork(fork_inner, x)
    fut2 = torch.jit.fork(helper_tensor, x)
    return torch.jit.wait(fut) + torch.jit.wait(fut2)


def f_call_helpers(x: Tensor, n: int) -> Tensor:
    return helper_tensor(x, float(helper_add(n)))


def f_floats() -> List[float]:
    return [0.1, 1e-05, 1e16, 1e20, -0.0, 2.5e-310, 1.5, 100.0, 1e10, 123456789.0, 3.14159, -2.0, 1e-300, 5e-324]


def f_float_consts(x: Tensor) -> Tensor:
    a = x * 0.1 + 1e-05
    b = a * 1e16 - 1e20
    c = b * -0.0 + 2.5e-310
    d = c + float("inf") - float("-inf") * float("nan")
    return d / 3.0 + 1e300


def f_int_consts(x: int) -> int:
    return x * 9223372036854775807 + (-9223372036854775807 - 1) + 0 - 1


def f_complex(a: complex) -> complex:
    b = a * (1 + 2j) - 3j
    return b + complex(2.5, -1.0)


def f_bool_logic(a: bool, b: bool, x: int) -> bool:
    return (a and not b) or (x > 3 and x < 10) or a != b


def f_nested_loops(n: int) -> List[List[int]]:
    out: List[List[int]] = []
    for i in range(n):
        row: List[int] = []
        for j in range(i):
            if (i + j) % 2 == 0:
                row.append(i * j)
            else:
                continue
        out.append(row)
    return out


def f_enumerate_zip(xs: List[int], ys: List[str]) -> Dict[str, int]:
    d: Dict[str, int] = {}
    for i, (x, y) in enumerate(zip(xs, ys)):
        d[y] = x * i
    return d


def f_tensor_index(x: Tensor, i: int) -> Tensor:
    a = x[0]
    b = x[1:3, ::2]
    c = x[..., i]
    x[0, 0] = 5.0
    d = x[None, :, 1]
    return a.sum() + b.sum() + c.sum() + d.sum()


def f_tensor_creation(n: int) -> Tensor:
    a = torch.zeros(n, 3, dtype=torch.float64)
    b = torch.ones([2, n], dtype=torch.int64)
    c = torch.arange(0, n, 2)
    d = torch.full((2, 2), 1.5)
    e = torch.tensor([1.0, 2.0, 3.0])
    f = torch.empty(3).fill_(2)
    return a.sum() + b.sum() + c.sum() + d.sum() + e.sum() + f.sum()


def f_tensor_props(x: Tensor) -> Tuple[List[int], int, bool, torch.dtype, torch.device]:
    return x.size(), x.dim(), x.requires_grad, x.dtype, x.device


def f_inplace(x: Tensor) -> Tensor:
    y = x.clone()
    y.add_(1)
    y.mul_(2)
    y[0] = 3
    return y


def f_ternary(x: int) -> int:
    return x if x > 0 else -x


def f_math(x: float) -> float:
    return math.sqrt(abs(x)) + math.log(x + 10) + math.pi + math.floor(x) + min(x, 2.0) + max(1, 2)


def f_isinstance(x: Any) -> int:
    if isinstance(x, Tensor):
        return 1
    if isinstance(x, List[int]):
        return 2
    if isinstance(x, (int, float)):
        return 3
    return 0


def f_annotated_empty() -> Tuple[List[Tensor], Dict[str, List[int]], Optional[Tuple[int, int]]]:
    a: List[Tensor] = []
    b: Dict[str, List[int]] = {}
    c: Optional[Tuple[int, int]] = None
    return a, b, c


def f_device(x: Tensor) -> Tensor:
    d = torch.device("cpu")
    return x.to(d).to(torch.float64)


def f_print(x: int) -> int:
    print("value", x, [1, 2])
    return x


def f_warn(x: int) -> int:
    if x > 2:
        torch._C._jit_set_profiling_executor
    return x


def f_list_of_tuples(xs: List[Tuple[int, str]]) -> List[str]:
    return [s + str(n) for n, s in xs]


def f_sorted(xs: List[int]) -> List[int]:
    ys = sorted(xs)
    ys.sort(reverse=True)
    return ys


def f_chained_cmp(a: int, b: int, c: int) -> bool:
    return a < b < c


def f_unary(x: Tensor, y: int) -> Tuple[Tensor, int, bool]:
    return -x, -y, not (y > 2)


def f_min_max_lists(xs: List[int]) -> int:
    return min(xs) + max(xs) + sum(xs)


def f_break_in_while(xs: List[int]) -> int:
    i = 0
    while True:
        if i >= len(xs) or xs[i] < 0:
            break
        i += 1
    return i


def f_closure_like(x: int) -> int:
    return helper_add(helper_add(x), b=x)


def f_getattr_chain(p: Point) -> float:
    return p.x + p.y


def f_int_float_conv(x: Tensor) -> Tuple[int, float, bool, str]:
    return int(x.sum()), float(x.mean()), bool(x.any()), str(x.dim())


def f_dtype_args(x: Tensor) -> Tensor:
    return x.to(dtype=torch.float16).to(torch.bfloat16).float().double().long().int().to(torch.bool).float()


def f_list_tensor_dims(x: Tensor) -> List[int]:
    s = x.shape
    return [s[0], s[-1], len(s)]


def f_grad_mode(x: Tensor) -> Tensor:
    with torch.no_grad():
        y = x * 2
    return y


def f_many_outputs(x: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor]:
    a, b = torch.chunk(x, 2)
    c, d = x.split(1)
    return a, b, c, d


def f_loop_carried(x: Tensor, n: int) -> Tuple[Tensor, int, float]:
    acc = x
    k = 0
    f = 0.5
    for i in range(n):
        acc = acc + i
        k = k + 2
        f = f * 1.5
    return acc, k, f


def f_del(xs: List[int]) -> List[int]:
    del xs[0]
    return xs


def f_augassign_list(xs: List[int]) -> List[int]:
    xs += [1]
    xs *= 2
    return xs


def f_str_ops(s: str) -> Tuple[bool, int, str]:
    return s.isdigit(), s.find("a"), s[::-1]


def f_optional_list(xs: Optional[List[int]]) -> int:
    if xs is None:
        return 0
    return len(xs)


def f_dict_of_lists(d: Dict[str, List[Tensor]]) -> Tensor:
    out = torch.zeros(1)
    for k in d:
        for t in d[k]:
            out = out + t
    return out


def f_nested_if_return(x: int) -> str:
    if x > 10:
        if x > 100:
            return "huge"
        return "big"
    elif x < 0:
        return "neg"
    return "small"


def f_range_len(xs: List[float]) -> float:
    s = 0.0
    for i in range(len(xs)):
        s += xs[i] * i
    return s


def f_tensor_math(x: Tensor) -> Tensor:
    y = torch.exp(x) + torch.log1p(torch.abs(x)) - torch.tanh(x)
    y = torch.where(y > 0, y, torch.zeros_like(y))
    y = torch.clamp(y, min=0.0, max=6.0)
    return y.mean(dim=[0], keepdim=False)


def f_conv(x: Tensor, w: Tensor, b: Optional[Tensor]) -> Tensor:
    return F.conv2d(x, w, b, stride=[1, 1], padding=[1, 1])


def f_uninit(flag: bool) -> int:
    if flag:
        x = 1
    else:
        raise RuntimeError("no")
    return x


def f_list_of_lists_const() -> List[List[int]]:
    return [[1, 2], [3], [4, 5, 6]]


def f_tuple_consts() -> Tuple[Tuple[int, str], Tuple[()], Tuple[float]]:
    return (1, "a"), (), (2.5,)


def f_dict_consts() -> Dict[str, Tuple[int, float]]:
    return {"a": (1, 2.5), "b": (3, 4.0)}


def f_none_consts() -> Tuple[Optional[int], Optional[str]]:
    return None, None


def traced_fn(x: Tensor, y: Tensor) -> Tensor:
    z = (x * 2 + y).sum(0) / x.shape[0]
    return torch.cat([z, z.new_zeros(1)]) + torch.tensor([0.5, -1.25, 3.0])


def f_complex_consts() -> List[complex]:
    return [1 + 2j, 0.5 - 1j, 3j, complex(float("inf"), float("nan"))]
'''

MODULES = r'''

class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.fc2 = nn.Linear(8, 3)
        self.act = nn.ReLU()

    def forward(self, x: Tensor) -> Tensor:
        return self.fc2(self.act(self.fc1(x)))


class ConvBN(nn.Module):
    def __init__(self, cin: int = 3, cout: int = 8):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x: Tensor) -> Tensor:
        return F.relu(self.bn(self.conv(x)))


class SmallConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.block1 = ConvBN(1, 2)
        self.block2 = ConvBN(2, 8)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(8, 10)

    def forward(self, x: Tensor) -> Tensor:
        x = self.block2(self.block1(x))
        x = self.pool(x).flatten(1)
        return self.fc(x)


class TinyConst(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 1, 1)
        self.bn = nn.BatchNorm2d(1)
        self.scale = nn.Parameter(torch.tensor([0.5, 0.25, 2.0]))
        self.register_buffer("offsets", torch.tensor([[1, 2], [3, 4]]))
        self.register_buffer("single", torch.tensor(3.5))
        self.register_buffer("big", torch.arange(20.0))
        self.register_buffer("mixed", torch.tensor([1e-5, 3.0, 12345.678]))
        self.register_buffer("empty", torch.zeros(0))
        self.register_buffer("cube", torch.arange(8.0).reshape(2, 2, 2) / 7)

    def forward(self, x: Tensor) -> Tensor:
        y = self.bn(self.conv(x))
        return (y.sum() * self.scale + self.offsets.sum() + self.single + self.big.sum()
                + self.mixed.sum() + self.empty.sum() + self.cube.sum())


class WithAttrs(nn.Module):
    k: int
    names: List[str]
    table: Dict[str, int]
    opt: Optional[Tensor]

    def __init__(self):
        super().__init__()
        self.k = 3
        self.names = ["a", "b"]
        self.table = {"x": 1, "y": 2}
        self.opt = None
        self.ratio = 0.75
        self.flag = True
        self.color = Color.GREEN

    def forward(self, x: Tensor) -> Tensor:
        y = x * self.k * self.ratio
        if self.flag:
            y = y + len(self.names) + self.table["x"]
        opt = self.opt
        if opt is not None:
            y = y + opt
        if self.color == Color.GREEN:
            y = y - 1
        return y


class WithConstants(nn.Module):
    __constants__ = ["mode", "dims"]

    def __init__(self):
        super().__init__()
        self.mode = "fast"
        self.dims = [1, 2]

    def forward(self, x: Tensor) -> Tensor:
        if self.mode == "fast":
            return x.sum(self.dims)
        return x


class WithModuleList(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(3, 3) for _ in range(3)])
        self.acts = nn.ModuleDict({"relu": nn.ReLU(), "tanh": nn.Tanh()})

    def forward(self, x: Tensor) -> Tensor:
        for layer in self.layers:
            x = layer(x)
        for name, act in self.acts.items():
            x = act(x)
        return x


class WithSequential(nn.Module):
    def __init__(self):
        super().__init__()
        self.seq = nn.Sequential(nn.Conv2d(2, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2))

    def forward(self, x: Tensor) -> Tensor:
        return self.seq(x)


class ImplMod(nn.Module):
    def forward(self, x: Tensor) -> Tensor:
        return x * 2


class WithInterface(nn.Module):
    sub: ModIface

    def __init__(self):
        super().__init__()
        self.sub = ImplMod()

    def forward(self, x: Tensor) -> Tensor:
        return self.sub.forward(x) + 1


class WithMethods(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.ones(2, 2))

    @torch.jit.export
    def helper(self, x: Tensor, n: int) -> Tensor:
        for _ in range(n):
            x = x @ self.w
        return x

    def forward(self, x: Tensor) -> Tensor:
        return self.helper(x, 2) + self.other(x)

    @torch.jit.export
    def other(self, x: Tensor) -> Tensor:
        return x.relu()


class WithState(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("steps", torch.zeros(1))
        self.history = torch.jit.Attribute([], List[int])

    def forward(self, x: Tensor) -> Tensor:
        self.steps += 1
        self.history.append(x.dim())
        return x + self.steps


class WithFork(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(3, 3)
        self.b = nn.Linear(3, 3)

    def forward(self, x: Tensor) -> Tensor:
        fa = torch.jit.fork(self.a, x)
        fb = torch.jit.fork(self.b, x)
        return torch.jit.wait(fa) + torch.jit.wait(fb)


class WithTupleIO(nn.Module):
    def forward(self, xs: Tuple[Tensor, Tensor], d: Dict[str, Tensor]) -> Tuple[Tensor, Dict[str, Tensor]]:
        a, b = xs
        out: Dict[str, Tensor] = {}
        for k, v in d.items():
            out[k] = v + a
        return a * b, out


class WithNamedTuple(nn.Module):
    def forward(self, x: Tensor) -> Pair:
        p = Pair(x, x + 1)
        q = Point(1, 2.0)
        return Pair(p.first * q.y, p.second)


class WithOptionalModule(nn.Module):
    def __init__(self, use: bool):
        super().__init__()
        self.proj = nn.Linear(2, 2) if use else None

    def forward(self, x: Tensor) -> Tensor:
        if self.proj is not None:
            x = self.proj(x)
        return x


class WithRNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.cell = nn.GRUCell(3, 4)

    def forward(self, xs: Tensor) -> Tensor:
        h = torch.zeros(xs.size(1), 4)
        for i in range(xs.size(0)):
            h = self.cell(xs[i], h)
        return h


class WithClassAttr(nn.Module):
    def __init__(self):
        super().__init__()
        self.box = Box(4)

    def forward(self, x: int) -> int:
        self.box.push(x)
        return self.box.get()


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.q = nn.Linear(4, 4)
        self.k = nn.Linear(4, 4)
        self.v = nn.Linear(4, 4)
        self.drop = nn.Dropout(0.1)
        self.norm = nn.LayerNorm(4)

    def forward(self, x: Tensor, mask: Optional[Tensor] = None) -> Tensor:
        q, k, v = self.q(x), self.k(x), self.v(x)
        s = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(4.0)
        if mask is not None:
            s = s.masked_fill(mask == 0, -1e9)
        p = self.drop(F.softmax(s, dim=-1))
        return self.norm(torch.matmul(p, v) + x)


class WithEmbeddingBag(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(10, 3)

    def forward(self, idx: Tensor) -> Tensor:
        return self.emb(idx).mean(1)


class Conv1dNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = nn.Conv1d(2, 3, 2)
        self.bn = nn.BatchNorm1d(3)

    def forward(self, x: Tensor) -> Tensor:
        return torch.sigmoid(self.bn(self.c(x)))
'''

FUNCTIONS = [name for name in [
    "helper_add", "helper_tensor",
    "f_arith", "f_tensor_ops", "f_if", "f_for_range", "f_while", "f_list_ops", "f_list_comp",
    "f_tensor_list", "f_dict_ops", "f_dict_comp", "f_dict_tensor", "f_tuples", "f_tuple_index",
    "f_strings", "f_string_escapes", "f_fstring", "f_optional", "f_optional_ret", "f_union",
    "f_any", "f_raise", "f_try_like", "f_class", "f_with", "f_namedtuple", "f_namedtuple_tensor",
    "f_enum", "f_enum_str", "f_interface", "f_use_interface", "f_fork", "f_fork_nested",
    "f_call_helpers", "f_floats", "f_float_consts", "f_int_consts", "f_complex", "f_bool_logic",
    "f_nested_loops", "f_enumerate_zip", "f_tensor_index", "f_tensor_creation", "f_tensor_props",
    "f_inplace", "f_ternary", "f_math", "f_isinstance", "f_annotated_empty", "f_device",
    "f_print", "f_list_of_tuples", "f_sorted", "f_chained_cmp", "f_unary",
    "f_min_max_lists", "f_break_in_while", "f_closure_like", "f_getattr_chain",
    "f_int_float_conv", "f_dtype_args", "f_list_tensor_dims", "f_grad_mode", "f_many_outputs",
    "f_loop_carried", "f_del", "f_augassign_list", "f_str_ops", "f_optional_list",
    "f_dict_of_lists", "f_nested_if_return", "f_range_len", "f_tensor_math", "f_conv",
    "f_uninit", "f_list_of_lists_const", "f_tuple_consts", "f_dict_consts", "f_none_consts",
    "f_complex_consts",
]]

MODULE_CTORS = [
    ("MLP", lambda m: m.MLP()),
    ("ConvBN", lambda m: m.ConvBN()),
    ("SmallConvNet", lambda m: m.SmallConvNet()),
    ("TinyConst", lambda m: m.TinyConst()),
    ("WithAttrs", lambda m: m.WithAttrs()),
    ("WithConstants", lambda m: m.WithConstants()),
    ("WithModuleList", lambda m: m.WithModuleList()),
    ("WithSequential", lambda m: m.WithSequential()),
    ("WithInterface", lambda m: m.WithInterface()),
    ("WithMethods", lambda m: m.WithMethods()),
    ("WithState", lambda m: m.WithState()),
    ("WithFork", lambda m: m.WithFork()),
    ("WithTupleIO", lambda m: m.WithTupleIO()),
    ("WithNamedTuple", lambda m: m.WithNamedTuple()),
    ("WithOptionalModuleOn", lambda m: m.WithOptionalModule(True)),
    ("WithOptionalModuleOff", lambda m: m.WithOptionalModule(False)),
    ("WithRNN", lambda m: m.WithRNN()),
    ("WithClassAttr", lambda m: m.WithClassAttr()),
    ("Attention", lambda m: m.Attention()),
    ("WithEmbeddingBag", lambda m: m.WithEmbeddingBag()),
    ("Conv1dNet", lambda m: m.Conv1dNet()),
]

# Graph passes applied to copies of function graphs (each gives one graph).
PASSES = [
    ("constprop", ["_jit_pass_inline", "_jit_pass_constant_propagation"]),
    ("opt", ["_jit_pass_inline", "_jit_pass_constant_propagation", "_jit_pass_dce",
             "_jit_pass_cse", "_jit_pass_peephole", "_jit_pass_constant_pooling"]),
    ("lowertup", ["_jit_pass_inline", "_jit_pass_lower_all_tuples", "_jit_pass_dce"]),
    ("unroll", ["_jit_pass_inline", "_jit_pass_constant_propagation",
                "_jit_pass_loop_unrolling", "_jit_pass_dce"]),
    ("nomut", ["_jit_pass_inline", "_jit_pass_remove_mutation", "_jit_pass_dce"]),
]


def run_passes(graph, names):
    g = graph.copy()
    for name in names:
        fn = getattr(torch._C, name)
        try:
            if name == "_jit_pass_peephole":
                fn(g, True)  # disable_shape_peepholes
            else:
                fn(g)
        except RuntimeError:  # lower_all_tuples gives up on some graphs
            return None
    return g


class Corpus:
    def __init__(self, outdir):
        self.outdir = outdir
        self.seen = set()
        self.count = 0

    def add(self, name, graph):
        if graph is None:
            return
        text = str(graph)
        if text in self.seen:
            return
        self.seen.add(text)
        with open(os.path.join(self.outdir, name + ".ir"), "w") as f:
            f.write(text)
        self.count += 1


def float_magnitude_graphs(corpus):
    """Constants of many magnitudes, made by constant propagation."""
    values = ["0.1", "1e-05", "1e16", "1e20", "-0.0", "float('inf')", "float('-inf')",
              "float('nan')", "2.5e-310", "5e-324", "1.7976931348623157e308", "1e10",
              "9999999999.0", "10000000000.0", "123456789012345678.0", "0.30000000000000004",
              "1.0 / 3.0", "2.0 ** 0.5", "-1e-7", "65504.0", "1e-45", "3.4028234663852886e38",
              "0.5", "100.0", "-2.5", "1e100", "-1e-100", "123.456", "6.02214076e23"]
    lines = ["def fmt(x: float) -> List[float]:"]
    lines.append("    out: List[float] = []")
    for i, v in enumerate(values):
        lines.append(f"    out.append(x * ({v}))")
        lines.append(f"    out.append({v})")
    lines.append("    return out")
    src = "\n".join(lines) + "\n"
    cu = torch.jit.CompilationUnit(src)
    g = cu.fmt.graph.copy()
    torch._C._jit_pass_constant_propagation(g)
    corpus.add("float_magnitudes", g)
    # the same values as tensor constants of every printed form
    g2 = torch._C.Graph()
    tensors = [
        torch.tensor([0.1, 1e-5, 1e16]), torch.tensor([1e20, -0.0]), torch.tensor(2.5e-310, dtype=torch.float64),
        torch.tensor([float("inf"), float("-inf"), float("nan")]), torch.tensor([1.5, 2.5, 3.5]),
        torch.tensor([1e-3, 2e-3]), torch.tensor([123456.0, 1.0]), torch.tensor([1e10, 1.0]),
        torch.tensor([[1, 2, 3], [4, 5, 6]]), torch.tensor([True, False, True]),
        torch.tensor([1, 2], dtype=torch.uint8), torch.tensor([1.5, -2.25], dtype=torch.float64),
        torch.tensor([0.5, 0.25], dtype=torch.float16), torch.arange(10.0).reshape(2, 5) / 3,
        torch.arange(10.0).reshape(2, 1, 5) - 4.5, torch.arange(8.0).reshape(2, 2, 2) * 1e6,
        torch.ones(1, 10) * 1e-8, torch.zeros(0), torch.zeros(2, 0), torch.zeros(0, 3, 1),
        torch.tensor(7), torch.tensor(0.5), torch.tensor(-3.25e-8), torch.tensor(True),
        torch.tensor([1234567.0]), torch.arange(11.0), torch.randn(4, 4, generator=torch.Generator().manual_seed(1)),
        torch.tensor([-1.0, 1.0]), torch.tensor([0.0001, 0.00011]), torch.tensor([99999.5, 1.0]),
        torch.tensor([1e-10, 1.0]), torch.tensor([5.0, float("nan")]), torch.tensor([2.0**40, 1.0]),
        torch.tensor([[1e-5, 2e-5], [3e-5, 4e-5]]), torch.tensor([1, -2, 3], dtype=torch.int8),
        torch.tensor([[0.5, 1.5], [2.5, 3.5]]).t(),
    ]
    for t in tensors:
        g2.insertConstant(t)
    corpus.add("tensor_constants", g2)


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        sys.exit(2)
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    srcdir = os.path.join(outdir, "_src")
    if os.path.isdir(srcdir):
        shutil.rmtree(srcdir)
    os.makedirs(srcdir)
    with open(os.path.join(srcdir, "ir_corpus_src.py"), "w") as f:
        f.write(SOURCE + MODULES)
    sys.path.insert(0, srcdir)
    torch.manual_seed(0)
    mod = importlib.import_module("ir_corpus_src")
    corpus = Corpus(outdir)

    for name in FUNCTIONS:
        fn = torch.jit.script(getattr(mod, name))
        corpus.add(f"fn_{name}", fn.graph)
        corpus.add(f"fn_{name}_inlined", fn.inlined_graph)
        for pname, passes in PASSES:
            corpus.add(f"fn_{name}_{pname}", run_passes(fn.graph, passes))

    for name, ctor in MODULE_CTORS:
        m = torch.jit.script(ctor(mod))
        corpus.add(f"mod_{name}", m.graph)
        corpus.add(f"mod_{name}_inlined", m.inlined_graph)
        for meth in m._c._method_names():
            if meth != "forward":
                corpus.add(f"mod_{name}_{meth}", getattr(m, meth).graph)
        corpus.add(f"mod_{name}_constprop", run_passes(m.graph, PASSES[0][1]))
        m.eval()
        try:
            frozen = torch.jit.freeze(m)
        except Exception as e:  # some modules cannot be frozen (mutation)
            print(f"freeze {name}: {type(e).__name__}", file=sys.stderr)
            continue
        corpus.add(f"mod_{name}_frozen", frozen.graph)
        try:
            frozen_plain = torch.jit.freeze(torch.jit.script(ctor(mod)).eval(), optimize_numerics=False)
            corpus.add(f"mod_{name}_frozen_plain", frozen_plain.graph)
        except Exception as e:
            print(f"freeze(plain) {name}: {type(e).__name__}", file=sys.stderr)
    # traced graphs: complete tensor types on every value (the inlined
    # forms print ", scope: ..." which tsi does not keep, so they are left out)
    for name, ctor, example in [
        ("MLP", lambda m: m.MLP(), (torch.randn(2, 4),)),
        ("ConvBN", lambda m: m.ConvBN().eval(), (torch.randn(1, 3, 5, 5),)),
        ("Attention", lambda m: m.Attention().eval(), (torch.randn(2, 3, 4),)),
    ]:
        t = torch.jit.trace(ctor(mod), example)
        corpus.add(f"traced_{name}", t.graph)
    tf = torch.jit.trace(mod.traced_fn, (torch.randn(3, 2), torch.randn(2)))
    corpus.add("traced_fn", tf.graph)
    corpus.add("traced_fn_constprop", run_passes(tf.graph, PASSES[1][1]))
    float_magnitude_graphs(corpus)
    print(f"wrote {corpus.count} graphs to {outdir}")


if __name__ == "__main__":
    main()
