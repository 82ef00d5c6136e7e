import torch
from typing import List, Tuple, NamedTuple, Optional, Final
from enum import Enum


def plain(x):
    return x


def annotated(x: torch.Tensor, y: int = 3, z: Optional[List[int]] = None) -> torch.Tensor:
    return x


def kwonly(a: int, *, b: int, c: int = 2) -> int:
    return a + b + c


def varargs(*args: int):
    pass


def varargs_kw(a, *args, b=1):
    pass


def commented(x, y):
    # type: (Tensor, int) -> Tensor
    return x


def commented_same_line(x):  # type: (int) -> int
    return x


def commented_partial(x: int, y):
    # type: (int, float) -> float
    return y


def ignore_me(x):  # type: ignore
    return x


def one_liner(x): return x


@torch.jit.script
def scripted(x: int) -> int:
    return x


@torch.jit.export
@torch.jit.unused
def decorated_twice(self):
    pass


@decorator(with_args=1)
def decorated_call():
    pass


class Plain:
    pass


class Point(NamedTuple):
    x: float
    y: float = 0.0


class Color(Enum):
    RED = 1
    GREEN = 2


@torch.jit.interface
class ModuleInterface(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pass


@torch.jit.script
class Pair(object):
    def __init__(self, a: int, b: int):
        self.a = a
        self.b = b

    def swap(self):
        # type: () -> Tuple[int, int]
        return self.b, self.a


class MyModule(torch.nn.Module):
    """A docstring."""
    __constants__ = ['k']
    k: Final[int] = 3
    w: torch.Tensor
    scale: float

    def __init__(self):
        super(MyModule, self).__init__()
        self.w = torch.zeros(3)

    @torch.jit.export
    def helper(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.k

    @torch.jit.ignore
    def python_only(self, x):
        return x

    def forward(self, x: torch.Tensor, n: int = 2) -> torch.Tensor:
        def inner(y: int) -> int:
            return y + 1

        for _ in range(n):
            x = self.helper(x)
        return x


class Nested:
    class Inner:
        x: int

    def method(self):
        class Local:
            pass
        return 1


class M(Module):
  __parameters__ = ["weight", "bias", ]
  __buffers__ = ["running_mean", ]
  __annotations__ = []
  __annotations__["0"] = __torch__.torch.nn.modules.conv.Conv2d
  weight : Tensor
  bias : Optional[Tensor]
  training : bool
  _is_full_backward_hook : Optional[bool]
  stride : Final[Tuple[int, int]] = (1, 1)
  eps : Final[float] = 1.0000000000000001e-05
  name : Final[str] = "conv"
  def forward(self: __torch__.M,
    input: Tensor) -> Tensor:
    _0 = self.weight
    return _0
  def __getstate__(self: __torch__.M) -> Tuple[Tensor, bool]:
    return (self.weight, self.training)
