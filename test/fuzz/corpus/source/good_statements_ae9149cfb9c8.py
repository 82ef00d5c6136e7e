# Statements of TorchScript written by hand.
x = 1
x = y = z = 0
a, b = 1, 2
a, b, = v
(a, b) = v
[a, b] = v
a, *rest = v
*init, last = v
a, (b, c) = v
(a), b = v
x.attr = 1
x[0] = 1
x[1:2] = y
x.a.b[c].d = 5
x: int = 3
y: List[int] = []
z: Optional[Tensor]
self.w: Tensor = t
x += 1
x -= 1
x *= 2
x /= 2
x //= 2
x %= 2
x **= 2
x @= m
x <<= 1
x >>= 1
x &= 1
x |= 1
x ^= 1
x[0] += 1
x.y -= 1
del x
del x[0], y.z
del a, b,
assert x
assert x, "message"
assert x > 0, f"bad {x}"
raise
raise ValueError("bad")
raise Exception
pass
x = 1; y = 2; z = 3;
if a:
    pass
if a:
    x = 1
else:
    x = 2
if a:
    x = 1
elif b:
    x = 2
elif c:
    x = 3
else:
    x = 4
if a: x = 1
if a: x = 1; y = 2
while x < 10:
    x += 1
    if x == 5:
        break
    else:
        continue
while True: pass
for i in range(10):
    print(i)
for i, x in enumerate(xs):
    pass
for (i, x) in enumerate(xs):
    pass
for i, (x, y) in enumerate(zip(a, b)):
    pass
for x, in ys:
    pass
for k in a, b:
    pass
for x.y in z:
    pass
with torch.no_grad():
    y = x
with a as b, c as d:
    pass
with a as (b, c):
    pass
with x:
    pass
import torch
import torch.nn as nn, math
from typing import List, Dict, Optional
from typing import (
    Tuple,
    Union,
)
from . import sibling
from ..pkg.mod import thing as other
from .mod import *
def f():
    return
def g():
    return 1, 2
def h():
    return *a, b
x
x.y()
"a docstring-like expression"
...
