#!/usr/bin/python3
"""Make the torch-made archive corpus that tsi's archive tests load.

Every archive is written by the real torch (torch.jit.save / torch.save):
modules holding tensors of every dtype tsi has (float16, bfloat16 and bool
included), views sharing one storage, non-contiguous and offset views, 0-d
and empty tensors, every pickle int encoding, floats (inf, nan, -0.0,
denormals), non-ASCII strings, lists/dicts/tuples of each kind, nested
submodules, NamedTuples, Enums, TorchScript class objects, None, Optional,
devices, complex numbers; scripted and frozen modules (frozen weights live in
constants/); state dicts and other pickles through torch.save; and, on
request, every torchvision classification model that torch 1.13 can script.

Used two ways: imported by test/conformance/test_archive*.py (so the Python
classes behind the archives' enums and TorchScript classes are registered in
the test process, which torch.jit.load needs to hand them back), or run as

    /usr/bin/python3 tools/gen_archive_corpus.py OUTDIR [--torchvision [NAME...]]
"""
import math
import os
import sys
from enum import Enum
from typing import Dict, List, NamedTuple, Optional, Tuple

import torch
import torch.nn as nn
from torch import Tensor

# dtypes tsi supports (complex and quantized tensors are refused).
DTYPES = [torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64,
          torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.bool]


def values_of(dtype, n=24, seed=0):
    """Deterministic values of a dtype, special values included."""
    g = torch.Generator().manual_seed(seed)
    if dtype == torch.bool:
        return torch.randint(0, 2, (n,), generator=g).bool()
    if dtype.is_floating_point:
        t = (torch.randn(n, generator=g, dtype=torch.float64) * 100).to(dtype)
        special = [math.inf, -math.inf, math.nan, -0.0, 0.0, 1.0]
        if dtype == torch.float64:
            special += [5e-324, 1.7976931348623157e308]
        elif dtype == torch.float32:
            special += [1e-45, 3.4028234663852886e38]
        elif dtype == torch.float16:
            special += [6e-08, 65504.0]
        for i, s in enumerate(special[:n]):
            t[i] = s
        return t
    info = torch.iinfo(dtype)
    t = torch.randint(max(info.min, -1000), min(info.max, 1000), (n,), generator=g,
                      dtype=torch.int64).to(dtype)
    t[0] = info.min
    if n > 1:
        t[1] = info.max
    return t


class Color(Enum):
    RED = 1
    GREEN = 2
    BLUE = 3


class Mood(Enum):
    HAPPY = "happy"
    SAD = "sad"


class Pt(NamedTuple):
    x: int
    y: float


class Tagged(NamedTuple):
    name: str
    pt: Pt
    t: Tensor


@torch.jit.script
class Holder(object):
    def __init__(self, a: int, t: Tensor):
        self.a = a
        self.t = t
        self.names: List[str] = ["α", "b"]


class DtypeModule(nn.Module):
    def __init__(self):
        super().__init__()
        for i, dt in enumerate(DTYPES):
            name = str(dt).replace("torch.", "")
            setattr(self, "t_" + name, values_of(dt, seed=i).reshape(2, 3, 4))
            setattr(self, "s_" + name, values_of(dt, n=1, seed=i + 50).reshape(()))
        self.p = nn.Parameter(torch.randn(3, 2))
        self.register_buffer("buf", torch.arange(5, dtype=torch.float64))

    def forward(self, x):
        return x


class ViewModule(nn.Module):
    def __init__(self):
        super().__init__()
        base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
        self.base = base
        self.same = base                       # the very same tensor
        self.row = base[1]                      # offset, contiguous
        self.col = base[:, 2]                   # offset + stride
        self.tr = base.t()                      # transposed
        self.sub = base[1:, 2:]                 # offset, non-contiguous
        self.step = base[::2, ::3]              # strided
        self.elem = base[2, 3]                  # 0-d view with offset
        self.flat = base.view(-1)
        self.expanded = torch.ones(3, 1).expand(3, 4)   # stride 0
        self.chlast = torch.randn(2, 3, 4, 5).contiguous(memory_format=torch.channels_last)
        self.empty = torch.empty(0)
        self.empty3 = torch.zeros(2, 0, 3)
        self.empty_view = base[4:, :]           # empty view at the storage's end
        self.zero_d = torch.tensor(3.5)
        big = torch.arange(100, dtype=torch.int16)
        self.small_of_big = big[10:12]          # tiny view of a big storage
        self.big = big
        self.half_view = torch.randn(4, 4).half()[:, 1::2]
        self.bf16_view = torch.randn(6).bfloat16()[1:4]
        self.bool_view = (torch.arange(10) % 3 == 0)[2:]
        self.tl: List[Tensor] = [base[0], base[3], torch.ones(2)]
        self.td: Dict[str, Tensor] = {"a": base[:, 0], "b": torch.zeros(1, dtype=torch.int64)}

    def forward(self, x):
        return x


class ScalarModule(nn.Module):
    def __init__(self):
        super().__init__()
        ints = [0, 1, 255, 256, 65535, 65536, 2**31 - 1, -1, -2**31, 2**31, -2**31 - 1,
                2**40, -2**40, 2**63 - 1, -2**63]
        for i, v in enumerate(ints):
            setattr(self, f"i{i}", v)
        floats = [0.0, -0.0, 1.5, -2.25, 1e300, 5e-324, math.inf, -math.inf, math.nan,
                  0.1, 1e16, 123456789.125]
        for i, v in enumerate(floats):
            setattr(self, f"f{i}", v)
        self.s_empty = ""
        self.s_ascii = "hello world"
        self.s_latin = "café"
        self.s_cjk = "日本語のテキスト"
        self.s_emoji = "emoji 😀 ok"
        self.s_escape = "quote \" backslash \\ tab \t newline \n end"
        self.s_long = "x" * 5000
        self.b_true = True
        self.b_false = False
        self.none = None
        self.opt_none: Optional[int] = None
        self.opt_some: Optional[int] = 7
        self.opt_tensor: Optional[Tensor] = None
        self.dev = torch.device("cpu")
        self.cx = complex(1.5, -2.0)
        self.cx2 = complex(0.0, math.inf)

    def forward(self, x):
        return x


class ContainerModule(nn.Module):
    ints: List[int]
    floats: List[float]
    bools: List[bool]
    strs: List[str]
    empty_ints: List[int]
    empty_strs: List[str]
    nested: List[List[int]]
    nested_strs: List[List[str]]
    opt_list: List[Optional[int]]
    tup_list: List[Tuple[int, str]]
    d_si: Dict[str, int]
    d_is: Dict[int, str]
    d_fs: Dict[float, str]
    d_st: Dict[str, Tensor]
    d_sl: Dict[str, List[int]]
    d_stup: Dict[str, Tuple[int, float]]
    d_empty: Dict[str, Tensor]
    d_unicode: Dict[str, str]
    tup: Tuple[int, str, float]
    tup_nested: Tuple[Tuple[int, int], Tuple[str, Tuple[bool, float]]]
    tup_tensor: Tuple[Tensor, int]
    tup_empty: Tuple[()]
    big_list: List[int]
    dev_list: List[torch.device]

    def __init__(self):
        super().__init__()
        self.ints = [1, -2, 300, 70000, 2**40, -2**63]
        self.floats = [1.0, -0.0, math.inf, 2.5e-10]
        self.bools = [True, False, True]
        self.strs = ["a", "", "ünïcödé", "日本"]
        self.empty_ints = []
        self.empty_strs = []
        self.nested = [[1, 2], [], [3]]
        self.nested_strs = [["x"], ["y", "z"]]
        self.opt_list = [1, None, 3]
        self.tup_list = [(1, "one"), (2, "two")]
        self.d_si = {"one": 1, "two": 2, "zwölf": 12}
        self.d_is = {3: "three", -1: "minus one"}
        self.d_fs = {1.5: "x", -0.5: "y"}
        self.d_st = {"w": torch.randn(2, 2), "b": torch.arange(3)}
        self.d_sl = {"a": [1, 2], "b": []}
        self.d_stup = {"p": (1, 2.0)}
        self.d_empty = {}
        self.d_unicode = {"ключ": "значение"}
        self.tup = (1, "two", 3.0)
        self.tup_nested = ((1, 2), ("x", (True, 0.5)))
        self.tup_tensor = (torch.ones(2, 2), 5)
        self.tup_empty = ()
        self.big_list = list(range(-500, 1500, 3))
        self.dev_list = [torch.device("cpu")]

    def forward(self, x):
        return x


class Leaf(nn.Module):
    def __init__(self, n: int):
        super().__init__()
        self.lin = nn.Linear(n, n)
        self.register_buffer("count", torch.tensor(n))
        self.label = f"leaf{n}"

    def forward(self, x):
        return self.lin(x)


class NestedModule(nn.Module):
    colors: List[Color]

    def __init__(self):
        super().__init__()
        self.seq = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.BatchNorm1d(3))
        self.mlist = nn.ModuleList([Leaf(2), Leaf(3)])
        self.mdict = nn.ModuleDict({"first": Leaf(1), "second": nn.Identity()})
        self.deep = nn.Sequential(nn.Sequential(nn.Sequential(Leaf(5))))
        self.color = Color.GREEN
        self.mood = Mood.SAD
        self.colors = [Color.RED, Color.BLUE]
        self.pt = Pt(3, 4.5)
        self.tagged = Tagged("t", Pt(-1, 0.25), torch.arange(4.0))
        self.holder = Holder(11, torch.ones(3))
        self.shared_leaf_weight = self.mlist[0].lin.weight   # aliases a parameter

    def forward(self, x):
        return self.seq(x)


class ConvBN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.bn = nn.BatchNorm2d(8)
        self.fc = nn.Linear(8, 4)

    def forward(self, x):
        y = self.bn(self.conv(x))
        return self.fc(y.mean(dim=(2, 3)))


class CodeConstants(nn.Module):
    """Non-ASCII strings in code go to constants.pkl."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(2))

    def forward(self, x):
        if x.sum() > 0:
            print("größer als null ✓")
        return x * self.w, "résumé"


class Gelu(nn.Module):
    """gelu bumps the archive version to 10 (written as .data/version)."""

    def forward(self, x):
        return torch.nn.functional.gelu(x)


def scripted(name, module):
    return ("jit", name, lambda path: torch.jit.script(module).save(path))


def frozen(name, module):
    def save(path):
        torch.jit.freeze(torch.jit.script(module.eval())).save(path)
    return ("jit", name, save)


def saved(name, make):
    return ("save", name, lambda path: torch.save(make(), path))


def _shared_views():
    base = torch.arange(12, dtype=torch.float64).reshape(3, 4)
    return {"base": base, "row": base[1], "tr": base.t(), "elem": base[2, 1],
            "other": torch.ones(2, dtype=torch.int32)}


def _checkpoint():
    torch.manual_seed(1)
    m = NestedModule()
    return {"model": m.state_dict(), "epoch": 7, "lr": 0.125, "names": ["a", "ß"],
            "history": [1.5, 2.5], "best": None, "flags": (True, 3),
            "shape": torch.Size([2, 3])}


def _params():
    torch.manual_seed(2)
    return {"p": nn.Parameter(torch.randn(3)), "frozen": nn.Parameter(torch.ones(2), requires_grad=False),
            "plain": torch.zeros(2, 2)}


def corpus():
    """(kind, name, save(path)) for every archive of the small corpus."""
    torch.manual_seed(0)
    items = [
        scripted("dtypes", DtypeModule()),
        scripted("views", ViewModule()),
        scripted("scalars", ScalarModule()),
        scripted("containers", ContainerModule()),
        scripted("nested", NestedModule()),
        scripted("convbn", ConvBN().eval()),
        frozen("convbn_frozen", ConvBN()),
        frozen("nested_frozen", NestedModule()),
        scripted("code_constants", CodeConstants()),
        scripted("gelu_v10", Gelu()),
        saved("sd_convbn", lambda: ConvBN().state_dict()),
        saved("sd_nested", lambda: NestedModule().state_dict()),
        saved("save_views", _shared_views),
        saved("save_checkpoint", _checkpoint),
        saved("save_params", _params),
        saved("save_tensor", lambda: torch.arange(10).reshape(2, 5)[:, 1:]),
        saved("save_list", lambda: [torch.ones(2), 5, "x", torch.zeros(0)]),
        saved("save_dtypes", lambda: {str(dt): values_of(dt, seed=i) for i, dt in enumerate(DTYPES)}),
    ]
    return items


def generate(outdir):
    """Write the small corpus into outdir; returns [(kind, name, path)]."""
    os.makedirs(outdir, exist_ok=True)
    out = []
    for kind, name, save in corpus():
        path = os.path.join(outdir, name + ".pt")
        save(path)
        out.append((kind, name, path))
    return out


def torchvision_models():
    """Names of torchvision's classification models."""
    from torchvision import models
    return models.list_models(module=models)


def generate_torchvision(outdir, name):
    """Script torchvision model `name` (random weights, eval mode) into
    outdir/name.pt. Returns the path, or None if torch cannot script it."""
    from torchvision import models
    path = os.path.join(outdir, name + ".pt")
    if os.path.exists(path):
        return path
    os.makedirs(outdir, exist_ok=True)
    torch.manual_seed(0)
    m = models.get_model(name, weights=None).eval()
    try:
        s = torch.jit.script(m)
    except Exception:  # torch 1.13 cannot script every model
        return None
    tmp = path + ".tmp"
    s.save(tmp)
    os.replace(tmp, path)
    return path


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    for kind, name, path in generate(out):
        print(kind, path)
    if "--torchvision" in sys.argv:
        names = sys.argv[sys.argv.index("--torchvision") + 1:] or torchvision_models()
        for n in names:
            print("torchvision", n, generate_torchvision(os.path.join(out, "torchvision"), n))
